"""The dev and pro inventories in check mode against the local endpoint show their per-environment differences.

Both run unchanged, with the endpoint's connection handed in as extra vars exactly as a user would point them
at another cloud (`-e @connection.yml`), and check mode must write nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playbook_runs import copy_project, run_playbook

SEED = Path(__file__).resolve().parent / "seeds" / "dev_and_pro.yml"
ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05", "--seed", str(SEED))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("project"))


def connection_vars(endpoint) -> dict:
    connection = json.loads((endpoint.state_dir / "connection.json").read_text())
    deployer = connection["principals"]["deployer"]
    return {
        "azure_connection": {
            "cloud": connection["metadata_url"],
            "ca_bundle": connection["ca_bundle"],
            "client_id": deployer["client_id"],
            "secret": deployer["client_secret"],
            "tenant": connection["tenant_id"],
            "polling_interval": 0.05,
        }
    }


def check_run(project, endpoint, inventory: str):
    run = run_playbook(
        project, endpoint, inventory=inventory, check=True, diff=True, extra_vars=connection_vars(endpoint)
    )
    assert run.returncode == 0, run.explain()
    assert run.writes == [], run.written_paths()
    return run.output


def created(output: str, pattern: str) -> list[str]:
    return re.findall(pattern, output)


def test_dev_and_pro_check_mode_show_their_differences(project, endpoint):
    dev = check_run(project, endpoint, "dev")
    pro = check_run(project, endpoint, "pro")
    assert "rg-it4ad-dl-dev" in dev and "rg-it4ad-dl-pro" in pro
    workspaces = r"\+Microsoft\.MachineLearningServices/workspaces/([\w-]+):  # Create"
    assert sorted(created(dev, workspaces)) == ["it4ad-perception-dev", "it4ad-planning-dev"]
    assert sorted(created(pro, workspaces)) == ["it4ad-perception-pro", "it4ad-planning-pro", "it4ad-sensorfusion-pro"]
    assert "+  properties.enablePurgeProtection: true" in pro
    assert "+  properties.enablePurgeProtection: true" not in dev
    dev_priority = set(created(dev, r'\+  properties\.properties\.vmPriority: "(\w+)"'))
    pro_priority = set(created(pro, r'\+  properties\.properties\.vmPriority: "(\w+)"'))
    assert dev_priority == {"LowPriority"} and pro_priority == {"Dedicated"}
    dev_nodes = set(created(dev, r"\+  properties\.properties\.scaleSettings\.maxNodeCount: (\d+)"))
    pro_nodes = set(created(pro, r"\+  properties\.properties\.scaleSettings\.maxNodeCount: (\d+)"))
    assert dev_nodes and pro_nodes and dev_nodes != pro_nodes
