"""Key Vaults with soft delete: a deleted vault moves to ``/subscriptions/{s}/providers/Microsoft.KeyVault/
locations/{location}/deletedVaults/{name}``, blocks a new vault of the same name until it is purged (or recovered
with ``createMode: recover``), and is purged by a long-running ``POST .../purge``.

``vaultUri`` is ``https://{name}.{keyVaultDns}/`` with the suffix of this endpoint's cloud metadata.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from localazure.errors import AzureError
from localazure.http import Response, json_response
from localazure.ids import ResourcePath
from localazure.routes.metadata import cloud_document
from localazure.types._base import ValidatedType, properties_of

VAULTS = "Microsoft.KeyVault/vaults"
DELETED_VAULTS = "Microsoft.KeyVault/deletedVaults"
PURGE_KIND = "keyvault-purge"
_SUBSCRIPTION = r"/subscriptions/(?P<subscription_id>[^/]+)/providers/Microsoft\.KeyVault"


def deleted_vault_id(subscription_id: str, location: str, name: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def deleted_vault_named(store, subscription_id: str, name: str) -> dict | None:
    for body in store.list_resources(f"/subscriptions/{subscription_id}", DELETED_VAULTS):
        if body["name"].lower() == name.lower():
            return body
    return None


class Vault(ValidatedType):
    def check(self, body, context):
        properties = properties_of(body)
        if context.existing is None:
            deleted = deleted_vault_named(context.store, context.path.subscription_id, context.path.name)
            if deleted is not None:
                if str(properties.get("createMode", "")).lower() != "recover":
                    # Azure's words for a name held by a soft-deleted vault.
                    raise AzureError(409, "ConflictError",
                                     "A vault with the same name already exists in deleted state. You need to either "
                                     "recover or purge existing key vault. Follow this link "
                                     "https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft "
                                     "delete.")
                context.store.delete_resource_tree(deleted["id"])
        elif properties_of(context.existing).get("enablePurgeProtection") and \
                properties.get("enablePurgeProtection") is False:
            # NOT VERIFIED: the code; purge protection cannot be turned off once on (Azure docs).
            raise AzureError(400, "BadRequest",
                             'The property "enablePurgeProtection" cannot be set to false. Enabling the purge '
                             "protection for a vault is an irreversible action.")

    def fill(self, result, context):
        properties = result["properties"]
        properties.pop("createMode", None)
        suffix = cloud_document(context.app, "2019-05-01")["suffixes"]["keyVaultDns"]
        properties["vaultUri"] = f"https://{context.path.name}.{suffix}/"
        properties.setdefault("accessPolicies", [])
        properties.setdefault("enabledForDeployment", False)
        properties.setdefault("enableRbacAuthorization", False)
        properties.setdefault("enableSoftDelete", True)
        properties.setdefault("softDeleteRetentionInDays", 90)
        properties.setdefault("publicNetworkAccess", "Enabled")
        properties.setdefault("privateEndpointConnections", [])

    def on_delete(self, body, context):
        properties = properties_of(body)
        if properties.get("enableSoftDelete") is False:
            return
        location = body.get("location", "westeurope")
        now = datetime.now(timezone.utc)
        retention = int(properties.get("softDeleteRetentionInDays") or 90)
        deleted_id = deleted_vault_id(context.path.subscription_id, location, context.path.name)
        context.store.put_resource(deleted_id, DELETED_VAULTS, f"/subscriptions/{context.path.subscription_id}", {
            "id": deleted_id, "name": context.path.name, "type": DELETED_VAULTS,
            "properties": {"vaultId": body["id"], "location": location, "deletionDate": _iso(now),
                           "scheduledPurgeDate": _iso(now + timedelta(days=retention)), "tags": body.get("tags", {}),
                           "purgeProtectionEnabled": bool(properties.get("enablePurgeProtection"))}},
            now=time.time())


# -- deleted vaults ---------------------------------------------------------------------------------
def _check_api_version(app, request):
    """Deleted vaults share the vaults' api-versions (NoRegisteredProviderFound otherwise)."""
    app.resources.resource_type(ResourcePath("", "Microsoft.KeyVault", ("vaults",), ("-",)), request.api_version)


def _deleted_or_404(app, subscription_id, location, name) -> dict:
    body = app.store.get_resource(deleted_vault_id(subscription_id, location, name))
    if body is None:
        raise AzureError(404, "ResourceNotFound",
                         f"The Resource 'Microsoft.KeyVault/locations/deletedVaults/{name}' under resource group "
                         "'<null>' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    return body


def get_deleted(app, request, subscription_id, location, name):
    _check_api_version(app, request)
    app.resources.check_subscription(subscription_id, request.principal)
    return json_response(_deleted_or_404(app, subscription_id, location, name))


def list_deleted(app, request, subscription_id):
    _check_api_version(app, request)
    app.resources.check_subscription(subscription_id, request.principal)
    return json_response({"value": app.store.list_resources(f"/subscriptions/{subscription_id}", DELETED_VAULTS)})


def purge_deleted(app, request, subscription_id, location, name):
    _check_api_version(app, request)
    app.resources.check_subscription(subscription_id, request.principal)
    deleted = _deleted_or_404(app, subscription_id, location, name)
    if deleted["properties"].get("purgeProtectionEnabled"):
        # NOT VERIFIED: code and words; a purge-protected vault cannot be purged before its scheduled date.
        raise AzureError(409, "Conflict", f"The vault '{name}' is protected by purge protection and cannot be purged "
                                          f"before {deleted['properties']['scheduledPurgeDate']}.")
    operation = app.operations.start(PURGE_KIND, subscription_id, deleted["id"], {})
    base = f"{app.arm_endpoint}/subscriptions/{subscription_id}/providers/Microsoft.KeyVault/locations/{location}"
    return Response(status=202, headers={
        "Location": f"{base}/operationResults/{operation['operation_id']}?api-version={request.api_version}",
        "Retry-After": app.retry_after_header()})


def _complete_purge(app, operation):
    app.store.delete_resource_tree(operation["resource_id"])
    return None


def register(app) -> None:
    app.registry.register(Vault(VAULTS))
    app.operations.register_kind(PURGE_KIND, _complete_purge)
    app.router.add("GET", _SUBSCRIPTION + r"/deletedVaults", list_deleted, priority=30)
    located = _SUBSCRIPTION + r"/locations/(?P<location>[^/]+)/deletedVaults/(?P<name>[^/]+)"
    app.router.add("GET", located, get_deleted, priority=30)
    app.router.add("POST", located + r"/purge", purge_deleted, priority=30)
