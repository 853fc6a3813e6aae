"""A stage playbook through ansible-runner, the engine AWX runs every job with, against the local endpoint.

The job is laid out as AWX lays out a job's private data directory: project/ (the checkout), inventory/, env/envvars
(what a credential injects) and env/extravars; ansible-runner writes artifacts/<ident>/ (status, rc, job events).
The test then reads the endpoint independently and runs the job a second time, expecting no change and no write.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from playbook_runs import COLLECTIONS_PATH, REPOSITORY_ROOT, copy_project

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
    (root / "env" / "extravars").write_text(yaml.safe_dump({"localazure_polling_interval": 0.05}))
    return root


def run_job(private_data_dir: Path, ident: str) -> dict:
    """``ansible-runner run`` as AWX starts a job; returns status, rc, the recap and the job events."""
    completed = subprocess.run(
        [str(ANSIBLE_RUNNER), "run", str(private_data_dir), "--ident", ident, "-p", "playbooks/mlenv.yml"],
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
    return {
        "rc": completed.returncode,
        "status": (artifacts / "status").read_text().strip(),
        "output": completed.stdout[-6000:] + completed.stderr[-2000:],
        "events": events,
        "stats": stats[-1]["event_data"] if stats else {},
    }


def test_the_job_deploys_the_environment(private_data_dir, endpoint):
    job = run_job(private_data_dir, "deploy")
    assert job["rc"] == 0 and job["status"] == "successful", job["output"]
    assert job["stats"].get("changed", {}).get("localhost", 0) > 0, job["stats"]
    assert not job["stats"].get("failures"), job["stats"]
    task_names = {event["event_data"].get("task") for event in job["events"] if event.get("event") == "runner_on_ok"}
    assert any(name and "shared" in name.lower() for name in task_names), sorted(filter(None, task_names))

    # Independent reads: the resource group holds both workspaces and the shared resources.
    listed = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/resources",
        api_version="2021-04-01",
    )
    assert listed.status_code == 200, listed.text
    names = {resource["name"] for resource in listed.json()["value"]}
    assert {"it4adloc-perception-int", "it4adloc-planning-int", "it4adloc-int-kv", "it4adlocintmlst"} <= names, names


def test_a_second_job_changes_nothing_and_writes_nothing(private_data_dir, endpoint):
    since = endpoint.requests_log()[-1]["seq"]
    job = run_job(private_data_dir, "rerun")
    assert job["rc"] == 0 and job["status"] == "successful", job["output"]
    assert job["stats"].get("changed", {}) == {}, job["stats"]
    writes = [
        entry for entry in endpoint.requests_log(since=str(since)) if entry["method"] in ("PUT", "PATCH", "DELETE")
    ]
    assert writes == [], writes
