"""End to end: `ansible-playbook playbooks/cleanup.yml` against a real local endpoint (stage 5 of the release).

The tests run in order on one endpoint: the guard refuses dev, pro and a local inventory that is not ephemeral
with zero requests; a lock in the group stops the cleanup and stays; check mode predicts and writes nothing; the
real run deletes the group, purges the workspaces (also one soft-deleted beforehand) and the soft-deleted Key
Vault; the rerun changes and writes nothing; and the same names deploy again. Every check reads the endpoint
independently (raw REST, the admin list of soft-deleted workspaces, the request log).
"""

from __future__ import annotations

import pytest
from playbook_runs import deployed_project, run_playbook
from test_mlenv_environments import connection_vars

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")
SUBSCRIPTION = "11111111-2222-4333-8444-555555555555"  # inventories/local
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-it4ad-dl-local"
WORKSPACES = ("it4adloc-perception-int", "it4adloc-planning-int")
VAULT = "it4adloc-int-kv"
DELETED_VAULT = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/{VAULT}"
LOCK = f"{GROUP}/providers/Microsoft.Authorization/locks/keep-int"
ML_API = "2024-10-01"
KEY_VAULT_API = "2023-07-01"
LOCKS_API = "2020-05-01"


@pytest.fixture(scope="module")
def project(tmp_path_factory, endpoint):
    assert endpoint.subscription_id == SUBSCRIPTION
    return deployed_project(tmp_path_factory.mktemp("project"), endpoint)


def workspace_path(name: str) -> str:
    return f"{GROUP}/providers/Microsoft.MachineLearningServices/workspaces/{name}"


def soft_deleted_workspaces(endpoint) -> list[str]:
    listed = endpoint.admin("GET", "machine-learning/deleted-workspaces", subscription=SUBSCRIPTION)["value"]
    return sorted(entry["id"].rsplit("/", 1)[-1] for entry in listed)


def group_status(endpoint) -> int:
    return endpoint.call("GET", GROUP).status_code


def cleanup(project, endpoint, **kwargs):
    return run_playbook(project, endpoint, playbook="cleanup.yml", **kwargs)


@pytest.mark.parametrize(
    ("inventory", "extra_vars"),
    [
        ("dev", {"dlinfra_ephemeral": True}),
        ("pro", {"dlinfra_ephemeral": True}),
        # Overriding the environment's name too does not help: the inventory's files and folder still say pro.
        ("pro", {"dlinfra_ephemeral": True, "dlinfra_environment": "int"}),
        ("dev", {"dlinfra_ephemeral": True, "dlinfra_environment": "int"}),
    ],
    ids=["dev", "pro", "pro-renamed", "dev-renamed"],
)
def test_dev_and_pro_are_refused_before_any_request(project, endpoint, inventory, extra_vars):
    # The endpoint's credentials are handed over, so a guard that let the run through would reach the endpoint.
    run = cleanup(project, endpoint, inventory=inventory, extra_vars={**connection_vars(endpoint), **extra_vars})
    assert run.returncode != 0, run.explain()
    assert "Refusing to clean up the inventory" in run.output, run.explain()
    assert f"inventories/{inventory}" in run.output
    assert "dev and pro are never ephemeral" in run.output, run.explain()
    output = " ".join(run.output.split())
    assert f"{inventory}/group_vars/all/environment.yml) sets dlinfra_ephemeral: False" in output, run.explain()
    assert run.requests == [], [f"{entry['method']} {entry['path']}" for entry in run.requests]
    assert group_status(endpoint) == 200


def test_local_marked_not_ephemeral_is_refused_before_any_request(project, endpoint):
    run = cleanup(project, endpoint, extra_vars={"dlinfra_ephemeral": False})
    assert run.returncode != 0, run.explain()
    assert "dlinfra_ephemeral is False; it must be true" in run.output, run.explain()
    assert "inventories/local" in run.output
    assert run.requests == [], [f"{entry['method']} {entry['path']}" for entry in run.requests]
    assert group_status(endpoint) == 200


@pytest.mark.parametrize(
    "extra_vars",
    [{"dlinfra_resource_group": "rg-it4ad-network-local"}, {"cleanup_resource_group": "rg-it4ad-network-local"}],
    ids=["dlinfra_resource_group", "cleanup_resource_group"],
)
def test_extra_vars_cannot_point_the_cleanup_at_another_group(project, endpoint, extra_vars):
    """The ephemeral local inventory, pointed by an extra var at the given network's group (which it must never
    delete): refused before any request, and the network group is still there."""
    network_group = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-it4ad-network-local"
    assert endpoint.call("GET", network_group).status_code == 200
    run = cleanup(project, endpoint, extra_vars={**connection_vars(endpoint), **extra_vars})
    assert run.returncode != 0, run.explain()
    output = " ".join(run.output.split())
    assert "dlinfra_resource_group resolves to 'rg-it4ad-network-local', but the inventory (group all, " in output, (
        run.explain()
    )
    assert run.requests == [], [f"{entry['method']} {entry['path']}" for entry in run.requests]
    assert endpoint.call("GET", network_group).status_code == 200


def test_a_lock_in_the_group_stops_the_cleanup_and_stays(project, endpoint):
    put = endpoint.call(
        "PUT", LOCK, api_version=LOCKS_API, body={"properties": {"level": "CanNotDelete", "notes": "test"}}
    )
    assert put.status_code in (200, 201), put.text
    try:
        run = cleanup(project, endpoint)
        assert run.returncode != 0, run.explain()
        assert "ScopeLocked" in run.output, run.explain()
        assert "remove the lock deliberately" in run.output, run.explain()
        assert LOCK in run.output, run.explain()
        refused = [entry for entry in run.requests if entry["method"] == "DELETE"]
        assert [(entry["path"].lower(), entry["status"]) for entry in refused] == [(GROUP.lower(), 409)], refused
        assert endpoint.call("GET", LOCK, api_version=LOCKS_API).status_code == 200
        assert group_status(endpoint) == 200
        for name in WORKSPACES:
            assert endpoint.call("GET", workspace_path(name), api_version=ML_API).status_code == 200, name
    finally:
        assert endpoint.call("DELETE", LOCK, api_version=LOCKS_API).status_code in (200, 204)


def test_check_mode_predicts_and_writes_nothing(project, endpoint):
    # One workspace is soft-deleted already (a plain DELETE), as after a manual delete: it must be purged too.
    endpoint.resource_client().resources.begin_delete_by_id(workspace_path(WORKSPACES[1]), api_version=ML_API).result()
    assert soft_deleted_workspaces(endpoint) == [WORKSPACES[1]]
    run = cleanup(project, endpoint, check=True, diff=True)
    assert run.returncode == 0, run.explain()
    assert run.recap["changed"] == 1, run.explain()
    assert run.writes == [], run.written_paths()
    assert "resource group: would be deleted" in run.output, run.explain()
    assert f"ML workspaces purged: {WORKSPACES[0]}" in run.output, run.explain()
    assert f"Key Vaults purged: {VAULT}" in run.output, run.explain()
    assert group_status(endpoint) == 200
    assert soft_deleted_workspaces(endpoint) == [WORKSPACES[1]]


def test_cleanup_deletes_the_group_and_purges_workspaces_and_vault(project, endpoint):
    run = cleanup(project, endpoint)
    assert run.returncode == 0, run.explain()
    assert run.recap["changed"] == 1, run.explain()
    assert group_status(endpoint) == 404
    for name in WORKSPACES:
        assert endpoint.call("GET", workspace_path(name), api_version=ML_API).status_code == 404, name
    assert soft_deleted_workspaces(endpoint) == [], "a workspace is still soft-deleted"
    assert endpoint.call("GET", DELETED_VAULT, api_version=KEY_VAULT_API).status_code == 404
    listed = endpoint.call(
        "GET", f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.KeyVault/deletedVaults", api_version=KEY_VAULT_API
    )
    assert [vault["name"] for vault in listed.json()["value"]] == []
    purges = [entry["path"].lower() for entry in run.writes if entry["method"] == "POST"]
    assert purges == [f"{DELETED_VAULT}/purge".lower()], purges


def test_a_rerun_on_the_gone_environment_changes_and_writes_nothing(project, endpoint):
    check = cleanup(project, endpoint, check=True)
    assert check.returncode == 0, check.explain()
    assert check.recap["changed"] == 0, check.explain()
    run = cleanup(project, endpoint)
    assert run.returncode == 0, run.explain()
    assert run.recap["changed"] == 0, run.explain()
    assert run.writes == [], run.written_paths()
    assert "resource group: already gone" in run.output


def test_the_next_release_reuses_the_names(project, endpoint):
    run = run_playbook(project, endpoint)
    assert run.returncode == 0, run.explain()
    for name in WORKSPACES:
        assert endpoint.call("GET", workspace_path(name), api_version=ML_API).status_code == 200, name
