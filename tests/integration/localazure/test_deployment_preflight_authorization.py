"""Preflight checks the caller's permission for every resource write a template declares, as ARM does (issue 8,
section 1): a role assignment a Contributor may not create fails validate with 403 AuthorizationFailed, and the
PUT of the deployment is refused before it starts."""

import uuid

import pytest

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-preflight-a"
DEVELOPER = "model-developer-test"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
API = "2025-04-01"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
VNET = {
    "type": "Microsoft.Network/virtualNetworks",
    "apiVersion": "2023-04-01",
    "name": "vnet-preflight",
    "location": LOCATION,
    "properties": {"addressSpace": {"addressPrefixes": ["10.44.0.0/16"]}},
}


@pytest.fixture(scope="module")
def developer(endpoint):
    """The developer, with Contributor on the group only."""
    group = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"
    assert endpoint.call("PUT", group, body={"location": LOCATION}).ok
    principal = endpoint.principal(DEVELOPER)
    assignment = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}",
        api_version="2022-04-01",
        body={
            "properties": {
                "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/"
                f"Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}",
                "principalId": principal["object_id"],
                "principalType": "ServicePrincipal",
            }
        },
    )
    assert assignment.status_code == 201, assignment.text
    return principal


def _role_assignment(principal_id: str) -> dict:
    return {
        "type": "Microsoft.Authorization/roleAssignments",
        "apiVersion": "2022-04-01",
        "name": "[guid(resourceGroup().id, 'preflight')]",
        "properties": {
            "roleDefinitionId": f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{READER}')]",
            "principalId": principal_id,
            "principalType": "ServicePrincipal",
        },
    }


def _body(*resources) -> dict:
    return {
        "properties": {
            "mode": "Incremental",
            "template": {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": list(resources)},
        }
    }


def _nested(*resources) -> dict:
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": "inner-preflight",
        "properties": {
            "mode": "Incremental",
            "expressionEvaluationOptions": {"scope": "inner"},
            "template": {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": list(resources)},
        },
    }


def _path(endpoint, name: str) -> str:
    return (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/"
        f"Microsoft.Resources/deployments/{name}"
    )


def _assert_refused(response, developer) -> None:
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "AuthorizationFailed"
    assert error["message"].startswith(
        f"The client '{developer['object_id']}' with object id '{developer['object_id']}' does not have "
        "authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope "
        f"'/subscriptions/{developer_subscription(response)}/resourceGroups/{GROUP}/providers/"
        "Microsoft.Authorization/roleAssignments/"
    )
    assert error["message"].endswith(
        "or the scope is invalid. If access was recently granted, please refresh your credentials."
    )


def developer_subscription(response) -> str:
    return response.url.split("/subscriptions/", 1)[1].split("/", 1)[0]


@pytest.mark.parametrize("shape", ["top-level", "nested"])
def test_validate_refuses_a_role_assignment_the_caller_may_not_create(endpoint, developer, shape):
    resource = _role_assignment(developer["object_id"])
    body = _body(VNET, resource) if shape == "top-level" else _body(VNET, _nested(resource))
    token = endpoint.token(DEVELOPER)
    name = f"preflight-{shape}"
    _assert_refused(
        endpoint.call("POST", _path(endpoint, name) + "/validate", token=token, api_version=API, body=body), developer
    )
    _assert_refused(endpoint.call("PUT", _path(endpoint, name), token=token, api_version=API, body=body), developer)
    assert endpoint.call("GET", _path(endpoint, name), api_version=API).status_code == 404, "never started"
    assert (
        endpoint.call(
            "GET",
            f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/"
            "Microsoft.Network/virtualNetworks/vnet-preflight",
            api_version="2023-04-01",
        ).status_code
        == 404
    ), "nothing of it was deployed"


def test_validate_accepts_what_the_caller_may_write(endpoint, developer):
    token = endpoint.token(DEVELOPER)
    validated = endpoint.call(
        "POST", _path(endpoint, "preflight-fine") + "/validate", token=token, api_version=API, body=_body(VNET)
    )
    assert validated.status_code == 200, validated.text
    assert [item["id"].rsplit("/", 1)[-1] for item in validated.json()["properties"]["validatedResources"]] == [
        "vnet-preflight"
    ]


def test_the_owner_may_deploy_the_role_assignment(endpoint, developer):
    validated = endpoint.call(
        "POST",
        _path(endpoint, "preflight-owner") + "/validate",
        api_version=API,
        body=_body(_role_assignment(developer["object_id"])),
    )
    assert validated.status_code == 200, validated.text
