"""A deployment acts as its caller: every reference(), list*(), nested deployment and resource write inside it is
authorized as the deploying principal, and fails the deployment with AuthorizationFailed when the caller lacks
the action (issue 8, section 1). The principal here has Contributor on resource group A only; B holds a storage
account and a virtual network whose keys and body it must never see, however the template asks for them."""

import json
import uuid

import pytest

from endpoint_process import DEPLOYMENT_TERMINAL_STATES, terminal_deployment

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP_A, GROUP_B = "rg-caller-a", "rg-caller-b"
ACCOUNT_B, VNET_B = "stcallerb01", "vnet-caller-b"
MARKER = "vnet-b-marker-7c1f"
DEVELOPER = "model-developer-test"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
API = "2025-04-01"
LIST_KEYS = (
    f"[listKeys(resourceId('{GROUP_B}', 'Microsoft.Storage/storageAccounts', '{ACCOUNT_B}'), "
    "'2023-05-01').keys[0].value]"
)
REFERENCE_FULL = (
    f"[reference(resourceId('{GROUP_B}', 'Microsoft.Network/virtualNetworks', '{VNET_B}'), '2023-04-01', 'Full')]"
)
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def _assign(endpoint, scope, role_id, principal_id):
    name = str(uuid.uuid4())
    response = endpoint.call(
        "PUT",
        f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        api_version="2022-04-01",
        body={
            "properties": {
                "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/"
                f"Microsoft.Authorization/roleDefinitions/{role_id}",
                "principalId": principal_id,
                "principalType": "ServicePrincipal",
            }
        },
    )
    assert response.status_code == 201, response.text


@pytest.fixture(scope="module")
def world(endpoint):
    """Groups A and B, B's account and VNet, the developer's Contributor on A and a deployments-only role at the
    subscription (for the subscription-scope deployment). Returns B's account key."""
    subscription = f"/subscriptions/{endpoint.subscription_id}"
    for group in (GROUP_A, GROUP_B):
        assert endpoint.call("PUT", f"{subscription}/resourceGroups/{group}", body={"location": LOCATION}).ok
    b = f"{subscription}/resourceGroups/{GROUP_B}"
    assert endpoint.call(
        "PUT",
        f"{b}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT_B}",
        api_version="2023-05-01",
        body={"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}},
    ).status_code in (200, 202)
    vnet = endpoint.call(
        "PUT",
        f"{b}/providers/Microsoft.Network/virtualNetworks/{VNET_B}",
        api_version="2023-04-01",
        body={
            "location": LOCATION,
            "tags": {"marker": MARKER},
            "properties": {"addressSpace": {"addressPrefixes": ["10.42.0.0/16"]}},
        },
    )
    assert vnet.status_code in (200, 201), vnet.text
    keys = endpoint.call(
        "POST", f"{b}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT_B}/listKeys", api_version="2023-05-01"
    )
    assert keys.status_code == 200, keys.text
    developer = endpoint.principal(DEVELOPER)["object_id"]
    _assign(endpoint, f"{subscription}/resourceGroups/{GROUP_A}", CONTRIBUTOR, developer)
    role_id = str(uuid.uuid4())
    role = endpoint.call(
        "PUT",
        f"{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role_id}",
        api_version="2022-04-01",
        body={
            "properties": {
                "roleName": "Subscription deployments only",
                "type": "CustomRole",
                "assignableScopes": [subscription],
                "permissions": [{"actions": ["Microsoft.Resources/deployments/*"], "notActions": []}],
            }
        },
    )
    assert role.status_code == 201, role.text
    _assign(endpoint, subscription, role_id, developer)
    return keys.json()["keys"][0]["value"]


def _template(resources=(), outputs=None, variables=None) -> dict:
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "variables": variables or {},
        "resources": list(resources),
        "outputs": outputs or {},
    }


def _vnet_in_a(tags: dict) -> dict:
    return {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": "2023-04-01",
        "name": "vnet-caller-a",
        "location": LOCATION,
        "tags": tags,
        "properties": {"addressSpace": {"addressPrefixes": ["10.43.0.0/16"]}},
    }


def _nested(scope: str, template: dict) -> dict:
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": f"inner-{scope}",
        "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": scope}, "template": template},
    }


def _deploy(endpoint, deployment_path: str, template: dict, location: str | None = None):
    """PUT the deployment as the developer and wait for a terminal state; returns every text ARM gave back."""
    token = endpoint.token(DEVELOPER)
    body = {"properties": {"mode": "Incremental", "template": template}}
    if location:
        body["location"] = location
    put = endpoint.call("PUT", deployment_path, token=token, api_version=API, body=body)
    record = put.json()
    if put.status_code < 300 and record["properties"]["provisioningState"] not in DEPLOYMENT_TERMINAL_STATES:
        record = terminal_deployment(endpoint, deployment_path, token=token)
    texts = [put.text, json.dumps(record)]
    operations = endpoint.call("GET", f"{deployment_path}/operations", token=token, api_version=API)
    texts.append(operations.text)
    for nested in ("inner-inner", "inner-outer"):
        nested_path = deployment_path.rsplit("/", 1)[0] + f"/{nested}"
        texts.append(endpoint.call("GET", nested_path, api_version=API).text)
        texts.append(endpoint.call("GET", f"{nested_path}/operations", api_version=API).text)
    return put, record, "\n".join(texts)


def _assert_denied(put, record, texts: str, key: str, developer: str) -> None:
    assert key not in texts and MARKER not in texts
    assert put.status_code == 201, "ARM evaluates reference() and list*() when it deploys, not before"
    assert record["properties"]["provisioningState"] == "Failed", record
    error = record["properties"]["error"]
    assert error["code"] == "DeploymentFailed" and error["target"] == record["id"]
    denied = [detail for detail in error["details"] if detail["code"] == "AuthorizationFailed"]
    assert denied and all(
        detail["message"].startswith(
            f"The client '{developer}' with object id '{developer}' does "
            "not have authorization to perform action 'Microsoft."
        )
        and f"/resourceGroups/{GROUP_B}/providers/" in detail["message"]
        for detail in denied
    )


CASES = {
    "outputs-list-keys": _template(outputs={"key": {"type": "string", "value": LIST_KEYS}}),
    "outputs-reference-full": _template(outputs={"vnet": {"type": "object", "value": REFERENCE_FULL}}),
    "variables": _template(variables={"stolen": LIST_KEYS}, resources=[_vnet_in_a({"k": "[variables('stolen')]"})]),
    "resource-properties": _template(
        resources=[_vnet_in_a({"k": LIST_KEYS, "m": REFERENCE_FULL[:-1] + ".tags.marker]"})]
    ),
    "nested-inner": _template(
        resources=[_nested("inner", _template(outputs={"key": {"type": "string", "value": LIST_KEYS}}))]
    ),
    "nested-outer": _template(resources=[_nested("outer", _template(resources=[_vnet_in_a({"k": LIST_KEYS})]))]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_deployment_reads_other_groups_only_as_its_caller_may(endpoint, world, case):
    path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP_A}/providers/"
        f"Microsoft.Resources/deployments/steal-{case}"
    )
    put, record, texts = _deploy(endpoint, path, CASES[case])
    _assert_denied(put, record, texts, world, endpoint.principal(DEVELOPER)["object_id"])
    stored = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP_A}/providers/"
        "Microsoft.Network/virtualNetworks/vnet-caller-a",
        api_version="2023-04-01",
    )
    assert world not in stored.text and MARKER not in stored.text


def test_a_subscription_deployment_reads_other_groups_only_as_its_caller_may(endpoint, world):
    path = f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Resources/deployments/steal-subscription"
    template = _template(
        outputs={"key": {"type": "string", "value": LIST_KEYS}, "vnet": {"type": "object", "value": REFERENCE_FULL}}
    )
    template["$schema"] = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
    put, record, texts = _deploy(endpoint, path, template, location=LOCATION)
    _assert_denied(put, record, texts, world, endpoint.principal(DEVELOPER)["object_id"])


def test_the_same_callers_direct_list_keys_is_refused(endpoint, world):
    response = endpoint.call(
        "POST",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP_B}/providers/"
        f"Microsoft.Storage/storageAccounts/{ACCOUNT_B}/listKeys",
        token=endpoint.token(DEVELOPER),
        api_version="2023-05-01",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "AuthorizationFailed"
    assert world not in response.text


def test_the_deployer_with_the_role_reads_the_keys_through_a_deployment(endpoint, world):
    """The positive control: the same template works for a caller who may list the keys."""
    path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP_A}/providers/"
        "Microsoft.Resources/deployments/allowed-list-keys"
    )
    put = endpoint.call(
        "PUT",
        path,
        api_version=API,
        body={"properties": {"mode": "Incremental", "template": CASES["outputs-list-keys"]}},
    )
    assert put.status_code == 201, put.text
    record = terminal_deployment(endpoint, path)
    assert record["properties"]["provisioningState"] == "Succeeded", record
    assert record["properties"]["outputs"]["key"]["value"] == world


def test_what_if_shows_other_groups_only_as_the_caller_may(endpoint, world):
    """What-if compares against live state: a template that declares B's VNet (through a nested deployment into
    B) must not show its body to a caller who may not write it; ARM's preflight refuses it."""
    vnet = {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": "2023-04-01",
        "name": VNET_B,
        "location": LOCATION,
        "properties": {"addressSpace": {"addressPrefixes": ["10.42.0.0/16"]}},
    }
    nested = _nested("inner", _template(resources=[vnet]))
    nested["resourceGroup"] = GROUP_B
    path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP_A}/providers/"
        "Microsoft.Resources/deployments/peek-what-if"
    )
    response = endpoint.call(
        "POST",
        f"{path}/whatIf",
        token=endpoint.token(DEVELOPER),
        api_version=API,
        body={"properties": {"mode": "Incremental", "template": _template(resources=[nested])}},
    )
    texts = [response.text]
    for dummy_poll in range(20 if response.status_code == 202 else 0):
        result = endpoint.session.get(
            response.headers["Location"],
            verify=endpoint.ca,
            timeout=30,
            headers={"Authorization": f"Bearer {endpoint.token()}"},
        )
        texts.append(result.text)
        if result.status_code != 202:
            break
    assert MARKER not in "\n".join(texts)
    assert response.status_code == 403 and response.json()["error"]["code"] == "AuthorizationFailed"
