"""Issue 9 on the endpoint, with the unmodified SDK clients: user-assigned and system-assigned identities whose
principals role assignments may name, Key Vault keys, customer-managed keys of storage accounts, registries and ML
workspaces, registry policies, workspace serverless compute and managed network, the workspace's file share, role
assignments at blob-container and file-share scope, and RBAC through group membership."""

import uuid

import pytest
from azure.core.exceptions import HttpResponseError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-security"
VAULT = "kv-security-cmk"
ML = "Microsoft.MachineLearningServices"
ML_VERSION = "2025-12-01"
DEVELOPER = "model-developer-test"
PERCEPTION_DEVELOPERS = "4b0c6f1e-2a7d-4e93-a5c8-1f6b9d3e7a10"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
FILE_DATA_PRIVILEGED_CONTRIBUTOR = "69566ab7-960f-475b-8e7c-b3118f30c6bd"
CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
SUBNET = (
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-it4ad-network-local/providers/"
    "Microsoft.Network/virtualNetworks/vnet-it4ad-local/subnets/snet-ml"
)


def _error(raised):
    return raised.value.status_code, raised.value.error.code, raised.value.error.message


@pytest.fixture(scope="module")
def group(endpoint):
    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


@pytest.fixture(scope="module")
def authorization(endpoint):
    from azure.mgmt.authorization import AuthorizationManagementClient

    return endpoint.mgmt_client(AuthorizationManagementClient)


@pytest.fixture(scope="module")
def keyvault(endpoint):
    from azure.mgmt.keyvault import KeyVaultManagementClient

    return endpoint.mgmt_client(KeyVaultManagementClient)


@pytest.fixture(scope="module")
def storage(endpoint):
    from azure.mgmt.storage import StorageManagementClient

    return endpoint.mgmt_client(StorageManagementClient)


@pytest.fixture(scope="module")
def registries(endpoint):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient

    return endpoint.mgmt_client(ContainerRegistryManagementClient)


@pytest.fixture(scope="module")
def cmk_identity(endpoint, group):
    from azure.mgmt.msi import ManagedServiceIdentityClient

    return endpoint.mgmt_client(ManagedServiceIdentityClient).user_assigned_identities.create_or_update(
        GROUP, "id-security-cmk", {"location": LOCATION, "tags": {"workPackage": "shared"}}
    )


@pytest.fixture(scope="module")
def vault(endpoint, keyvault, group):
    return keyvault.vaults.begin_create_or_update(
        GROUP,
        VAULT,
        {
            "location": LOCATION,
            "properties": {
                "tenantId": endpoint.tenant_id,
                "sku": {"family": "A", "name": "standard"},
                "enableRbacAuthorization": True,
                "enablePurgeProtection": True,
            },
        },
    ).result()


@pytest.fixture(scope="module")
def keys(keyvault, vault):
    return {
        name: keyvault.keys.create_if_not_exist(GROUP, VAULT, name, {"properties": {"kty": "RSA", "keySize": 2048}})
        for name in ("storage-cmk", "registry-cmk", "workspace-cmk")
    }


def _assign(authorization, endpoint, scope, role, principal_id, principal_type="ServicePrincipal"):
    return authorization.role_assignments.create(
        scope,
        str(uuid.uuid4()),
        {
            "role_definition_id": f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{role}",
            "principal_id": principal_id,
            "principal_type": principal_type,
        },
    )


# -- identities -------------------------------------------------------------------------------------------------
def test_a_user_assigned_identity_has_ids_that_role_assignments_may_name(endpoint, cmk_identity, vault, authorization):
    assert cmk_identity.type == "Microsoft.ManagedIdentity/userAssignedIdentities"
    assert cmk_identity.tenant_id == endpoint.tenant_id
    assert cmk_identity.principal_id and cmk_identity.client_id and cmk_identity.principal_id != cmk_identity.client_id
    from azure.mgmt.msi import ManagedServiceIdentityClient

    again = endpoint.mgmt_client(ManagedServiceIdentityClient).user_assigned_identities.create_or_update(
        GROUP, "id-security-cmk", {"location": LOCATION, "tags": {"workPackage": "shared"}}
    )
    assert (again.principal_id, again.client_id) == (cmk_identity.principal_id, cmk_identity.client_id)
    assignment = _assign(authorization, endpoint, vault.id, CRYPTO_SERVICE_ENCRYPTION_USER, cmk_identity.principal_id)
    assert assignment.principal_id == cmk_identity.principal_id and assignment.principal_type == "ServicePrincipal"
    with pytest.raises(HttpResponseError) as raised:
        _assign(authorization, endpoint, vault.id, READER, str(uuid.uuid4()))
    assert _error(raised)[:2] == (400, "PrincipalNotFound")


# -- Key Vault keys -------------------------------------------------------------------------------------------
def test_keys_get_their_uris_and_a_second_put_changes_nothing(keyvault, vault, keys):
    key = keys["storage-cmk"]
    assert key.type == "Microsoft.KeyVault/vaults/keys"
    assert key.key_uri == f"{vault.properties.vault_uri}keys/storage-cmk"
    assert (
        key.key_uri_with_version.startswith(key.key_uri + "/") and len(key.key_uri_with_version.rsplit("/", 1)[1]) == 32
    )
    assert (key.kty, key.key_size) == ("RSA", 2048)
    assert key.attributes.recovery_level == "Recoverable"  # the vault has purge protection
    again = keyvault.keys.create_if_not_exist(GROUP, VAULT, "storage-cmk", {"properties": {"kty": "EC"}})
    assert (again.key_uri_with_version, again.kty) == (key.key_uri_with_version, "RSA")
    assert {item.name for item in keyvault.keys.list(GROUP, VAULT)} >= {"storage-cmk", "registry-cmk", "workspace-cmk"}


# -- storage CMK and file shares --------------------------------------------------------------------------------
def _cmk_account(identity_id, vault, key_name, encryption_identity=None):
    return {
        "location": LOCATION,
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS"},
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {identity_id: {}}},
        "properties": {
            "encryption": {
                "keySource": "Microsoft.Keyvault",
                "keyvaultproperties": {"keyname": key_name, "keyvaulturi": vault.properties.vault_uri},
                "identity": {"userAssignedIdentity": encryption_identity or identity_id},
            }
        },
    }


def test_storage_customer_managed_key_needs_the_key_and_its_identity(storage, cmk_identity, vault, keys, group):
    account = storage.storage_accounts.begin_create(
        GROUP, "stsecuritycmk01", _cmk_account(cmk_identity.id, vault, "storage-cmk")
    ).result()
    assert account.encryption.key_source == "Microsoft.Keyvault"
    assert account.identity.user_assigned_identities[cmk_identity.id].principal_id == cmk_identity.principal_id
    with pytest.raises(HttpResponseError) as raised:
        storage.storage_accounts.begin_create(
            GROUP, "stsecuritycmk02", _cmk_account(cmk_identity.id, vault, "no-such-key")
        ).result()
    assert _error(raised)[:2] == (400, "BadRequest")
    other = f"{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-absent"
    with pytest.raises(HttpResponseError) as raised:
        storage.storage_accounts.begin_create(
            GROUP, "stsecuritycmk03", _cmk_account(cmk_identity.id, vault, "storage-cmk", encryption_identity=other)
        ).result()
    assert _error(raised)[:2] == (400, "BadRequest")
    with pytest.raises(HttpResponseError) as raised:
        storage.storage_accounts.begin_create(
            GROUP, "stsecuritycmk04", _cmk_account(other, vault, "storage-cmk")
        ).result()
    assert _error(raised)[:2] == (400, "FailedIdentityOperation")


def test_file_shares_are_served(storage, group):
    storage.storage_accounts.begin_create(
        GROUP, "stsecurityfiles", {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    share = storage.file_shares.create(GROUP, "stsecurityfiles", "team-share", {"properties": {"shareQuota": 100}})
    assert share.id.endswith("/fileServices/default/shares/team-share") and share.share_quota == 100
    assert [item.name for item in storage.file_shares.list(GROUP, "stsecurityfiles")] == ["team-share"]
    with pytest.raises(HttpResponseError) as raised:
        storage.file_shares.create(GROUP, "stsecurityfiles", "Bad--Name", {})
    assert raised.value.status_code == 400


# -- registries -------------------------------------------------------------------------------------------------
def _registry(**properties):
    return {"location": LOCATION, "sku": {"name": "Premium"}, "properties": properties}


def test_registry_policies_export_needs_public_access_off(endpoint, registries, group):
    with pytest.raises(HttpResponseError) as raised:
        registries.registries.begin_create(
            GROUP, "acrsecexport01", _registry(policies={"exportPolicy": {"status": "disabled"}})
        ).result()
    assert _error(raised)[:2] == (400, "BadRequest")
    policies = {
        "exportPolicy": {"status": "disabled"},
        "azureADAuthenticationAsArmPolicy": {"status": "disabled"},
        "quarantinePolicy": {"status": "enabled"},
        "retentionPolicy": {"status": "enabled", "days": 14},
    }
    staging = registries.registries.begin_create(
        GROUP, "acrsecexport01", _registry(publicNetworkAccess="Disabled", policies=policies)
    ).result()
    assert staging.policies.export_policy.status == "disabled"
    assert staging.policies.azure_ad_authentication_as_arm_policy.status == "disabled"
    assert staging.policies.quarantine_policy.status == "enabled"
    assert (staging.policies.retention_policy.status, staging.policies.retention_policy.days) == ("enabled", 14)
    assert staging.policies.trust_policy.status == "disabled"  # left out: Azure's default
    with pytest.raises(HttpResponseError) as raised:
        registries.registries.begin_create(
            GROUP, "acrsecexport01", _registry(publicNetworkAccess="Enabled", policies=policies)
        ).result()
    assert _error(raised) == (
        400,
        "BadRequest",
        "Enabling public network access is not supported because the registry 'acrsecexport01' has exports disabled.",
    )


def test_registry_customer_managed_key_is_checked_and_fixed_at_creation(registries, cmk_identity, keys, group):
    def body(key_identifier, status="enabled"):
        return {
            "location": LOCATION,
            "sku": {"name": "Premium"},
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {cmk_identity.id: {}}},
            "properties": {
                "encryption": {
                    "status": status,
                    "keyVaultProperties": {"keyIdentifier": key_identifier, "identity": cmk_identity.client_id},
                }
            },
        }

    registry = registries.registries.begin_create(GROUP, "acrseccmk01", body(keys["registry-cmk"].key_uri)).result()
    assert registry.encryption.status == "enabled"
    assert (
        registry.encryption.key_vault_properties.versioned_key_identifier == keys["registry-cmk"].key_uri_with_version
    )
    with pytest.raises(HttpResponseError) as raised:
        registries.registries.begin_create(
            GROUP, "acrseccmk01", body(keys["registry-cmk"].key_uri, "disabled")
        ).result()
    assert _error(raised)[:2] == (400, "BadRequest")
    with pytest.raises(HttpResponseError) as raised:
        registries.registries.begin_create(
            GROUP, "acrseccmk02", body(keys["registry-cmk"].key_uri.replace("registry-cmk", "nokey"))
        ).result()
    assert _error(raised)[:2] == (400, "BadRequest")


# -- ML workspaces --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def linked(endpoint, storage, vault, group):
    account = storage.storage_accounts.begin_create(
        GROUP, "stsecurityml", {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    return {"storageAccount": account.id, "keyVault": vault.id}


def _workspace(endpoint, group, name, body):
    path = f"{group}/providers/{ML}/workspaces/{name}"
    response = endpoint.call("PUT", path, api_version=ML_VERSION, body=body)
    if response.status_code >= 400:
        return response
    status_url = response.headers["Azure-AsyncOperation"][len(endpoint.arm) :].split("?")[0]
    for _ in range(20):
        if endpoint.call("GET", status_url, api_version=ML_VERSION).json()["status"] in ("Succeeded", "Failed"):
            return endpoint.call("GET", path, api_version=ML_VERSION)
    raise AssertionError(f"{path} did not finish provisioning")


def _workspace_body(linked, identity=None, **properties):
    return {
        "location": LOCATION,
        "identity": identity or {"type": "SystemAssigned"},
        "properties": {**linked, **properties},
    }


def test_workspace_serverless_and_managed_network_settings(endpoint, linked, group):
    settings = {"serverlessComputeCustomSubnet": SUBNET, "serverlessComputeNoPublicIP": True}
    workspace = _workspace(
        endpoint,
        group,
        "mlw-serverless",
        _workspace_body(linked, serverlessComputeSettings=settings, managedNetwork={"isolationMode": "Disabled"}),
    ).json()
    assert workspace["properties"]["serverlessComputeSettings"] == settings
    assert workspace["properties"]["managedNetwork"]["isolationMode"] == "Disabled"
    missing = _workspace(
        endpoint,
        group,
        "mlw-serverless-missing",
        _workspace_body(linked, serverlessComputeSettings={"serverlessComputeCustomSubnet": SUBNET + "-absent"}),
    )
    assert missing.status_code == 400
    assert (
        missing.json()["error"]["code"] == "ValidationError" and "snet-ml-absent" in missing.json()["error"]["message"]
    )


def test_workspace_customer_managed_key_and_identities(
    endpoint, linked, group, cmk_identity, vault, keys, authorization
):
    identity = {"type": "SystemAssigned,UserAssigned", "userAssignedIdentities": {cmk_identity.id: {}}}
    encryption = {
        "status": "Enabled",
        "identity": {"userAssignedIdentity": cmk_identity.id},
        "keyVaultProperties": {"keyVaultArmId": vault.id, "keyIdentifier": keys["workspace-cmk"].key_uri},
    }
    body = _workspace_body(linked, identity, primaryUserAssignedIdentity=cmk_identity.id, encryption=encryption)
    workspace = _workspace(endpoint, group, "mlw-cmk", body).json()
    assert workspace["properties"]["encryption"]["status"] == "Enabled"
    assert workspace["identity"]["userAssignedIdentities"][cmk_identity.id]["clientId"] == cmk_identity.client_id
    principal = workspace["identity"]["principalId"]
    # The workspace's system-assigned identity is a principal role assignments may name.
    assert _assign(authorization, endpoint, vault.id, READER, principal).principal_id == principal
    # Encryption is decided at creation.
    changed = _workspace(
        endpoint, group, "mlw-cmk", _workspace_body(linked, identity, encryption={**encryption, "status": "Disabled"})
    )
    assert changed.status_code == 400 and changed.json()["error"]["code"] == "ValidationError"
    wrong_key = {
        **encryption,
        "keyVaultProperties": {"keyVaultArmId": vault.id, "keyIdentifier": keys["workspace-cmk"].key_uri + "x"},
    }
    response = _workspace(endpoint, group, "mlw-cmk-2", _workspace_body(linked, identity, encryption=wrong_key))
    assert response.status_code == 400 and response.json()["error"]["code"] == "ValidationError"
    unlisted = {
        **encryption,
        "identity": {"userAssignedIdentity": cmk_identity.id.replace("id-security-cmk", "id-other")},
    }
    response = _workspace(endpoint, group, "mlw-cmk-3", _workspace_body(linked, identity, encryption=unlisted))
    assert response.status_code == 400


def test_workspace_file_share_and_storage_scope_role_assignments(endpoint, linked, group, storage, authorization):
    workspace = _workspace(endpoint, group, "mlw-storage-scopes", _workspace_body(linked)).json()
    workspace_id = workspace["properties"]["workspaceId"]
    account = linked["storageAccount"]
    share = storage.file_shares.get(GROUP, account.rsplit("/", 1)[1], f"azureml-filestore-{workspace_id}")
    assert share.id == f"{account}/fileServices/default/shares/azureml-filestore-{workspace_id}"
    container = f"{account}/blobServices/default/containers/azureml-blobstore-{workspace_id}"
    on_container = _assign(
        authorization, endpoint, container, BLOB_DATA_CONTRIBUTOR, PERCEPTION_DEVELOPERS, principal_type="Group"
    )
    assert on_container.scope == container
    on_share = _assign(
        authorization, endpoint, share.id, FILE_DATA_PRIVILEGED_CONTRIBUTOR, PERCEPTION_DEVELOPERS, "Group"
    )
    assert on_share.scope == share.id
    listed = {item.scope for item in authorization.role_assignments.list_for_scope(container)}
    assert container in listed
    # The scope must exist.
    with pytest.raises(HttpResponseError) as raised:
        _assign(
            authorization,
            endpoint,
            f"{account}/blobServices/default/containers/absent",
            READER,
            PERCEPTION_DEVELOPERS,
            "Group",
        )
    assert raised.value.status_code == 404
    # The compute cluster's system-assigned identity may be given AcrPull.
    compute = endpoint.call(
        "PUT",
        f"{group}/providers/{ML}/workspaces/mlw-storage-scopes/computes/cpu-cluster",
        api_version=ML_VERSION,
        body={
            "location": LOCATION,
            "identity": {"type": "SystemAssigned"},
            "properties": {
                "computeType": "AmlCompute",
                "properties": {"vmSize": "Standard_DS3_v2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2}},
            },
        },
    )
    assert compute.status_code in (200, 201), compute.text
    compute_principal = compute.json()["identity"]["principalId"]
    assert _assign(authorization, endpoint, account, READER, compute_principal).principal_id == compute_principal


# -- group membership ---------------------------------------------------------------------------------------
def test_a_group_assignment_grants_its_members(endpoint, authorization, registries, group):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient

    registry = registries.registries.begin_create(GROUP, "acrsecgroup01", _registry()).result()
    as_developer = endpoint.mgmt_client(ContainerRegistryManagementClient, DEVELOPER)
    with pytest.raises(HttpResponseError) as raised:
        as_developer.registries.get(GROUP, "acrsecgroup01")
    assert _error(raised)[:2] == (403, "AuthorizationFailed")
    # model-developer-test is a member of the perception developers (the default seed).
    _assign(authorization, endpoint, registry.id, READER, PERCEPTION_DEVELOPERS, principal_type="Group")
    assert as_developer.registries.get(GROUP, "acrsecgroup01").id == registry.id
    from azure.mgmt.authorization import AuthorizationManagementClient

    own = endpoint.mgmt_client(AuthorizationManagementClient, DEVELOPER)
    permissions = list(
        own.permissions.list_for_resource(GROUP, "Microsoft.ContainerRegistry", "", "registries", "acrsecgroup01")
    )
    assert [item.actions for item in permissions] == [["*/read"]]
    # A principal outside the group gets nothing from it.
    assert list(own.permissions.list_for_resource_group(GROUP)) == []
