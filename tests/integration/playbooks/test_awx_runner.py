"""The release's stage playbooks through ansible-runner, the engine AWX runs every job with, against the local endpoint.

Each job is laid out as AWX lays out a job's private data directory: project/ (the checkout), env/envvars (what a
credential injects), env/extravars (the job template's extra vars) and inventory/hosts. AWX gives a job its
inventory as a script that prints the inventory it synced from the project's source, not as the source's files;
so does this test (the script prints `ansible-inventory --list --export` of inventories/local, or of
inventories/dev for the guard test). ansible-runner writes artifacts/<ident>/ (status, rc, job events), which is
what AWX shows.

The stages run in the release's order on one endpoint: validate_templates (no write), mlenv (deploys; read back
independently), mlenv again (changed=0, no write), validate_env (no change, a JUnit report without failure), the
custom role test (every row passes as the test principal), cleanup (the resource group is gone, read
independently); and cleanup with the dev inventory, ephemeral by extra var, is refused with no request.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml
from playbook_runs import COLLECTIONS_PATH, MUTATING_METHODS, REPOSITORY_ROOT, copy_project, last_request_sequence

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")
ANSIBLE_RUNNER = Path(os.environ.get("VIRTUAL_ENV", REPOSITORY_ROOT / ".venv")) / "bin" / "ansible-runner"
RESOURCE_GROUP = "rg-it4ad-dl-local"
RUN_TIMEOUT_SECONDS = 900


@pytest.fixture(scope="module")
def private_data_dir(tmp_path_factory, endpoint):
    root = tmp_path_factory.mktemp("awx-job")
    copy_project(root / "project")
    write_awx_inventory(root / "inventory", REPOSITORY_ROOT / "inventories" / "local")
    (root / "env").mkdir()
    (root / "env" / "envvars").write_text(
        yaml.safe_dump(
            {
                "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                "DLINFRA_LOCALAZURE_CONNECTION": str(endpoint.state_dir / "connection.json"),
                "ANSIBLE_NOCOLOR": "1",
            }
        )
    )
    (root / "env" / "extravars").write_text(
        yaml.safe_dump(
            {
                "localazure_polling_interval": 0.05,
                # The checkout of this test holds no scripts/; checkov has its own tests in `make validate`.
                "dlinfra_validate_script": str(REPOSITORY_ROOT / "scripts" / "dlinfra-validate"),
                "dlinfra_validate_checkov": False,
                "dlinfra_junit_dir": str(root / "junit"),
            }
        )
    )
    return root


def write_awx_inventory(folder: Path, source: Path) -> Path:
    """``folder/hosts``: an executable that prints ``source`` as AWX's inventory script prints a synced inventory."""
    exported = subprocess.run(
        [sys.executable, "-m", "ansible.cli.inventory", "--list", "--export", "--inventory", str(source)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH)},
    )
    json.loads(exported.stdout)  # a JSON inventory, or the test stops here
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "hosts"
    script.write_text(f"#!/bin/sh\ncat <<'INVENTORY'\n{exported.stdout}\nINVENTORY\n")
    script.chmod(0o755)
    return folder


def run_job(private_data_dir: Path, endpoint, playbook: str, ident: str, inventory: Path | None = None) -> dict:
    """``ansible-runner run`` as AWX starts a job; returns status, rc, the recap, the job events and the writes.

    The inventory is <private_data_dir>/inventory unless ``inventory`` names another."""
    since = last_request_sequence(endpoint)
    completed = subprocess.run(
        [
            str(ANSIBLE_RUNNER),
            "run",
            str(private_data_dir),
            "--ident",
            ident,
            "--playbook",
            f"playbooks/{playbook}",
            *(["--inventory", str(inventory)] if inventory else []),
        ],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
        # ansible-runner starts ansible-playbook by name, from PATH, as in an execution environment.
        env={**os.environ, "PATH": f"{ANSIBLE_RUNNER.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    artifacts = private_data_dir / "artifacts" / ident
    events = [json.loads(path.read_text()) for path in sorted((artifacts / "job_events").glob("*.json"))]
    stats = [event for event in events if event.get("event") == "playbook_on_stats"]
    writes = [
        f"{entry['method']} {entry['path']}"
        for entry in endpoint.requests_log(since=str(since))
        if entry["method"] in MUTATING_METHODS
    ]
    return {
        "rc": completed.returncode,
        "artifact_rc": int((artifacts / "rc").read_text()),
        "status": (artifacts / "status").read_text().strip(),
        "output": completed.stdout[-6000:] + completed.stderr[-2000:],
        "events": events,
        "stats": stats[-1]["event_data"] if stats else {},
        "writes": writes,
    }


def assert_successful(job: dict) -> None:
    assert job["rc"] == 0 and job["artifact_rc"] == 0 and job["status"] == "successful", job["output"]
    assert job["stats"], "no playbook_on_stats event in the job events"
    assert not job["stats"].get("failures") and not job["stats"].get("dark"), job["stats"]


def changed(job: dict) -> int:
    return job["stats"].get("changed", {}).get("localhost", 0)


def ok_tasks(job: dict) -> set[str]:
    return {event["event_data"].get("task") for event in job["events"] if event.get("event") == "runner_on_ok"}


def resource_group_status(endpoint) -> int:
    return endpoint.call(
        "GET", f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}", api_version="2021-04-01"
    ).status_code


def test_stage_1_validate_templates_writes_nothing(private_data_dir, endpoint):
    job = run_job(private_data_dir, endpoint, "validate_templates.yml", "validate_templates")
    assert_successful(job)
    assert job["writes"] == [], job["writes"]
    assert "Summarize the result and the changes of each deployment" in ok_tasks(job), sorted(
        filter(None, ok_tasks(job))
    )
    assert resource_group_status(endpoint) == 404


def test_stage_2_the_job_deploys_the_environment(private_data_dir, endpoint):
    job = run_job(private_data_dir, endpoint, "mlenv.yml", "deploy_int")
    assert_successful(job)
    assert changed(job) > 0, job["stats"]
    assert job["writes"], "the deployment made no write"

    # Independent reads: the resource group holds both workspaces and the shared resources.
    listed = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/resources",
        api_version="2021-04-01",
    )
    assert listed.status_code == 200, listed.text
    names = {resource["name"] for resource in listed.json()["value"]}
    assert {"it4adloc-perception-int", "it4adloc-planning-int", "it4adloc-int-kv", "it4adlocintmlst"} <= names, names


def test_stage_2_a_second_job_changes_nothing_and_writes_nothing(private_data_dir, endpoint):
    job = run_job(private_data_dir, endpoint, "mlenv.yml", "deploy_int_rerun")
    assert_successful(job)
    assert changed(job) == 0, job["stats"]
    assert job["writes"] == [], job["writes"]


def test_stage_3_validate_env_passes_and_reports_junit(private_data_dir, endpoint):
    job = run_job(private_data_dir, endpoint, "validate_env.yml", "validate_env")
    assert_successful(job)
    assert changed(job) == 0, job["stats"]
    assert job["writes"] == [], job["writes"]
    report = ElementTree.parse(private_data_dir / "junit" / "validate_env.xml").getroot()
    cases = list(report.iter("testcase"))
    assert cases, "the JUnit report has no testcase"
    failed = [case.get("name") for case in cases if case.find("failure") is not None]
    assert failed == [], failed


def test_stage_4_the_custom_role_test_passes_every_row(private_data_dir, endpoint):
    job = run_job(private_data_dir, endpoint, "test_custom_role.yml", "test_custom_role")
    assert_successful(job)
    report = ElementTree.parse(private_data_dir / "junit" / "role_test.xml").getroot()
    results = {
        case.get("name"): "failed"
        if case.find("failure") is not None
        else "skipped"
        if case.find("skipped") is not None
        else "passed"
        for case in report.iter("testcase")
    }
    assert len(results) > 50 and set(results.values()) == {"passed"}, results


def test_stage_5_cleanup_refuses_the_dev_inventory_even_made_ephemeral_by_extra_vars(private_data_dir, endpoint):
    """The guard reads the AWX inventory's own variables, which a job's extra vars cannot change."""
    job_dir = private_data_dir.parent / "awx-job-dev"
    shutil.copytree(private_data_dir / "project", job_dir / "project", symlinks=True)
    shutil.copytree(private_data_dir / "env", job_dir / "env")
    extravars = yaml.safe_load((job_dir / "env" / "extravars").read_text())
    extravars.update(dlinfra_ephemeral=True, dlinfra_environment="int")
    (job_dir / "env" / "extravars").write_text(yaml.safe_dump(extravars))
    write_awx_inventory(job_dir / "inventory", REPOSITORY_ROOT / "inventories" / "dev")
    since = last_request_sequence(endpoint)
    job = run_job(job_dir, endpoint, "cleanup.yml", "cleanup_dev")
    assert job["status"] == "failed" and job["artifact_rc"] != 0, job["output"]
    assert "the inventory (group all) sets dlinfra_environment: dev: dev and pro are never ephemeral" in (
        " ".join(job["output"].split())
    ), job["output"]
    assert endpoint.requests_log(since=str(since)) == []


def test_stage_5_cleanup_deletes_the_resource_group(private_data_dir, endpoint):
    assert resource_group_status(endpoint) == 200
    job = run_job(private_data_dir, endpoint, "cleanup.yml", "cleanup_int")
    assert_successful(job)
    assert changed(job) > 0, job["stats"]
    group_deletes = [
        write
        for write in job["writes"]
        if write.lower().startswith(
            f"delete /subscriptions/{endpoint.subscription_id}/resourcegroups/{RESOURCE_GROUP}".lower()
        )
    ]
    assert group_deletes, job["writes"]
    assert resource_group_status(endpoint) == 404
