"""Management locks (issue 9): Microsoft.Authorization/locks at resource, resource-group and subscription scope
through the unmodified ManagementLockClient, and their enforcement: 409 ScopeLocked for a DELETE under any lock
and for writes under a ReadOnly one; only Owner / User Access Administrator may write locks."""

import uuid

import pytest
from azure.core.exceptions import HttpResponseError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-locks"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
DEVELOPER = "model-developer-test"
IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"


@pytest.fixture(scope="module")
def locks(endpoint):
    from azure.mgmt.resource.locks import ManagementLockClient

    return endpoint.mgmt_client(ManagementLockClient)


@pytest.fixture(scope="module")
def identities(endpoint):
    from azure.mgmt.msi import ManagedServiceIdentityClient

    return endpoint.mgmt_client(ManagedServiceIdentityClient)


@pytest.fixture(scope="module")
def group(endpoint):
    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


def _identity(identities, name):
    return identities.user_assigned_identities.create_or_update(GROUP, name, {"location": LOCATION})


def _error(raised) -> tuple[int, str, str]:
    error = raised.value
    return error.status_code, error.error.code, error.error.message


def _assign(endpoint, scope, role, principal_id):
    from azure.mgmt.authorization import AuthorizationManagementClient

    client = endpoint.mgmt_client(AuthorizationManagementClient)
    client.role_assignments.create(
        scope,
        str(uuid.uuid4()),
        {
            "properties": {
                "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{role}",
                "principalId": principal_id,
                "principalType": "ServicePrincipal",
            }
        },
    )


def test_a_lock_is_written_read_and_listed_as_azure_returns_it(endpoint, locks, identities, group):
    identity = _identity(identities, "id-listed")
    lock = locks.management_locks.create_or_update_by_scope(
        identity.id, "do-not-delete", {"level": "CanNotDelete", "notes": "pro: never delete"}
    )
    assert lock.id == f"{identity.id}/providers/Microsoft.Authorization/locks/do-not-delete"
    assert (lock.type, lock.name, lock.level, lock.notes) == (
        "Microsoft.Authorization/locks",
        "do-not-delete",
        "CanNotDelete",
        "pro: never delete",
    )
    assert locks.management_locks.get_by_scope(identity.id, "do-not-delete").level == "CanNotDelete"
    listed = [item.id for item in locks.management_locks.list_at_resource_group_level(GROUP)]
    assert lock.id in listed  # a group's list shows the locks of its resources
    assert [item.id for item in locks.management_locks.list_by_scope(identity.id)] == [lock.id]
    raw = endpoint.call("GET", lock.id, api_version="2020-05-01").json()
    assert "provisioningState" not in raw["properties"]
    locks.management_locks.delete_by_scope(identity.id, "do-not-delete")


def test_an_unknown_level_is_refused_by_the_model(endpoint, group):
    response = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.Authorization/locks/bad",
        api_version="2020-05-01",
        body={"properties": {"level": "Never"}},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRequestContent"


def test_delete_under_a_can_not_delete_lock_is_scope_locked_until_the_lock_goes(endpoint, locks, identities, group):
    identity = _identity(identities, "id-locked")
    locks.management_locks.create_or_update_by_scope(identity.id, "do-not-delete", {"level": "CanNotDelete"})
    with pytest.raises(HttpResponseError) as raised:
        identities.user_assigned_identities.delete(GROUP, "id-locked")
    assert _error(raised) == (
        409,
        "ScopeLocked",
        f"The scope '{identity.id}' cannot perform delete operation because following scope(s) are locked: "
        f"'{identity.id}'. Please remove the lock and try again.",
    )
    # CanNotDelete still lets the resource change.
    updated = identities.user_assigned_identities.create_or_update(
        GROUP, "id-locked", {"location": LOCATION, "tags": {"environment": "pro"}}
    )
    assert updated.tags == {"environment": "pro"}
    # The group holding a locked resource cannot be deleted either.
    with pytest.raises(HttpResponseError) as raised:
        endpoint.resource_client().resource_groups.begin_delete(GROUP).result()
    status, code, message = _error(raised)
    assert (status, code) == (409, "ScopeLocked")
    # The scope as the request spelled it (the SDK writes "resourcegroups").
    assert message.lower().startswith(f"the scope '{group.lower()}' cannot perform delete operation")
    assert identity.id in message
    locks.management_locks.delete_by_scope(identity.id, "do-not-delete")
    identities.user_assigned_identities.delete(GROUP, "id-locked")
    assert endpoint.call("GET", identity.id, api_version="2023-01-31").status_code == 404


def test_a_lock_on_the_group_protects_what_is_in_it(endpoint, locks, identities, group):
    identity = _identity(identities, "id-in-locked-group")
    locks.management_locks.create_or_update_at_resource_group_level(GROUP, "group-lock", {"level": "CanNotDelete"})
    try:
        response = endpoint.call("DELETE", identity.id, api_version="2023-01-31")
        assert response.status_code == 409
        assert response.json()["error"]["message"].endswith(
            f"following scope(s) are locked: '{group}'. Please remove the lock and try again."
        )
    finally:
        locks.management_locks.delete_at_resource_group_level(GROUP, "group-lock")
    assert endpoint.call("DELETE", identity.id, api_version="2023-01-31").status_code == 200


def test_a_subscription_lock_blocks_deletes_below_it(endpoint, locks, identities, group):
    identity = _identity(identities, "id-under-subscription-lock")
    locks.management_locks.create_or_update_at_subscription_level("subscription-lock", {"level": "CanNotDelete"})
    try:
        assert endpoint.call("DELETE", identity.id, api_version="2023-01-31").status_code == 409
    finally:
        locks.management_locks.delete_at_subscription_level("subscription-lock")
    assert endpoint.call("DELETE", identity.id, api_version="2023-01-31").status_code == 200


def test_read_only_refuses_writes_and_post_actions_but_not_reads(endpoint, locks, identities, group):
    from azure.mgmt.storage import StorageManagementClient

    storage = endpoint.mgmt_client(StorageManagementClient)
    account = storage.storage_accounts.begin_create(
        GROUP, "stlocksro01", {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    identity = _identity(identities, "id-read-only")
    locks.management_locks.create_or_update_at_resource_group_level(GROUP, "read-only", {"level": "ReadOnly"})
    try:
        with pytest.raises(HttpResponseError) as raised:
            identities.user_assigned_identities.create_or_update(
                GROUP, "id-read-only", {"location": LOCATION, "tags": {"a": "b"}}
            )
        assert _error(raised) == (
            409,
            "ScopeLocked",
            f"The scope '{identity.id}' cannot perform write operation because following scope(s) are locked: "
            f"'{group}'. Please remove the lock and try again.",
        )
        # listKeys is a POST: a read-only account does not list its keys.
        with pytest.raises(HttpResponseError) as raised:
            storage.storage_accounts.list_keys(GROUP, "stlocksro01")
        assert _error(raised)[:2] == (409, "ScopeLocked")
        assert identities.user_assigned_identities.get(GROUP, "id-read-only").id == identity.id
        assert storage.storage_accounts.get_properties(GROUP, "stlocksro01").id == account.id
    finally:
        locks.management_locks.delete_at_resource_group_level(GROUP, "read-only")
    assert storage.storage_accounts.list_keys(GROUP, "stlocksro01").keys


def test_only_owner_or_user_access_administrator_write_locks(endpoint, identities, group):
    from azure.mgmt.resource.locks import ManagementLockClient

    identity = _identity(identities, "id-lock-writers")
    developer = endpoint.principal(DEVELOPER)["object_id"]
    _assign(endpoint, group, CONTRIBUTOR, developer)
    as_developer = endpoint.mgmt_client(ManagementLockClient, DEVELOPER)
    with pytest.raises(HttpResponseError) as raised:
        as_developer.management_locks.create_or_update_by_scope(identity.id, "mine", {"level": "CanNotDelete"})
    status, code, message = _error(raised)
    assert (status, code) == (403, "AuthorizationFailed")
    assert "'Microsoft.Authorization/locks/write'" in message
    _assign(endpoint, identity.id, USER_ACCESS_ADMINISTRATOR, developer)
    created = as_developer.management_locks.create_or_update_by_scope(identity.id, "mine", {"level": "CanNotDelete"})
    assert created.level == "CanNotDelete"
    # The Contributor cannot delete the locked resource either: the lock is the only way out.
    response = endpoint.call("DELETE", identity.id, token=endpoint.token(DEVELOPER), api_version="2023-01-31")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "ScopeLocked")
    as_developer.management_locks.delete_by_scope(identity.id, "mine")
    assert endpoint.call("DELETE", identity.id, token=endpoint.token(DEVELOPER), api_version="2023-01-31").ok


def test_a_deployment_creates_a_lock_as_an_extension_resource(endpoint, locks, group):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"deleteLocks": {"type": "bool"}},
        "resources": [
            {"type": IDENTITY_TYPE, "apiVersion": "2023-01-31", "name": "id-deployed", "location": LOCATION},
            {
                "condition": "[parameters('deleteLocks')]",
                "type": "Microsoft.Authorization/locks",
                "apiVersion": "2020-05-01",
                "name": "do-not-delete",
                "scope": f"[resourceId('{IDENTITY_TYPE}', 'id-deployed')]",
                "dependsOn": [f"[resourceId('{IDENTITY_TYPE}', 'id-deployed')]"],
                "properties": {"level": "CanNotDelete", "notes": "deployed"},
            },
        ],
    }
    client = endpoint.mgmt_client(DeploymentsMgmtClient, polling_interval=0.05)
    body = {"properties": {"mode": "Incremental", "template": template, "parameters": {"deleteLocks": {"value": True}}}}
    result = client.deployments.begin_create_or_update(GROUP, "locks", body).result()
    assert result.properties.provisioning_state == "Succeeded"
    identity_id = f"{group}/providers/{IDENTITY_TYPE}/id-deployed"
    assert locks.management_locks.get_by_scope(identity_id, "do-not-delete").notes == "deployed"
    assert endpoint.call("DELETE", identity_id, api_version="2023-01-31").status_code == 409
    locks.management_locks.delete_by_scope(identity_id, "do-not-delete")
