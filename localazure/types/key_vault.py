"""Key Vaults with soft delete: a deleted vault moves to ``/subscriptions/{s}/providers/Microsoft.KeyVault/
locations/{location}/deletedVaults/{name}``, blocks a new vault of the same name until it is purged (or recovered
with ``createMode: recover``), and is purged by a long-running ``POST .../purge``.

``vaultUri`` is ``https://{name}.{keyVaultDns}/`` with the suffix of this endpoint's cloud metadata.

Vault names are global and follow Azure's rule (3-24 letters, digits and hyphens, a letter first, a letter or
digit last, no ``--``). Soft delete is always on: it cannot be switched off, its retention (7-90 days) is fixed
once set, and purge protection stays on once on (a PUT that omits it keeps it). An unset
``enablePurgeProtection`` is omitted from the vault, as Key Vault omits it.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from localazure.cloud import cloud_document
from localazure.error_catalogue import (
    BAD_REQUEST,
    CONFLICT,
    CONFLICT_ERROR,
    RESOURCE_NOT_FOUND,
    VAULT_ALREADY_EXISTS,
    VAULT_NAME_NOT_VALID,
)
from localazure.http import Response, json_response
from localazure.ids import ResourcePath
from localazure.resource_types import DELETED_KEY_VAULTS, KEY_VAULTS
from localazure.types._base import ValidatedType, properties_of

PURGE_KIND = "keyvault-purge"
_SUBSCRIPTION = r"/subscriptions/(?P<subscription_id>[^/]+)/providers/Microsoft\.KeyVault"
_VAULT_NAME = re.compile(r"^(?!.*--)[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$")
RETENTION_DAYS = (7, 90)
DEFAULT_RETENTION_DAYS = 90


def deleted_vault_id(subscription_id: str, location: str, name: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def deleted_vault_named(store, subscription_id: str, name: str) -> dict | None:
    for body in store.list_resources(f"/subscriptions/{subscription_id}", DELETED_KEY_VAULTS):
        if body["name"].lower() == name.lower():
            return body
    return None


class Vault(ValidatedType):
    def check(self, body, context):
        properties = properties_of(body)
        _check_name(context)
        _check_retention_range(properties)
        if context.existing is None:
            _check_new_vault(properties, context)
        else:
            _check_irreversible_settings(properties, properties_of(context.existing))

    def fill(self, result, context):
        properties = result["properties"]
        previous = properties_of(context.existing)
        properties.pop("createMode", None)
        suffix = cloud_document(context.app, "2019-05-01")["suffixes"]["keyVaultDns"]
        properties["vaultUri"] = f"https://{context.path.name}.{suffix}/"
        properties.setdefault("accessPolicies", [])
        properties.setdefault("enabledForDeployment", False)
        properties.setdefault("enableRbacAuthorization", False)
        properties["enableSoftDelete"] = True
        if properties.get("softDeleteRetentionInDays") is None:
            properties["softDeleteRetentionInDays"] = (
                previous.get("softDeleteRetentionInDays") or DEFAULT_RETENTION_DAYS
            )
        if previous.get("enablePurgeProtection") is True:
            properties["enablePurgeProtection"] = True  # irreversible: a PUT that omits it keeps it on
        elif properties.get("enablePurgeProtection") is None:
            properties.pop("enablePurgeProtection", None)  # Key Vault omits an unset value (no null)
        properties.setdefault("publicNetworkAccess", "Enabled")
        properties.setdefault("privateEndpointConnections", [])

    def on_delete(self, body, context):
        properties = properties_of(body)
        if properties.get("enableSoftDelete") is False:
            return
        location = body.get("location", "westeurope")
        now = datetime.now(UTC)
        retention = int(properties.get("softDeleteRetentionInDays") or 90)
        deleted_id = deleted_vault_id(context.path.subscription_id, location, context.path.name)
        context.store.put_resource(
            deleted_id,
            DELETED_KEY_VAULTS,
            f"/subscriptions/{context.path.subscription_id}",
            {
                "id": deleted_id,
                "name": context.path.name,
                "type": DELETED_KEY_VAULTS,
                "properties": {
                    "vaultId": body["id"],
                    "location": location,
                    "deletionDate": _iso(now),
                    "scheduledPurgeDate": _iso(now + timedelta(days=retention)),
                    "tags": body.get("tags", {}),
                    "purgeProtectionEnabled": bool(properties.get("enablePurgeProtection")),
                },
            },
            now=time.time(),
        )


def _check_name(context) -> None:
    name = context.path.name
    if not _VAULT_NAME.match(name):
        # Key Vault's code and words, quoted in OfficeDev/microsoft-teams-apps-newemployeeonboarding#28 and
        # MicrosoftLearning/mslearn-postgresql#14 (deployment errors); status 400 NOT VERIFIED.
        raise VAULT_NAME_NOT_VALID(
            f"The vault name '{name}' is invalid. A vault's name must be between 3-24 alphanumeric "
            "characters. The name must begin with a letter, end with a letter or digit, and not contain "
            "consecutive hyphens. Follow this link for more information: "
            "https://go.microsoft.com/fwlink/?linkid=2147742"
        )
    if context.existing is None:
        other = vault_named(context.store, name)
        if other is not None and other.lower() != context.resource_id.lower():
            # Key Vault's code and words, quoted in Esri/arcgis-gitops#174 and Azure/ARO-Landing-Zone-Accelerator#28;
            # status 409 NOT VERIFIED (the quotes come from clients that do not show it).
            raise VAULT_ALREADY_EXISTS(
                f"The vault name '{name}' is already in use. Vault names are globally unique so it is "
                "possible that the name is already taken. If you are sure that the vault name was not "
                "taken then it is possible that a vault with the same name was recently deleted but not "
                "purged after being placed in a recoverable state. If the vault is in a recoverable state "
                "then the vault will need to be purged before reusing the name. For more information "
                "about VaultAlreadyExists, soft delete and purging a vault follow this link "
                "https://go.microsoft.com/fwlink/?linkid=2147740."
            )


def _check_retention_range(properties: dict) -> None:
    days = properties.get("softDeleteRetentionInDays")
    if days is not None and not RETENTION_DAYS[0] <= int(days) <= RETENTION_DAYS[1]:
        # NOT VERIFIED: code and words; the range 7-90 is Key Vault's (REST reference, soft-delete overview).
        raise BAD_REQUEST(
            f'The property "softDeleteRetentionInDays" has an invalid value {days}. It must be between '
            f"{RETENTION_DAYS[0]} and {RETENTION_DAYS[1]} days."
        )


def _check_new_vault(properties: dict, context) -> None:
    if properties.get("enableSoftDelete") is False:
        # NOT VERIFIED: code and words; soft delete can no longer be switched off for new vaults (soft-delete
        # overview: soft delete is on for every vault and cannot be disabled).
        raise BAD_REQUEST(
            'The property "enableSoftDelete" cannot be set to false. Soft delete is enabled on all key '
            "vaults and cannot be disabled."
        )
    deleted = deleted_vault_named(context.store, context.path.subscription_id, context.path.name)
    if deleted is None:
        return
    if str(properties.get("createMode", "")).lower() != "recover":
        # Azure's words for a name held by a soft-deleted vault.
        raise CONFLICT_ERROR(
            "A vault with the same name already exists in deleted state. You need to either "
            "recover or purge existing key vault. Follow this link "
            "https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft "
            "delete."
        )
    context.store.delete_resource_tree(deleted["id"])


def _check_irreversible_settings(properties: dict, previous: dict) -> None:
    """Soft delete, its retention and purge protection cannot be undone once set (REST reference of
    VaultProperties: "Once set to true, it cannot be reverted to false."; soft-delete overview: "Once set, the
    retention policy interval cannot be changed.")."""
    if previous.get("enablePurgeProtection") and properties.get("enablePurgeProtection") is False:
        # NOT VERIFIED: the code; purge protection cannot be turned off once on (Azure docs).
        raise BAD_REQUEST(
            'The property "enablePurgeProtection" cannot be set to false. Enabling the purge '
            "protection for a vault is an irreversible action."
        )
    if previous.get("enableSoftDelete", True) and properties.get("enableSoftDelete") is False:
        # NOT VERIFIED: code and words, written like the purge-protection message above.
        raise BAD_REQUEST(
            'The property "enableSoftDelete" cannot be set to false. Enabling the soft delete for a '
            "vault is an irreversible action."
        )
    days, previous_days = properties.get("softDeleteRetentionInDays"), previous.get("softDeleteRetentionInDays")
    if days is not None and previous_days is not None and int(days) != int(previous_days):
        # NOT VERIFIED: code and words.
        raise BAD_REQUEST(
            f'The property "softDeleteRetentionInDays" cannot be changed from {previous_days} to {days}. '
            "The retention period of a vault cannot be changed once set."
        )


def vault_named(store, name: str) -> str | None:
    """The id of a vault with this name in any subscription (vault names are global)."""
    return store.resource_id_named(KEY_VAULTS, name)


# -- deleted vaults ---------------------------------------------------------------------------------
def _check_api_version(app, request):
    """Deleted vaults share the vaults' api-versions (NoRegisteredProviderFound otherwise)."""
    app.resources.resource_type(ResourcePath("", "Microsoft.KeyVault", ("vaults",), ("-",)), request.api_version)


def _deleted_or_404(app, subscription_id, location, name) -> dict:
    body = app.store.get_resource(deleted_vault_id(subscription_id, location, name))
    if body is None:
        raise RESOURCE_NOT_FOUND(
            f"The Resource 'Microsoft.KeyVault/locations/deletedVaults/{name}' under resource group "
            "'<null>' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        )
    return body


def get_deleted(app, request, subscription_id, location, name):
    _check_api_version(app, request)
    app.resources.check_subscription(subscription_id, request.principal)
    return json_response(_deleted_or_404(app, subscription_id, location, name))


def list_deleted(app, request, subscription_id):
    _check_api_version(app, request)
    app.resources.check_subscription(subscription_id, request.principal)
    return json_response({"value": app.store.list_resources(f"/subscriptions/{subscription_id}", DELETED_KEY_VAULTS)})


def purge_deleted(app, request, subscription_id, location, name):
    _check_api_version(app, request)
    app.resources.check_subscription(subscription_id, request.principal)
    deleted = _deleted_or_404(app, subscription_id, location, name)
    if deleted["properties"].get("purgeProtectionEnabled"):
        # NOT VERIFIED: code and words; a purge-protected vault cannot be purged before its scheduled date.
        raise CONFLICT(
            f"The vault '{name}' is protected by purge protection and cannot be purged "
            f"before {deleted['properties']['scheduledPurgeDate']}."
        )
    operation = app.operations.start(PURGE_KIND, subscription_id, deleted["id"], {})
    base = f"{app.arm_endpoint}/subscriptions/{subscription_id}/providers/Microsoft.KeyVault/locations/{location}"
    return Response(
        status=202,
        headers={
            "Location": f"{base}/operationResults/{operation['operation_id']}?api-version={request.api_version}",
            "Retry-After": app.retry_after_header(),
        },
    )


def _complete_purge(app, operation):
    app.store.delete_resource_tree(operation["resource_id"])
    return None


def register(app) -> None:
    app.registry.register(Vault(KEY_VAULTS))
    app.operations.register_kind(PURGE_KIND, _complete_purge)
    app.router.add("GET", _SUBSCRIPTION + r"/deletedVaults", list_deleted, priority=30)
    located = _SUBSCRIPTION + r"/locations/(?P<location>[^/]+)/deletedVaults/(?P<name>[^/]+)"
    app.router.add("GET", located, get_deleted, priority=30)
    app.router.add("POST", located + r"/purge", purge_deleted, priority=30)
