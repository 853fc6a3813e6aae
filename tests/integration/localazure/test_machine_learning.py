"""The Azure ML provider over HTTPS with real tokens: workspaces (linked resources, workspaceId, system storage,
long-running create, soft delete and purge), AmlCompute (VM size, scale settings, provisioning states, delete)
and datastores (write-only secrets, listSecrets, storage checks). Linked resources are made with the unmodified
management SDKs; the blob container is checked with StorageManagementClient."""

import re
import uuid

import pytest

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-ml"
ACCOUNT = "stmlsemantics"
VAULT = "kv-ml-semantics"
REGISTRY = "acrmlsemantics"
INSIGHTS = "appi-ml-semantics"
ML = "Microsoft.MachineLearningServices"
VERSION = "2025-12-01"
GUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


@pytest.fixture(scope="module")
def storage(endpoint):
    from azure.mgmt.storage import StorageManagementClient

    return endpoint.mgmt_client(StorageManagementClient)


@pytest.fixture(scope="module")
def linked(endpoint, storage):
    """Resource group plus the storage account, Key Vault, Application Insights and registry a workspace links."""
    from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient
    from azure.mgmt.keyvault import KeyVaultManagementClient
    from azure.mgmt.loganalytics import LogAnalyticsManagementClient

    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    account = storage.storage_accounts.begin_create(
        GROUP,
        ACCOUNT,
        {
            "location": LOCATION,
            "sku": {"name": "Standard_LRS"},
            "kind": "StorageV2",
            "properties": {"allowBlobPublicAccess": False, "minimumTlsVersion": "TLS1_2"},
        },
    ).result()
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
    registry = (
        endpoint.mgmt_client(ContainerRegistryManagementClient)
        .registries.begin_create(
            GROUP,
            REGISTRY,
            {"location": LOCATION, "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": False}},
        )
        .result()
    )
    insights = endpoint.mgmt_client(ApplicationInsightsManagementClient).components.create_or_update(
        GROUP, INSIGHTS, {"location": LOCATION, "kind": "web", "application_type": "web"}
    )
    logs = (
        endpoint.mgmt_client(LogAnalyticsManagementClient)
        .workspaces.begin_create_or_update(GROUP, f"{INSIGHTS}-log", {"location": LOCATION})
        .result()
    )
    return {
        "logAnalyticsWorkspace": logs.id,
        "group": f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}",
        "storageAccount": account.id,
        "keyVault": vault.id,
        "containerRegistry": registry.id,
        "applicationInsights": insights.id,
    }


def _workspace_path(linked, name):
    return f"{linked['group']}/providers/{ML}/workspaces/{name}"


def _workspace_body(linked, **properties):
    links = {key: linked[key] for key in ("storageAccount", "keyVault", "applicationInsights", "containerRegistry")}
    return {
        "location": LOCATION,
        "identity": {"type": "SystemAssigned"},
        "sku": {"name": "Basic", "tier": "Basic"},
        "properties": {**links, **properties},
    }


def _poll(endpoint, response, api_version=VERSION, limit=20):
    """Follow Azure-AsyncOperation until the operation ends; returns the states seen."""
    url = response.headers["Azure-AsyncOperation"][len(endpoint.arm) :].split("?")[0]
    states = []
    for _ in range(limit):
        status = endpoint.call("GET", url, api_version=api_version).json()
        states.append(status["status"])
        if status["status"] in ("Succeeded", "Failed", "Canceled"):
            return states, status
    raise AssertionError(f"operation {url} did not end: {states}")


def _create_workspace(endpoint, linked, name, **properties):
    response = endpoint.call(
        "PUT", _workspace_path(linked, name), api_version=VERSION, body=_workspace_body(linked, **properties)
    )
    assert response.status_code == 201, response.text
    states, status = _poll(endpoint, response)
    assert status["status"] == "Succeeded", status
    return endpoint.call("GET", _workspace_path(linked, name), api_version=VERSION).json()


def _error(response, status=400):
    assert response.status_code == status, response.text
    return response.json()["error"]


# -- workspaces -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("link", ["storageAccount", "keyVault", "applicationInsights", "containerRegistry"])
def test_workspace_with_a_missing_linked_resource_is_rejected(endpoint, linked, link):
    missing = linked[link] + "missing"
    body = _workspace_body(linked)
    body["properties"][link] = missing
    name = f"ws-missing-{link.lower()}"
    response = endpoint.call("PUT", _workspace_path(linked, name), api_version=VERSION, body=body)
    error = _error(response)
    assert error["code"] == "ValidationError" and error["target"] == "workspace"
    assert missing in error["message"] and "not found" in error["message"]
    assert error["details"][0]["code"] == "Invalid"
    assert (
        endpoint.call("GET", _workspace_path(linked, f"ws-missing-{link.lower()}"), api_version=VERSION).status_code
        == 404
    )


def test_workspace_without_storage_or_key_vault_is_rejected(endpoint, linked):
    body = _workspace_body(linked)
    del body["properties"]["keyVault"]
    error = _error(endpoint.call("PUT", _workspace_path(linked, "ws-no-vault"), api_version=VERSION, body=body))
    assert (error["code"], error["message"]) == ("ValidationError", "Missing dependent resources in workspace json")


def test_workspace_link_of_the_wrong_type_is_rejected(endpoint, linked):
    body = _workspace_body(linked, storageAccount=linked["keyVault"])
    error = _error(endpoint.call("PUT", _workspace_path(linked, "ws-wrong-type"), api_version=VERSION, body=body))
    assert error["code"] == "ValidationError" and "Microsoft.Storage/storageAccounts" in error["message"]


def test_workspace_unknown_property_is_rejected_by_the_model(endpoint, linked):
    body = _workspace_body(linked, notAWorkspaceProperty=True)
    error = _error(endpoint.call("PUT", _workspace_path(linked, "ws-unknown"), api_version=VERSION, body=body))
    assert "notAWorkspaceProperty" in error["message"]


def test_workspace_create_is_long_running_and_assigns_its_id(endpoint, linked):
    path = _workspace_path(linked, "ws-lro")
    response = endpoint.call("PUT", path, api_version=VERSION, body=_workspace_body(linked))
    assert response.status_code == 201
    assert (
        "/providers/Microsoft.MachineLearningServices/locations/westeurope/workspaceOperationsStatus/"
        in response.headers["Azure-AsyncOperation"]
    )
    assert response.json()["properties"]["provisioningState"] == "Creating"
    assert endpoint.call("GET", path, api_version=VERSION).json()["properties"]["provisioningState"] == "Creating"
    states, status = _poll(endpoint, response)
    assert states[-1] == "Succeeded" and "Running" in states
    workspace = endpoint.call("GET", path, api_version=VERSION).json()
    properties = workspace["properties"]
    assert properties["provisioningState"] == "Succeeded"
    assert GUID.match(properties["workspaceId"])
    assert properties["discoveryUrl"] == "https://westeurope.api.azureml.ms/discovery"
    assert properties["mlFlowTrackingUri"] == f"azureml://westeurope.api.azureml.ms/mlflow/v1.0{path}"
    assert GUID.match(workspace["identity"]["principalId"]) and workspace["identity"]["tenantId"] == endpoint.tenant_id
    again = endpoint.call("PUT", path, api_version=VERSION, body=_workspace_body(linked, description="second"))
    assert again.status_code == 200
    _poll(endpoint, again)
    updated = endpoint.call("GET", path, api_version=VERSION).json()
    assert updated["properties"]["workspaceId"] == properties["workspaceId"]
    assert updated["identity"]["principalId"] == workspace["identity"]["principalId"]
    assert updated["properties"]["description"] == "second"


def test_workspace_creates_its_blob_container_and_system_datastores(endpoint, linked, storage):
    workspace = _create_workspace(endpoint, linked, "ws-storage", systemDatastoresAuthMode="Identity")
    workspace_id = workspace["properties"]["workspaceId"]
    container = storage.blob_containers.get(GROUP, ACCOUNT, f"azureml-blobstore-{workspace_id}")
    assert container.id == (
        f"{linked['storageAccount']}/blobServices/default/containers/azureml-blobstore-{workspace_id}"
    )
    assert f"azureml-blobstore-{workspace_id}" in [item.name for item in storage.blob_containers.list(GROUP, ACCOUNT)]

    listed = endpoint.call(
        "GET", _workspace_path(linked, "ws-storage") + "/datastores", api_version="2024-10-01-preview"
    ).json()["value"]
    by_name = {item["name"]: item["properties"] for item in listed}
    assert {"workspaceblobstore", "workspacefilestore", "workspaceartifactstore", "workspaceworkingdirectory"} <= set(
        by_name
    )
    blob = by_name["workspaceblobstore"]
    assert blob["isDefault"] is True and blob["containerName"] == f"azureml-blobstore-{workspace_id}"
    assert blob["accountName"] == ACCOUNT and blob["credentials"] == {"credentialsType": "None"}
    assert by_name["workspacefilestore"]["fileShareName"] == f"azureml-filestore-{workspace_id}"
    assert [name for name, item in by_name.items() if item["isDefault"]] == ["workspaceblobstore"]


def test_project_template_workspace_body_is_accepted(endpoint, linked):
    body = _workspace_body(
        linked,
        friendlyName="it4-perception-dev",
        hbiWorkspace=True,
        publicNetworkAccess="Disabled",
        allowPublicAccessWhenBehindVnet=False,
        v1LegacyMode=False,
        systemDatastoresAuthMode="Identity",
        imageBuildCompute="train-cluster",
    )
    body["kind"] = "Default"
    response = endpoint.call("PUT", _workspace_path(linked, "it4-perception-dev"), api_version=VERSION, body=body)
    assert response.status_code == 201, response.text
    assert _poll(endpoint, response)[1]["status"] == "Succeeded"


def test_soft_delete_blocks_the_name_until_purged(endpoint, linked):
    path = _workspace_path(linked, "ws-soft")
    first_id = _create_workspace(endpoint, linked, "ws-soft")["properties"]["workspaceId"]
    deleted = endpoint.call("DELETE", path, api_version=VERSION)
    assert deleted.status_code == 202
    assert _poll(endpoint, deleted)[1]["status"] == "Succeeded"
    assert endpoint.call("GET", path, api_version=VERSION).status_code == 404
    assert "ws-soft" not in [
        item["name"]
        for item in endpoint.call("GET", f"{linked['group']}/providers/{ML}/workspaces", api_version=VERSION).json()[
            "value"
        ]
    ]

    soft_deleted = endpoint.admin("GET", "machine-learning/deleted-workspaces")["value"]
    entry = next(item for item in soft_deleted if item["id"].lower() == path.lower())
    assert entry["workspace"]["properties"]["workspaceId"] == first_id
    assert entry["workspace"]["properties"]["provisioningState"] == "SoftDeleted"
    assert entry["scheduledPurgeDate"] > entry["deletedAt"]

    recreate = endpoint.call("PUT", path, api_version=VERSION, body=_workspace_body(linked))
    error = _error(recreate)
    assert error["code"] == "ValidationError"
    assert error["message"] == "Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete"

    purged = endpoint.call("DELETE", path + "?forceToPurge=true", api_version=VERSION)
    assert purged.status_code == 200
    assert path.lower() not in [
        item["id"].lower() for item in endpoint.admin("GET", "machine-learning/deleted-workspaces")["value"]
    ]
    second_id = _create_workspace(endpoint, linked, "ws-soft")["properties"]["workspaceId"]
    assert second_id != first_id


def test_force_to_purge_deletes_a_live_workspace_for_good(endpoint, linked):
    path = _workspace_path(linked, "ws-purge")
    _create_workspace(endpoint, linked, "ws-purge")
    response = endpoint.call("DELETE", path + "?forceToPurge=true", api_version=VERSION)
    assert response.status_code == 202
    assert _poll(endpoint, response)[1]["status"] == "Succeeded"
    assert endpoint.call("GET", path, api_version=VERSION).status_code == 404
    assert path.lower() not in [
        item["id"].lower() for item in endpoint.admin("GET", "machine-learning/deleted-workspaces")["value"]
    ]
    assert endpoint.call("PUT", path, api_version=VERSION, body=_workspace_body(linked)).status_code == 201


def test_deleting_the_resource_group_soft_deletes_its_workspace(endpoint, linked):
    client = endpoint.resource_client()
    client.resource_groups.create_or_update("rg-ml-doomed", {"location": LOCATION})
    group = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-ml-doomed"
    path = f"{group}/providers/{ML}/workspaces/ws-doomed"
    response = endpoint.call("PUT", path, api_version=VERSION, body=_workspace_body(linked))
    assert response.status_code == 201, response.text
    _poll(endpoint, response)
    client.resource_groups.begin_delete("rg-ml-doomed", polling_interval=0.01).result()
    soft_deleted = [
        item["id"].lower() for item in endpoint.admin("GET", "machine-learning/deleted-workspaces")["value"]
    ]
    assert path.lower() in soft_deleted
    client.resource_groups.create_or_update("rg-ml-doomed", {"location": LOCATION})
    blocked = _error(endpoint.call("PUT", path, api_version=VERSION, body=_workspace_body(linked)))
    assert blocked["message"].startswith("Soft-deleted workspace exists.")


# -- computes ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compute_workspace(endpoint, linked):
    _create_workspace(endpoint, linked, "ws-compute")
    return _workspace_path(linked, "ws-compute")


def _cluster(vm_size="Standard_DS3_v2", **scale):
    settings = {"minNodeCount": 0, "maxNodeCount": 2, "nodeIdleTimeBeforeScaleDown": "PT30M", **scale}
    return {
        "properties": {
            "computeType": "AmlCompute",
            "properties": {
                "vmSize": vm_size,
                "vmPriority": "LowPriority",
                "scaleSettings": settings,
                "enableNodePublicIp": False,
                "remoteLoginPortPublicAccess": "Disabled",
            },
        }
    }


@pytest.mark.parametrize(
    "body, target, words",
    [
        (_cluster(vm_size="Standard_Banana_v9"), "vmSize", "'Standard_Banana_v9' is not supported"),
        (
            _cluster(minNodeCount=3, maxNodeCount=2),
            "scaleSettings",
            "minNodeCount (3) is greater than maxNodeCount (2)",
        ),
        (_cluster(maxNodeCount=0), "scaleSettings.maxNodeCount", "must be at least 1"),
        (_cluster(minNodeCount=-1), "scaleSettings.minNodeCount", "must not be negative"),
    ],
)
def test_compute_vm_size_and_scale_settings_are_checked(endpoint, compute_workspace, body, target, words):
    response = endpoint.call("PUT", f"{compute_workspace}/computes/bad", api_version=VERSION, body=body)
    error = _error(response)
    assert error["code"] == "UserError" and error["innerError"]["code"] == "BadArgument"
    assert error["target"] == target and words in error["message"]
    assert response.json()["location"] == LOCATION
    assert endpoint.call("GET", f"{compute_workspace}/computes/bad", api_version=VERSION).status_code == 404


@pytest.mark.parametrize("idle", ["30 minutes", "PT", "P1Y2X", "PT-5M"])
def test_compute_idle_time_must_be_an_iso_8601_duration(endpoint, compute_workspace, idle):
    response = endpoint.call(
        "PUT",
        f"{compute_workspace}/computes/idle",
        api_version=VERSION,
        body=_cluster(nodeIdleTimeBeforeScaleDown=idle),
    )
    error = _error(response)
    assert error["code"] == "UserError" and "nodeIdleTimeBeforeScaleDown" in error["target"]
    assert idle in error["message"]


def test_compute_wrong_enum_is_rejected_by_the_model(endpoint, compute_workspace):
    body = _cluster()
    body["properties"]["properties"]["vmPriority"] = "Cheap"
    error = _error(endpoint.call("PUT", f"{compute_workspace}/computes/enum", api_version=VERSION, body=body))
    assert "Cheap" in error["message"]


def test_compute_goes_through_provisioning_states(endpoint, compute_workspace):
    path = f"{compute_workspace}/computes/gpu-cluster"
    response = endpoint.call("PUT", path, api_version=VERSION, body=_cluster(vm_size="standard_nc6s_v3"))
    assert response.status_code == 201
    assert "/locations/westeurope/computeOperationsStatus/" in response.headers["Azure-AsyncOperation"]
    assert response.json()["properties"]["provisioningState"] == "Creating"
    assert endpoint.call("GET", path, api_version=VERSION).json()["properties"]["provisioningState"] == "Creating"
    states, status = _poll(endpoint, response)
    assert status["status"] == "Succeeded" and "Running" in states
    compute = endpoint.call("GET", path, api_version=VERSION).json()
    properties = compute["properties"]
    assert properties["provisioningState"] == "Succeeded" and properties["computeLocation"] == LOCATION
    cluster = properties["properties"]
    assert cluster["vmSize"] == "Standard_NC6s_v3" and cluster["allocationState"] == "Steady"
    assert cluster["currentNodeCount"] == 0 and cluster["scaleSettings"]["maxNodeCount"] == 2
    listed = endpoint.call("GET", f"{compute_workspace}/computes", api_version=VERSION).json()["value"]
    assert "gpu-cluster" in [item["name"] for item in listed]


def test_compute_provisioning_failure_from_fault_injection(endpoint, compute_workspace):
    path = f"{compute_workspace}/computes/doomed"
    endpoint.admin(
        "POST",
        "provisioning-failures",
        {"resource_id": path, "code": "ResourceOperationFailure", "message": "Not enough quota for Standard_DS3_v2."},
    )
    response = endpoint.call("PUT", path, api_version=VERSION, body=_cluster())
    assert response.status_code == 201
    states, status = _poll(endpoint, response)
    assert status["status"] == "Failed" and status["error"]["code"] == "ResourceOperationFailure"
    assert endpoint.call("GET", path, api_version=VERSION).json()["properties"]["provisioningState"] == "Failed"


def test_compute_delete_needs_the_underlying_resource_action(endpoint, compute_workspace):
    path = f"{compute_workspace}/computes/short-lived"
    created = endpoint.call("PUT", path, api_version=VERSION, body=_cluster())
    _poll(endpoint, created)
    for query in ("", "?underlyingResourceAction=Destroy"):
        error = _error(endpoint.call("DELETE", path + query, api_version=VERSION))
        assert error["code"] == "UserError" and error["target"] == "underlyingResourceAction"
    assert endpoint.call("GET", path, api_version=VERSION).status_code == 200
    deleted = endpoint.call("DELETE", path + "?underlyingResourceAction=Delete", api_version=VERSION)
    assert deleted.status_code == 202
    assert _poll(endpoint, deleted)[1]["status"] == "Succeeded"
    assert endpoint.call("GET", path, api_version=VERSION).status_code == 404


def test_soft_delete_hard_deletes_computes(endpoint, linked):
    workspace = _create_workspace(endpoint, linked, "ws-with-cluster")
    cluster = f"{workspace['id']}/computes/c1"
    _poll(endpoint, endpoint.call("PUT", cluster, api_version=VERSION, body=_cluster()))
    _poll(endpoint, endpoint.call("DELETE", workspace["id"], api_version=VERSION))
    assert endpoint.call("GET", cluster, api_version=VERSION).status_code == 404
    assert endpoint.call("DELETE", workspace["id"] + "?forceToPurge=true", api_version=VERSION).status_code == 200


# -- datastores -------------------------------------------------------------------------------------------
DATASTORE_VERSION = "2024-10-01-preview"


@pytest.fixture(scope="module")
def datastore_workspace(endpoint, linked, storage):
    storage.blob_containers.create(GROUP, ACCOUNT, "datasets", {})
    _create_workspace(endpoint, linked, "ws-data")
    return _workspace_path(linked, "ws-data")


def _blob_datastore(credentials, container="datasets", account=ACCOUNT):
    return {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": account,
            "containerName": container,
            "endpoint": "core.windows.net",
            "protocol": "https",
            "credentials": credentials,
        }
    }


def test_account_key_secret_is_write_only(endpoint, datastore_workspace):
    path = f"{datastore_workspace}/datastores/keyed"
    secret = "c2VjcmV0LWtleS0=" + uuid.uuid4().hex
    credentials = {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey", "key": secret}}
    created = endpoint.call("PUT", path, api_version=DATASTORE_VERSION, body=_blob_datastore(credentials))
    assert created.status_code == 201, created.text
    shown = [
        created.text,
        endpoint.call("GET", path, api_version=DATASTORE_VERSION).text,
        endpoint.call("GET", f"{datastore_workspace}/datastores", api_version=DATASTORE_VERSION).text,
    ]
    for text in shown:
        assert secret not in text and '"secrets"' not in text
    assert created.json()["properties"]["credentials"] == {"credentialsType": "AccountKey"}
    assert created.json()["properties"]["isDefault"] is False

    secrets = endpoint.call("POST", f"{path}/listSecrets", api_version=DATASTORE_VERSION)
    assert secrets.status_code == 200 and secrets.json() == {"secretsType": "AccountKey", "key": secret}
    denied = endpoint.call(
        "POST", f"{path}/listSecrets", api_version=DATASTORE_VERSION, token=endpoint.token("model-developer-test")
    )
    assert _error(denied, 403)["code"] == "AuthorizationFailed"

    assert endpoint.call("DELETE", path, api_version=DATASTORE_VERSION).status_code == 200
    assert endpoint.call("GET", path, api_version=DATASTORE_VERSION).status_code == 404


def test_identity_based_datastore_has_no_secrets(endpoint, datastore_workspace):
    path = f"{datastore_workspace}/datastores/shared_datasets"
    created = endpoint.call("PUT", path, api_version=VERSION, body=_blob_datastore({"credentialsType": "None"}))
    assert created.status_code == 201, created.text
    stored = endpoint.call("GET", path, api_version=VERSION).json()
    assert stored["properties"]["credentials"] == {"credentialsType": "None"}
    assert stored["properties"]["containerName"] == "datasets"
    missing = endpoint.call("POST", f"{path}/listSecrets", api_version=VERSION)
    assert _error(missing, 404)["innerError"]["code"] == "NotFoundError"


def test_datastore_storage_must_exist_unless_skip_validation(endpoint, datastore_workspace):
    path = f"{datastore_workspace}/datastores/elsewhere"
    for body, target in (
        (_blob_datastore({"credentialsType": "None"}, account="stnosuchaccount"), "accountName"),
        (_blob_datastore({"credentialsType": "None"}, container="nosuchcontainer"), "containerName"),
    ):
        error = _error(endpoint.call("PUT", path, api_version=DATASTORE_VERSION, body=body))
        assert error["code"] == "UserError" and error["innerError"]["code"] == "NotFoundError"
        assert error["target"] == target
        skipped = endpoint.call("PUT", path + "?skipValidation=true", api_version=DATASTORE_VERSION, body=body)
        assert skipped.status_code in (200, 201), skipped.text


def test_default_datastore_filter_and_read_only_is_default(endpoint, datastore_workspace):
    path = f"{datastore_workspace}/datastores/claims-default"
    body = _blob_datastore({"credentialsType": "None"})
    body["properties"]["isDefault"] = True
    created = endpoint.call("PUT", path, api_version=DATASTORE_VERSION, body=body)
    assert created.json()["properties"]["isDefault"] is False
    defaults = endpoint.call(
        "GET", f"{datastore_workspace}/datastores?isDefault=true", api_version=DATASTORE_VERSION
    ).json()["value"]
    assert [item["name"] for item in defaults] == ["workspaceblobstore"]


# -- the project's templates through Microsoft.Resources/deployments ---------------------------------------
SUBNET = (
    "/subscriptions/{subscription}/resourceGroups/rg-it4ad-network-local/providers/Microsoft.Network/"
    "virtualNetworks/vnet-it4ad-local/subnets/snet-ml"
)


def _deploy(endpoint, name, template_folder, **parameters):
    import json
    from pathlib import Path

    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    client = endpoint.mgmt_client(DeploymentsMgmtClient, polling_interval=0.05)
    template = json.loads(
        (
            Path(__file__).resolve().parents[3] / "arm-templates" / template_folder / f"{template_folder}.json"
        ).read_text()
    )
    poller = client.deployments.begin_create_or_update(
        GROUP,
        name,
        {
            "properties": {
                "mode": "Incremental",
                "template": template,
                "parameters": {key: {"value": value} for key, value in parameters.items()},
            }
        },
    )
    return poller.result()


def test_project_workspace_and_compute_templates_deploy(endpoint, linked):
    common = {
        "location": LOCATION,
        "namePrefix": "it4",
        "environmentName": "dev",
        "subnetId": SUBNET.format(subscription=endpoint.subscription_id),
    }
    deployed = _deploy(
        endpoint,
        "mlworkspace-perception",
        "mlworkspace",
        workPackageName="perception",
        storageAccountId=linked["storageAccount"],
        keyVaultId=linked["keyVault"],
        applicationInsightsId=linked["applicationInsights"],
        containerRegistryId=linked["containerRegistry"],
        logAnalyticsWorkspaceId=linked["logAnalyticsWorkspace"],
        **common,
    )
    assert deployed.properties.provisioning_state == "Succeeded", deployed.properties.error
    workspace = endpoint.call("GET", _workspace_path(linked, "it4-perception-dev"), api_version=VERSION).json()
    assert deployed.properties.outputs["workspacePrincipalId"]["value"] == workspace["identity"]["principalId"]
    assert workspace["properties"]["systemDatastoresAuthMode"] == "Identity"

    compute = _deploy(
        endpoint,
        "mlcompute-perception",
        "mlcompute",
        workspaceName="it4-perception-dev",
        workPackageName="perception",
        computeVmSize="Standard_NC6s_v3",
        computeMaxNodes=4,
        vmPriority="LowPriority",
        **common,
    )
    assert compute.properties.provisioning_state == "Succeeded", compute.properties.error
    cluster = endpoint.call("GET", compute.properties.outputs["computeId"]["value"], api_version=VERSION).json()
    assert cluster["properties"]["provisioningState"] == "Succeeded"
    assert cluster["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 4

    from azure.core.exceptions import HttpResponseError

    with pytest.raises(HttpResponseError) as raised:  # the provider's check runs in the deployment's preflight
        _deploy(
            endpoint,
            "mlcompute-bad-size",
            "mlcompute",
            workspaceName="it4-perception-dev",
            workPackageName="perception",
            computeName="bad-cluster",
            computeVmSize="Standard_Imaginary_v1",
            computeMaxNodes=2,
            **common,
        )
    assert raised.value.error.code == "InvalidTemplateDeployment"
    inner = raised.value.response.json()["error"]["details"]
    assert any(item["code"] == "UserError" and "Standard_Imaginary_v1" in item["message"] for item in inner), inner
    assert (
        endpoint.call(
            "GET", _workspace_path(linked, "it4-perception-dev") + "/computes/bad-cluster", api_version=VERSION
        ).status_code
        == 404
    )
