"""The api-versions current clients send are served for writes, not only reads (issue 8, section 4.2): the
``az network vnet create``, ``az keyvault create`` and ``az acr create`` of azure-cli 2.91 PUT at these versions,
and Azure answers them."""

import pytest

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
GROUP = "rg-client-versions"
LOCATION = "westeurope"


@pytest.fixture(scope="module")
def group(endpoint):
    path = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"
    assert endpoint.call("PUT", path, body={"location": LOCATION}).status_code == 201
    return path


def _bodies(endpoint):
    return {
        ("Microsoft.Network/virtualNetworks", "vnet-versions", "2025-07-01"): {
            "location": LOCATION,
            "properties": {"addressSpace": {"addressPrefixes": ["10.42.0.0/16"]}},
        },
        ("Microsoft.KeyVault/vaults", "kv-versions-01", "2026-02-01"): {
            "location": LOCATION,
            "properties": {"tenantId": endpoint.tenant_id, "sku": {"family": "A", "name": "standard"}},
        },
        ("Microsoft.ContainerRegistry/registries", "acrversions01", "2026-09-01-preview"): {
            "location": LOCATION,
            "sku": {"name": "Basic"},
        },
    }


@pytest.mark.parametrize("index", range(3))
def test_a_write_at_the_version_the_cli_sends_is_served_and_reads_back(endpoint, group, index):
    (resource_type, name, api_version), body = list(_bodies(endpoint).items())[index]
    path = f"{group}/providers/{resource_type}/{name}"
    written = endpoint.call("PUT", path, api_version=api_version, body=body)
    assert written.status_code in (200, 201, 202), written.text
    read = endpoint.call("GET", path, api_version=api_version)
    assert read.status_code == 200, read.text
    assert read.json()["id"].lower() == path.lower()


def test_a_write_at_a_version_azure_never_served_is_refused(endpoint, group):
    path = f"{group}/providers/Microsoft.Network/virtualNetworks/vnet-never"
    refused = endpoint.call("PUT", path, api_version="2099-01-01", body={"location": LOCATION})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "NoRegisteredProviderFound")
