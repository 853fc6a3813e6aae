"""The non-ML resource types through their unmodified management SDKs over HTTPS with real tokens: create, read,
update, delete; body validation with Azure's codes; read-only values; linked-resource checks; soft delete."""

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError

from localazure.schema import RequestBodyValidator

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-types"
STORAGE_VERSION = "2024-01-01"
# Unknown members are rejected where the endpoint holds the exact model of the api-version (the installed
# SDK's); older versions are judged by the nearest model, which may lack members they had.
EXACT_STORAGE_VERSION = RequestBodyValidator().default_api_version("Microsoft.Storage/storageAccounts")


@pytest.fixture(scope="module")
def group(endpoint):
    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


@pytest.fixture(scope="module")
def storage(endpoint):
    from azure.mgmt.storage import StorageManagementClient

    return endpoint.mgmt_client(StorageManagementClient)


@pytest.fixture(scope="module")
def network(endpoint):
    from azure.mgmt.network import NetworkManagementClient

    return endpoint.mgmt_client(NetworkManagementClient)


def _account(storage, name):
    return storage.storage_accounts.begin_create(
        GROUP,
        name,
        {
            "location": LOCATION,
            "sku": {"name": "Standard_LRS"},
            "kind": "StorageV2",
            "properties": {"allowBlobPublicAccess": False, "minimumTlsVersion": "TLS1_2"},
        },
    ).result()


def _error(response):
    return response.json()["error"]


# -- storage ----------------------------------------------------------------------------------------------
def test_storage_account_lifecycle_keys_and_containers(endpoint, group, storage):
    account = _account(storage, "stlife01")
    assert account.id == f"{group}/providers/Microsoft.Storage/storageAccounts/stlife01"
    assert account.provisioning_state == "Succeeded" and account.sku.tier == "Standard"
    assert account.primary_endpoints.blob == "https://stlife01.blob.core.windows.net/"
    assert account.minimum_tls_version == "TLS1_2" and account.allow_blob_public_access is False

    keys = storage.storage_accounts.list_keys(GROUP, "stlife01").keys_property
    assert [key.key_name for key in keys] == ["key1", "key2"] and len({key.value for key in keys}) == 2
    regenerated = storage.storage_accounts.regenerate_key(GROUP, "stlife01", {"keyName": "key1"}).keys_property
    assert regenerated[0].value != keys[0].value and regenerated[1].value == keys[1].value

    updated = storage.storage_accounts.update(GROUP, "stlife01", {"tags": {"env": "test"}})
    assert updated.tags == {"env": "test"} and updated.primary_endpoints.blob == account.primary_endpoints.blob

    assert storage.blob_services.get_service_properties(GROUP, "stlife01").name == "default"
    container = storage.blob_containers.create(GROUP, "stlife01", "data", {})
    assert container.public_access == "None" and container.lease_state == "Available"
    assert [item.name for item in storage.blob_containers.list(GROUP, "stlife01")] == ["data"]
    with pytest.raises(ResourceExistsError) as raised:
        storage.blob_containers.create(GROUP, "stlife01", "public", {"properties": {"publicAccess": "Blob"}})
    assert raised.value.error.code == "PublicAccessNotPermitted"

    taken = storage.storage_accounts.check_name_availability(
        {"name": "stlife01", "type": "Microsoft.Storage/storageAccounts"}
    )
    assert (taken.name_available, taken.reason) == (False, "AlreadyExists")
    assert (
        storage.storage_accounts.check_name_availability(
            {"name": "Bad_Name", "type": "Microsoft.Storage/storageAccounts"}
        ).reason
        == "AccountNameInvalid"
    )

    storage.storage_accounts.delete(GROUP, "stlife01")
    with pytest.raises(ResourceNotFoundError):
        storage.storage_accounts.get_properties(GROUP, "stlife01")
    assert (
        storage.storage_accounts.check_name_availability(
            {"name": "stlife01", "type": "Microsoft.Storage/storageAccounts"}
        ).name_available
        is True
    )


def test_storage_account_create_is_long_running(endpoint, group):
    response = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.Storage/storageAccounts/stlro01",
        api_version=STORAGE_VERSION,
        body={"location": LOCATION, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"},
    )
    assert response.status_code == 202 and not response.content and "Azure-AsyncOperation" not in response.headers
    location = response.headers["Location"]
    assert "/providers/Microsoft.Storage/locations/westeurope/operationResults/" in location
    polls = [
        endpoint.call("GET", location[len(endpoint.arm) :].split("?")[0], api_version=STORAGE_VERSION)
        for dummy_poll in range(3)
    ]
    assert [poll.status_code for poll in polls] == [202, 200, 200]
    assert polls[-1].json()["properties"]["provisioningState"] == "Succeeded"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"properties": {"colour": "blue"}}, "InvalidRequestContent", "Could not find member 'colour'"),
        (
            {"sku": {"name": "Gold_LRS"}},
            "InvalidValuesForRequestParameters",
            "Values for request parameters are invalid",
        ),
        ({"properties": {"allowBlobPublicAccess": "sometimes"}}, "InvalidRequestContent", "Error converting value"),
    ],
)
def test_storage_account_body_rejections(endpoint, group, body, code, words):
    full = {"location": LOCATION, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}
    for key, value in body.items():
        full[key] = {**full.get(key, {}), **value}
    response = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.Storage/storageAccounts/stbad01",
        api_version=EXACT_STORAGE_VERSION,
        body=full,
    )
    assert response.status_code == 400, response.text
    assert _error(response)["code"] == code and words in _error(response)["message"]


def test_storage_account_names_are_checked_and_global(endpoint, group, storage):
    response = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.Storage/storageAccounts/Not_Valid",
        api_version=STORAGE_VERSION,
        body={"location": LOCATION, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"},
    )
    assert response.status_code == 400 and _error(response)["code"] == "AccountNameInvalid"
    _account(storage, "stglobal01")
    endpoint.resource_client().resource_groups.create_or_update("rg-types-other", {"location": LOCATION})
    response = endpoint.call(
        "PUT",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-types-other/"
        "providers/Microsoft.Storage/storageAccounts/stglobal01",
        api_version=STORAGE_VERSION,
        body={"location": LOCATION, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"},
    )
    assert response.status_code == 409 and _error(response)["code"] == "StorageAccountAlreadyTaken"


def test_unsupported_api_version_lists_the_supported_ones(endpoint, group):
    response = endpoint.call("GET", f"{group}/providers/Microsoft.Storage/storageAccounts/x", api_version="2001-01-01")
    assert response.status_code == 400 and _error(response)["code"] == "NoRegisteredProviderFound"
    assert "2023-01-01" in _error(response)["message"] and "2024-01-01" in _error(response)["message"]


# -- container registries ---------------------------------------------------------------------------------
def test_container_registry_lifecycle(endpoint, group):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient

    client = endpoint.mgmt_client(ContainerRegistryManagementClient)
    created = client.registries.begin_create(
        GROUP,
        "acrtypes01",
        {"location": LOCATION, "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": False}},
    ).result()
    assert created.login_server == "acrtypes01.azurecr.io" and created.provisioning_state == "Succeeded"
    assert created.sku.tier == "Premium" and created.admin_user_enabled is False
    updated = client.registries.begin_update(GROUP, "acrtypes01", {"tags": {"stage": "healthy"}}).result()
    assert updated.tags == {"stage": "healthy"} and client.registries.get(GROUP, "acrtypes01").tags == updated.tags
    with pytest.raises(HttpResponseError) as raised:
        client.registries.begin_create(GROUP, "acrtypes02", {"location": LOCATION, "sku": {"name": "Platinum"}})
    assert raised.value.status_code == 400 and "Error converting value" in raised.value.error.message
    client.registries.begin_delete(GROUP, "acrtypes01").result()
    with pytest.raises(ResourceNotFoundError):
        client.registries.get(GROUP, "acrtypes01")


# -- Key Vault ------------------------------------------------------------------------------------------
def test_key_vault_soft_delete_conflict_and_purge(endpoint, group):
    from azure.mgmt.keyvault import KeyVaultManagementClient

    client = endpoint.mgmt_client(KeyVaultManagementClient)
    parameters = {
        "location": LOCATION,
        "properties": {
            "tenantId": endpoint.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": True,
            "enablePurgeProtection": False,
        },
    }
    vault = client.vaults.begin_create_or_update(GROUP, "kv-types-01", parameters).result()
    assert vault.properties.vault_uri == "https://kv-types-01.vault.azure.net/"
    assert vault.properties.enable_soft_delete is True and vault.properties.soft_delete_retention_in_days == 90
    assert client.vaults.update(GROUP, "kv-types-01", {"tags": {"a": "b"}}).tags == {"a": "b"}

    client.vaults.delete(GROUP, "kv-types-01")
    deleted = client.vaults.get_deleted("kv-types-01", LOCATION)
    assert deleted.properties.vault_id == vault.id and deleted.properties.scheduled_purge_date is not None
    assert "kv-types-01" in [item.name for item in client.vaults.list_deleted()]
    with pytest.raises(HttpResponseError) as raised:
        client.vaults.begin_create_or_update(GROUP, "kv-types-01", parameters).result()
    assert raised.value.status_code == 409 and raised.value.error.code == "ConflictError"
    assert "already exists in deleted state" in raised.value.error.message

    client.vaults.begin_purge_deleted("kv-types-01", LOCATION).result()
    with pytest.raises(ResourceNotFoundError):
        client.vaults.get_deleted("kv-types-01", LOCATION)
    assert client.vaults.begin_create_or_update(GROUP, "kv-types-01", parameters).result().name == "kv-types-01"


def test_key_vault_requires_tenant_and_sku(endpoint, group):
    response = endpoint.call(
        "PUT",
        f"{group}/providers/Microsoft.KeyVault/vaults/kv-types-02",
        api_version="2024-11-01",
        body={"location": LOCATION, "properties": {}},
    )
    assert response.status_code == 400 and "Required property" in _error(response)["message"]


# -- monitoring --------------------------------------------------------------------------------------------
def test_log_analytics_and_workspace_based_application_insights(endpoint, group):
    from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient
    from azure.mgmt.loganalytics import LogAnalyticsManagementClient

    logs = endpoint.mgmt_client(LogAnalyticsManagementClient)
    insights = endpoint.mgmt_client(ApplicationInsightsManagementClient)
    workspace = logs.workspaces.begin_create_or_update(
        GROUP, "log-types", {"location": LOCATION, "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}}
    ).result()
    assert workspace.customer_id and workspace.provisioning_state == "Succeeded"
    again = logs.workspaces.begin_create_or_update(
        GROUP, "log-types", {"location": LOCATION, "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 60}}
    ).result()
    assert again.customer_id == workspace.customer_id and again.retention_in_days == 60

    component = insights.components.create_or_update(
        GROUP,
        "appi-types",
        {"location": LOCATION, "kind": "web", "application_type": "web", "workspace_resource_id": workspace.id},
    )
    assert component.instrumentation_key and component.connection_string.startswith(
        f"InstrumentationKey={component.instrumentation_key};IngestionEndpoint=https://westeurope-0.in."
    )
    assert component.ingestion_mode == "LogAnalytics" and component.workspace_resource_id == workspace.id
    tagged = insights.components.update_tags(GROUP, "appi-types", {"tags": {"x": "y"}})
    assert tagged.tags == {"x": "y"} and tagged.instrumentation_key == component.instrumentation_key

    with pytest.raises(HttpResponseError) as raised:
        insights.components.create_or_update(
            GROUP,
            "appi-orphan",
            {
                "location": LOCATION,
                "kind": "web",
                "application_type": "web",
                "workspace_resource_id": workspace.id.replace("log-types", "log-missing"),
            },
        )
    assert raised.value.status_code == 404 and raised.value.error.code == "ResourceNotFound"
    with pytest.raises(HttpResponseError) as raised:
        insights.components.create_or_update(
            GROUP, "appi-badtype", {"location": LOCATION, "kind": "web", "application_type": "spreadsheet"}
        )
    assert raised.value.status_code == 400 and "Error converting value" in raised.value.error.message

    insights.components.delete(GROUP, "appi-types")
    logs.workspaces.begin_delete(GROUP, "log-types").result()
    with pytest.raises(ResourceNotFoundError):
        logs.workspaces.get(GROUP, "log-types")


# -- network and private endpoints ----------------------------------------------------------------------
def test_virtual_network_subnets_and_address_space(endpoint, group, network):
    vnet = network.virtual_networks.begin_create_or_update(
        GROUP,
        "vnet-types",
        {
            "location": LOCATION,
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.30.0.0/16"]},
                "subnets": [{"name": "snet-a", "properties": {"addressPrefix": "10.30.1.0/24"}}],
            },
        },
    ).result()
    assert vnet.resource_guid and [subnet.name for subnet in vnet.subnets] == ["snet-a"]
    subnet = network.subnets.begin_create_or_update(
        GROUP, "vnet-types", "snet-b", {"properties": {"addressPrefix": "10.30.2.0/24"}}
    ).result()
    assert subnet.provisioning_state == "Succeeded"
    assert sorted(item.name for item in network.subnets.list(GROUP, "vnet-types")) == ["snet-a", "snet-b"]
    with pytest.raises(HttpResponseError) as raised:
        network.subnets.begin_create_or_update(
            GROUP, "vnet-types", "snet-out", {"properties": {"addressPrefix": "10.99.0.0/24"}}
        )
    assert raised.value.status_code == 400 and raised.value.error.code == "NetcfgSubnetRangeOutsideVnet"
    network.subnets.begin_delete(GROUP, "vnet-types", "snet-b").result()
    assert [item.name for item in network.subnets.list(GROUP, "vnet-types")] == ["snet-a"]


def test_private_endpoint_into_the_seeded_subnet(endpoint, group, storage, network):
    account = _account(storage, "stpe01")
    subnet_id = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-it4ad-network-local/providers/"
        "Microsoft.Network/virtualNetworks/vnet-it4ad-local/subnets/snet-ml"
    )

    def endpoint_body(target, group_id):
        return {
            "location": LOCATION,
            "properties": {
                "subnet": {"id": subnet_id},
                "privateLinkServiceConnections": [
                    {"name": "conn", "properties": {"privateLinkServiceId": target, "groupIds": [group_id]}}
                ],
            },
        }

    created = network.private_endpoints.begin_create_or_update(
        GROUP, "pe-blob", endpoint_body(account.id, "blob")
    ).result()
    assert created.provisioning_state == "Succeeded" and created.subnet.id == subnet_id
    assert created.network_interfaces[0].id.startswith(f"{group}/providers/Microsoft.Network/networkInterfaces/")
    dns = created.custom_dns_configs[0]
    assert dns.fqdn == "stpe01.blob.core.windows.net" and dns.ip_addresses == ["10.20.1.4"]
    state = created.private_link_service_connections[0].private_link_service_connection_state
    assert state.status == "Approved"
    second = network.private_endpoints.begin_create_or_update(
        GROUP, "pe-file", endpoint_body(account.id, "file")
    ).result()
    assert second.custom_dns_configs[0].ip_addresses == ["10.20.1.5"]

    zone_id = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-dns/providers/Microsoft.Network/"
        "privateDnsZones/privatelink.blob.core.windows.net"
    )
    zone_group = network.private_dns_zone_groups.begin_create_or_update(
        GROUP,
        "pe-blob",
        "default",
        {"properties": {"privateDnsZoneConfigs": [{"name": "blob", "properties": {"privateDnsZoneId": zone_id}}]}},
    ).result()
    record = zone_group.private_dns_zone_configs[0].record_sets[0]
    assert record.fqdn == "stpe01.privatelink.blob.core.windows.net" and record.ip_addresses == ["10.20.1.4"]

    with pytest.raises(HttpResponseError) as raised:
        network.private_endpoints.begin_create_or_update(
            GROUP, "pe-missing", endpoint_body(account.id.replace("stpe01", "stnothere"), "blob")
        )
    assert raised.value.status_code == 400 and raised.value.error.code == "InvalidResourceReference"
    with pytest.raises(HttpResponseError) as raised:
        network.private_endpoints.begin_create_or_update(GROUP, "pe-vault", endpoint_body(account.id, "vault"))
    assert raised.value.status_code == 400 and "group id 'vault' is not valid" in raised.value.error.message
    with pytest.raises(HttpResponseError) as raised:
        network.private_endpoints.begin_create_or_update(
            GROUP,
            "pe-badsubnet",
            {"location": LOCATION, "properties": {"subnet": {"id": subnet_id.replace("snet-ml", "snet-none")}}},
        )
    assert raised.value.status_code == 400 and raised.value.error.code == "InvalidResourceReference"
    with pytest.raises(HttpResponseError) as raised:
        network.private_endpoints.begin_create_or_update(
            GROUP, "pe-malformed", {"location": LOCATION, "properties": {"subnet": {"id": "snet-ml"}}}
        )
    assert raised.value.status_code == 400 and raised.value.error.code == "LinkedInvalidPropertyId"

    network.private_endpoints.begin_delete(GROUP, "pe-blob").result()
    with pytest.raises(ResourceNotFoundError):
        network.private_endpoints.get(GROUP, "pe-blob")


def test_provider_lists_several_api_versions_per_type(endpoint):
    provider = endpoint.resource_client().providers.get("Microsoft.Network")
    versions = {item.resource_type: item.api_versions for item in provider.resource_types}
    assert {
        "virtualNetworks",
        "virtualNetworks/subnets",
        "privateEndpoints",
        "privateEndpoints/privateDnsZoneGroups",
    } <= set(versions)
    assert len(versions["privateEndpoints"]) >= 5 and "2024-05-01" in versions["privateEndpoints"]
