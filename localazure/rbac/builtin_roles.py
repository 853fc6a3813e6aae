"""Built-in Azure roles, with their real ids and permission lists.

Every role is copied from the generated reference pages in MicrosoftDocs/azure-docs,
``articles/role-based-access-control/built-in-roles/<category>.md``. Each page carries,
per role, the JSON block Azure returns for the definition. ``ROLE_SOURCES`` records the
page and the commit each role was read from, so a test or a reader can check it again.

``BUILT_IN_ROLES`` maps the role's GUID to its ARM body, shaped as
``GET /providers/Microsoft.Authorization/roleDefinitions/{id}`` returns it.
"""

import copy
from types import MappingProxyType

from localazure.resource_types import ROLE_DEFINITIONS

_DOCS = "MicrosoftDocs/azure-docs"
_PAGES = "articles/role-based-access-control/built-in-roles/"

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
AZUREML_DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121"
AZUREML_COMPUTE_OPERATOR = "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
ACR_PUSH = "8311e382-0749-4cb8-b61a-304f252e45ec"
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
STORAGE_BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR = "69566ab7-960f-475b-8e7c-b3118f30c6bd"
# Note the "8e2d": the docs' id (a similar id with "8e2e" circulates and names no role).
KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"


def _source(page, commit):
    return {"repository": _DOCS, "path": _PAGES + page, "commit": commit}


_PRIVILEGED = _source("privileged.md", "0b8729eaf7eb0aabc6390cb17348d19761285f12")
_GENERAL = _source("general.md", "03e5750af10b23b5ba437d5b333ec5e9437844f9")
_AI_ML = _source("ai-machine-learning.md", "51eb3126a9f90d5a2cefbe44ba16ce272fd55601")
_CONTAINERS = _source("containers.md", "c0b7e64c2cecbd04ee83a0a8e3a9ee8149190595")
_STORAGE = _source("storage.md", "9f00316210565693b99eaf70023cd7fe6bb75a71")
_STORAGE_FILES = _source("storage.md", "1b4e136a1da731e1ed16444eb6ce5701bcd8c0f4")
_SECURITY = _source("security.md", "03e5750af10b23b5ba437d5b333ec5e9437844f9")

ROLE_SOURCES = MappingProxyType(
    {
        OWNER: _PRIVILEGED,
        CONTRIBUTOR: _PRIVILEGED,
        USER_ACCESS_ADMINISTRATOR: _PRIVILEGED,
        READER: _GENERAL,
        AZUREML_DATA_SCIENTIST: _AI_ML,
        AZUREML_COMPUTE_OPERATOR: _AI_ML,
        ACR_PULL: _CONTAINERS,
        ACR_PUSH: _CONTAINERS,
        STORAGE_BLOB_DATA_CONTRIBUTOR: _STORAGE,
        STORAGE_BLOB_DATA_READER: _STORAGE,
        STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR: _STORAGE_FILES,
        KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER: _SECURITY,
    }
)

# (id, roleName, description, actions, notActions, dataActions, notDataActions)
_ROLES = (
    (
        OWNER,
        "Owner",
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
        ["*"],
        [],
        [],
        [],
    ),
    (
        CONTRIBUTOR,
        "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC,"
        " manage assignments in Azure Blueprints, or share image galleries.",
        ["*"],
        [
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
            "Microsoft.Purview/consents/write",
            "Microsoft.Purview/consents/delete",
            "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
            "Microsoft.Subscription/cancel/action",
            "Microsoft.Subscription/enable/action",
        ],
        [],
        [],
    ),
    (READER, "Reader", "View all resources, but does not allow you to make any changes.", ["*/read"], [], [], []),
    (
        USER_ACCESS_ADMINISTRATOR,
        "User Access Administrator",
        "Lets you manage user access to Azure resources.",
        ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
        [],
        [],
        [],
    ),
    (
        AZUREML_DATA_SCIENTIST,
        "AzureML Data Scientist",
        "Can perform all actions within an Azure Machine Learning workspace, except for creating or deleting"
        " compute resources and modifying the workspace itself.",
        [
            "Microsoft.MachineLearningServices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspaces/*/action",
            "Microsoft.MachineLearningServices/workspaces/*/delete",
            "Microsoft.MachineLearningServices/workspaces/*/write",
        ],
        [
            "Microsoft.MachineLearningServices/workspaces/delete",
            "Microsoft.MachineLearningServices/workspaces/write",
            "Microsoft.MachineLearningServices/workspaces/computes/*/write",
            "Microsoft.MachineLearningServices/workspaces/computes/*/delete",
            "Microsoft.MachineLearningServices/workspaces/computes/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/hubs/write",
            "Microsoft.MachineLearningServices/workspaces/hubs/delete",
            "Microsoft.MachineLearningServices/workspaces/featurestores/write",
            "Microsoft.MachineLearningServices/workspaces/featurestores/delete",
        ],
        [],
        [],
    ),
    (
        AZUREML_COMPUTE_OPERATOR,
        "AzureML Compute Operator",
        "Can access and perform CRUD operations on Machine Learning Services managed compute resources"
        " (including Notebook VMs).",
        [
            "Microsoft.MachineLearningServices/workspaces/computes/*",
            "Microsoft.MachineLearningServices/workspaces/notebooks/vm/*",
        ],
        [],
        [],
        [],
    ),
    (ACR_PULL, "AcrPull", "acr pull", ["Microsoft.ContainerRegistry/registries/pull/read"], [], [], []),
    (
        ACR_PUSH,
        "AcrPush",
        "acr push",
        [
            "Microsoft.ContainerRegistry/registries/pull/read",
            "Microsoft.ContainerRegistry/registries/push/write",
        ],
        [],
        [],
        [],
    ),
    (
        STORAGE_BLOB_DATA_CONTRIBUTOR,
        "Storage Blob Data Contributor",
        "Allows for read, write and delete access to Azure Storage blob containers and data",
        [
            "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
            "Microsoft.Storage/storageAccounts/blobServices/containers/read",
            "Microsoft.Storage/storageAccounts/blobServices/containers/write",
            "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
        [],
        [
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
        ],
        [],
    ),
    (
        STORAGE_BLOB_DATA_READER,
        "Storage Blob Data Reader",
        "Allows for read access to Azure Storage blob containers and data",
        [
            "Microsoft.Storage/storageAccounts/blobServices/containers/read",
            "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
        [],
        ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
        [],
    ),
    (
        STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
        "Storage File Data Privileged Contributor",
        "Customer has read, write, delete and modify NTFS permission access on Azure Storage file shares.",
        [],
        [],
        [
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read",
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/write",
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/delete",
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/modifypermissions/action",
            "Microsoft.Storage/storageAccounts/fileServices/readFileBackupSemantics/action",
            "Microsoft.Storage/storageAccounts/fileServices/writeFileBackupSemantics/action",
        ],
        [],
    ),
    (
        KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER,
        "Key Vault Crypto Service Encryption User",
        "Read metadata of keys and perform wrap/unwrap operations. Only works for key vaults that use the 'Azure"
        " role-based access control' permission model.",
        [
            "Microsoft.EventGrid/eventSubscriptions/write",
            "Microsoft.EventGrid/eventSubscriptions/read",
            "Microsoft.EventGrid/eventSubscriptions/delete",
        ],
        [],
        [
            "Microsoft.KeyVault/vaults/keys/read",
            "Microsoft.KeyVault/vaults/keys/wrap/action",
            "Microsoft.KeyVault/vaults/keys/unwrap/action",
        ],
        [],
    ),
)


def role_definition_id(role_guid, subscription_id=None):
    """The resource id of a role definition, at tenant scope or as seen from a subscription."""
    prefix = f"/subscriptions/{subscription_id}" if subscription_id else ""
    return f"{prefix}/providers/{ROLE_DEFINITIONS}/{role_guid}"


def _arm_body(role_guid, role_name, description, actions, not_actions, data_actions, not_data_actions):
    return {
        "id": role_definition_id(role_guid),
        "name": role_guid,
        "type": ROLE_DEFINITIONS,
        "properties": {
            "roleName": role_name,
            "type": "BuiltInRole",
            "description": description,
            "assignableScopes": ["/"],
            "permissions": [
                {
                    "actions": list(actions),
                    "notActions": list(not_actions),
                    "dataActions": list(data_actions),
                    "notDataActions": list(not_data_actions),
                }
            ],
        },
    }


BUILT_IN_ROLES = MappingProxyType({role[0]: _arm_body(*role) for role in _ROLES})


def built_in_role_as_seen_from(role_guid, subscription_id):
    """The body Azure returns for a built-in role read through a subscription: the id names the subscription."""
    body = copy.deepcopy(BUILT_IN_ROLES[role_guid.lower()])
    body["id"] = role_definition_id(body["name"], subscription_id)
    return body


def built_in_role_by_name(role_name):
    """The built-in role whose ``roleName`` matches, case-insensitively, or None."""
    wanted = role_name.casefold()
    for body in BUILT_IN_ROLES.values():
        if body["properties"]["roleName"].casefold() == wanted:
            return body
    return None
