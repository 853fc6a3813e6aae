"""End to end: the pro inventory, deployed for real against the local endpoint, is protected against deletion.

pro sets dlinfra_delete_locks (and customer-managed keys), so every Key Vault, storage account, registry, Log
Analytics workspace and ML workspace carries a CanNotDelete lock. Even the deployer, Owner of the subscription,
then gets 409 ScopeLocked for a DELETE of any of them or of the whole resource group, and nothing is deleted.
A rerun changes and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playbook_runs import deployed_project, run_playbook
from test_mlenv_environments import connection_vars

SEED = Path(__file__).resolve().parent / "seeds" / "dev_and_pro.yml"
ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05", "--seed", str(SEED))
SUBSCRIPTION = "9c4e1a7b-3d5f-4a2c-b8e0-6f1d3b5a9e03"
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-it4ad-dl-pro"
LOCKS_API = "2020-05-01"
# The locked types, with the api-version their templates use.
LOCKED_TYPES = {
    "microsoft.keyvault/vaults": "2026-05-15",
    "microsoft.storage/storageaccounts": "2026-09-01",
    "microsoft.containerregistry/registries": "2025-11-01",
    "microsoft.operationalinsights/workspaces": "2025-07-01",
    "microsoft.machinelearningservices/workspaces": "2025-12-01",
}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, endpoint):
    return deployed_project(
        tmp_path_factory.mktemp("project"), endpoint, inventory="pro", extra_vars=connection_vars(endpoint)
    )


def group_resources(endpoint) -> list[dict]:
    response = endpoint.call("GET", f"{GROUP}/resources")
    assert response.status_code == 200, response.text
    return response.json()["value"]


def locks(endpoint) -> list[dict]:
    response = endpoint.call("GET", f"{GROUP}/providers/Microsoft.Authorization/locks", api_version=LOCKS_API)
    assert response.status_code == 200, response.text
    return response.json()["value"]


def test_every_protected_resource_has_a_can_not_delete_lock(deployed, endpoint):
    protected = {item["id"].lower() for item in group_resources(endpoint) if item["type"].lower() in LOCKED_TYPES}
    assert len(protected) >= 8, protected  # Key Vault, 2 storage accounts, 2 registries, Log Analytics, 3 workspaces
    locked = {
        lock["id"].lower().split("/providers/microsoft.authorization/locks/")[0]
        for lock in locks(endpoint)
        if lock["properties"]["level"] == "CanNotDelete"
    }
    assert protected <= locked, f"without a lock: {sorted(protected - locked)}"


@pytest.mark.parametrize("kind", sorted(LOCKED_TYPES))
def test_a_locked_resource_cannot_be_deleted_even_by_the_owner(deployed, endpoint, kind):
    target = next(item for item in group_resources(endpoint) if item["type"].lower() == kind)
    api_version = LOCKED_TYPES[kind]
    response = endpoint.call("DELETE", target["id"], api_version=api_version)
    assert response.status_code == 409, f"DELETE {target['id']}: {response.status_code} {response.text}"
    assert response.json()["error"]["code"] == "ScopeLocked", response.text
    assert endpoint.call("GET", target["id"], api_version=api_version).status_code == 200


def test_the_resource_group_cannot_be_deleted(deployed, endpoint):
    before = {item["id"] for item in group_resources(endpoint)}
    response = endpoint.call("DELETE", GROUP, api_version="2025-04-01")
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "ScopeLocked", response.text
    assert {item["id"] for item in group_resources(endpoint)} == before


def test_a_rerun_of_pro_changes_and_writes_nothing(deployed, endpoint):
    run = run_playbook(deployed, endpoint, inventory="pro", extra_vars=connection_vars(endpoint))
    assert run.returncode == 0, run.explain()
    assert run.recap["changed"] == 0, run.explain()
    assert run.writes == [], run.written_paths()
