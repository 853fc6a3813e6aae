"""What azure-cli's role and acr commands need from the endpoint, through the unmodified SDK clients they use:
role assignment and definition DELETE answer with the deleted body (204 when nothing was there), a custom role
cannot take a built-in role's name, and the registry name check answers as Microsoft.ContainerRegistry does."""

import uuid

import pytest
from azure.core.exceptions import HttpResponseError
from seeded_endpoint import seeded_endpoint

OTHER_SUBSCRIPTION = "22222222-3333-4444-8555-666666666666"
OTHER_OWNER = "other-owner"
LOCATION = "westeurope"
GROUP = "rg-cli-roles"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
DEVELOPER = "model-developer-test"
ASSIGNMENTS_VERSION = "2022-04-01"
REGISTRIES = "Microsoft.ContainerRegistry/registries"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    yield from seeded_endpoint(
        tmp_path_factory,
        {
            "subscriptions": [{"id": OTHER_SUBSCRIPTION}],
            "principals": [
                {"name": OTHER_OWNER, "roles": [{"role": "Owner", "scope": f"/subscriptions/{OTHER_SUBSCRIPTION}"}]}
            ],
        },
        "--lro-retry-after",
        "0",
        "--no-throttling",
    )


@pytest.fixture(scope="module")
def authorization(endpoint):
    from azure.mgmt.authorization import AuthorizationManagementClient

    return endpoint.mgmt_client(AuthorizationManagementClient)


@pytest.fixture(scope="module")
def registry_client(endpoint):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient

    return endpoint.mgmt_client(ContainerRegistryManagementClient)


@pytest.fixture(scope="module")
def group(endpoint):
    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


def _reader_assignment(endpoint, authorization, scope):
    return authorization.role_assignments.create(
        scope,
        str(uuid.uuid4()),
        {
            "properties": {
                "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{READER}",
                "principalId": endpoint.principal(DEVELOPER)["object_id"],
                "principalType": "ServicePrincipal",
            }
        },
    )


def _custom_role(endpoint, role_name):
    return {
        "properties": {
            "roleName": role_name,
            "description": "named like a built-in role",
            "type": "CustomRole",
            "assignableScopes": [f"/subscriptions/{endpoint.subscription_id}"],
            "permissions": [{"actions": ["Microsoft.Storage/storageAccounts/read"]}],
        }
    }


def test_role_assignment_delete_by_id_returns_the_deleted_assignment(endpoint, authorization, group):
    created = _reader_assignment(endpoint, authorization, group)
    deleted = authorization.role_assignments.delete_by_id(created.id)
    assert deleted is not None, "az role assignment delete --ids reads the deleted assignment from the answer"
    assert (deleted.id, deleted.name, deleted.principal_id) == (created.id, created.name, created.principal_id)
    assert deleted.role_definition_id == created.role_definition_id and deleted.scope == group
    assert endpoint.call("GET", created.id, api_version=ASSIGNMENTS_VERSION).status_code == 404
    assert authorization.role_assignments.delete_by_id(created.id) is None
    again = endpoint.call("DELETE", created.id, api_version=ASSIGNMENTS_VERSION)
    assert (again.status_code, again.content) == (204, b"")


def test_role_assignment_delete_by_scope_and_name_returns_it(endpoint, authorization, group):
    created = _reader_assignment(endpoint, authorization, group)
    deleted = authorization.role_assignments.delete(group, created.name)
    assert deleted.id == created.id and deleted.principal_type == "ServicePrincipal"
    reader = endpoint.credential(DEVELOPER).get_token(f"{endpoint.arm}/.default").token
    other = _reader_assignment(endpoint, authorization, group)
    refused = endpoint.call("DELETE", other.id, api_version=ASSIGNMENTS_VERSION, token=reader)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "AuthorizationFailed"
    assert endpoint.call("GET", other.id, api_version=ASSIGNMENTS_VERSION).status_code == 200


def test_role_definition_delete_returns_it_and_204_when_absent(endpoint, authorization):
    scope = f"/subscriptions/{endpoint.subscription_id}"
    role_id = str(uuid.uuid4())
    authorization.role_definitions.create_or_update(scope, role_id, _custom_role(endpoint, "Deletable role"))
    deleted = authorization.role_definitions.delete(scope, role_id)
    assert deleted.name == role_id and deleted.role_name == "Deletable role"
    assert authorization.role_definitions.delete(scope, role_id) is None


@pytest.mark.parametrize("role_name", ["Reader", "contributor", "  AcrPull "])
def test_custom_role_named_like_a_built_in_role_is_refused(endpoint, authorization, role_name):
    scope = f"/subscriptions/{endpoint.subscription_id}"
    role_id = str(uuid.uuid4())
    with pytest.raises(HttpResponseError) as raised:
        authorization.role_definitions.create_or_update(scope, role_id, _custom_role(endpoint, role_name))
    assert raised.value.status_code == 409 and raised.value.error.code == "RoleDefinitionWithSameNameExists"
    assert (
        endpoint.call(
            "GET",
            f"{scope}/providers/Microsoft.Authorization/roleDefinitions/{role_id}",
            api_version=ASSIGNMENTS_VERSION,
        ).status_code
        == 404
    )
    named = list(authorization.role_definitions.list(scope, filter=f"roleName eq '{role_name.strip()}'"))
    assert [role.role_type for role in named] == ["BuiltInRole"]


def test_custom_role_named_like_a_built_in_role_fails_inside_a_deployment(endpoint, group):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    client = endpoint.mgmt_client(DeploymentsMgmtClient)
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {
                "type": "Microsoft.Authorization/roleDefinitions",
                "apiVersion": "2022-04-01",
                "name": "[guid(resourceGroup().id, 'reader-lookalike')]",
                "properties": {
                    "roleName": "READER",
                    "description": "lookalike",
                    "type": "customRole",
                    "assignableScopes": ["[resourceGroup().id]"],
                    "permissions": [{"actions": ["*/read"], "notActions": []}],
                },
            }
        ],
    }
    with pytest.raises(HttpResponseError) as raised:
        client.deployments.begin_create_or_update(
            GROUP, "lookalike", {"properties": {"mode": "Incremental", "template": template}}
        ).result()
    assert raised.value.status_code == 400 and raised.value.error.code == "InvalidTemplateDeployment"
    assert [item.code for item in raised.value.error.details] == ["RoleDefinitionWithSameNameExists"]
    listed = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/roleDefinitions",
        api_version=ASSIGNMENTS_VERSION,
    ).json()["value"]
    assert [item["properties"]["type"] for item in listed if item["properties"]["roleName"].lower() == "reader"] == [
        "BuiltInRole"
    ]


def test_registry_name_availability(endpoint, registry_client, group):
    from azure.mgmt.containerregistry.models import RegistryNameCheckRequest

    registry_client.registries.begin_create(
        GROUP, "acrclitaken01", {"location": LOCATION, "sku": {"name": "Basic"}}
    ).result()

    def check(name):
        return registry_client.registries.check_name_availability(RegistryNameCheckRequest(name=name, type=REGISTRIES))

    free = check("acrclifree01")
    assert (free.name_available, free.reason) == (True, None)
    taken = check("ACRCLITAKEN01")
    assert (taken.name_available, taken.reason) == (False, "AlreadyExists")
    assert "acrclitaken01" in taken.message.lower()
    for invalid in ("abcd", "a" * 51, "acr-with-dash", "acr_under"):
        result = check(invalid)
        assert (result.name_available, result.reason) == (False, "Invalid"), invalid
        assert result.message
    assert check("a" * 50).name_available is True


def test_registry_names_are_global_and_the_check_needs_its_read_action(endpoint, group):
    check = "/providers/Microsoft.ContainerRegistry/checkNameAvailability"
    endpoint.call(
        "PUT",
        f"{group}/providers/{REGISTRIES}/acrcliglobal01",
        api_version="2023-07-01",
        body={"location": LOCATION, "sku": {"name": "Basic"}},
    )
    elsewhere = endpoint.call(
        "POST",
        f"/subscriptions/{OTHER_SUBSCRIPTION}{check}",
        api_version="2023-07-01",
        token=endpoint.token(OTHER_OWNER),
        body={"name": "AcrCliGlobal01", "type": REGISTRIES},
    )
    assert elsewhere.status_code == 200, elsewhere.text
    assert elsewhere.json()["nameAvailable"] is False and elsewhere.json()["reason"] == "AlreadyExists"
    other_group = f"/subscriptions/{OTHER_SUBSCRIPTION}/resourceGroups/rg-other"
    assert (
        endpoint.call("PUT", other_group, token=endpoint.token(OTHER_OWNER), body={"location": LOCATION}).status_code
        == 201
    )
    taken = endpoint.call(
        "PUT",
        f"{other_group}/providers/{REGISTRIES}/ACRCLIGLOBAL01",
        api_version="2023-07-01",
        token=endpoint.token(OTHER_OWNER),
        body={"location": LOCATION, "sku": {"name": "Basic"}},
    )
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "AlreadyInUse"
    assert "acrcliglobal01.azurecr.io is already in use" in taken.json()["error"]["message"]
    path = f"/subscriptions/{endpoint.subscription_id}{check}"
    wrong_type = endpoint.call(
        "POST", path, api_version="2023-07-01", body={"name": "acrcliother01", "type": "Microsoft.Storage/accounts"}
    )
    assert wrong_type.status_code == 400 and wrong_type.json()["error"]["code"] == "InvalidRequestContent"
    no_name = endpoint.call("POST", path, api_version="2023-07-01", body={"type": REGISTRIES})
    assert no_name.status_code == 400 and no_name.json()["error"]["code"] == "InvalidRequestContent"
    refused = endpoint.call(
        "POST",
        path,
        api_version="2023-07-01",
        token=endpoint.token(DEVELOPER),
        body={"name": "acrcliother01", "type": REGISTRIES},
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "AuthorizationFailed"
    assert "Microsoft.ContainerRegistry/checkNameAvailability/read" in refused.json()["error"]["message"]
