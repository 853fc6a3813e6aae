"""Subscriptions, providers, resource groups and generic resources through the unmodified SDK and raw REST."""

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "30")
NETWORK_VERSION = "2024-05-01"


@pytest.fixture(scope="module")
def client(endpoint):
    return endpoint.resource_client(polling_interval=0.05)


def _vnet_id(endpoint, group, name="vnet1"):
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/{name}"


def test_resource_group_lifecycle_with_the_sdk(endpoint, client):
    created = client.resource_groups.create_or_update("rg-life", {"location": "West Europe", "tags": {"a": "1"}})
    assert created.id == f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-life"
    assert created.location == "westeurope" and created.properties.provisioning_state == "Succeeded"
    assert "rg-life" in [group.name for group in client.resource_groups.list()]
    assert client.resource_groups.update("rg-life", {"tags": {"b": "2"}}).tags == {"b": "2"}
    assert client.resource_groups.get("rg-life").tags == {"b": "2"}
    client.resource_groups.begin_delete("rg-life").result()
    with pytest.raises(ResourceNotFoundError) as raised:
        client.resource_groups.get("rg-life")
    assert raised.value.error.code == "ResourceGroupNotFound"
    assert client.resource_groups.check_existence("rg-life") is False


def test_resource_group_delete_is_long_running_and_removes_its_content(endpoint, client):
    client.resource_groups.create_or_update("rg-content", {"location": "westeurope"})
    vnet_id = _vnet_id(endpoint, "rg-content")
    client.resources.begin_create_or_update_by_id(
        vnet_id, {"location": "westeurope", "properties": {}}, api_version=NETWORK_VERSION
    ).result()
    response = endpoint.call("DELETE", f"/subscriptions/{endpoint.subscription_id}/resourcegroups/rg-content")
    assert response.status_code == 202 and "/operationresults/" in response.headers["Location"]
    assert response.headers["Retry-After"] == "0"
    assert (
        endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups/rg-content").json()[
            "properties"
        ]["provisioningState"]
        == "Deleting"
    )
    statuses = [
        endpoint.call("GET", response.headers["Location"][len(endpoint.arm) :].split("?")[0]).status_code
        for dummy_call in range(3)
    ]
    assert statuses == [202, 200, 200]
    assert endpoint.call("GET", vnet_id, api_version=NETWORK_VERSION).json()["error"]["code"] == "ResourceGroupNotFound"


def test_long_running_put_moves_accepted_running_succeeded(endpoint, client):
    client.resource_groups.create_or_update("rg-lro", {"location": "westeurope"})
    vnet_id = _vnet_id(endpoint, "rg-lro")
    response = endpoint.call(
        "PUT",
        vnet_id,
        api_version=NETWORK_VERSION,
        body={"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}},
    )
    assert response.status_code == 201 and response.json()["properties"]["provisioningState"] == "Accepted"
    status_path = response.headers["Azure-AsyncOperation"][len(endpoint.arm) :].split("?")[0]
    seen = [endpoint.call("GET", status_path, api_version=NETWORK_VERSION).json()["status"] for dummy_poll in range(3)]
    assert seen == ["Running", "Succeeded", "Succeeded"]
    assert (
        endpoint.call("GET", vnet_id, api_version=NETWORK_VERSION).json()["properties"]["provisioningState"]
        == "Succeeded"
    )


def test_poller_raises_when_provisioning_fails(endpoint, client):
    client.resource_groups.create_or_update("rg-fail", {"location": "westeurope"})
    vnet_id = _vnet_id(endpoint, "rg-fail")
    endpoint.admin(
        "POST",
        "provisioning-failures",
        {"resource_id": vnet_id, "code": "InternalServerError", "message": "The vnet could not be provisioned."},
    )
    poller = client.resources.begin_create_or_update_by_id(
        vnet_id, {"location": "westeurope", "properties": {}}, api_version=NETWORK_VERSION
    )
    with pytest.raises(HttpResponseError, match="The vnet could not be provisioned"):
        poller.result()
    assert client.resources.get_by_id(vnet_id, api_version=NETWORK_VERSION).properties["provisioningState"] == "Failed"


def test_seeded_private_network_matches_the_local_inventory(endpoint, client):
    subnet_id = (
        "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-it4ad-network-local/providers/"
        "Microsoft.Network/virtualNetworks/vnet-it4ad-local/subnets/snet-ml"
    )
    assert endpoint.subscription_id == "11111111-2222-4333-8444-555555555555"
    subnet = client.resources.get_by_id(subnet_id, api_version=NETWORK_VERSION)
    assert subnet.id == subnet_id and subnet.properties["provisioningState"] == "Succeeded"
    vnet = client.resources.get_by_id(subnet_id.rsplit("/subnets/", 1)[0], api_version=NETWORK_VERSION)
    assert [item["name"] for item in vnet.properties["subnets"]] == ["snet-ml"]


@pytest.mark.parametrize(
    "path_suffix, api_version, status, code",
    [
        ("/resourcegroups/rg-it4ad-network-local", None, 400, "MissingApiVersionParameter"),
        ("/resourcegroups/rg-it4ad-network-local", "2099-01-01", 400, "InvalidApiVersionParameter"),
        (
            "/resourcegroups/rg-it4ad-network-local/providers/Microsoft.Network/virtualNetworks/vnet-it4ad-local",
            "2099-01-01",
            400,
            "NoRegisteredProviderFound",
        ),
        (
            "/resourcegroups/rg-it4ad-network-local/providers/Microsoft.Network/widgets/w1",
            NETWORK_VERSION,
            400,
            "InvalidResourceType",
        ),
        (
            "/resourcegroups/rg-it4ad-network-local/providers/Microsoft.Nothing/widgets/w1",
            NETWORK_VERSION,
            400,
            "InvalidResourceNamespace",
        ),
        (
            "/resourcegroups/rg-missing/providers/Microsoft.Network/virtualNetworks/v",
            NETWORK_VERSION,
            404,
            "ResourceGroupNotFound",
        ),
        (
            "/resourcegroups/rg-it4ad-network-local/providers/Microsoft.Network/virtualNetworks/missing",
            NETWORK_VERSION,
            404,
            "ResourceNotFound",
        ),
    ],
)
def test_rejections_in_arm_shape(endpoint, path_suffix, api_version, status, code):
    response = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}{path_suffix}", api_version=api_version)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.headers["x-ms-request-id"] and response.headers["x-ms-correlation-request-id"]
    if code == "NoRegisteredProviderFound":
        assert NETWORK_VERSION in response.json()["error"]["message"]


def test_child_needs_its_parent(endpoint):
    response = endpoint.call(
        "PUT",
        _vnet_id(endpoint, "rg-it4ad-network-local", "no-such-vnet") + "/subnets/s",
        api_version=NETWORK_VERSION,
        body={"properties": {"addressPrefix": "10.9.0.0/24"}},
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "ParentResourceNotFound"


def test_subscriptions_and_providers(endpoint):
    subscriptions = endpoint.call("GET", "/subscriptions", api_version="2022-12-01").json()["value"]
    assert [item["subscriptionId"] for item in subscriptions] == [endpoint.subscription_id]
    provider = endpoint.call("POST", f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Network/register")
    assert provider.status_code == 200 and provider.json()["registrationState"] == "Registered"
    listed = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/providers").json()["value"]
    network = next(item for item in listed if item["namespace"] == "Microsoft.Network")
    assert {"virtualNetworks", "virtualNetworks/subnets"} <= {item["resourceType"] for item in network["resourceTypes"]}


def test_request_log_records_and_filters(endpoint):
    since = endpoint.admin("GET", "requests")["last_seq"]
    token = endpoint.token()  # token requests are logged too; the path filter leaves them out below
    endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}", token=token)
    endpoint.call(
        "PUT",
        f"/subscriptions/{endpoint.subscription_id}/resourcegroups/rg-log",
        token=token,
        body={"location": "westeurope"},
    )
    entries = endpoint.requests_log(since=str(since), path="/subscriptions/")
    assert any("/oauth2/v2.0/token" in item["path"] for item in endpoint.requests_log(since=str(since)))
    assert [(item["method"], item["status"]) for item in entries] == [("GET", 200), ("PUT", 201)]
    assert entries[1]["principal"] == {"object_id": endpoint.principal()["object_id"], "name": "deployer"}
    assert entries[1]["api_version"] == "2025-04-01" and entries[1]["duration_ms"] > 0
    assert [item["path"] for item in endpoint.requests_log(since=str(since), method="PUT")] == [
        f"/subscriptions/{endpoint.subscription_id}/resourcegroups/rg-log"
    ]
    endpoint.admin("POST", "requests/clear")
    assert endpoint.requests_log() == []


def test_admin_routes_need_the_secret(endpoint):
    response = endpoint.session.get(
        f"{endpoint.arm}/_admin/requests", verify=endpoint.ca, headers={"x-localazure-admin": "guess"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "AuthorizationFailed"
