"""Which requests management locks judge (localazure/locks.py), and group membership in the store."""

import pytest

from localazure.locks import _target, lock_scope, scope_locked_message
from localazure.store import Store

RESOURCE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"


@pytest.mark.parametrize(
    ("method", "path", "target"),
    [
        ("DELETE", RESOURCE, RESOURCE),
        ("PUT", RESOURCE, RESOURCE),
        ("PATCH", "/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg"),
        ("POST", f"{RESOURCE}/listKeys", RESOURCE),
        ("POST", "/subscriptions/s/providers/Microsoft.Storage/checkNameAvailability", None),
        ("POST", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Resources/deployments/d/validate", None),
        ("GET", RESOURCE, None),
        ("PUT", f"{RESOURCE}/providers/Microsoft.Authorization/locks/keep", None),
        ("DELETE", f"{RESOURCE}/providers/Microsoft.Authorization/locks/keep", None),
    ],
)
def test_the_scope_a_request_changes(method, path, target):
    assert _target(method, path) == target


def test_lock_scope_and_message():
    assert lock_scope(f"{RESOURCE}/providers/Microsoft.Authorization/locks/keep") == RESOURCE
    assert scope_locked_message(RESOURCE, "delete", ["/a", "/b"]) == (
        f"The scope '{RESOURCE}' cannot perform delete operation because following scope(s) are locked: "
        "'/a, /b'. Please remove the lock and try again."
    )


def test_group_membership_is_transitive_and_case_insensitive(tmp_path):
    store = Store(tmp_path / "state.sqlite3")
    store.add_group_member("GROUP-A", "user-1")
    store.add_group_member("group-b", "group-a")
    store.add_group_member("group-b", "user-1")
    assert sorted(store.groups_of("USER-1")) == ["group-a", "group-b"]
    assert store.groups_of("user-2") == []
