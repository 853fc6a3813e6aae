"""Container registries. ``loginServer`` is ``{name}.{acrLoginServer}`` with the suffix this endpoint publishes in
its cloud metadata (``azurecr.io``). Create and delete are long-running, as in Azure. ``listCredentials`` answers
the admin user's two passwords, derived like storage keys (an HMAC under the admin secret, nothing stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from localazure.cloud import cloud_document
from localazure.error_catalogue import (
    ALREADY_IN_USE,
    BAD_REQUEST,
    INVALID_REGISTRY_NAME,
    UN_AUTHORIZED_FOR_CREDENTIAL_OPERATIONS,
)
from localazure.http import json_response
from localazure.resource_types import CONTAINER_REGISTRIES
from localazure.types._base import ValidatedType, kept, properties_of
from localazure.types._cmk import require_assigned_client_id, require_key_uri
from localazure.types._name_availability import NameRules, globally_named
from localazure.types._name_availability import register_route as register_name_check
from localazure.types.key_vault_keys import key_by_uri
from localazure.types.storage import now_iso

_NAME = re.compile(r"^[a-zA-Z0-9]{5,50}$")


def invalid_registry_name(name: str) -> str:
    # NOT VERIFIED: the words; the rule (5-50 alphanumerics) and the code are Azure's.
    return (
        f"The registry name '{name}' is invalid. Registry names may contain only alpha numeric characters and "
        "must be between 5 and 50 characters."
    )


def taken_registry_name(name: str) -> str:
    # As the REST spec's example RegistryCheckNameNotAvailable answers.
    return f"The registry {name} is already in use."


# Registry names are global (a registry is {name}.azurecr.io); the API takes only the registries type.
NAME_RULES = NameRules(
    CONTAINER_REGISTRIES,
    "Microsoft.ContainerRegistry/checkNameAvailability/read",
    _NAME,
    "Invalid",
    invalid_registry_name,
    taken_registry_name,
    requires_type=True,
)


def login_server(app, name: str) -> str:
    return f"{name.lower()}.{cloud_document(app, '2019-05-01')['suffixes']['acrLoginServer']}"


class Registry(ValidatedType):
    def check(self, body, context):
        name = context.path.name
        if not _NAME.match(name):
            raise INVALID_REGISTRY_NAME(invalid_registry_name(name))
        other = globally_named(context.store, CONTAINER_REGISTRIES, name) if context.existing is None else None
        if other is not None and other.lower() != context.resource_id.lower():
            # Code and words as `az acr create` prints them (MicrosoftDocs/azure-dev-docs#1303); NOT VERIFIED: 409.
            raise ALREADY_IN_USE(
                f"The registry DNS name {login_server(context.app, name)} is already in use. You can "
                "check if the name is already claimed using following API: https://docs.microsoft.com/"
                "en-us/rest/api/containerregistry/registries/checknameavailability"
            )
        properties = properties_of(body)
        _check_export_policy(name, properties, properties_of(context.existing))
        _check_encryption(context.store, body, properties, context.existing)

    def fill(self, result, context):
        sku = result.get("sku")
        if isinstance(sku, dict) and isinstance(sku.get("name"), str):
            sku["tier"] = sku["name"]
        properties = result["properties"]
        properties.update(
            {
                "loginServer": login_server(context.app, context.path.name),
                "creationDate": kept(context, "creationDate", now_iso),
                "privateEndpointConnections": [],
                "dataEndpointHostNames": [],
            }
        )
        properties.setdefault("adminUserEnabled", False)
        properties.setdefault("publicNetworkAccess", "Enabled")
        properties.setdefault("networkRuleBypassOptions", "AzureServices")
        properties.setdefault("zoneRedundancy", "Disabled")
        properties.setdefault("anonymousPullEnabled", False)
        properties.setdefault("dataEndpointEnabled", False)
        encryption = properties.setdefault("encryption", {"status": "disabled"})
        key_properties = encryption.get("keyVaultProperties") if isinstance(encryption, dict) else None
        if isinstance(key_properties, dict) and key_properties.get("keyIdentifier"):
            key = key_by_uri(context.store, key_properties["keyIdentifier"])
            versioned = str(properties_of(key).get("keyUriWithVersion") or key_properties["keyIdentifier"])
            key_properties["versionedKeyIdentifier"] = versioned
            # A versionless key identifier follows the key's rotation.
            key_properties["keyRotationEnabled"] = key_properties["keyIdentifier"].rstrip("/") != versioned
        policies = properties.setdefault("policies", {})
        if isinstance(policies, dict):
            # A policy the body leaves out keeps Azure's default; the ones given are returned as given.
            for policy, default in DEFAULT_POLICIES.items():
                policies.setdefault(policy, dict(default))


# Azure's policies of a new registry (GET of a registry created without them, 2025-11-01).
DEFAULT_POLICIES = {
    "quarantinePolicy": {"status": "disabled"},
    "trustPolicy": {"type": "Notary", "status": "disabled"},
    "retentionPolicy": {"days": 7, "status": "disabled"},
    "exportPolicy": {"status": "enabled"},
    "azureADAuthenticationAsArmPolicy": {"status": "enabled"},
}


def _status(properties: dict, *path: str) -> str:
    value = properties
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return str(value or "").lower()


def _check_export_policy(name: str, properties: dict, previous: dict) -> None:
    """Exports can be disabled only while public network access is disabled (ACR "Disable export of artifacts":
    public network access must be disabled too, before or together with exports)."""
    export_disabled = _status(properties, "policies", "exportPolicy", "status") == "disabled"
    public_enabled = _status(properties, "publicNetworkAccess") != "disabled"  # Enabled is the default
    if not (export_disabled and public_enabled):
        return
    if _status(previous, "policies", "exportPolicy", "status") == "disabled":
        # Azure's words when public network access is turned on again (quoted in Azure-Samples/holiday-peak-hub#830).
        raise BAD_REQUEST(
            f"Enabling public network access is not supported because the registry '{name}' has exports disabled."
        )
    # NOT VERIFIED: the words for the other order, written after the ones above.
    raise BAD_REQUEST(
        f"Disabling exports is not supported because the registry '{name}' has public network access enabled. "
        "Disable public network access first, or together with exports."
    )


def _check_encryption(store, body: dict, properties: dict, existing: dict | None) -> None:
    """Customer-managed keys: chosen at creation and fixed after it (ACR "Encrypt registry using a customer-managed
    key": it can be enabled only when the registry is created, and not disabled); the key identifier must name an
    existing key, the identity the client id of one of the registry's user-assigned identities."""
    enabled = _status(properties, "encryption", "status") == "enabled"
    if existing is not None:
        previous = properties_of(existing).get("encryption") or {"status": "disabled"}
        current = properties.get("encryption") or {"status": "disabled"}
        if _status({"e": previous}, "e", "status") != _status({"e": current}, "e", "status") or (
            enabled
            and str((previous.get("keyVaultProperties") or {}).get("identity", "")).lower()
            != str((current.get("keyVaultProperties") or {}).get("identity", "")).lower()
        ):
            # NOT VERIFIED: the words; the rule is the docs'.
            raise BAD_REQUEST(
                "Customer-managed key encryption of a registry can only be chosen when the registry is created; "
                "it cannot be enabled, disabled or given another identity afterwards."
            )
    if not enabled:
        return
    key_properties = properties["encryption"].get("keyVaultProperties") or {}
    require_key_uri(
        store, key_properties.get("keyIdentifier"), "properties.encryption.keyVaultProperties.keyIdentifier"
    )
    require_assigned_client_id(
        store, body, key_properties.get("identity"), "properties.encryption.keyVaultProperties.identity"
    )


PASSWORD_NAMES = ("password", "password2")


def admin_password(app, registry_id: str, name: str, created: str) -> str:
    digest = hmac.new(app.admin_secret.encode(), f"{registry_id.lower()}|{name}|{created}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode().rstrip("=").replace("/", "A").replace("+", "B")


def list_credentials(app, request, context):
    """Registries - List Credentials: the admin user's name and passwords, refused while the admin user is off."""
    registry = context.existing
    if not properties_of(registry).get("adminUserEnabled"):
        # Azure's code; the words as ACR gives them for a registry whose admin user is disabled.
        raise UN_AUTHORIZED_FOR_CREDENTIAL_OPERATIONS(
            f"Cannot perform credential operations for {registry['id']} as admin user is disabled. "
            "Kindly enable admin user as per docs: https://docs.microsoft.com/azure/container-registry/"
            "container-registry-authentication#admin-account"
        )
    created = properties_of(registry).get("creationDate", "")
    return json_response(
        {
            "username": context.path.name,
            "passwords": [
                {"name": name, "value": admin_password(app, registry["id"], name, created)} for name in PASSWORD_NAMES
            ],
        }
    )


def register(app) -> None:
    registries = app.registry.register(
        Registry(CONTAINER_REGISTRIES, long_running_put=True, long_running_delete=True, etag=False)
    )
    registries.actions["listcredentials"] = list_credentials
    register_name_check(app, NAME_RULES)
