"""arm_deployment through real ansible-playbook runs: retries on throttling and transient faults, failed
operations in the message, secure values kept out of every output, complete mode, and the action group's
module_defaults reaching the module (no task below sets a credential)."""

from __future__ import annotations

import json
import subprocess

import pytest
from playbook_runs import ANSIBLE_PLAYBOOK, COLLECTIONS_PATH, REPOSITORY_ROOT, last_request_sequence

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")
RESOURCE_GROUP = "rg-module-tests"
MONITORING = REPOSITORY_ROOT / "arm-templates" / "monitoring"
SECRET = "s3cret-Value-that-must-never-show-7781"


def play(tmp_path, endpoint, tasks: list, *, check: bool = False, verbosity: str = "-v"):
    connection = json.loads((endpoint.state_dir / "connection.json").read_text())
    deployer = connection["principals"]["deployer"]
    playbook = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": {
                "group/it4ad.dlinfra.azure": {
                    "subscription_id": connection["subscription_id"],
                    "cloud": connection["metadata_url"],
                    "ca_bundle": connection["ca_bundle"],
                    "client_id": deployer["client_id"],
                    "secret": deployer["client_secret"],
                    "tenant": connection["tenant_id"],
                    "polling_interval": 0.05,
                }
            },
            "tasks": tasks,
        }
    ]
    path = tmp_path / "play.yml"
    path.write_text(json.dumps(playbook))
    since = last_request_sequence(endpoint)
    command = [str(ANSIBLE_PLAYBOOK), str(path), "-i", "localhost,", "-c", "local", verbosity]
    if check:
        command.append("--check")
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={
            "PATH": str(ANSIBLE_PLAYBOOK.parent) + ":/usr/bin:/bin",
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
            "ANSIBLE_NOCOLOR": "1",
            "HOME": str(tmp_path),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
        },
    )
    return completed, endpoint.requests_log(since=str(since))


def monitoring_task(**overrides) -> dict:
    options = {
        "template": str(MONITORING / "monitoring.json"),
        "parameters_file": str(MONITORING / "monitoring.parameters.int.json"),
        "parameters": {"location": "westeurope", "namePrefix": "modt", "environmentName": "int"},
        "resource_group": RESOURCE_GROUP,
        "location": "westeurope",
        "name": "module-test-monitoring",
    }
    options.update(overrides)
    return {"name": "monitoring", "it4ad.dlinfra.arm_deployment": options, "register": "result"}


@pytest.fixture(autouse=True)
def no_faults(endpoint):
    endpoint.admin("DELETE", "faults")
    yield
    endpoint.admin("DELETE", "faults")


def test_throttling_and_transient_faults_are_retried(tmp_path, endpoint):
    endpoint.admin(
        "POST", "faults", {"method": "POST", "path": "/whatIf$", "count": 2, "status": 429, "retry_after": 1}
    )
    endpoint.admin("POST", "faults", {"method": "POST", "path": "/validate$", "count": 1, "status": 503})
    endpoint.admin(
        "POST", "faults", {"method": "GET", "path": f"/resourcegroups/{RESOURCE_GROUP}$", "count": 1, "status": "drop"}
    )
    completed, requests = play(tmp_path, endpoint, [monitoring_task()])
    assert completed.returncode == 0, completed.stdout[-4000:]
    statuses = [(entry["method"], entry["path"].rsplit("/", 1)[-1], entry["status"]) for entry in requests]
    assert statuses.count(("POST", "whatIf", 429)) == 2, statuses
    assert ("POST", "validate", 503) in statuses and ("POST", "validate", 200) in statuses, statuses
    assert any(entry["method"] == "PUT" and entry["path"].endswith("/module-test-monitoring") for entry in requests)


def test_a_failed_deployment_names_each_failed_operation(tmp_path, endpoint):
    component = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/providers/"
        "Microsoft.Insights/components/modf-int-appi"
    )
    failure = {
        "resource_id": component,
        "code": "QuotaExceeded",
        "message": "Operation could not be completed as it results in exceeding quota.",
    }
    endpoint.admin("POST", "provisioning-failures", failure)
    task = monitoring_task(
        parameters={"location": "westeurope", "namePrefix": "modf", "environmentName": "int"},
        name="module-test-failing",
    )
    completed, dummy = play(tmp_path, endpoint, [task])
    assert completed.returncode != 0, completed.stdout[-4000:]
    assert "Failed operations:" in completed.stdout, completed.stdout[-4000:]
    failed_line = next(line for line in completed.stdout.splitlines() if "/components/modf-int-appi:" in line)
    assert "HTTP BadRequest ResourceDeploymentFailure:" in failed_line, failed_line
    assert "Traceback" not in completed.stdout


def test_secure_parameters_and_outputs_never_appear(tmp_path, endpoint):
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"token": {"type": "securestring"}},
        "resources": [],
        "outputs": {
            "token": {"type": "securestring", "value": "[parameters('token')]"},
            "length": {"type": "int", "value": "[length(parameters('token'))]"},
        },
    }
    path = tmp_path / "secure.json"
    path.write_text(json.dumps(template))
    task = {
        "it4ad.dlinfra.arm_deployment": {
            "template": str(path),
            "parameters": {"token": SECRET},
            "resource_group": RESOURCE_GROUP,
            "location": "westeurope",
        },
        "register": "result",
    }
    show = {"ansible.builtin.debug": {"var": "result"}}
    for check in (True, False):
        completed, dummy = play(tmp_path, endpoint, [task, show], check=check, verbosity="-vvv")
        assert completed.returncode == 0, completed.stdout[-4000:]
        assert SECRET not in completed.stdout + completed.stderr
    assert f'"length": {len(SECRET)}' in completed.stdout, completed.stdout[-3000:]


def test_complete_mode_shows_and_makes_the_delete(tmp_path, endpoint):
    empty = tmp_path / "empty.json"
    empty.write_text(
        json.dumps(
            {
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "resources": [],
            }
        )
    )
    play(tmp_path, endpoint, [monitoring_task()])
    task = {
        "it4ad.dlinfra.arm_deployment": {
            "template": str(empty),
            "resource_group": RESOURCE_GROUP,
            "mode": "complete",
            "name": "module-test-complete",
        },
        "register": "result",
    }
    checked, requests = play(
        tmp_path, endpoint, [task, {"ansible.builtin.debug": {"var": "result.change_summary"}}], check=True
    )
    assert checked.returncode == 0, checked.stdout[-4000:]
    assert "- Microsoft.OperationalInsights/workspaces/modt-int-log (Delete)" in checked.stdout, checked.stdout[-3000:]
    assert not [entry for entry in requests if entry["method"] in ("PUT", "DELETE")]
    completed, dummy = play(tmp_path, endpoint, [task])
    assert completed.returncode == 0, completed.stdout[-4000:]
    gone = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/providers/"
        "Microsoft.OperationalInsights/workspaces/modt-int-log",
        api_version="2022-10-01",
    )
    assert gone.status_code == 404


def test_every_module_of_the_action_group_renders_in_ansible_doc():
    runtime = (REPOSITORY_ROOT / "meta" / "runtime.yml").read_text()
    modules = sorted(path.stem for path in (REPOSITORY_ROOT / "plugins" / "modules").glob("*.py"))
    for name in modules:
        if name not in ("environment_plan", "functional_validation"):  # controller-side, no Azure call
            assert f"- {name}\n" in runtime, f"{name} is not in the azure action group"
        completed = subprocess.run(
            [str(ANSIBLE_PLAYBOOK.parent / "ansible-doc"), f"it4ad.dlinfra.{name}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={"ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH), "PATH": "/usr/bin:/bin", "ANSIBLE_NOCOLOR": "1"},
        )
        assert completed.returncode == 0, completed.stderr
        assert "EXAMPLES" in completed.stdout and "RETURN VALUES" in completed.stdout, name


def test_every_module_example_is_a_valid_task_list(tmp_path):
    """The EXAMPLES of every module parse as tasks that name the collection's modules by FQCN."""
    import ast

    import yaml

    for path in sorted((REPOSITORY_ROOT / "plugins" / "modules").glob("*.py")):
        tree = ast.parse(path.read_text())
        examples = next(
            node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES"
        )
        tasks = yaml.safe_load(examples)
        assert isinstance(tasks, list) and tasks, path.name
        assert any(f"it4ad.dlinfra.{path.stem}" in json.dumps(task) for task in tasks), path.name
        playbook = tmp_path / f"{path.stem}.yml"
        playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
        completed = subprocess.run(
            [str(ANSIBLE_PLAYBOOK), "--syntax-check", str(playbook), "-i", "localhost,"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={
                "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                "PATH": "/usr/bin:/bin",
                "HOME": str(tmp_path),
                "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
            },
        )
        assert completed.returncode == 0, f"{path.name}: {completed.stdout}{completed.stderr}"
