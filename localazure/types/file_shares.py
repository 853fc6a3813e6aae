"""Azure Files through Resource Manager: ``Microsoft.Storage/storageAccounts/fileServices`` (only ``default``) and
``.../fileServices/default/shares/{name}`` (azure-mgmt-storage's ``FileServiceProperties`` and ``FileShare``).

Every account gets its file service ``default`` with it (as its blob service), so a share can be written directly.
Share names follow the container rules (3-63 lower-case letters, digits and single hyphens). A share has no
``provisioningState``; it gets ``shareQuota`` (default 5120 GiB), ``accessTier`` (TransactionOptimized),
``enabledProtocols`` (SMB), ``lastModifiedTime``, lease state and an etag.
"""

from __future__ import annotations

import time

from localazure.error_catalogue import CONTAINER_OPERATION_FAILURE, INVALID_RESOURCE_NAME
from localazure.resource_types import FILE_SERVICES, FILE_SHARES
from localazure.types._base import ValidatedType
from localazure.types.storage import CONTAINER_NAME_LENGTH, CONTAINER_NAME_PATTERN, now_iso


class FileService(ValidatedType):
    def check(self, body, context):
        if context.path.name.lower() != "default":
            # NOT VERIFIED: the code; Azure allows only the name 'default' for file services.
            raise INVALID_RESOURCE_NAME(
                f"The resource name '{context.path.name}' is invalid. The file service name must be 'default'."
            )

    def fill(self, result, context):
        result["properties"].pop("provisioningState", None)
        account = context.store.get_resource(context.path.parent_id) or {}
        if account.get("sku"):
            result["sku"] = account["sku"]


class FileShare(ValidatedType):
    def check(self, body, context):
        name = context.path.name
        if not CONTAINER_NAME_LENGTH[0] <= len(name) <= CONTAINER_NAME_LENGTH[1] or not CONTAINER_NAME_PATTERN.match(
            name
        ):
            # NOT VERIFIED: the code through ARM; the file service's words for an invalid share name.
            raise CONTAINER_OPERATION_FAILURE("The specifed resource name contains invalid characters.")

    def fill(self, result, context):
        properties = result["properties"]
        properties.pop("provisioningState", None)
        properties.setdefault("shareQuota", 5120)
        properties.setdefault("accessTier", "TransactionOptimized")
        properties.setdefault("enabledProtocols", "SMB")
        properties.update(
            {"lastModifiedTime": now_iso(), "leaseStatus": "unlocked", "leaseState": "available", "deleted": False}
        )
        result["etag"] = f'"0x{time.time_ns() // 100:X}"'


def register(app) -> None:
    app.registry.register(FileService(FILE_SERVICES, methods=("GET", "HEAD", "PUT")))
    app.registry.register(FileShare(FILE_SHARES))
