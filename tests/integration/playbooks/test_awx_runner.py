"""The release's stage playbooks through ansible-runner, the engine AWX runs every job with, against the local endpoint.

Each job is laid out as AWX lays out a job's private data directory: project/ (the checkout), env/envvars (what a
credential injects), env/extravars (the job template's extra vars) and inventory/ (here a copy of
inventories/local, group_vars included: the cleanup guard reads those files); ansible-runner writes
artifacts/<ident>/ (status, rc, job events), which is what AWX shows. validate_templates.yml is the exception: its
offline validator looks the inventory up by its folder's name under the project's inventories/, so that job is
given the project's inventories/local folder (with <private_data_dir>/inventory it fails on "inventories/inventory").

The stages run in the release's order on one endpoint: validate_templates (no write), mlenv (deploys; read back
independently), mlenv again (changed=0, no write), validate_env (no change, a JUnit report without failure) and
cleanup (the resource group is gone, read independently).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
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
    shutil.copytree(root / "project" / "inventories" / "local", root / "inventory")
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
    project_inventory = private_data_dir / "project" / "inventories" / "local"
    job = run_job(private_data_dir, endpoint, "validate_templates.yml", "validate_templates", project_inventory)
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
