"""The cleanup's read -> plan -> act logic on a fake service: order, lock first, nothing to do on a gone group; and
the environment_cleanup module's main() on the same fake: check mode writes nothing, a rerun is changed=false."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.it4ad.dlinfra.plugins.module_utils import client_factory
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.environment_cleanup import (
    VAULT_TYPE,
    WORKSPACE_TYPE,
    plan_actions,
    read_state,
    run_cleanup,
)
from ansible_collections.it4ad.dlinfra.plugins.modules import environment_cleanup

AUTH = {"client_id": "c", "secret": "unit-test-client-secret", "tenant": "t", "subscription_id": "sub"}


class FakeService:
    """Azure as far as the cleanup sees it; ``calls`` records every write in order."""

    def __init__(self, group=True, workspaces=(), soft_deleted_workspaces=(), vaults=(), deleted_vaults=(), locks=()):
        self.group = group
        self.workspaces = list(workspaces)
        self.soft_deleted_workspaces = set(soft_deleted_workspaces)
        self.vaults = list(vaults)
        self.deleted = set(deleted_vaults)
        self.lock_list = [{"id": lock, "level": "CanNotDelete"} for lock in locks]
        self.calls: list[tuple] = []

    def group_path(self, group):
        return f"/subscriptions/s/resourceGroups/{group}"

    def resource_group(self, group):
        return {"id": self.group_path(group)} if self.group else None

    def locks(self, group):
        return self.lock_list

    def resources_of_type(self, group, resource_type):
        names = {WORKSPACE_TYPE: self.workspaces, VAULT_TYPE: self.vaults}[resource_type]
        return [{"name": name, "id": name, "location": "West Europe"} for name in names]

    def deleted_vault(self, location, name):
        return {"name": name, "location": location} if name in self.deleted else None

    def delete_resource_group(self, group, locks=None):
        self.calls.append(("delete group", group))
        if self.lock_list:
            raise DlinfraError("delete resource group failed: HTTP 409 ScopeLocked", code="ScopeLocked")
        self.group = False
        self.deleted |= set(self.vaults)
        self.soft_deleted_workspaces |= set(self.workspaces)
        self.workspaces, self.vaults = [], []

    def purge_workspace(self, group, name):
        self.calls.append(("purge workspace", name))
        assert self.group, "a workspace can only be addressed while its group exists"
        found = name in self.workspaces or name in self.soft_deleted_workspaces
        self.workspaces = [item for item in self.workspaces if item != name]
        self.soft_deleted_workspaces.discard(name)
        return found

    def purge_vault(self, location, name):
        self.calls.append(("purge vault", location, name))
        self.deleted.discard(name)


def cleanup(service, workspaces=("ws-a", "ws-b"), vaults=("kv",)):
    state = read_state(service, "rg", list(workspaces), list(vaults), "westeurope")
    actions = plan_actions(state, list(workspaces))
    return state, actions, run_cleanup(service, "rg", state, actions)


def test_workspaces_are_purged_while_the_group_exists_then_the_group_goes_then_the_vault():
    service = FakeService(workspaces=["ws-a"], soft_deleted_workspaces=["ws-b"], vaults=["kv"])
    state, actions, done = cleanup(service)
    assert actions == {
        "delete_resource_group": True,
        "purge_workspaces": ["ws-a"],
        "purge_if_soft_deleted": ["ws-b"],
        "purge_key_vaults": ["kv"],
    }
    assert service.calls == [
        ("purge workspace", "ws-a"),
        ("purge workspace", "ws-b"),
        ("delete group", "rg"),
        ("purge vault", "westeurope", "kv"),
    ]
    assert done == {"resource_group_deleted": True, "workspaces_purged": ["ws-a", "ws-b"], "key_vaults_purged": ["kv"]}
    assert service.soft_deleted_workspaces == set() and service.deleted == set()


def test_a_planned_workspace_that_was_never_soft_deleted_is_not_reported():
    service = FakeService(workspaces=["ws-a"], vaults=["kv"])
    dummy, dummy, done = cleanup(service)
    assert done["workspaces_purged"] == ["ws-a"]


def test_a_gone_environment_needs_nothing_and_writes_nothing():
    service = FakeService(group=False)
    state, actions, done = cleanup(service)
    assert actions == {
        "delete_resource_group": False,
        "purge_workspaces": [],
        "purge_if_soft_deleted": [],
        "purge_key_vaults": [],
    }
    assert service.calls == []
    assert done["resource_group_deleted"] is False


def test_a_vault_left_soft_deleted_by_an_earlier_run_is_purged():
    service = FakeService(group=False, deleted_vaults=["kv"])
    dummy, actions, done = cleanup(service)
    assert actions["purge_key_vaults"] == ["kv"]
    assert service.calls == [("purge vault", "westeurope", "kv")]


def test_a_live_vault_is_purged_in_its_own_region():
    service = FakeService(vaults=["kv"])
    state = read_state(service, "rg", [], ["kv"], "northeurope")
    assert state["vault_locations"] == {"kv": "westeurope"}


def test_a_lock_sends_the_group_delete_first_so_nothing_is_deleted():
    service = FakeService(
        workspaces=["ws-a"],
        vaults=["kv"],
        locks=["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/locks/keep"],
    )
    with pytest.raises(DlinfraError, match="ScopeLocked"):
        cleanup(service)
    assert service.calls == [("delete group", "rg")]
    assert service.workspaces == ["ws-a"]


# -- the module's main() ---------------------------------------------------------------------------------
@pytest.fixture
def azure(monkeypatch):
    service = FakeService(workspaces=["ws-a"], soft_deleted_workspaces=["ws-b"], vaults=["kv"])
    monkeypatch.setattr(client_factory, "ClientFactory", lambda options: object())
    monkeypatch.setattr(environment_cleanup, "CleanupService", lambda factory: service)
    return service


def run_main(module, args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


def run(capsys, check=False):
    options = {
        "resource_group": "rg",
        "workspaces": ["ws-a", "ws-b"],
        "key_vaults": ["kv"],
        "location": "West Europe",
        **AUTH,
        "_ansible_check_mode": check,
        "_ansible_diff": True,
    }
    return run_main(environment_cleanup, options, capsys)


def test_check_mode_predicts_and_writes_nothing(azure, capsys):
    result = run(capsys, check=True)
    assert result["changed"] is True
    assert azure.calls == []
    assert result["resource_group_deleted"] is True
    assert result["workspaces_purged"] == ["ws-a"]
    assert result["actions"]["purge_if_soft_deleted"] == ["ws-b"]
    assert result["key_vaults_purged"] == ["kv"]
    assert result["diff"]["before"]["resource_group"] == "/subscriptions/s/resourceGroups/rg"
    assert result["diff"]["after"]["resource_group"] is None


def test_the_run_reports_what_it_did_and_a_rerun_nothing(azure, capsys):
    result = run(capsys)
    assert result["changed"] is True
    assert result["workspaces_purged"] == ["ws-a", "ws-b"]
    assert result["key_vaults_purged"] == ["kv"]
    assert result["diff"]["after"] == {
        "resource_group": None,
        "workspaces": [],
        "key_vaults": [],
        "deleted_key_vaults": [],
    }
    writes = len(azure.calls)
    again = run(capsys)
    assert again["changed"] is False
    assert len(azure.calls) == writes


def test_a_lock_fails_once_with_the_message(azure, capsys):
    azure.lock_list = [
        {
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/locks/keep",
            "level": "CanNotDelete",
        }
    ]
    result = run(capsys)
    assert result["failed"] is True
    assert result["error_code"] == "ScopeLocked"
    assert azure.calls == [("delete group", "rg")]
    assert "ScopeLocked" in result["msg"]
    assert azure.workspaces == ["ws-a"], "nothing is deleted when the group delete is refused"
