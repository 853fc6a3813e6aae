"""Managed identities on resources (the ``identity`` member ARM resources share) and their service principals.

- ``SystemAssigned``: the resource gets ``identity.principalId`` (kept across updates) and ``identity.tenantId``;
  the principal exists in the directory while the resource does, so role assignments may name it (principalType
  ServicePrincipal).
- ``UserAssigned``: every key of ``identity.userAssignedIdentities`` must name an existing
  ``Microsoft.ManagedIdentity/userAssignedIdentities`` resource; each value gets that identity's ``principalId`` and
  ``clientId``.
"""

from __future__ import annotations

import uuid

from localazure.error_catalogue import FAILED_IDENTITY_OPERATION
from localazure.errors import AzureError
from localazure.resource_types import (
    CONTAINER_REGISTRIES,
    KEY_VAULTS,
    ML_COMPUTES,
    ML_WORKSPACES,
    STORAGE_ACCOUNTS,
    USER_ASSIGNED_IDENTITIES,
    type_key,
)

# Types whose resources this endpoint gives system-assigned identities (what role assignments may then name).
SYSTEM_IDENTITY_TYPES = (ML_WORKSPACES, ML_COMPUTES, STORAGE_ACCOUNTS, CONTAINER_REGISTRIES, KEY_VAULTS)


def failed_identity_operation(resource_id: str, identity_id: str) -> AzureError:
    # ARM's code and the shape of its words for a missing user-assigned identity, as quoted in public deployment
    # failures; NOT VERIFIED word for word.
    return FAILED_IDENTITY_OPERATION(
        f"Identity operation for resource '{resource_id}' failed with error 'Failed to perform resource identity "
        f'operation. Status: \'NotFound\'. Response: \'{{"error":{{"code":"NotFound","message":"Resource '
        f"'{identity_id}' does not exist or one of its queried reference-property objects are not present.\"}}}}'.'.",
    )


def identity_types(body) -> set[str]:
    """The lower-cased kinds named by ``identity.type`` ("SystemAssigned,UserAssigned" -> both)."""
    identity = body.get("identity") if isinstance(body, dict) else None
    if not isinstance(identity, dict):
        return set()
    return {part.strip().lower() for part in str(identity.get("type") or "").replace(" ", "").split(",") if part}


def user_assigned_ids(body) -> list[str]:
    identity = body.get("identity") if isinstance(body, dict) else None
    assigned = identity.get("userAssignedIdentities") if isinstance(identity, dict) else None
    return list(assigned) if isinstance(assigned, dict) else []


def check_identity(store, body, resource_id: str) -> None:
    """400 FailedIdentityOperation for a user-assigned identity that does not exist."""
    for identity_id in user_assigned_ids(body):
        stored = store.get_resource(identity_id)
        if stored is None or type_key(str(stored.get("type"))) != type_key(USER_ASSIGNED_IDENTITIES):
            raise failed_identity_operation(resource_id, identity_id)


def fill_identity(store, result: dict, existing: dict | None, tenant_id: str) -> None:
    """Read-only members of ``identity`` (in place)."""
    kinds = identity_types(result)
    identity = result.get("identity")
    if not kinds or not isinstance(identity, dict):
        return
    previous = (existing or {}).get("identity") if isinstance((existing or {}).get("identity"), dict) else {}
    if "systemassigned" in kinds:
        identity["principalId"] = previous.get("principalId") or str(uuid.uuid4())
        identity["tenantId"] = tenant_id
    else:
        identity.pop("principalId", None)
        identity.pop("tenantId", None)
    assigned = identity.get("userAssignedIdentities")
    if isinstance(assigned, dict):
        for identity_id in list(assigned):
            properties = (store.get_resource(identity_id) or {}).get("properties") or {}
            assigned[identity_id] = {
                "principalId": properties.get("principalId"),
                "clientId": properties.get("clientId"),
            }


def managed_identity_principal_ids(store) -> list[str]:
    """The object ids of the service principals of every managed identity: user-assigned identities and the
    system-assigned identities of resources."""
    found = [
        str((body.get("properties") or {}).get("principalId"))
        for body in store.resources_of_type(type_key(USER_ASSIGNED_IDENTITIES))
        if (body.get("properties") or {}).get("principalId")
    ]
    for resource_type in SYSTEM_IDENTITY_TYPES:
        for body in store.resources_of_type(type_key(resource_type)):
            identity = body.get("identity")
            if isinstance(identity, dict) and identity.get("principalId"):
                found.append(str(identity["principalId"]))
    return found
