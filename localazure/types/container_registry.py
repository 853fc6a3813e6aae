"""Container registries. ``loginServer`` is ``{name}.{acrLoginServer}`` with the suffix this endpoint publishes in
its cloud metadata (``azurecr.io``). Create and delete are long-running, as in Azure. ``listCredentials`` answers
the admin user's two passwords, derived like storage keys (an HMAC under the admin secret, nothing stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from localazure.cloud import cloud_document
from localazure.error_catalogue import ALREADY_IN_USE, INVALID_REGISTRY_NAME, UN_AUTHORIZED_FOR_CREDENTIAL_OPERATIONS
from localazure.http import json_response
from localazure.resource_types import CONTAINER_REGISTRIES
from localazure.types._base import ValidatedType, kept, properties_of
from localazure.types._name_availability import NameRules, globally_named
from localazure.types._name_availability import register_route as register_name_check
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
        properties.setdefault("encryption", {"status": "disabled"})
        properties.setdefault(
            "policies",
            {
                "quarantinePolicy": {"status": "disabled"},
                "trustPolicy": {"type": "Notary", "status": "disabled"},
                "retentionPolicy": {"days": 7, "status": "disabled"},
                "exportPolicy": {"status": "enabled"},
            },
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
