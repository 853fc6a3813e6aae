"""list*() functions inside a deployment are answered live, through the same POST a client makes (issue 8,
section 2): storage listKeys, listAccountSas and listServiceSas, a registry's listCredentials. A list function
the endpoint does not serve fails the deployment with a clear error, and a deployment never stays Running."""

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qsl

import pytest

from endpoint_process import terminal_deployment

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-list-functions"
ACCOUNT = "stlistfn01"
REGISTRY = "acrlistfn01"
API = "2025-04-01"
STORAGE_API = "2023-05-01"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
ACCOUNT_ID = f"[resourceId('Microsoft.Storage/storageAccounts', '{ACCOUNT}')]"
ACCOUNT_SAS = {
    "signedServices": "b",
    "signedResourceTypes": "sco",
    "signedPermission": "rl",
    "signedProtocol": "https",
    "signedStart": "2026-01-01T00:00:00Z",
    "signedExpiry": "2030-01-01T00:00:00Z",
}


@pytest.fixture(scope="module")
def account_key(endpoint):
    group = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"
    assert endpoint.call("PUT", group, body={"location": LOCATION}).ok
    account = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}",
        api_version=STORAGE_API,
        body={"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}},
    )
    assert account.status_code in (200, 202), account.text
    keys = endpoint.call(
        "POST", f"{group}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}/listKeys", api_version=STORAGE_API
    )
    assert keys.status_code == 200, keys.text
    return keys.json()["keys"][0]["value"]


def _deploy(endpoint, name: str, outputs: dict, resources=()) -> dict:
    path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/"
        f"Microsoft.Resources/deployments/{name}"
    )
    template = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": list(resources), "outputs": outputs}
    put = endpoint.call(
        "PUT", path, api_version=API, body={"properties": {"mode": "Incremental", "template": template}}
    )
    assert put.status_code == 201, put.text
    record = terminal_deployment(endpoint, path)
    record["operations"] = endpoint.call("GET", f"{path}/operations", api_version=API).json()["value"]
    return record


def _signed(key: str, string_to_sign: str) -> str:
    return base64.b64encode(hmac.new(base64.b64decode(key), string_to_sign.encode(), hashlib.sha256).digest()).decode()


def test_list_account_sas_in_outputs_ends_the_deployment_with_a_signed_token(endpoint, account_key):
    """The template that used to leave the deployment Running forever."""
    record = _deploy(
        endpoint,
        "account-sas",
        {
            "sas": {
                "type": "string",
                "value": f"[listAccountSas({ACCOUNT_ID[1:-1]}, '{STORAGE_API}', "
                f"json('{_json(ACCOUNT_SAS)}')).accountSasToken]",
            }
        },
    )
    assert record["properties"]["provisioningState"] == "Succeeded", record
    token = dict(parse_qsl(record["properties"]["outputs"]["sas"]["value"]))
    assert {name: token[name] for name in ("sv", "ss", "srt", "sp", "st", "se", "spr")} == {
        "sv": "2015-04-05",
        "ss": "b",
        "srt": "sco",
        "sp": "rl",
        "st": "2026-01-01T00:00:00Z",
        "se": "2030-01-01T00:00:00Z",
        "spr": "https",
    }
    expected = _signed(
        account_key, f"{ACCOUNT}\nrl\nb\nsco\n2026-01-01T00:00:00Z\n2030-01-01T00:00:00Z\n\nhttps\n2015-04-05\n"
    )
    assert token["sig"] == expected


def test_list_service_sas_and_list_keys_in_outputs(endpoint, account_key):
    parameters = {
        "canonicalizedResource": f"/blob/{ACCOUNT}/data",
        "signedResource": "c",
        "signedPermission": "rl",
        "signedExpiry": "2030-01-01T00:00:00.0000000Z",
    }
    record = _deploy(
        endpoint,
        "service-sas",
        {
            "sas": {
                "type": "string",
                "value": f"[listServiceSas({ACCOUNT_ID[1:-1]}, '{STORAGE_API}', "
                f"json('{_json(parameters)}')).serviceSasToken]",
            },
            "key": {"type": "string", "value": f"[listKeys({ACCOUNT_ID[1:-1]}, '{STORAGE_API}').keys[0].value]"},
        },
    )
    assert record["properties"]["provisioningState"] == "Succeeded", record
    assert record["properties"]["outputs"]["key"]["value"] == account_key
    token = dict(parse_qsl(record["properties"]["outputs"]["sas"]["value"]))
    assert (token["sv"], token["sr"], token["sp"], token["se"]) == ("2015-04-05", "c", "rl", "2030-01-01T00:00:00Z")
    assert token["sig"] == _signed(
        account_key, f"rl\n\n2030-01-01T00:00:00Z\n/blob/{ACCOUNT}/data\n\n\n\n2015-04-05\n\n\n\n\n"
    )


def test_list_account_sas_refuses_missing_fields_as_a_client_gets_it(endpoint, account_key):
    path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/Microsoft.Storage/"
        f"storageAccounts/{ACCOUNT}/listAccountSas"
    )
    incomplete = {key: value for key, value in ACCOUNT_SAS.items() if key != "signedExpiry"}
    response = endpoint.call("POST", path, api_version=STORAGE_API, body=incomplete)
    assert response.status_code == 400 and "signedExpiry" in response.json()["error"]["message"]
    record = _deploy(
        endpoint,
        "account-sas-incomplete",
        {
            "sas": {
                "type": "string",
                "value": f"[listAccountSas({ACCOUNT_ID[1:-1]}, '{STORAGE_API}', "
                f"json('{_json(incomplete)}')).accountSasToken]",
            }
        },
    )
    assert record["properties"]["provisioningState"] == "Failed"
    assert "signedExpiry" in str(record["properties"]["error"])
    assert any(item["properties"]["provisioningState"] == "Failed" for item in record["operations"])


def test_registry_list_credentials_in_outputs(endpoint, account_key):
    registry = {
        "type": "Microsoft.ContainerRegistry/registries",
        "apiVersion": "2023-07-01",
        "name": REGISTRY,
        "location": LOCATION,
        "sku": {"name": "Basic"},
        "properties": {"adminUserEnabled": True},
    }
    registry_id = f"resourceId('Microsoft.ContainerRegistry/registries', '{REGISTRY}')"
    record = _deploy(
        endpoint,
        "registry-credentials",
        {
            "user": {"type": "string", "value": f"[listCredentials({registry_id}, '2023-07-01').username]"},
            "password": {
                "type": "string",
                "value": f"[listCredentials({registry_id}, '2023-07-01').passwords[0].value]",
            },
        },
        resources=[registry],
    )
    assert record["properties"]["provisioningState"] == "Succeeded", record
    direct = endpoint.call(
        "POST",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/"
        f"Microsoft.ContainerRegistry/registries/{REGISTRY}/listCredentials",
        api_version="2023-07-01",
    ).json()
    assert record["properties"]["outputs"]["user"]["value"] == direct["username"] == REGISTRY
    assert record["properties"]["outputs"]["password"]["value"] == direct["passwords"][0]["value"]


def test_a_list_function_the_endpoint_does_not_serve_fails_the_deployment(endpoint, account_key):
    record = _deploy(
        endpoint, "unserved", {"x": {"type": "object", "value": f"[listSecrets({ACCOUNT_ID[1:-1]}, '{STORAGE_API}')]"}}
    )
    assert record["properties"]["provisioningState"] == "Failed"
    assert "storageAccounts/listSecrets" in str(record["properties"]["error"])
    assert "UnknownValue" not in str(record)


def test_a_list_function_of_a_missing_resource_fails_the_outputs(endpoint, account_key):
    missing = "resourceId('Microsoft.Storage/storageAccounts', 'stnosuch01')"
    record = _deploy(endpoint, "missing", {"k": {"type": "object", "value": f"[listKeys({missing}, '{STORAGE_API}')]"}})
    assert record["properties"]["provisioningState"] == "Failed"
    error = record["properties"]["error"]
    assert error["code"] == "DeploymentOutputEvaluationFailed"
    assert error["message"].startswith("Unable to evaluate template outputs: 'k'.")
    assert error["details"][0]["target"] == "k" and error["details"][0]["message"].startswith(
        "The template output 'k' is not valid: The Resource 'Microsoft.Storage/storageAccounts/stnosuch01' under "
        f"resource group '{GROUP}' was not found."
    )
    assert [
        item["properties"]["provisioningOperation"]
        for item in record["operations"]
        if item["properties"]["provisioningState"] == "Failed"
    ] == ["EvaluateDeploymentOutput"]
    assert "UnknownValue" not in str(record)


def _json(value: dict) -> str:
    return json.dumps(value).replace("'", "''")


def test_list_service_sas_and_list_credentials_refuse_as_azure_does(endpoint, account_key):
    group = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"
    sas = f"{group}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}/listServiceSas"
    other_account = endpoint.call(
        "POST",
        sas,
        api_version=STORAGE_API,
        body={
            "canonicalizedResource": "/blob/someoneelse/data",
            "signedResource": "c",
            "signedPermission": "r",
            "signedExpiry": "2030-01-01T00:00:00Z",
        },
    )
    assert other_account.status_code == 400 and "canonicalizedResource" in other_account.json()["error"]["message"]
    bad_permission = endpoint.call(
        "POST",
        sas,
        api_version=STORAGE_API,
        body={
            "canonicalizedResource": f"/blob/{ACCOUNT}/data",
            "signedResource": "c",
            "signedPermission": "rz",
            "signedExpiry": "2030-01-01T00:00:00Z",
        },
    )
    assert bad_permission.status_code == 400 and "signedPermission" in bad_permission.json()["error"]["message"]
    registry = f"{group}/providers/Microsoft.ContainerRegistry/registries/acrlistfn02"
    created = endpoint.call(
        "PUT", registry, api_version="2023-07-01", body={"location": LOCATION, "sku": {"name": "Basic"}}
    )
    assert created.status_code in (200, 201), created.text
    refused = endpoint.call("POST", f"{registry}/listCredentials", api_version="2023-07-01")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "UnAuthorizedForCredentialOperations"


@pytest.mark.parametrize(
    "expression",
    [f"[listKeys({ACCOUNT_ID[1:-1]}, '1999-01-01')]", f"[reference({ACCOUNT_ID[1:-1]}, '1999-01-01')]"],
)
def test_a_read_at_an_api_version_azure_does_not_serve_fails_the_deployment(endpoint, account_key, expression):
    """Inside a deployment, reference() and list*() are the caller's GET and POST: an api-version the type does
    not serve fails them as it fails a client (400 NoRegisteredProviderFound), never falls back to another."""
    direct = endpoint.call(
        "POST",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/Microsoft.Storage/"
        f"storageAccounts/{ACCOUNT}/listKeys",
        api_version="1999-01-01",
    )
    assert (direct.status_code, direct.json()["error"]["code"]) == (400, "NoRegisteredProviderFound")
    name = "old-version-" + expression[1:5].lower()
    record = _deploy(endpoint, name, {"x": {"type": "object", "value": expression}})
    assert record["properties"]["provisioningState"] == "Failed"
    assert "NoRegisteredProviderFound" in json.dumps(record["properties"]["error"])
    assert account_key not in json.dumps(record)


@pytest.mark.parametrize("expression", ["[json('NaN')]", "[json('1e999')]", "[float('-Infinity')]"])
def test_outputs_never_store_nan_or_infinity(endpoint, account_key, expression):
    """NaN and infinities are no JSON: a template whose outputs would hold one is refused (400 InvalidTemplate,
    as ARM refuses a template function that fails), and every later list of the group's deployments is still
    strict JSON."""
    path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/"
        "Microsoft.Resources/deployments/non-finite"
    )
    template = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "resources": [],
        "outputs": {"x": {"type": "object", "value": {"v": expression}}},
    }
    put = endpoint.call(
        "PUT", path, api_version=API, body={"properties": {"mode": "Incremental", "template": template}}
    )
    assert (put.status_code, put.json()["error"]["code"]) == (400, "InvalidTemplate")
    assert put.json()["error"]["target"] == "outputs.x.value.v"

    def strict(name):
        raise AssertionError(f"{name} in a response")

    listed = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}/providers/Microsoft.Resources/deployments",
        api_version=API,
    )
    assert listed.status_code == 200
    json.loads(listed.text, parse_constant=strict)
