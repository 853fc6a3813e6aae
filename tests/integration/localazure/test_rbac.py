"""RBAC on every ARM request, role definitions and assignments, and the permissions endpoint, through the
unmodified AuthorizationManagementClient and the other SDK clients with the two seeded principals."""

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-rbac"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
DEVELOPER = "model-developer-test"


@pytest.fixture(scope="module")
def authorization(endpoint):
    from azure.mgmt.authorization import AuthorizationManagementClient

    return endpoint.mgmt_client(AuthorizationManagementClient)


@pytest.fixture(scope="module")
def group(endpoint):
    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


@pytest.fixture(scope="module")
def registries(endpoint, group):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient

    client = endpoint.mgmt_client(ContainerRegistryManagementClient)
    return [
        client.registries.begin_create(GROUP, name, {"location": LOCATION, "sku": {"name": "Premium"}}).result()
        for name in ("acrrbac01", "acrrbac02")
    ]


def _assign(authorization, scope, role_guid, principal_id):
    return authorization.role_assignments.create(
        scope,
        str(uuid.uuid4()),
        {
            "properties": {
                "roleDefinitionId": f"/subscriptions/{scope.split('/')[2]}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{role_guid}",
                "principalId": principal_id,
                "principalType": "ServicePrincipal",
            }
        },
    )


def _custom_role(endpoint, name, scopes=None):
    return {
        "properties": {
            "roleName": name,
            "description": "test role",
            "type": "CustomRole",
            "assignableScopes": scopes or [f"/subscriptions/{endpoint.subscription_id}"],
            "permissions": [
                {
                    "actions": ["Microsoft.Storage/storageAccounts/read"],
                    "notActions": [],
                    "dataActions": [],
                    "notDataActions": [],
                }
            ],
        }
    }


def test_built_in_roles_are_listed_with_their_real_ids(endpoint, authorization):
    scope = f"/subscriptions/{endpoint.subscription_id}"
    readers = list(authorization.role_definitions.list(scope, filter="roleName eq 'Reader'"))
    assert [role.name for role in readers] == [READER]
    assert readers[0].id == f"{scope}/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    assert readers[0].role_type == "BuiltInRole" and readers[0].permissions[0].actions == ["*/read"]
    names = {role.role_name for role in authorization.role_definitions.list(scope)}
    assert {
        "Owner",
        "Contributor",
        "Reader",
        "User Access Administrator",
        "AzureML Data Scientist",
        "AzureML Compute Operator",
        "AcrPull",
        "AcrPush",
        "Storage Blob Data Contributor",
        "Storage Blob Data Reader",
    } <= names
    assert (
        authorization.role_definitions.get_by_id(
            f"/providers/Microsoft.Authorization/roleDefinitions/{ACR_PULL}"
        ).role_name
        == "AcrPull"
    )
    with pytest.raises(ResourceNotFoundError) as raised:
        authorization.role_definitions.get(scope, str(uuid.uuid4()))
    assert raised.value.error.code == "RoleDefinitionDoesNotExist"


def test_custom_role_lifecycle_duplicate_name_and_scopes(endpoint, authorization, group):
    scope = f"/subscriptions/{endpoint.subscription_id}"
    role_id = str(uuid.uuid4())
    created = authorization.role_definitions.create_or_update(scope, role_id, _custom_role(endpoint, "Storage peeker"))
    assert created.id == f"{scope}/providers/Microsoft.Authorization/roleDefinitions/{role_id}"
    assert created.role_type == "CustomRole" and created.created_on is not None
    assert authorization.role_definitions.get(group, role_id).role_name == "Storage peeker"
    listed = list(authorization.role_definitions.list(group, filter="roleName eq 'Storage peeker'"))
    assert [role.name for role in listed] == [role_id]

    with pytest.raises(HttpResponseError) as raised:
        authorization.role_definitions.create_or_update(
            scope, str(uuid.uuid4()), _custom_role(endpoint, "storage PEEKER")
        )
    assert raised.value.status_code == 409 and raised.value.error.code == "RoleDefinitionWithSameNameExists"

    outside = "/subscriptions/99999999-0000-4000-8000-000000000000"
    with pytest.raises(HttpResponseError) as raised:
        authorization.role_definitions.create_or_update(
            scope, str(uuid.uuid4()), _custom_role(endpoint, "Elsewhere", [scope, outside])
        )
    assert raised.value.status_code == 403 and raised.value.error.code == "LinkedAuthorizationFailed"
    assert f"linked scope(s)'{outside}'" in raised.value.error.message

    with pytest.raises(HttpResponseError) as raised:
        authorization.role_definitions.create_or_update(scope, "not-a-guid", _custom_role(endpoint, "Bad name"))
    assert raised.value.status_code == 400

    developer = endpoint.principal(DEVELOPER)["object_id"]
    assignment = _assign(authorization, group, role_id, developer)
    with pytest.raises(HttpResponseError) as raised:
        authorization.role_definitions.delete(scope, role_id)
    assert raised.value.status_code == 409 and raised.value.error.code == "RoleDefinitionHasAssignments"
    authorization.role_assignments.delete_by_id(assignment.id)
    assert authorization.role_definitions.delete(scope, role_id).name == role_id
    with pytest.raises(ResourceNotFoundError):
        authorization.role_definitions.get(scope, role_id)


def test_role_assignment_rejections(endpoint, authorization, group):
    developer = endpoint.principal(DEVELOPER)["object_id"]
    with pytest.raises(HttpResponseError) as raised:
        _assign(authorization, group, str(uuid.uuid4()), developer)
    assert raised.value.status_code == 400 and raised.value.error.code == "RoleDefinitionDoesNotExist"
    with pytest.raises(HttpResponseError) as raised:
        _assign(authorization, group, READER, str(uuid.uuid4()))
    assert raised.value.status_code == 400 and raised.value.error.code == "PrincipalNotFound"
    first = _assign(authorization, group, READER, developer)
    with pytest.raises(HttpResponseError) as raised:
        _assign(authorization, group, READER, developer)
    assert raised.value.status_code == 409 and raised.value.error.code == "RoleAssignmentExists"
    response = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}",
        api_version="2022-04-01",
        body={
            "properties": {
                "roleDefinitionId": first.role_definition_id,
                "principalId": developer,
                "favouriteColour": "blue",
            }
        },
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "InvalidRequestContent"
    authorization.role_assignments.delete_by_id(first.id)


def test_model_developer_is_denied_until_assigned_then_reads_only(endpoint, authorization, group, registries):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient

    developer = endpoint.principal(DEVELOPER)
    resources = endpoint.mgmt_client(ResourceManagementClient, DEVELOPER)
    acr = endpoint.mgmt_client(ContainerRegistryManagementClient, DEVELOPER)

    with pytest.raises(HttpResponseError) as raised:
        resources.resource_groups.get(GROUP)
    assert raised.value.status_code == 403 and raised.value.error.code == "AuthorizationFailed"
    # Azure names the action and scope in the casing of the request's path (the SDK writes 'resourcegroups').
    assert raised.value.error.message == (
        f"The client '{developer['object_id']}' with object id '{developer['object_id']}' does not have "
        f"authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope "
        f"'/subscriptions/{endpoint.subscription_id}/resourcegroups/{GROUP}' or the scope is invalid. "
        "If access was recently granted, please refresh your credentials."
    )

    reader = _assign(authorization, group, READER, developer["object_id"])
    assert resources.resource_groups.get(GROUP).name == GROUP
    assert {item.name for item in acr.registries.list_by_resource_group(GROUP)} == {"acrrbac01", "acrrbac02"}
    with pytest.raises(HttpResponseError) as raised:
        acr.registries.begin_update(GROUP, "acrrbac01", {"tags": {"by": "developer"}})
    assert raised.value.status_code == 403 and raised.value.error.code == "AuthorizationFailed"
    assert "'Microsoft.ContainerRegistry/registries/write'" in raised.value.error.message
    assert f"over scope '{registries[0].id}'" in raised.value.error.message
    with pytest.raises(HttpResponseError) as raised:
        resources.resource_groups.create_or_update("rg-developer", {"location": LOCATION})
    assert raised.value.status_code == 403
    authorization.role_assignments.delete_by_id(reader.id)
    with pytest.raises(HttpResponseError) as raised:
        resources.resource_groups.get(GROUP)
    assert raised.value.status_code == 403


def test_resource_scope_assignment_and_permissions_union(endpoint, authorization, group, registries):
    from azure.mgmt.authorization import AuthorizationManagementClient
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient

    developer = endpoint.principal(DEVELOPER)
    acr = endpoint.mgmt_client(ContainerRegistryManagementClient, DEVELOPER)
    own = endpoint.mgmt_client(AuthorizationManagementClient, DEVELOPER)
    registry, other = registries

    assert list(own.permissions.list_for_resource_group(GROUP)) == []
    contributor = _assign(authorization, registry.id, "b24988ac-6180-42a0-ab88-20f7382dd24c", developer["object_id"])
    assert contributor.id.startswith(f"{registry.id}/providers/Microsoft.Authorization/roleAssignments/")
    assert contributor.scope == registry.id
    assert authorization.role_assignments.get_by_id(contributor.id).principal_id == developer["object_id"]
    at_registry = list(authorization.role_assignments.list_for_scope(registry.id, filter="atScope()"))
    assert contributor.id in [item.id for item in at_registry]

    assert acr.registries.begin_update(GROUP, "acrrbac01", {"tags": {"by": "developer"}}).result().tags == {
        "by": "developer"
    }
    with pytest.raises(HttpResponseError) as raised:
        acr.registries.get(GROUP, "acrrbac02")
    assert raised.value.status_code == 403 and f"over scope '{other.id}'" in raised.value.error.message

    reader = _assign(authorization, group, READER, developer["object_id"])
    assert acr.registries.get(GROUP, "acrrbac02").name == "acrrbac02"
    at_group = list(own.permissions.list_for_resource_group(GROUP))
    assert [block.actions for block in at_group] == [["*/read"]]
    at_registry = list(
        own.permissions.list_for_resource(GROUP, "Microsoft.ContainerRegistry", "", "registries", "acrrbac01")
    )
    assert sorted(block.actions[0] for block in at_registry) == ["*", "*/read"]
    assert any("Microsoft.Authorization/*/Write" in block.not_actions for block in at_registry)
    for assignment in (reader, contributor):
        authorization.role_assignments.delete_by_id(assignment.id)


def test_deployer_lists_assignments_including_its_owner_role(endpoint, authorization):
    deployer = endpoint.principal("deployer")["object_id"]
    listed = list(authorization.role_assignments.list_for_subscription(filter=f"principalId eq '{deployer}'"))
    assert [item.role_definition_id.rsplit("/", 1)[1] for item in listed] == ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"]
    assert listed[0].scope == f"/subscriptions/{endpoint.subscription_id}"
