"""Key Vault keys through Resource Manager (``Microsoft.KeyVault/vaults/keys``, azure-mgmt-keyvault's
``KeyCreateParameters``), and the lookups customer-managed-key checks make.

Keys - Create If Not Exist: a PUT creates the key's first version; a PUT of an existing key returns it unchanged
("If it already exists, then the existing key is returned without any write operations being performed", the
REST reference). The key gets ``keyUri`` (``{vaultUri}keys/{name}``, versionless), ``keyUriWithVersion`` (a
32-hex-digit version), ``kty`` (default RSA), ``keySize`` (RSA default 2048), ``keyOps`` and ``attributes``
(``created``/``updated`` epoch seconds, ``recoveryLevel`` from the vault's purge protection).
"""

from __future__ import annotations

import copy
import re
import time
import uuid

from localazure.resource_types import KEY_VAULT_KEYS, KEY_VAULTS
from localazure.types._base import ValidatedType, properties_of

_KEY_URI = re.compile(r"^https://(?P<vault>[^./]+)\.[^/]+/keys/(?P<key>[^/]+)(?:/(?P<version>[0-9a-fA-F]{32}))?/?$")
_RSA_OPERATIONS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]


class VaultKey(ValidatedType):
    create_status = 200  # Keys_CreateIfNotExist answers 200 only (azure-mgmt-keyvault accepts no other)

    def fill(self, result, context):
        if context.existing is not None:
            # Create If Not Exist: the stored key is the answer, whatever the body.
            result.clear()
            result.update(copy.deepcopy(context.existing))
            return
        properties = result["properties"]
        properties.pop("provisioningState", None)
        vault = context.store.get_resource(context.path.parent_id) or {}
        vault_properties = properties_of(vault)
        key_uri = f"{vault_properties.get('vaultUri', '')}keys/{context.path.name}"
        kty = properties.setdefault("kty", "RSA")
        if str(kty).upper().startswith("RSA"):
            properties.setdefault("keySize", 2048)
        properties.setdefault("keyOps", list(_RSA_OPERATIONS))
        now = int(time.time())
        attributes = properties.setdefault("attributes", {})
        attributes.setdefault("enabled", True)
        attributes.update(
            {
                "created": now,
                "updated": now,
                "recoveryLevel": "Recoverable"
                if vault_properties.get("enablePurgeProtection")
                else ("Recoverable+Purgeable"),
                "exportable": bool(attributes.get("exportable", False)),
            }
        )
        properties["keyUri"] = key_uri
        properties["keyUriWithVersion"] = f"{key_uri}/{uuid.uuid4().hex}"
        if vault.get("location"):
            result["location"] = vault["location"]


def key_by_uri(store, key_uri) -> dict | None:
    """The stored key a key identifier (versionless or with a version of it) names, or None."""
    found = _KEY_URI.match(key_uri) if isinstance(key_uri, str) else None
    if found is None:
        return None
    vault_id = store.resource_id_named(KEY_VAULTS, found.group("vault"))
    key = store.get_resource(f"{vault_id}/keys/{found.group('key')}") if vault_id else None
    if key is None or found.group("version") is None:
        return key
    with_version = str(properties_of(key).get("keyUriWithVersion", ""))
    return key if with_version.lower().endswith(found.group("version").lower()) else None


def key_in_vault(store, vault_id, key_name) -> dict | None:
    return store.get_resource(f"{vault_id}/keys/{key_name}") if vault_id and key_name else None


def register(app) -> None:
    app.registry.register(VaultKey(KEY_VAULT_KEYS, requires_location=False, methods=("GET", "HEAD", "PUT")))
