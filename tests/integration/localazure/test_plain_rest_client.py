"""A client of the public REST API that uses no Azure SDK: plain ``requests`` doing the documented flows.

Cloud discovery from the metadata document (read as azure-cli reads it), OpenID discovery from the metadata's
authentication endpoint, a client-credentials token by form post, then ARM calls with ``api-version``: a resource
group, a storage account whose asynchronous PUT is followed by hand through its ``Location`` header, a container
registry followed through ``Azure-AsyncOperation``, lists with ``nextLink``, and a resource-group delete polled
through ``Location`` until 200/204. Only what ``connection.json`` and ``ca.pem`` give is used; nothing here takes a
shortcut that only the project's own code happens to take.
"""

import time
import uuid

import jwt
import pytest
import requests

ENDPOINT_PROCESS = True  # smoke suite: a hand-written client over HTTPS, as outside users write them

# azure-cli-core's get_cloud_from_metadata_endpoint / msrestazure's read the legacy single-object document; the
# cloud list of api-version 2019-05-01 is what ARM_CLOUD_METADATA_URL readers map, and `az cloud register` reads
# the single object of 2022-09-01.
LEGACY_METADATA_API = "2015-01-01"
CLOUD_LIST_METADATA_API = "2019-05-01"
RESOURCE_GROUP_API = "2021-04-01"
STORAGE_API = "2023-05-01"
REGISTRY_API = "2023-07-01"
POLL_LIMIT_SECONDS = 30
TERMINAL_STATUSES = ("Succeeded", "Failed", "Canceled")


class PlainRestClient:
    """requests only. ``trust_env`` is off so that REQUESTS_CA_BUNDLE and proxies of the test machine stay out."""

    def __init__(self, arm_endpoint: str, ca_bundle: str):
        self.arm = arm_endpoint.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = ca_bundle
        self.token = None

    def get_json(self, url: str, **params) -> dict:
        response = self.session.get(url, params=params, timeout=10)
        assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text}"
        return response.json()

    def arm_call(self, method: str, path: str, api_version: str, body=None) -> requests.Response:
        url = path if path.startswith("https://") else f"{self.arm}{path}"
        params = None if "api-version=" in url else {"api-version": api_version}
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.session.request(method, url, params=params, json=body, headers=headers, timeout=10)

    def list_all(self, path: str, api_version: str) -> list:
        """Every item of a list operation, following ``nextLink`` as the ARM docs describe."""
        items, response = [], self.arm_call("GET", path, api_version)
        while True:
            assert response.status_code == 200, response.text
            page = response.json()
            items.extend(page["value"])
            if not page.get("nextLink"):
                return items
            response = self.arm_call("GET", page["nextLink"], api_version)

    def poll(self, url: str, api_version: str, done) -> requests.Response:
        """GET ``url`` until ``done(response)``, waiting ``Retry-After`` seconds between polls."""
        deadline = time.monotonic() + POLL_LIMIT_SECONDS
        while True:
            response = self.arm_call("GET", url, api_version)
            if done(response):
                return response
            assert time.monotonic() < deadline, f"{url} not done after {POLL_LIMIT_SECONDS} s: {response.text}"
            time.sleep(int(response.headers.get("Retry-After", "1")))


@pytest.fixture(scope="module")
def client(endpoint):
    return PlainRestClient(endpoint.connection["arm_endpoint"], endpoint.connection["ca_bundle"])


@pytest.fixture(scope="module")
def cloud(client):
    """The cloud as azure-cli maps an entry of the metadata's cloud list (its ``_arm_to_cli_mapper`` shape)."""
    clouds = client.get_json(f"{client.arm}/metadata/endpoints", **{"api-version": CLOUD_LIST_METADATA_API})
    assert isinstance(clouds, list) and clouds
    entry = next(item for item in clouds if item["resourceManager"].rstrip("/") == client.arm)
    return {
        "name": entry["name"],
        "management": entry["authentication"]["audiences"][0],
        "resource_manager": entry["resourceManager"],
        "active_directory": entry["authentication"]["loginEndpoint"].rstrip("/"),
        "active_directory_resource_id": entry["authentication"]["audiences"][0],
        "active_directory_graph_resource_id": entry.get("graphAudience"),
        "gallery": entry.get("gallery"),
        "storage_endpoint": entry["suffixes"].get("storage"),
        "keyvault_dns": entry["suffixes"].get("keyVaultDns"),
    }


@pytest.fixture(scope="module")
def signed_in(endpoint, client, cloud):
    """OpenID discovery under the cloud's login endpoint, then the client-credentials grant by form post."""
    tenant = endpoint.connection["tenant_id"]
    principal = endpoint.connection["principals"]["deployer"]
    discovery = client.get_json(f"{cloud['active_directory']}/{tenant}/v2.0/.well-known/openid-configuration")
    response = client.session.post(
        discovery["token_endpoint"],
        timeout=10,
        data={
            "grant_type": "client_credentials",
            "client_id": principal["client_id"],
            "client_secret": principal["client_secret"],
            "scope": f"{cloud['active_directory_resource_id'].rstrip('/')}/.default",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    grant = response.json()
    client.token = grant["access_token"]
    return {"discovery": discovery, "grant": grant, "principal": principal, "tenant": tenant}


@pytest.fixture
def resource_group(endpoint, client, signed_in):
    name = f"rg-plain-rest-{uuid.uuid4().hex[:8]}"
    path = f"/subscriptions/{endpoint.connection['subscription_id']}/resourcegroups/{name}"
    yield name, path
    leftover = client.arm_call("GET", path, RESOURCE_GROUP_API)
    if leftover.status_code == 200:
        client.arm_call("DELETE", path, RESOURCE_GROUP_API)


def test_the_metadata_document_reads_as_azure_cli_reads_it(endpoint, client, cloud):
    arm = f"{client.arm}/"
    assert cloud["name"] == endpoint.connection["cloud_name"] == "LocalAzure"
    assert cloud["resource_manager"] == arm and cloud["active_directory"] == client.arm
    assert cloud["management"] == arm and cloud["storage_endpoint"] == "core.windows.net"
    legacy = client.get_json(f"{client.arm}/metadata/endpoints", **{"api-version": LEGACY_METADATA_API})
    # get_cloud_from_metadata_endpoint: galleryEndpoint, graphEndpoint, authentication.loginEndpoint/audiences[0].
    assert legacy["authentication"]["loginEndpoint"].rstrip("/") == cloud["active_directory"]
    assert legacy["authentication"]["audiences"][0] == cloud["active_directory_resource_id"]
    assert legacy["galleryEndpoint"] == cloud["gallery"]
    assert legacy["graphEndpoint"] == cloud["active_directory_graph_resource_id"]


def test_openid_discovery_and_the_client_credentials_grant(client, cloud, signed_in):
    discovery, grant = signed_in["discovery"], signed_in["grant"]
    tenant_root = f"{cloud['active_directory']}/{signed_in['tenant']}"
    assert discovery["token_endpoint"] == f"{tenant_root}/oauth2/v2.0/token"
    assert "client_secret_post" in discovery["token_endpoint_auth_methods_supported"]
    assert grant["token_type"] == "Bearer" and 3000 < int(grant["expires_in"]) <= 86399
    keys = client.get_json(discovery["jwks_uri"])["keys"]
    header = jwt.get_unverified_header(grant["access_token"])
    key = next(item for item in keys if item["kid"] == header["kid"])
    claims = jwt.decode(
        grant["access_token"], jwt.PyJWK(key).key, algorithms=["RS256"], audience=cloud["active_directory_resource_id"]
    )
    assert claims["appid"] == signed_in["principal"]["client_id"]
    assert claims["oid"] == signed_in["principal"]["object_id"] and claims["tid"] == signed_in["tenant"]


def test_a_wrong_secret_is_refused_with_the_oauth_error_shape(endpoint, client, signed_in):
    response = client.session.post(
        signed_in["discovery"]["token_endpoint"],
        timeout=10,
        data={
            "grant_type": "client_credentials",
            "client_id": signed_in["principal"]["client_id"],
            "client_secret": "not-the-secret",
            "scope": f"{client.arm}/.default",
        },
    )
    assert response.status_code == 401, response.text
    error = response.json()
    assert error["error"] == "invalid_client" and error["error_description"].startswith("AADSTS7000215")


def test_arm_refuses_calls_without_a_token_or_api_version(endpoint, client, signed_in):
    path = f"/subscriptions/{endpoint.connection['subscription_id']}/resourcegroups"
    anonymous = client.session.get(f"{client.arm}{path}", params={"api-version": RESOURCE_GROUP_API}, timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")
    assert anonymous.json()["error"]["code"] == "AuthenticationFailed"
    unversioned = client.session.get(
        f"{client.arm}{path}", timeout=10, headers={"Authorization": f"Bearer {client.token}"}
    )
    assert unversioned.status_code == 400
    assert unversioned.json()["error"]["code"] == "MissingApiVersionParameter"


def test_resource_group_and_storage_account_lifecycle_by_hand(endpoint, client, resource_group):
    name, group_path = resource_group
    subscription = endpoint.connection["subscription_id"]
    created = client.arm_call("PUT", group_path, RESOURCE_GROUP_API, {"location": "westeurope"})
    assert created.status_code == 201, created.text
    assert created.json()["properties"]["provisioningState"] == "Succeeded"
    assert client.arm_call("PUT", group_path, RESOURCE_GROUP_API, {"location": "westeurope"}).status_code == 200

    account_name = f"plainrest{uuid.uuid4().hex[:10]}"
    account_path = f"{group_path}/providers/Microsoft.Storage/storageAccounts/{account_name}"
    accepted = client.arm_call(
        "PUT",
        account_path,
        STORAGE_API,
        {
            "location": "westeurope",
            "sku": {"name": "Standard_LRS"},
            "kind": "StorageV2",
            "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False},
        },
    )
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["Location"]
    assert location.startswith(f"{client.arm}/subscriptions/{subscription}/providers/Microsoft.Storage/")
    assert int(accepted.headers["Retry-After"]) >= 0
    finished = client.poll(location, STORAGE_API, lambda response: response.status_code != 202)
    assert finished.status_code == 200, finished.text
    account = finished.json()
    assert account["name"] == account_name and account["properties"]["provisioningState"] == "Succeeded"
    assert account["properties"]["primaryEndpoints"]["blob"].startswith(f"https://{account_name}.blob.")

    listed = client.list_all(f"{group_path}/providers/Microsoft.Storage/storageAccounts", STORAGE_API)
    assert [item["name"] for item in listed] == [account_name]
    groups = client.list_all(f"/subscriptions/{subscription}/resourcegroups", RESOURCE_GROUP_API)
    assert name in {item["name"] for item in groups}

    deleting = client.arm_call("DELETE", group_path, RESOURCE_GROUP_API)
    assert deleting.status_code == 202, deleting.text
    deleted = client.poll(
        deleting.headers["Location"], RESOURCE_GROUP_API, lambda response: response.status_code != 202
    )
    assert deleted.status_code in (200, 204), deleted.text
    gone = client.arm_call("GET", group_path, RESOURCE_GROUP_API)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "ResourceGroupNotFound"
    assert client.arm_call("GET", account_path, STORAGE_API).status_code == 404


def test_a_registry_put_followed_through_azure_async_operation(endpoint, client, resource_group):
    dummy_name, group_path = resource_group
    assert client.arm_call("PUT", group_path, RESOURCE_GROUP_API, {"location": "westeurope"}).status_code == 201
    registry_path = f"{group_path}/providers/Microsoft.ContainerRegistry/registries/plainrest{uuid.uuid4().hex[:8]}"
    response = client.arm_call(
        "PUT",
        registry_path,
        REGISTRY_API,
        {"location": "westeurope", "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": False}},
    )
    assert response.status_code in (200, 201), response.text
    status_url = response.headers["Azure-AsyncOperation"]
    status = client.poll(
        status_url,
        REGISTRY_API,
        lambda polled: polled.status_code == 200 and polled.json()["status"] in TERMINAL_STATUSES,
    )
    assert status.json()["status"] == "Succeeded", status.text
    registry = client.arm_call("GET", registry_path, REGISTRY_API)
    assert registry.status_code == 200
    assert registry.json()["properties"]["provisioningState"] == "Succeeded"
    assert registry.json()["properties"]["adminUserEnabled"] is False


def test_a_jsonc_deployment_body_as_azure_cli_sends_it_is_accepted(endpoint):
    """azure-cli splices the template into the body unquoted (JsonCTemplatePolicy); Azure's Json.NET reads it."""
    client = PlainRestClient(endpoint.arm, endpoint.ca)
    client.token = endpoint.token()
    group = f"/subscriptions/{endpoint.subscription_id}/resourcegroups/rg-jsonc"
    assert client.arm_call("PUT", group, RESOURCE_GROUP_API, {"location": "westeurope"}).status_code in (200, 201)
    template = (
        '{\r\n  // comments are allowed too\r\n  "$schema": "https://schema.management.azure.com/schemas/'
        '2019-04-01/deploymentTemplate.json#",\r\n  "contentVersion": "1.0.0.0",\r\n  "resources": []\r\n}'
    )
    body = '{"properties": {"parameters": {}, "mode": "Incremental", template:' + template + "}}"
    url = f"{client.arm}{group}/providers/Microsoft.Resources/deployments/jsonc/validate"
    headers = {"Authorization": f"Bearer {client.token}", "Content-Type": "application/json"}
    response = client.session.post(
        url, params={"api-version": "2025-04-01"}, data=body.encode(), headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text
    broken = client.session.post(
        url, params={"api-version": "2025-04-01"}, data=b'{"properties": {template: [}', headers=headers, timeout=10
    )
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "InvalidRequestContent"
