"""Provider rules the endpoint must enforce as Azure does, through the unmodified management SDKs (raw REST where
the wire shape itself is checked): Key Vault names and irreversible soft-delete settings, subnet overlaps and a
virtual network PUT replacing its subnets, storage container name lengths and account kind changes, and the
linked resources an ML workspace update may not swap."""

import pytest
from azure.core.exceptions import HttpResponseError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-fidelity"
OTHER_GROUP = "rg-fidelity-other"
VAULT_VERSION = "2024-11-01"
ML = "Microsoft.MachineLearningServices"
ML_VERSION = "2025-12-01"


@pytest.fixture(scope="module")
def group(endpoint):
    resources = endpoint.resource_client()
    resources.resource_groups.create_or_update(GROUP, {"location": LOCATION})
    resources.resource_groups.create_or_update(OTHER_GROUP, {"location": LOCATION})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


@pytest.fixture(scope="module")
def vaults(endpoint, group):
    from azure.mgmt.keyvault import KeyVaultManagementClient

    return endpoint.mgmt_client(KeyVaultManagementClient).vaults


@pytest.fixture(scope="module")
def network(endpoint, group):
    from azure.mgmt.network import NetworkManagementClient

    return endpoint.mgmt_client(NetworkManagementClient)


@pytest.fixture(scope="module")
def storage(endpoint, group):
    from azure.mgmt.storage import StorageManagementClient

    return endpoint.mgmt_client(StorageManagementClient)


def _vault_parameters(endpoint, **properties):
    return {
        "location": LOCATION,
        "properties": {
            "tenantId": endpoint.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": True,
            **properties,
        },
    }


def _refused(call, status=400):
    with pytest.raises(HttpResponseError) as raised:
        call()
    assert raised.value.status_code == status, raised.value.message
    return raised.value.error


def _raw_vault(endpoint, group, name, body=None):
    path = f"{group}/providers/Microsoft.KeyVault/vaults/{name}"
    return endpoint.call("PUT" if body is not None else "GET", path, api_version=VAULT_VERSION, body=body)


def _account(storage, name, kind="StorageV2"):
    return storage.storage_accounts.begin_create(
        GROUP,
        name,
        {
            "location": LOCATION,
            "sku": {"name": "Standard_LRS"},
            "kind": kind,
            "properties": {"allowBlobPublicAccess": False, "minimumTlsVersion": "TLS1_2"},
        },
    ).result()


# -- Key Vault: soft delete and purge protection (finding 3, 16) -------------------------------------------
def test_purge_protection_stays_on_when_a_put_omits_it(endpoint, vaults):
    vaults.begin_create_or_update(
        GROUP, "kv-fid-purge", _vault_parameters(endpoint, enablePurgeProtection=True)
    ).result()
    kept = vaults.begin_create_or_update(GROUP, "kv-fid-purge", _vault_parameters(endpoint)).result()
    assert kept.properties.enable_purge_protection is True
    error = _refused(
        lambda: vaults.begin_create_or_update(
            GROUP, "kv-fid-purge", _vault_parameters(endpoint, enablePurgeProtection=False)
        ).result()
    )
    assert "enablePurgeProtection" in error.message and "irreversible" in error.message
    assert vaults.get(GROUP, "kv-fid-purge").properties.enable_purge_protection is True


def test_unset_purge_protection_is_omitted_not_null(endpoint, group):
    body = _vault_parameters(endpoint, enablePurgeProtection=None)
    assert _raw_vault(endpoint, group, "kv-fid-null", body).status_code in (200, 201)
    properties = _raw_vault(endpoint, group, "kv-fid-null").json()["properties"]
    assert "enablePurgeProtection" not in properties, properties
    assert properties["enableSoftDelete"] is True


def test_soft_delete_cannot_be_switched_off(endpoint, vaults):
    error = _refused(
        lambda: vaults.begin_create_or_update(
            GROUP, "kv-fid-nosoft", _vault_parameters(endpoint, enableSoftDelete=False)
        ).result()
    )
    assert "enableSoftDelete" in error.message
    assert vaults.begin_create_or_update(GROUP, "kv-fid-soft", _vault_parameters(endpoint)).result()
    error = _refused(
        lambda: vaults.begin_create_or_update(
            GROUP, "kv-fid-soft", _vault_parameters(endpoint, enableSoftDelete=False)
        ).result()
    )
    assert "enableSoftDelete" in error.message
    assert vaults.get(GROUP, "kv-fid-soft").properties.enable_soft_delete is True


def test_retention_is_fixed_once_set_and_within_7_to_90_days(endpoint, vaults):
    created = vaults.begin_create_or_update(
        GROUP, "kv-fid-retain", _vault_parameters(endpoint, softDeleteRetentionInDays=7)
    ).result()
    assert created.properties.soft_delete_retention_in_days == 7
    omitted = vaults.begin_create_or_update(GROUP, "kv-fid-retain", _vault_parameters(endpoint)).result()
    assert omitted.properties.soft_delete_retention_in_days == 7
    error = _refused(
        lambda: vaults.begin_create_or_update(
            GROUP, "kv-fid-retain", _vault_parameters(endpoint, softDeleteRetentionInDays=30)
        ).result()
    )
    assert "softDeleteRetentionInDays" in error.message
    for days in (3, 91):
        error = _refused(
            lambda days=days: vaults.begin_create_or_update(
                GROUP, f"kv-fid-days{days}", _vault_parameters(endpoint, softDeleteRetentionInDays=days)
            ).result()
        )
        assert "softDeleteRetentionInDays" in error.message


# -- Key Vault names (finding 4) ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["rv_bad_name", "1starts-with-digit", "double--hyphen", "ends-with-", "kv", "a" * 25])
def test_invalid_vault_names_are_refused(endpoint, vaults, name):
    error = _refused(lambda: vaults.begin_create_or_update(GROUP, name, _vault_parameters(endpoint)).result())
    assert error.code == "VaultNameNotValid" and f"'{name}' is invalid" in error.message


def test_vault_names_are_global(endpoint, vaults):
    vaults.begin_create_or_update(GROUP, "kv-fid-global", _vault_parameters(endpoint)).result()
    error = _refused(
        lambda: vaults.begin_create_or_update(OTHER_GROUP, "kv-fid-global", _vault_parameters(endpoint)).result(),
        status=409,
    )
    assert error.code == "VaultAlreadyExists" and "already in use" in error.message
    assert vaults.begin_create_or_update(GROUP, "kv-fid-global", _vault_parameters(endpoint)).result()


# -- subnets (findings 7, 8) -------------------------------------------------------------------------------
def _network_body(*subnets, prefix="10.40.0.0/16"):
    body = {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": [prefix]}}}
    if subnets:
        body["properties"]["subnets"] = [
            {"name": name, "properties": {"addressPrefix": cidr}} for name, cidr in subnets
        ]
    return body


def _subnet_names(network, vnet):
    return sorted(subnet.name for subnet in network.subnets.list(GROUP, vnet))


@pytest.mark.parametrize("prefix", ["10.40.1.0/24", "10.40.1.128/25", "10.40.0.0/23"])
def test_subnet_overlapping_another_is_refused(network, prefix):
    network.virtual_networks.begin_create_or_update(
        GROUP, "vnet-fid-overlap", _network_body(("snet-a", "10.40.1.0/24"))
    ).result()
    error = _refused(
        lambda: network.subnets.begin_create_or_update(
            GROUP, "vnet-fid-overlap", "snet-b", {"properties": {"addressPrefix": prefix}}
        ).result()
    )
    assert error.code == "NetcfgSubnetRangesOverlap"
    assert "'snet-b'" in error.message and "'vnet-fid-overlap'" in error.message
    assert _subnet_names(network, "vnet-fid-overlap") == ["snet-a"]


def test_a_subnet_may_be_put_again_with_its_own_prefix(network):
    network.virtual_networks.begin_create_or_update(
        GROUP, "vnet-fid-same", _network_body(("snet-a", "10.40.1.0/24"))
    ).result()
    again = network.subnets.begin_create_or_update(
        GROUP, "vnet-fid-same", "snet-a", {"properties": {"addressPrefix": "10.40.1.0/24"}}
    ).result()
    assert again.address_prefix == "10.40.1.0/24"


def test_inline_subnets_are_checked(network):
    error = _refused(
        lambda: network.virtual_networks.begin_create_or_update(
            GROUP, "vnet-fid-inline", _network_body(("snet-a", "10.40.1.0/24"), ("snet-b", "10.40.1.64/26"))
        ).result()
    )
    assert error.code == "NetcfgSubnetRangesOverlap" and "'snet-b'" in error.message
    error = _refused(
        lambda: network.virtual_networks.begin_create_or_update(
            GROUP, "vnet-fid-inline", _network_body(("snet-out", "10.99.0.0/24"))
        ).result()
    )
    assert error.code == "NetcfgSubnetRangeOutsideVnet"


def test_a_network_put_replaces_its_subnets(network):
    vnet = "vnet-fid-replace"
    network.virtual_networks.begin_create_or_update(
        GROUP, vnet, _network_body(("snet-a", "10.40.1.0/24"), ("snet-b", "10.40.2.0/24"))
    ).result()
    network.virtual_networks.begin_create_or_update(GROUP, vnet, _network_body(("snet-a", "10.40.1.0/24"))).result()
    assert _subnet_names(network, vnet) == ["snet-a"]


def test_a_network_put_without_subnets_deletes_them_only_before_2023_11_01(endpoint, group, network):
    vnet = "vnet-fid-omit"
    network.virtual_networks.begin_create_or_update(GROUP, vnet, _network_body(("snet-a", "10.40.1.0/24"))).result()
    network.virtual_networks.begin_create_or_update(GROUP, vnet, _network_body()).result()  # SDK: 2024-x
    assert _subnet_names(network, vnet) == ["snet-a"]
    path = f"{group}/providers/Microsoft.Network/virtualNetworks/{vnet}"
    response = endpoint.call("PUT", path, api_version="2023-09-01", body=_network_body())
    assert response.status_code == 200, response.text
    assert _subnet_names(network, vnet) == []


def test_a_subnet_in_use_is_not_deleted_by_a_network_put(storage, network):
    vnet = "vnet-fid-inuse"
    network.virtual_networks.begin_create_or_update(
        GROUP, vnet, _network_body(("snet-pe", "10.40.1.0/24"), ("snet-free", "10.40.2.0/24"))
    ).result()
    account = _account(storage, "stfidinuse")
    subnet_id = network.subnets.get(GROUP, vnet, "snet-pe").id
    pe = network.private_endpoints.begin_create_or_update(
        GROUP,
        "pe-fid-inuse",
        {
            "location": LOCATION,
            "properties": {
                "subnet": {"id": subnet_id},
                "privateLinkServiceConnections": [
                    {"name": "conn", "properties": {"privateLinkServiceId": account.id, "groupIds": ["blob"]}}
                ],
            },
        },
    ).result()
    error = _refused(
        lambda: network.virtual_networks.begin_create_or_update(
            GROUP, vnet, _network_body(("snet-free", "10.40.2.0/24"))
        ).result()
    )
    assert error.code == "InUseSubnetCannotBeDeleted"
    assert error.message.startswith(f"Subnet snet-pe is in use by {pe.network_interfaces[0].id}/ipConfigurations/")
    assert _subnet_names(network, vnet) == ["snet-free", "snet-pe"]


# -- storage (finding 18) ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("c1", "length is not within the permissible limits"),
        ("c" * 64, "length is not within the permissible limits"),
        ("Bad_Name", "contains invalid characters"),
    ],
)
def test_container_names_are_checked_for_length_then_characters(storage, name, words):
    _account(storage, "stfidnames")
    error = _refused(lambda: storage.blob_containers.create(GROUP, "stfidnames", name, {}))
    assert words in error.message


def test_account_kind_changes_only_by_upgrade_to_storage_v2(storage):
    _account(storage, "stfidkind")
    error = _refused(lambda: storage.storage_accounts.update(GROUP, "stfidkind", {"kind": "BlobStorage"}))
    assert "StorageV2" in error.message and "BlobStorage" in error.message
    assert storage.storage_accounts.get_properties(GROUP, "stfidkind").kind == "StorageV2"
    _account(storage, "stfidupgrade", kind="Storage")
    assert storage.storage_accounts.update(GROUP, "stfidupgrade", {"kind": "StorageV2"}).kind == "StorageV2"


# -- ML workspace linked resources (finding 9) ----------------------------------------------------------------
@pytest.fixture(scope="module")
def linked(endpoint, group, storage, vaults):
    from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient

    insights = endpoint.mgmt_client(ApplicationInsightsManagementClient).components

    def component(name):
        return insights.create_or_update(
            GROUP, name, {"location": LOCATION, "kind": "web", "application_type": "web"}
        ).id

    def vault(name):
        return vaults.begin_create_or_update(GROUP, name, _vault_parameters(endpoint)).result().id

    return {
        "storageAccount": [_account(storage, "stfidws1").id, _account(storage, "stfidws2").id],
        "keyVault": [vault("kv-fid-ws1"), vault("kv-fid-ws2")],
        "applicationInsights": [component("appi-fid-ws1"), component("appi-fid-ws2")],
    }


def _workspace_put(endpoint, group, linked, choice):
    body = {
        "location": LOCATION,
        "identity": {"type": "SystemAssigned"},
        "properties": {link: linked[link][index] for link, index in choice.items()},
    }
    response = endpoint.call(
        "PUT", f"{group}/providers/{ML}/workspaces/ws-fid-links", api_version=ML_VERSION, body=body
    )
    if response.status_code < 300 and "Azure-AsyncOperation" in response.headers:  # an identical PUT is synchronous
        url = response.headers["Azure-AsyncOperation"][len(endpoint.arm) :].split("?")[0]
        for _ in range(20):
            if endpoint.call("GET", url, api_version=ML_VERSION).json()["status"] == "Succeeded":
                break
        else:
            raise AssertionError(f"workspace PUT did not succeed: {url}")
    return response


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("storageAccount", "Storage Account update is not supported"),
        ("keyVault", "Key Vault update is not supported"),
    ],
)
def test_workspace_storage_and_vault_cannot_be_swapped(endpoint, group, linked, link, words):
    original = {"storageAccount": 0, "keyVault": 0, "applicationInsights": 0}
    assert _workspace_put(endpoint, group, linked, original).status_code in (200, 201)
    response = _workspace_put(endpoint, group, linked, {**original, link: 1})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "BadRequest" and words in response.json()["error"]["message"]
    stored = endpoint.call("GET", f"{group}/providers/{ML}/workspaces/ws-fid-links", api_version=ML_VERSION).json()
    assert stored["properties"][link].lower() == linked[link][0].lower()


def test_workspace_application_insights_can_be_swapped(endpoint, group, linked):
    original = {"storageAccount": 0, "keyVault": 0, "applicationInsights": 0}
    assert _workspace_put(endpoint, group, linked, original).status_code in (200, 201)
    assert _workspace_put(endpoint, group, linked, {**original, "applicationInsights": 1}).status_code == 200
    stored = endpoint.call("GET", f"{group}/providers/{ML}/workspaces/ws-fid-links", api_version=ML_VERSION).json()
    assert stored["properties"]["applicationInsights"].lower() == linked["applicationInsights"][1].lower()
