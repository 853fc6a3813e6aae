"""Customer-managed keys: the checks storage accounts, registries and ML workspaces share.

A resource encrypted with a key of a Key Vault names the key (a key identifier URI, or a vault and a key name) and
the user-assigned identity that reads it; the key must exist (``Microsoft.KeyVault/vaults/keys``) and the identity
must be one of the resource's own ``identity.userAssignedIdentities``. The providers' words for these failures are
not published; the messages here describe them in their style (NOT VERIFIED), with 400 BadRequest.
"""

from __future__ import annotations

from localazure.error_catalogue import BAD_REQUEST
from localazure.types._identity import user_assigned_ids
from localazure.types.key_vault_keys import key_by_uri, key_in_vault


def require_key_uri(store, key_uri, property_path: str) -> dict:
    key = key_by_uri(store, key_uri)
    if key is None:
        raise BAD_REQUEST(f"The key '{key_uri}' given in '{property_path}' was not found in its key vault.")
    return key


def require_key_in_vault(store, vault_id, key_name, property_path: str) -> dict:
    if not vault_id or store.get_resource(vault_id) is None:
        raise BAD_REQUEST(f"The key vault '{vault_id}' given in '{property_path}' was not found.")
    key = key_in_vault(store, vault_id, key_name)
    if key is None:
        raise BAD_REQUEST(f"The key '{key_name}' was not found in the key vault '{vault_id}'.")
    return key


def require_assigned_identity(body, identity_id, property_path: str) -> None:
    """The identity must be one of the resource's user-assigned identities (ids compare case-insensitively)."""
    assigned = {item.lower() for item in user_assigned_ids(body)}
    if not identity_id or str(identity_id).lower() not in assigned:
        raise BAD_REQUEST(
            f"The identity '{identity_id}' given in '{property_path}' is not one of the resource's user-assigned "
            "identities (identity.userAssignedIdentities)."
        )


def require_assigned_client_id(store, body, client_id, property_path: str) -> None:
    """Registries name the identity by its client id: it must be that of one of their user-assigned identities."""
    for identity_id in user_assigned_ids(body):
        properties = (store.get_resource(identity_id) or {}).get("properties") or {}
        if str(properties.get("clientId", "")).lower() == str(client_id or "").lower():
            return
    raise BAD_REQUEST(
        f"The identity '{client_id}' given in '{property_path}' is not the client id of one of the resource's "
        "user-assigned identities (identity.userAssignedIdentities)."
    )
