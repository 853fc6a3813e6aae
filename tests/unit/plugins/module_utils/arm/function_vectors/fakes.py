"""The fixed deployment context, clock and resource state the context-dependent vectors run against."""

from __future__ import annotations

from datetime import UTC, datetime

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext

SUBSCRIPTION_ID = "11111111-1111-1111-1111-111111111111"
TENANT_ID = "22222222-2222-2222-2222-222222222222"
RESOURCE_GROUP = "examplegroup"
# The moment the date page's utcNow example was captured (its table shows 20190305T175318Z).
FIXED_NOW = datetime(2019, 3, 5, 17, 53, 18, tzinfo=UTC)

STORAGE_ID = (
    f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers/"
    "Microsoft.Storage/storageAccounts/examplestorage"
)
# Shaped like the resource page's reference() example output for a storage account.
STORAGE_PROPERTIES = {
    "creationTime": "2017-10-09T18:55:40.5863736Z",
    "primaryEndpoints": {
        "blob": "https://examplestorage.blob.core.windows.net/",
        "file": "https://examplestorage.file.core.windows.net/",
        "queue": "https://examplestorage.queue.core.windows.net/",
        "table": "https://examplestorage.table.core.windows.net/",
    },
    "primaryLocation": "southcentralus",
    "provisioningState": "Succeeded",
    "statusOfPrimary": "available",
    "supportsHttpsTrafficOnly": False,
}
# Shaped like the resource page's listKeys example output.
STORAGE_KEYS = {
    "keys": [
        {"keyName": "key1", "permissions": "Full", "value": "{value}"},
        {"keyName": "key2", "permissions": "Full", "value": "{value}"},
    ]
}


def context_for(scope: str) -> DeploymentContext:
    return DeploymentContext(
        subscription_id=SUBSCRIPTION_ID,
        resource_group=RESOURCE_GROUP,
        tenant_id=TENANT_ID,
        location="southcentralus",
        deployment_name="deployment",
        scope=scope,
        management_group="examplemg",
        subscription_display_name="Example Subscription",
    )


class FakeResolver:
    """Known state for one storage account; records what the functions asked for."""

    def __init__(self):
        self.calls: list = []

    def reference(self, resource_id: str, api_version: str | None = None, full: bool = False):
        self.calls.append(("reference", resource_id, api_version, full))
        if resource_id.lower() != STORAGE_ID.lower():
            raise LookupError(resource_id)
        if full:
            return {
                "apiVersion": api_version,
                "location": "southcentralus",
                "sku": {"name": "Standard_LRS"},
                "kind": "Storage",
                "id": STORAGE_ID,
                "name": "examplestorage",
                "type": "Microsoft.Storage/storageAccounts",
                "properties": STORAGE_PROPERTIES,
            }
        return STORAGE_PROPERTIES

    def list(self, function_name: str, resource_id: str, api_version: str | None = None, body=None):
        self.calls.append((function_name, resource_id, api_version, body))
        if resource_id.lower() != STORAGE_ID.lower():
            raise LookupError(resource_id)
        if function_name.lower() == "listkeys":
            return STORAGE_KEYS
        if function_name.lower() == "listaccountsas":
            return {
                "accountSasToken": f"sv=2015-04-05&ss={body['signedServices']}&srt={body['signedResourceTypes']}"
                f"&sp={body['signedPermission']}&se={body['signedExpiry']}&sig=signature"
            }
        return {"function": function_name, "body": body}

    def existing(self, resource_id: str, api_version: str | None = None):
        return self.reference(resource_id, api_version, full=True)
