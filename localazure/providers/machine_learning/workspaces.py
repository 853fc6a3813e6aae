"""Microsoft.MachineLearningServices/workspaces: linked resources, read-only values, system storage, soft delete.

- PUT is long-running (``Azure-AsyncOperation`` under ``.../locations/{loc}/workspaceOperationsStatus/``); while it
  runs, GET shows ``provisioningState`` Creating (Updating for an existing workspace).
- A workspace of kind Default (or no kind) needs its storage account and Key Vault, and the Application Insights
  component and container registry when given, to exist: else 400 ``ValidationError``.
- It gets a ``workspaceId`` (GUID), discovery and MLflow URIs, a system-assigned identity's ids, the blob
  container ``azureml-blobstore-<workspaceId>`` in the linked storage account (a real blob container resource)
  and the system datastores azure-ai-ml reads (``workspaceblobstore`` is the default one).
- On update, the storage account and Key Vault cannot be swapped (400 ``BadRequest``); the Application Insights
  component and the container registry can (Azure ML "Manage workspaces": only these two linked resources are
  updatable).
- ``serverlessComputeSettings.serverlessComputeCustomSubnet`` must name an existing subnet; customer-managed keys
  (``encryption``) need an existing vault and key and a user-assigned identity of the workspace, and are fixed at
  creation. Both answer ``ValidationError`` like the linked resources.
- DELETE soft-deletes (see soft_delete.py); ``forceToPurge=true`` purges.
"""

from __future__ import annotations

import time
import uuid

from localazure.error_catalogue import BAD_REQUEST
from localazure.ids import parse_resource_path
from localazure.resource_types import (
    APPLICATION_INSIGHTS,
    CONTAINER_REGISTRIES,
    KEY_VAULTS,
    STORAGE_ACCOUNTS,
    SUBNETS,
)
from localazure.types._base import ValidatedType, tenant_of
from localazure.types._identity import user_assigned_ids
from localazure.types.key_vault_keys import key_by_uri

from . import linked, soft_delete
from .errors import SOFT_DELETE_HELP, WorkspaceValidationError
from .versions import DEFAULT_API_VERSION, WORKSPACE_TYPE

# property -> (resource type it must name, words for messages, required for kind Default)
LINKED_RESOURCES = {
    "storageAccount": (STORAGE_ACCOUNTS, "storage account", True),
    "keyVault": (KEY_VAULTS, "key vault", True),
    "applicationInsights": (APPLICATION_INSIGHTS, "application insights", False),
    "containerRegistry": (CONTAINER_REGISTRIES, "container registry", False),
}
# Linked resources fixed at creation -> the service's words when an update swaps one.
# "Storage Account update is not supported yet" is the service's own (code BadRequest, quoted in
# Azure-Samples/get-started-with-ai-chat#65); the Key Vault one is NOT VERIFIED, written after it.
FIXED_LINKED_RESOURCES = {
    "storageAccount": "Storage Account update is not supported yet",
    "keyVault": "Key Vault update is not supported yet",
}


class Workspace(ValidatedType):
    def validate(self, body, api_version, context):
        super().validate(body, api_version, context)
        if context.existing is None and soft_delete.soft_deleted(context.store, context.resource_id):
            raise WorkspaceValidationError(
                f"Soft-deleted workspace exists. Please purge or recover it. {SOFT_DELETE_HELP}"
            )
        properties = body.get("properties") if isinstance(body.get("properties"), dict) else {}
        _check_fixed_links(properties, context.existing)
        if str(body.get("kind", "Default")).lower() == "project":
            self._check_hub(properties, context)
            return
        missing = [name for name, (_, _, required) in LINKED_RESOURCES.items() if required and not properties.get(name)]
        if missing:
            raise WorkspaceValidationError("Missing dependent resources in workspace json")
        problems = [
            problem
            for name in LINKED_RESOURCES
            if (problem := _linked_problem(context.store, name, properties.get(name)))
        ]
        problems += _serverless_problems(context.store, properties)
        problems += _encryption_problems(context.store, body, properties, context.existing)
        if problems:
            raise WorkspaceValidationError(problems[0], details=problems)

    @staticmethod
    def _check_hub(properties: dict, context) -> None:
        hub = properties.get("hubResourceId")
        if not hub:
            raise WorkspaceValidationError("Missing hubResourceId for a workspace of kind Project")
        if not (linked.is_resource_id_of(hub, WORKSPACE_TYPE) and context.store.resource_exists(hub)):
            raise WorkspaceValidationError(f"The hub workspace '{hub}' was not found.")

    def fill_read_only(self, body, context):
        result = super().fill_read_only(body, context)
        previous = context.existing or {}
        previous_properties = previous.get("properties") or {}
        properties = result["properties"]
        location = result.get("location") or previous.get("location") or "westeurope"
        workspace_id = previous_properties.get("workspaceId") or str(uuid.uuid4())
        now = _iso(time.time())
        properties.update(
            {
                "workspaceId": workspace_id,
                "discoveryUrl": f"https://{location}.api.azureml.ms/discovery",
                "mlFlowTrackingUri": f"azureml://{location}.api.azureml.ms/mlflow/v1.0{context.resource_id}",
                "tenantId": tenant_of(context),
                "storageHnsEnabled": bool(previous_properties.get("storageHnsEnabled", False)),
                "privateLinkCount": int(previous_properties.get("privateLinkCount", 0)),
                "notebookInfo": previous_properties.get("notebookInfo"),
                "serviceProvisionedResourceGroup": previous_properties.get("serviceProvisionedResourceGroup"),
            }
        )
        properties.setdefault("friendlyName", context.path.name)
        properties.setdefault("hbiWorkspace", False)
        properties.setdefault("softDeleteRetentionInDays", soft_delete.DEFAULT_RETENTION_DAYS)
        properties.setdefault("systemDatastoresAuthMode", "AccessKey")
        properties["creationTime"] = previous_properties.get("creationTime") or now
        result.setdefault("kind", "Default")
        result.setdefault("sku", {"name": "Basic", "tier": "Basic"})
        if previous_properties.get("provisioningState") == "Succeeded":
            result.setdefault("systemData", {})["lastModifiedAt"] = now
        return result

    def present(self, body, context):
        properties = body.get("properties")
        if isinstance(properties, dict) and properties.get("provisioningState") in ("Accepted", "Running"):
            created = properties.get("creationTime")
            modified = (body.get("systemData") or {}).get("lastModifiedAt")
            state = "Updating" if modified and modified != created else "Creating"
            body = {**body, "properties": {**properties, "provisioningState": state}}
        return body

    def on_create(self, body, context):
        soft_delete.cancel_purge_request(context.store, context.resource_id)

    def on_provisioned(self, body, context):
        """Azure creates the workspace's system storage with it: blob container, file share, datastores."""
        properties = body.get("properties") or {}
        account_id = properties.get("storageAccount")
        if not (account_id and context.store.resource_exists(account_id)):
            return
        workspace_id = properties["workspaceId"]
        linked.ensure_blob_container(context.app, account_id, blob_container_name(workspace_id))
        linked.ensure_file_share(context.app, account_id, file_share_name(workspace_id))
        linked.ensure_file_share(context.app, account_id, working_directory_share_name(workspace_id))
        account = parse_resource_path(account_id)
        for name, datastore in system_datastores(
            account, workspace_id, properties.get("systemDatastoresAuthMode")
        ).items():
            datastore_id = f"{context.resource_id}/datastores/{name}"
            if not context.store.resource_exists(datastore_id):
                context.app.resources.put(
                    parse_resource_path(datastore_id), datastore, DEFAULT_API_VERSION, internal=True
                )

    def on_delete(self, body, context):
        soft_delete.on_workspace_removed(context.store, context.resource_id, context.path.subscription_id or "", body)


def blob_container_name(workspace_id: str) -> str:
    return f"azureml-blobstore-{workspace_id}"


def file_share_name(workspace_id: str) -> str:
    return f"azureml-filestore-{workspace_id}"


def working_directory_share_name(workspace_id: str) -> str:
    return f"code-{workspace_id}"


def system_datastores(account, workspace_id: str, auth_mode: str | None) -> dict[str, dict]:
    """The datastores Azure creates with a workspace (names as azure-ai-ml reads them)."""
    credentials = (
        {"credentialsType": "None"} if str(auth_mode).lower() == "identity" else {"credentialsType": "AccountKey"}
    )
    common = {
        "accountName": account.name,
        "endpoint": "core.windows.net",
        "protocol": "https",
        "credentials": credentials,
        "subscriptionId": account.subscription_id,
        "resourceGroup": account.resource_group,
    }

    def blob(container: str, description: str, default: bool = False) -> dict:
        return {
            "properties": {
                **common,
                "datastoreType": "AzureBlob",
                "containerName": container,
                "description": description,
                "isDefault": default,
                "tags": {},
            }
        }

    def files(share: str, description: str) -> dict:
        return {
            "properties": {
                **common,
                "datastoreType": "AzureFile",
                "fileShareName": share,
                "description": description,
                "isDefault": False,
                "tags": {},
            }
        }

    return {
        "workspaceblobstore": blob(blob_container_name(workspace_id), "", default=True),
        "workspaceartifactstore": blob("azureml", ""),
        "workspacefilestore": files(file_share_name(workspace_id), ""),
        "workspaceworkingdirectory": files(working_directory_share_name(workspace_id), ""),
    }


def _check_fixed_links(properties: dict, existing: dict | None) -> None:
    previous = (existing or {}).get("properties") or {}
    for name, message in FIXED_LINKED_RESOURCES.items():
        old, new = previous.get(name), properties.get(name)
        if old and new and str(old).lower() != str(new).lower():
            raise BAD_REQUEST(message)


def _serverless_problems(store, properties: dict) -> list[str]:
    """serverlessComputeSettings.serverlessComputeCustomSubnet must name an existing subnet (jobs without a compute
    then run in it)."""
    settings = properties.get("serverlessComputeSettings")
    subnet = settings.get("serverlessComputeCustomSubnet") if isinstance(settings, dict) else None
    if not subnet:
        return []
    if not linked.is_resource_id_of(subnet, SUBNETS):
        return [f"Invalid serverless compute subnet id '{subnet}': expected a resource id of type '{SUBNETS}'."]
    if not store.resource_exists(subnet):
        return [f"The serverless compute subnet '{subnet}' linked to the workspace was not found."]
    return []


def _encryption_problems(store, body: dict, properties: dict, existing: dict | None) -> list[str]:
    """Customer-managed keys (encryption.status Enabled): the vault (keyVaultProperties.keyVaultArmId) and its key
    (keyIdentifier) must exist, and identity.userAssignedIdentity must be one of the workspace's user-assigned
    identities. Encryption is decided when the workspace is created (Azure ML "Customer-managed keys": it cannot
    be changed afterwards)."""
    encryption = properties.get("encryption") if isinstance(properties.get("encryption"), dict) else {}
    enabled = str(encryption.get("status", "")).lower() == "enabled"
    if existing is not None:
        before = (existing.get("properties") or {}).get("encryption") or {}
        if str(before.get("status", "disabled")).lower() != str(encryption.get("status", "disabled")).lower():
            return ["The encryption of a workspace is set when it is created and cannot be changed."]
    if not enabled:
        return []
    key_properties = encryption.get("keyVaultProperties") or {}
    vault_id = key_properties.get("keyVaultArmId")
    if not (linked.is_resource_id_of(vault_id, KEY_VAULTS) and store.resource_exists(vault_id)):
        return [f"The key vault '{vault_id}' of the workspace's encryption was not found."]
    key = key_by_uri(store, key_properties.get("keyIdentifier"))
    if key is None or not str(key.get("id", "")).lower().startswith(str(vault_id).lower() + "/"):
        return [f"The key '{key_properties.get('keyIdentifier')}' was not found in the key vault '{vault_id}'."]
    identity = (encryption.get("identity") or {}).get("userAssignedIdentity")
    if identity and str(identity).lower() not in {item.lower() for item in user_assigned_ids(body)}:
        return [f"The identity '{identity}' of the workspace's encryption is not one of its user-assigned identities."]
    return []


def _linked_problem(store, name: str, value) -> str | None:
    if not value:
        return None
    expected_type, words, _ = LINKED_RESOURCES[name]
    if not linked.is_resource_id_of(value, expected_type):
        return f"Invalid {words} id '{value}': expected a resource id of type '{expected_type}'."
    if not store.resource_exists(value):
        return f"The {words} '{value}' linked to the workspace was not found."
    return None


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(timestamp))


def make_workspace_type() -> Workspace:
    return Workspace(
        WORKSPACE_TYPE,
        default_api_version=DEFAULT_API_VERSION,
        long_running_put=True,
        long_running_delete=True,
        status_segment="workspaceOperationsStatus",
        result_segment="workspaceOperationResults",
    )
