"""Fidelity of the endpoint's core (review findings 1, 2, 5, 6, 10-17): status codes, error codes, filtered
lists, unchanged re-PUTs and systemData, through the unmodified SDKs or plain requests."""

import time
import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-core-fidelity"
OTHER_GROUP = "rg-core-fidelity-other"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
DEVELOPER = "model-developer-test"
AUTHORIZATION_VERSION = "2022-04-01"
NETWORK_VERSION = "2024-05-01"
STORAGE_VERSION = "2024-01-01"
VAULT_VERSION = "2023-07-01"
SYSTEM_DATA_MEMBERS = {
    "createdBy",
    "createdByType",
    "createdAt",
    "lastModifiedBy",
    "lastModifiedByType",
    "lastModifiedAt",
}


@pytest.fixture(scope="module")
def authorization(endpoint):
    from azure.mgmt.authorization import AuthorizationManagementClient

    return endpoint.mgmt_client(AuthorizationManagementClient)


@pytest.fixture(scope="module")
def groups(endpoint):
    client = endpoint.resource_client()
    for name in (GROUP, OTHER_GROUP):
        client.resource_groups.create_or_update(name, {"location": LOCATION})
    return {name: f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{name}" for name in (GROUP, OTHER_GROUP)}


def _role_id(endpoint, guid):
    return f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def _assignment_body(endpoint, role_guid, principal_id):
    return {
        "properties": {
            "roleDefinitionId": _role_id(endpoint, role_guid),
            "principalId": principal_id,
            "principalType": "ServicePrincipal",
        }
    }


def _error(response):
    return response.json()["error"]


def _put_and_wait(endpoint, path, body, api_version):
    """A raw PUT followed through its long-running headers; returns the first response and the final body."""
    response = endpoint.call("PUT", path, api_version=api_version, body=body)
    assert response.status_code in (200, 201, 202), response.text
    monitor = response.headers.get("Azure-AsyncOperation") or response.headers.get("Location")
    deadline = time.monotonic() + 20
    while monitor and time.monotonic() < deadline:
        status = endpoint.session.get(
            monitor, headers={"Authorization": f"Bearer {endpoint.token()}"}, verify=endpoint.ca, timeout=10
        )
        if status.status_code == 200 and (status.json() or {}).get("status", "Succeeded") in ("Succeeded", "Failed"):
            break
        time.sleep(0.05)
    final = endpoint.call("GET", path, api_version=api_version)
    assert final.status_code == 200, final.text
    return response, final.json()


# -- finding 1: role definition updates answer 201, as the SDK requires ---------------------------------------
def test_custom_role_update_through_the_sdk(endpoint, authorization):
    scope = f"/subscriptions/{endpoint.subscription_id}"
    role_guid = str(uuid.uuid4())
    body = {
        "properties": {
            "roleName": "Core fidelity role",
            "description": "first",
            "type": "CustomRole",
            "assignableScopes": [scope],
            "permissions": [{"actions": ["Microsoft.Storage/storageAccounts/read"]}],
        }
    }
    authorization.role_definitions.create_or_update(scope, role_guid, body)
    body["properties"]["description"] = "second"
    updated = authorization.role_definitions.create_or_update(scope, role_guid, body)
    assert updated.description == "second"
    raw = endpoint.call(
        "PUT",
        f"{scope}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}",
        api_version=AUTHORIZATION_VERSION,
        body=body,
    )
    assert raw.status_code == 201, raw.text


# -- findings 2, 10, 12: role assignments cannot be updated or patched; a missing one is RoleAssignmentNotFound
def test_role_assignment_cannot_change_its_role_or_be_patched(endpoint, authorization, groups):
    developer = endpoint.principal(DEVELOPER)["object_id"]
    scope = groups[GROUP]
    name = str(uuid.uuid4())
    authorization.role_assignments.create(scope, name, _assignment_body(endpoint, READER, developer))
    path = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
    same = endpoint.call(
        "PUT", path, api_version=AUTHORIZATION_VERSION, body=_assignment_body(endpoint, READER, developer)
    )
    assert same.status_code == 200, same.text
    with pytest.raises(HttpResponseError) as raised:
        authorization.role_assignments.create(scope, name, _assignment_body(endpoint, CONTRIBUTOR, developer))
    assert raised.value.status_code == 400
    assert raised.value.error.code == "RoleAssignmentUpdateNotPermitted"
    assert raised.value.error.message == (
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated."
    )
    patched = endpoint.call(
        "PATCH", path, api_version=AUTHORIZATION_VERSION, body=_assignment_body(endpoint, CONTRIBUTOR, developer)
    )
    assert patched.status_code == 405, patched.text
    kept = authorization.role_assignments.get(scope, name)
    assert kept.role_definition_id.lower().endswith(READER)
    authorization.role_assignments.delete(scope, name)
    missing = str(uuid.uuid4())
    with pytest.raises(ResourceNotFoundError) as raised:
        authorization.role_assignments.get(scope, missing)
    assert raised.value.error.code == "RoleAssignmentNotFound"
    assert missing in raised.value.error.message


# -- finding 5: lists are filtered to what the caller may read -------------------------------------------------
def test_lists_are_filtered_for_a_principal_with_one_resource(endpoint, authorization, groups):
    vnet_path = f"{groups[GROUP]}/providers/Microsoft.Network/virtualNetworks/vnet-core-visible"
    _put_and_wait(
        endpoint,
        vnet_path,
        {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": ["10.40.0.0/16"]}}},
        NETWORK_VERSION,
    )
    hidden_path = f"{groups[OTHER_GROUP]}/providers/Microsoft.Network/virtualNetworks/vnet-core-hidden"
    _put_and_wait(
        endpoint,
        hidden_path,
        {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": ["10.41.0.0/16"]}}},
        NETWORK_VERSION,
    )
    token = endpoint.token(DEVELOPER)
    subscription = f"/subscriptions/{endpoint.subscription_id}"
    before = endpoint.call("GET", f"{subscription}/resources", token=token)
    assert before.status_code == 200 and before.json()["value"] == [], before.text
    developer = endpoint.principal(DEVELOPER)["object_id"]
    authorization.role_assignments.create(vnet_path, str(uuid.uuid4()), _assignment_body(endpoint, READER, developer))

    listed_groups = endpoint.call("GET", f"{subscription}/resourcegroups", token=token)
    assert listed_groups.status_code == 200, listed_groups.text
    assert listed_groups.json()["value"] == []
    everything = endpoint.call("GET", f"{subscription}/resources", token=token)
    assert everything.status_code == 200, everything.text
    ids = [item["id"].lower() for item in everything.json()["value"]]
    assert vnet_path.lower() in ids and hidden_path.lower() not in ids
    assert all(item.startswith(vnet_path.lower()) for item in ids)
    in_group = endpoint.call("GET", f"{groups[GROUP]}/resources", token=token)
    assert in_group.status_code == 200, in_group.text
    assert vnet_path.lower() in [item["id"].lower() for item in in_group.json()["value"]]
    in_other = endpoint.call("GET", f"{groups[OTHER_GROUP]}/resources", token=token)
    assert in_other.status_code == 200 and in_other.json()["value"] == []
    deployer_view = endpoint.call("GET", f"{subscription}/resources")
    assert hidden_path.lower() in [item["id"].lower() for item in deployer_view.json()["value"]]
    denied = endpoint.call("GET", hidden_path, token=token, api_version=NETWORK_VERSION)
    assert denied.status_code == 403 and _error(denied)["code"] == "AuthorizationFailed"


# -- finding 11: wrong audience --------------------------------------------------------------------------------
def test_token_for_another_audience_is_invalid_authentication_token_audience(endpoint):
    token = endpoint.token(scope="https://vault.azure.net/.default")
    response = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups", token=token)
    assert response.status_code == 401
    assert _error(response)["code"] == "InvalidAuthenticationTokenAudience"
    assert "wrong audience or resource" in _error(response)["message"]


# -- findings 13, 14: malformed subscription id and api-version ------------------------------------------------
def test_malformed_subscription_id_is_invalid_subscription_id(endpoint):
    response = endpoint.call("GET", "/subscriptions/not-a-guid/resourcegroups")
    assert response.status_code == 400
    assert _error(response) == {
        "code": "InvalidSubscriptionId",
        "message": "The provided subscription identifier 'not-a-guid' is malformed or invalid.",
    }
    unknown = endpoint.call("GET", f"/subscriptions/{uuid.uuid4()}/resourcegroups")
    assert unknown.status_code == 404 and _error(unknown)["code"] == "SubscriptionNotFound"


@pytest.mark.parametrize(
    "api_version, code",
    [
        ("banana", "InvalidApiVersionParameter"),
        ("2024-1-1", "InvalidApiVersionParameter"),
        ("2001-01-01", "NoRegisteredProviderFound"),
        ("2001-01-01-preview", "NoRegisteredProviderFound"),
    ],
)
def test_malformed_api_version_on_a_provider_route(endpoint, groups, api_version, code):
    response = endpoint.call(
        "GET", f"{groups[GROUP]}/providers/Microsoft.Network/virtualNetworks/v", api_version=api_version
    )
    assert response.status_code == 400 and _error(response)["code"] == code, response.text


# -- findings 6, 17: an unchanged PUT changes nothing and answers at once ---------------------------------------
def test_unchanged_storage_account_put_is_synchronous_and_a_changed_one_is_not(endpoint, groups):
    path = f"{groups[GROUP]}/providers/Microsoft.Storage/storageAccounts/stcorefidelity01"
    body = {"location": LOCATION, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}
    created, stored = _put_and_wait(endpoint, path, body, STORAGE_VERSION)
    assert created.status_code == 202
    again = endpoint.call("PUT", path, api_version=STORAGE_VERSION, body=body)
    assert again.status_code == 200, again.text
    assert "Location" not in again.headers and "Azure-AsyncOperation" not in again.headers
    assert again.json()["properties"]["provisioningState"] == "Succeeded"
    assert again.json() == endpoint.call("GET", path, api_version=STORAGE_VERSION).json() == stored
    changed = endpoint.call("PUT", path, api_version=STORAGE_VERSION, body={**body, "tags": {"env": "test"}})
    assert changed.status_code in (200, 202) and (
        "Location" in changed.headers or "Azure-AsyncOperation" in changed.headers
    ), changed.headers


def test_identical_redeploy_keeps_etag_and_modification_stamps(endpoint, groups):
    vnet = f"{groups[GROUP]}/providers/Microsoft.Network/virtualNetworks/vnet-core-etag"
    body = {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": ["10.42.0.0/16"]}}}
    _, first = _put_and_wait(endpoint, vnet, body, NETWORK_VERSION)
    again = endpoint.call("PUT", vnet, api_version=NETWORK_VERSION, body=body)
    assert again.status_code == 200 and "Azure-AsyncOperation" not in again.headers, again.text
    assert again.json()["etag"] == first["etag"]
    assert again.json()["systemData"] == first["systemData"]
    workspace = f"{groups[GROUP]}/providers/Microsoft.OperationalInsights/workspaces/log-core-fidelity"
    workspace_body = {"location": LOCATION, "properties": {"retentionInDays": 30, "sku": {"name": "PerGB2018"}}}
    _, logs = _put_and_wait(endpoint, workspace, workspace_body, "2022-10-01")
    repeated = endpoint.call("PUT", workspace, api_version="2022-10-01", body=workspace_body)
    assert repeated.status_code == 200, repeated.text
    assert repeated.json()["properties"]["modifiedDate"] == logs["properties"]["modifiedDate"]
    _, changed = _put_and_wait(
        endpoint,
        workspace,
        {**workspace_body, "properties": {"retentionInDays": 60, "sku": {"name": "PerGB2018"}}},
        "2022-10-01",
    )
    assert changed["properties"]["retentionInDays"] == 60
    assert changed["systemData"]["lastModifiedAt"] != logs["systemData"]["lastModifiedAt"]
    assert changed["systemData"]["createdAt"] == logs["systemData"]["createdAt"]


# -- finding 15: systemData from the calling principal ----------------------------------------------------------
def test_tracked_resources_carry_system_data_of_the_caller(endpoint, groups):
    path = f"{groups[GROUP]}/providers/Microsoft.KeyVault/vaults/kv-core-fid01"
    body = {
        "location": LOCATION,
        "properties": {
            "tenantId": endpoint.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": True,
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": 90,
            "accessPolicies": [],
        },
    }
    created = endpoint.call("PUT", path, api_version=VAULT_VERSION, body=body)
    assert created.status_code in (200, 201), created.text
    system_data = created.json()["systemData"]
    assert set(system_data) == SYSTEM_DATA_MEMBERS
    deployer = endpoint.principal()["client_id"]
    assert system_data["createdBy"] == system_data["lastModifiedBy"] == deployer
    assert system_data["createdByType"] == system_data["lastModifiedByType"] == "Application"
    assert system_data["createdAt"] == system_data["lastModifiedAt"]
    unchanged = endpoint.call("PUT", path, api_version=VAULT_VERSION, body=body)
    assert unchanged.json()["systemData"] == system_data
    tagged = endpoint.call("PUT", path, api_version=VAULT_VERSION, body={**body, "tags": {"env": "test"}})
    assert tagged.status_code == 200, tagged.text
    assert tagged.json()["systemData"]["createdAt"] == system_data["createdAt"]
    assert tagged.json()["systemData"]["lastModifiedAt"] > system_data["lastModifiedAt"]
    client_supplied = endpoint.call(
        "PUT", path, api_version=VAULT_VERSION, body={**body, "systemData": {"createdBy": "someone-else"}}
    )
    assert client_supplied.json()["systemData"]["createdBy"] == deployer


# -- finding 16: client nulls are not echoed by providers that omit unset members ---------------------------------
def test_key_vault_does_not_echo_a_client_null_but_role_assignments_keep_their_nulls(endpoint, authorization, groups):
    path = f"{groups[GROUP]}/providers/Microsoft.KeyVault/vaults/kv-core-null01"
    body = {
        "location": LOCATION,
        "properties": {
            "tenantId": endpoint.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": True,
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": 90,
            "enablePurgeProtection": None,
            "accessPolicies": [],
        },
    }
    created = endpoint.call("PUT", path, api_version=VAULT_VERSION, body=body)
    assert created.status_code in (200, 201), created.text
    read = endpoint.call("GET", path, api_version=VAULT_VERSION).json()
    assert "enablePurgeProtection" not in read["properties"]
    developer = endpoint.principal(DEVELOPER)["object_id"]
    assignment = authorization.role_assignments.create(
        groups[OTHER_GROUP], str(uuid.uuid4()), _assignment_body(endpoint, READER, developer)
    )
    raw = endpoint.call("GET", assignment.id, api_version=AUTHORIZATION_VERSION).json()
    assert "condition" in raw["properties"] and raw["properties"]["condition"] is None
