"""ml_datastore, ml_datastore_info, ml_workspace_info and ml_compute_info through real ``ansible-playbook`` runs
against the local endpoint. The workspace and compute come from the project's own templates; every outcome is
checked with raw ARM requests and the endpoint's request log, never with the modules under test."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The linked resources, datastore body and template deployment helpers of the ML provider tests.
import test_machine_learning as ml_provider_tests
import yaml
from test_machine_learning import ACCOUNT, GROUP, LOCATION, SUBNET, _blob_datastore, _deploy, _workspace_path

# Their module-scoped fixtures, used here by name: the resource group with storage, Key Vault, registry, App Insights.
storage = ml_provider_tests.storage
linked = ml_provider_tests.linked

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS = REPOSITORY_ROOT / ".build" / "collections"
PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
DATASTORE_VERSION = "2024-10-01-preview"
WORKSPACE = "it4-perception-dev"
COMPUTE = "cpu-cluster"
SECRET = "bG9jYWwta2V5LWZvci1tbC1tb2R1bGVzLXRlc3Q="
OWNERSHIP = {"managed-by": "it4ad.dlinfra"}
WRITES = ("PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def workspace(endpoint, linked, storage):  # pylint: disable=redefined-outer-name
    """The project's mlworkspace and mlcompute templates deployed into the linked resources."""
    storage.blob_containers.create(GROUP, ACCOUNT, "datasets", {})
    common = {
        "location": LOCATION,
        "namePrefix": "it4",
        "environmentName": "dev",
        "subnetId": SUBNET.format(subscription=endpoint.subscription_id),
    }
    deployed = _deploy(
        endpoint,
        "mlworkspace-modules",
        "mlworkspace",
        workPackageName="perception",
        storageAccountId=linked["storageAccount"],
        keyVaultId=linked["keyVault"],
        applicationInsightsId=linked["applicationInsights"],
        containerRegistryId=linked["containerRegistry"],
        logAnalyticsWorkspaceId=linked["logAnalyticsWorkspace"],
        **common,
    )
    assert deployed.properties.provisioning_state == "Succeeded", deployed.properties.error
    compute = _deploy(
        endpoint,
        "mlcompute-modules",
        "mlcompute",
        workspaceName=WORKSPACE,
        workPackageName="perception",
        computeName=COMPUTE,
        computeVmSize="Standard_DS3_v2",
        computeMaxNodes=2,
        **common,
    )
    assert compute.properties.provisioning_state == "Succeeded", compute.properties.error
    return _workspace_path(linked, WORKSPACE)


def azure_defaults(endpoint, **overrides) -> dict:
    deployer = endpoint.principal("deployer")
    return {
        "auth_source": "auto",
        "cloud": endpoint.connection["metadata_url"],
        "ca_bundle": endpoint.ca,
        "client_id": deployer["client_id"],
        "secret": deployer["client_secret"],
        "tenant": deployer.get("tenant_id", endpoint.tenant_id),
        "subscription_id": endpoint.subscription_id,
        "polling_interval": 0.05,
        **overrides,
    }


def run_playbook(endpoint, tmp_path, tasks, *, check=False, defaults=None):
    """Runs ``tasks`` (module name -> options) in one play; returns (the registered results, the process)."""
    results_file = tmp_path / "results.json"
    results_file.unlink(missing_ok=True)
    play_tasks = []
    for index, (module, options) in enumerate(tasks):
        play_tasks.append(
            {
                "name": f"task {index}",
                f"it4ad.dlinfra.{module}": options,
                "register": f"result_{index}",
                "ignore_errors": True,
            }
        )
    play_tasks.append(
        {
            "name": "keep the results",
            "check_mode": False,
            "ansible.builtin.copy": {
                "dest": str(results_file),
                "content": "{{ [" + ", ".join(f"result_{index}" for index in range(len(tasks))) + "] | to_json }}",
            },
        }
    )
    play = {
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "tasks": play_tasks,
        "module_defaults": {"group/it4ad.dlinfra.azure": azure_defaults(endpoint) if defaults is None else defaults},
    }
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([play], sort_keys=False))
    environment = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
    }
    for name in [name for name in environment if name.startswith("AZURE_")]:
        del environment[name]
    command = [PLAYBOOK, "-i", "localhost,", "-e", f"ansible_python_interpreter={sys.executable}", str(playbook)]
    if check:
        command += ["--check", "--diff"]
    process = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False
    )
    assert results_file.exists(), f"ansible-playbook failed:\n{process.stdout}\n{process.stderr}"
    return json.loads(results_file.read_text()), process


def last_seq(endpoint) -> int:
    return endpoint.admin("GET", "requests")["last_seq"]


def writes_since(endpoint, since: int) -> list[tuple[str, str]]:
    return [(item["method"], item["path"]) for item in endpoint.requests_log(since=since) if item["method"] in WRITES]


def get_datastore(endpoint, workspace, name):
    return endpoint.call("GET", f"{workspace}/datastores/{name}", api_version=DATASTORE_VERSION)


def ok(result) -> dict:
    assert not result.get("failed"), result.get("msg")
    return result


DATASTORES = [
    {
        "name": "shared_datasets",
        "account_name": ACCOUNT,
        "container_name": "datasets",
        "description": "Shared training and evaluation datasets.",
        "tags": {"workpackage": "perception"},
    },
    {
        "name": "shared_metrics",
        "account_name": ACCOUNT,
        "container_name": "metrics",
        "credentials": {"account_key": SECRET},
    },
]


def present(datastores, **options):
    return ("ml_datastore", {"resource_group": GROUP, "workspace_name": WORKSPACE, "datastores": datastores, **options})


def test_check_run_check_rerun_then_update(endpoint, workspace, tmp_path):
    since = last_seq(endpoint)
    [checked], process = run_playbook(endpoint, tmp_path, [present(DATASTORES)], check=True)
    assert ok(checked)["changed"] and checked["created"] == ["shared_datasets", "shared_metrics"]
    assert "workspaceblobstore" in checked["diff"]["before"] and "shared_datasets" not in checked["diff"]["before"]
    assert "shared_datasets" in checked["diff"]["after"]
    assert writes_since(endpoint, since) == [], "check mode wrote"
    assert get_datastore(endpoint, workspace, "shared_datasets").status_code == 404

    [applied], process = run_playbook(endpoint, tmp_path, [present(DATASTORES)])
    assert ok(applied)["changed"] and applied["created"] == ["shared_datasets", "shared_metrics"]
    assert SECRET not in process.stdout + process.stderr and SECRET not in json.dumps(applied)
    stored = get_datastore(endpoint, workspace, "shared_datasets").json()["properties"]
    assert (stored["accountName"], stored["containerName"], stored["description"]) == (
        ACCOUNT,
        "datasets",
        "Shared training and evaluation datasets.",
    )
    assert stored["tags"] == {"workpackage": "perception", **OWNERSHIP}
    assert stored["credentials"]["credentialsType"] == "None"
    keyed = get_datastore(endpoint, workspace, "shared_metrics").json()["properties"]
    assert keyed["credentials"]["credentialsType"] == "AccountKey" and keyed["tags"] == OWNERSHIP
    returned = {item["name"]: item for item in applied["datastores"]}
    assert returned["shared_metrics"]["credentials_type"] == "account_key"
    assert returned["workspaceblobstore"]["is_default"] is True

    [rechecked], dummy = run_playbook(endpoint, tmp_path, [present(DATASTORES)], check=True)
    assert ok(rechecked)["changed"] is False, rechecked.get("differences")
    since = last_seq(endpoint)
    [rerun], dummy = run_playbook(endpoint, tmp_path, [present(DATASTORES)])
    assert ok(rerun)["changed"] is False and rerun["created"] == rerun["updated"] == rerun["removed"] == []
    assert writes_since(endpoint, since) == [], "an unchanged rerun wrote"

    changed = [dict(DATASTORES[0], description="Datasets, v2"), DATASTORES[1]]
    [updated], dummy = run_playbook(endpoint, tmp_path, [present(changed)])
    assert ok(updated)["changed"] and updated["updated"] == ["shared_datasets"]
    assert updated["differences"] == {"shared_datasets": ["description"]}
    assert updated["diff"]["before"]["shared_datasets"]["description"] == "Shared training and evaluation datasets."
    assert updated["diff"]["after"]["shared_datasets"]["description"] == "Datasets, v2"
    stored = get_datastore(endpoint, workspace, "shared_datasets").json()["properties"]
    assert stored["description"] == "Datasets, v2"


def test_exclusive_detaches_managed_datastores_only(endpoint, workspace, tmp_path):
    scratch = endpoint.call(
        "PUT",
        f"{workspace}/datastores/dev_scratch",
        api_version=DATASTORE_VERSION,
        body=_blob_datastore({"credentialsType": "None"}),
    )
    assert scratch.status_code in (200, 201), scratch.text
    [setup], dummy = run_playbook(endpoint, tmp_path, [present(DATASTORES)])
    ok(setup)
    keep = [DATASTORES[0]]
    since = last_seq(endpoint)
    [checked], dummy = run_playbook(endpoint, tmp_path, [present(keep, exclusive=True)], check=True)
    assert ok(checked)["changed"] and checked["removed"] == ["shared_metrics"]
    assert writes_since(endpoint, since) == []
    [applied], dummy = run_playbook(endpoint, tmp_path, [present(keep, exclusive=True)])
    assert ok(applied)["changed"] and applied["removed"] == ["shared_metrics"] and applied["created"] == []
    assert get_datastore(endpoint, workspace, "shared_metrics").status_code == 404
    assert get_datastore(endpoint, workspace, "dev_scratch").status_code == 200, "an untagged datastore was touched"
    assert get_datastore(endpoint, workspace, "workspaceblobstore").status_code == 200
    since = last_seq(endpoint)
    [rerun], dummy = run_playbook(endpoint, tmp_path, [present(keep, exclusive=True)])
    assert ok(rerun)["changed"] is False and writes_since(endpoint, since) == []


def test_a_listed_untagged_datastore_fails_before_any_write(endpoint, workspace, tmp_path):
    entry = {"name": "workspaceblobstore", "account_name": ACCOUNT, "container_name": "datasets"}
    since = last_seq(endpoint)
    [failed], dummy = run_playbook(endpoint, tmp_path, [present([DATASTORES[0], entry])])
    assert failed["failed"] and "workspaceblobstore" in failed["msg"] and "managed-by" in failed["msg"]
    assert writes_since(endpoint, since) == []


def test_state_absent_twice(endpoint, workspace, tmp_path):
    [setup], dummy = run_playbook(endpoint, tmp_path, [present(DATASTORES[:1])])
    ok(setup)
    absent = (
        "ml_datastore",
        {
            "resource_group": GROUP,
            "workspace_name": WORKSPACE,
            "state": "absent",
            "datastores": [{"name": "shared_datasets"}, {"name": "never_there"}],
        },
    )
    [first], dummy = run_playbook(endpoint, tmp_path, [absent])
    assert ok(first)["changed"] and first["removed"] == ["shared_datasets"]
    assert get_datastore(endpoint, workspace, "shared_datasets").status_code == 404
    since = last_seq(endpoint)
    [second], dummy = run_playbook(endpoint, tmp_path, [absent])
    assert ok(second)["changed"] is False and second["removed"] == []
    assert writes_since(endpoint, since) == []


def test_bad_arguments_fail_before_any_request(endpoint, workspace, tmp_path):
    since = last_seq(endpoint)
    bad = [
        {"name": "bad", "account_name": ACCOUNT, "container_name": "Not_A_Container"},
        {
            "name": "both",
            "account_name": ACCOUNT,
            "container_name": "datasets",
            "credentials": {"account_key": SECRET, "sas_token": "sv=2024"},
        },
    ]
    results, process = run_playbook(endpoint, tmp_path, [present(bad[:1]), present(bad[1:])])
    assert results[0]["failed"] and "container_name 'Not_A_Container'" in results[0]["msg"]
    assert results[1]["failed"] and "both account_key and sas_token" in results[1]["msg"]
    assert SECRET not in process.stdout
    assert endpoint.requests_log(since=since) == [], "a request was sent for invalid arguments"


def test_info_modules(endpoint, workspace, tmp_path):
    scope = {"resource_group": GROUP, "workspace_name": WORKSPACE}
    results, dummy = run_playbook(
        endpoint,
        tmp_path,
        [
            ("ml_datastore_info", scope),
            ("ml_datastore_info", dict(scope, name="no_such_datastore")),
            ("ml_workspace_info", {"resource_group": GROUP, "name": WORKSPACE}),
            ("ml_workspace_info", {"resource_group": GROUP, "name": "no-such-workspace"}),
            ("ml_compute_info", scope),
            ("ml_compute_info", dict(scope, name="no-such-compute")),
            ("ml_compute_info", dict(scope, workspace_name="no-such-workspace")),
            ("ml_datastore_info", dict(scope, workspace_name="no-such-workspace", name="x")),
        ],
    )
    datastores = {item["name"]: item for item in ok(results[0])["datastores"]}
    raw = endpoint.call("GET", f"{workspace}/datastores", api_version=DATASTORE_VERSION).json()["value"]
    assert set(datastores) == {item["name"] for item in raw}
    assert datastores["workspaceblobstore"]["is_default"] is True
    assert all(
        set(item)
        == {"name", "type", "account_name", "container_name", "description", "tags", "credentials_type", "is_default"}
        for item in datastores.values()
    )
    assert ok(results[1])["datastores"] == []

    [found] = ok(results[2])["workspaces"]
    raw_workspace = endpoint.call("GET", workspace, api_version="2025-12-01").json()
    assert found["id"].lower() == raw_workspace["id"].lower() and found["location"] == LOCATION
    assert found["storage_account"] == raw_workspace["properties"]["storageAccount"]
    assert found["identity"]["principal_id"] == raw_workspace["identity"]["principalId"]
    assert found["system_datastores_auth_mode"] == raw_workspace["properties"]["systemDatastoresAuthMode"]
    assert ok(results[3])["workspaces"] == []

    [cluster] = ok(results[4])["computes"]
    raw_compute = endpoint.call("GET", f"{workspace}/computes/{COMPUTE}", api_version="2025-12-01").json()
    settings = raw_compute["properties"]["properties"]
    assert cluster["name"] == COMPUTE and cluster["type"] == "amlcompute"
    scale = settings["scaleSettings"]
    assert (cluster["min_instances"], cluster["max_instances"]) == (scale["minNodeCount"], scale["maxNodeCount"])
    assert cluster["subnet"] == settings["subnet"]["id"] and cluster["provisioning_state"] == "Succeeded"
    assert ok(results[5])["computes"] == []
    for missing in results[6:]:
        assert missing["failed"] and "workspace 'no-such-workspace' does not exist" in missing["msg"], missing


def test_group_module_defaults_reach_the_modules(endpoint, workspace, tmp_path):
    """No task sets an auth option; a wrong secret in the group defaults alone makes the module fail to sign in."""
    info = ("ml_workspace_info", {"resource_group": GROUP, "name": WORKSPACE})
    [good], dummy = run_playbook(endpoint, tmp_path, [info])
    assert len(ok(good)["workspaces"]) == 1
    [bad], dummy = run_playbook(endpoint, tmp_path, [info], defaults=azure_defaults(endpoint, secret="wrong"))
    assert bad["failed"] and "authenticate with" in bad["msg"], bad
