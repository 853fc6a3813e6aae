"""azure-ai-ml's MLClient, unmodified, against the local endpoint as the custom cloud ``LocalAzure``: workspaces
(get, begin_create through the SDK's own ARM template, begin_delete), computes and datastores (create, get,
list, delete). The request log shows which paths and api-versions MLClient calls; the endpoint serves those."""

import os

import pytest

from localazure.providers.machine_learning.versions import COMPUTE_TYPE, DATASTORE_TYPE, WORKSPACE_TYPE

ENDPOINT_PROCESS = True  # smoke suite: azure-ai-ml makes its own clients, trusts REQUESTS_CA_BUNDLE

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
# azure-core's pollers wait the client's polling interval (30 s by default) when a status answer has no (or a
# zero) Retry-After; MLClient passes this public azure-core option on to its service clients.
POLLING_INTERVAL = 0.05
LOCATION = "westeurope"
GROUP = "rg-mlclient"
ACCOUNT = "stmlclient"
VAULT = "kv-mlclient"
WORKSPACE = "ws-mlclient"
ML_PATH = "/providers/Microsoft.MachineLearningServices/"


@pytest.fixture(scope="module")
def ml_client(endpoint):
    """MLClient configured only through its public cloud arguments; the CA is trusted via REQUESTS_CA_BUNDLE.

    MLClient records the cloud in this process's environment (AZUREML_CURRENT_CLOUD); the environment is
    restored afterwards so that endpoints started later by other test modules do not inherit it."""
    from azure.ai.ml import MLClient

    arm = endpoint.arm + "/"
    metadata = {
        "azure_portal": arm,
        "resource_manager": arm,
        "active_directory": endpoint.connection["authority_host"],
        "aml_resource_id": arm,
        "storage_endpoint": "core.windows.net",
        "registry_discovery_endpoint": arm,
    }
    saved = dict(os.environ)
    os.environ["REQUESTS_CA_BUNDLE"] = endpoint.ca
    try:
        yield MLClient(
            endpoint.credential(),
            endpoint.subscription_id,
            GROUP,
            WORKSPACE,
            cloud="LocalAzure",
            cloud_metadata=metadata,
            polling_interval=POLLING_INTERVAL,
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def workspace(endpoint):
    """A workspace made through the management APIs, with its storage account and Key Vault."""
    from azure.mgmt.keyvault import KeyVaultManagementClient
    from azure.mgmt.storage import StorageManagementClient

    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    storage = endpoint.mgmt_client(StorageManagementClient)
    account = storage.storage_accounts.begin_create(
        GROUP, ACCOUNT, {"location": LOCATION, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}
    ).result()
    storage.blob_containers.create(GROUP, ACCOUNT, "datasets", {})
    vault = (
        endpoint.mgmt_client(KeyVaultManagementClient)
        .vaults.begin_create_or_update(
            GROUP,
            VAULT,
            {
                "location": LOCATION,
                "properties": {
                    "tenantId": endpoint.tenant_id,
                    "sku": {"family": "A", "name": "standard"},
                    "enableRbacAuthorization": True,
                },
            },
        )
        .result()
    )
    path = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}{ML_PATH}workspaces/{WORKSPACE}"
    response = endpoint.call(
        "PUT",
        path,
        api_version="2025-12-01",
        body={
            "location": LOCATION,
            "identity": {"type": "SystemAssigned"},
            "properties": {"storageAccount": account.id, "keyVault": vault.id},
        },
    )
    assert response.status_code == 201, response.text
    status_url = response.headers["Azure-AsyncOperation"][len(endpoint.arm) :].split("?")[0]
    for _ in range(10):
        if endpoint.call("GET", status_url, api_version="2025-12-01").json()["status"] == "Succeeded":
            break
    return endpoint.call("GET", path, api_version="2025-12-01").json()


def _ml_calls(endpoint, since: int) -> list[tuple[str, str, str, int]]:
    return [
        (item["method"], item["path"].split(ML_PATH, 1)[1], item["api_version"], item["status"])
        for item in endpoint.requests_log(since=since)
        if ML_PATH in item["path"]
    ]


def _last_seq(endpoint) -> int:
    return endpoint.admin("GET", "requests")["last_seq"]


def test_workspace_get(endpoint, ml_client, workspace):
    since = _last_seq(endpoint)
    found = ml_client.workspaces.get(WORKSPACE)
    assert found.id == workspace["id"] and found.location == LOCATION
    assert found.storage_account == workspace["properties"]["storageAccount"]
    assert found.discovery_url == workspace["properties"]["discoveryUrl"]
    calls = _ml_calls(endpoint, since)
    assert calls and all(call[2] in dict.fromkeys(_versions(WORKSPACE_TYPE)) for call in calls), calls
    assert ("GET", f"workspaces/{WORKSPACE}", "2024-10-01-preview", 200) in calls


def test_compute_create_get_list_delete(endpoint, ml_client, workspace):
    from azure.ai.ml.entities import AmlCompute

    since = _last_seq(endpoint)
    cluster = AmlCompute(
        name="train-cluster",
        size="Standard_DS3_v2",
        min_instances=0,
        max_instances=3,
        idle_time_before_scale_down=1800,
        tier="low_priority",
    )
    created = ml_client.compute.begin_create_or_update(cluster).result()
    assert created.provisioning_state == "Succeeded" and created.size.lower() == "standard_ds3_v2"
    got = ml_client.compute.get("train-cluster")
    assert (got.max_instances, got.min_instances, got.idle_time_before_scale_down) == (3, 0, 1800)
    assert "train-cluster" in [item.name for item in ml_client.compute.list()]
    ml_client.compute.begin_delete("train-cluster").result()
    with pytest.raises(Exception) as raised:
        ml_client.compute.get("train-cluster")
    assert getattr(raised.value, "status_code", None) == 404
    calls = _ml_calls(endpoint, since)
    compute_path = f"workspaces/{WORKSPACE}/computes/train-cluster"
    assert ("PUT", compute_path, "2023-08-01-preview", 201) in calls
    assert ("DELETE", compute_path, "2023-08-01-preview", 202) in calls
    assert ("GET", f"workspaces/{WORKSPACE}/computes", "2023-08-01-preview", 200) in calls
    assert {call[2] for call in calls if "/computes" in call[1]} <= set(_versions(COMPUTE_TYPE))


def test_compute_with_an_unknown_vm_size_fails_in_the_sdk(ml_client, workspace):
    from azure.ai.ml.entities import AmlCompute
    from azure.core.exceptions import HttpResponseError

    with pytest.raises(HttpResponseError) as raised:
        ml_client.compute.begin_create_or_update(
            AmlCompute(name="bad-size", size="Standard_Nope_v0", max_instances=1)
        ).result()
    assert raised.value.status_code == 400 and "Standard_Nope_v0" in str(raised.value)


def test_datastore_create_get_list_delete(endpoint, ml_client, workspace):
    from azure.ai.ml.entities import AccountKeyConfiguration, AzureBlobDatastore

    since = _last_seq(endpoint)
    secret = "bG9jYWwtYWNjb3VudC1rZXk="
    ml_client.datastores.create_or_update(
        AzureBlobDatastore(
            name="shared_metrics",
            account_name=ACCOUNT,
            container_name="datasets",
            credentials=AccountKeyConfiguration(account_key=secret),
        )
    )
    ml_client.datastores.create_or_update(
        AzureBlobDatastore(name="shared_datasets", account_name=ACCOUNT, container_name="datasets")
    )
    keyed = ml_client.datastores.get("shared_metrics")
    assert keyed.container_name == "datasets" and keyed.credentials.account_key is None
    identity = ml_client.datastores.get("shared_datasets")
    assert type(identity.credentials).__name__ == "NoneCredentialConfiguration"
    with_secrets = ml_client.datastores.get("shared_metrics", include_secrets=True)
    assert with_secrets.credentials.account_key == secret
    names = [item.name for item in ml_client.datastores.list()]
    assert {"shared_metrics", "shared_datasets", "workspaceblobstore"} <= set(names)
    assert ml_client.datastores.get_default().name == "workspaceblobstore"
    ml_client.datastores.delete("shared_metrics")
    assert "shared_metrics" not in [item.name for item in ml_client.datastores.list()]
    calls = _ml_calls(endpoint, since)
    assert ("PUT", f"workspaces/{WORKSPACE}/datastores/shared_metrics", "2024-10-01-preview", 201) in calls
    assert ("POST", f"workspaces/{WORKSPACE}/datastores/shared_metrics/listSecrets", "2024-10-01-preview", 200) in calls
    assert ("DELETE", f"workspaces/{WORKSPACE}/datastores/shared_metrics", "2024-10-01-preview", 200) in calls
    assert {call[2] for call in calls if "/datastores" in call[1]} <= set(_versions(DATASTORE_TYPE))
    assert secret not in str(endpoint.requests_log(since=since))


@pytest.mark.slow
def test_workspace_begin_create_deploys_the_sdk_template(endpoint, ml_client, workspace):
    """MLClient deploys its own ARM template (storage, Key Vault, App Insights, Log Analytics, workspace)
    through Microsoft.Resources/deployments; the workspace it makes links what the template made."""
    from azure.ai.ml.entities import Workspace

    created = ml_client.workspaces.begin_create(Workspace(name="ws-from-template", location=LOCATION)).result()
    assert created.name == "ws-from-template"
    stored = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}{ML_PATH}workspaces/ws-from-template",
        api_version="2025-12-01",
    ).json()
    assert stored["properties"]["provisioningState"] == "Succeeded"
    for link in ("storageAccount", "keyVault", "applicationInsights"):
        linked_id = stored["properties"][link]
        assert endpoint.call("GET", linked_id, api_version=_any_version(endpoint, linked_id)).status_code == 200


def test_workspace_begin_delete_soft_deletes(endpoint, ml_client, workspace):
    from azure.core.exceptions import ResourceNotFoundError

    ml_client.workspaces.begin_delete(WORKSPACE, delete_dependent_resources=False).result()
    with pytest.raises(ResourceNotFoundError):
        ml_client.workspaces.get(WORKSPACE)
    soft_deleted = endpoint.admin("GET", "machine-learning/deleted-workspaces")["value"]
    assert workspace["id"].lower() in [item["id"].lower() for item in soft_deleted]
    # MLClient's permanently_delete GETs the workspace first (404 once soft-deleted), so purge over REST.
    purged = endpoint.call("DELETE", f"{workspace['id']}?forceToPurge=true", api_version="2024-10-01-preview")
    assert purged.status_code == 200
    assert workspace["id"].lower() not in [
        item["id"].lower() for item in endpoint.admin("GET", "machine-learning/deleted-workspaces")["value"]
    ]


def _versions(resource_type: str) -> tuple[str, ...]:
    from localazure.providers.machine_learning import make_compute_type, make_datastore_type, make_workspace_type

    made = {WORKSPACE_TYPE: make_workspace_type, COMPUTE_TYPE: make_compute_type, DATASTORE_TYPE: make_datastore_type}
    return made[resource_type]().api_versions


def _any_version(endpoint, resource_id: str) -> str:
    namespace, resource_type = resource_id.split("/providers/", 1)[1].split("/")[:2]
    provider = endpoint.resource_client().providers.get(namespace)
    return next(
        item.api_versions[0] for item in provider.resource_types if item.resource_type.lower() == resource_type.lower()
    )
