"""Microsoft.MachineLearningServices/workspaces/datastores: blob (and file) datastores with write-only secrets.

- ``credentials.secrets`` are accepted on PUT and never returned (GET, list, the PUT response): the models of
  azure-ai-ml's arm_ml_service give ``secrets`` the visibility create/update only. They are kept apart from
  the resource, in the table ``ml_datastore_secrets``, and ``POST .../datastores/{name}/listSecrets`` returns
  them (RBAC action ``.../datastores/listSecrets/action``).
- Identity-based datastores have ``credentialsType: None`` and no secrets.
- Unless ``skipValidation=true``, the storage account (and for blob datastores the container) must exist.
- The workspace's system datastores (workspaces.py) are created with it; ``workspaceblobstore`` is the
  default (``isDefault``), which is read-only for clients.
"""

from __future__ import annotations

from localazure.http import json_response
from localazure.types._base import ValidatedType

from . import linked
from .errors import UserError, not_found_error
from .versions import DATASTORE_TYPE, DEFAULT_API_VERSION

SECRETS_KEY = "datastore_secrets"


class Datastore(ValidatedType):
    def validate(self, body, api_version, context):
        super().validate(body, api_version, context)
        request = context.request
        if request is not None and request.query.get("skipvalidation", "").lower() == "true":
            return
        properties = body.get("properties") if isinstance(body.get("properties"), dict) else {}
        _check_storage(properties, context)

    def fill_read_only(self, body, context):
        result = super().fill_read_only(body, context)
        properties = result["properties"]
        credentials = properties.get("credentials")
        if isinstance(credentials, dict) and "secrets" in credentials:
            context.extra[SECRETS_KEY] = credentials.pop("secrets")
        # isDefault is read-only for clients (stripped from their bodies); the workspace's own writes set it.
        if context.request is None:
            properties["isDefault"] = bool((body.get("properties") or {}).get("isDefault"))
        else:
            properties["isDefault"] = bool(((context.existing or {}).get("properties") or {}).get("isDefault"))
        properties.setdefault("endpoint", "core.windows.net")
        properties.setdefault("protocol", "https")
        properties.setdefault("tags", {})
        properties.setdefault("description", None)
        properties.pop("provisioningState", None)
        return result

    def on_create(self, body, context):
        _save_secrets(context)

    def on_update(self, body, previous, context):
        _save_secrets(context)

    def on_delete(self, body, context):
        context.store.delete_ml_datastore_secrets(context.resource_id)


def _save_secrets(context) -> None:
    if SECRETS_KEY not in context.extra:
        return
    context.store.put_ml_datastore_secrets(context.resource_id, context.extra[SECRETS_KEY])


def list_secrets(app, request, context):
    """``POST .../datastores/{name}/listSecrets``: the secrets given on PUT."""
    secrets = context.store.ml_datastore_secrets(context.resource_id)
    if not secrets:
        raise not_found_error(
            "Datastore's secret is not found. Please make sure the workspace's key vault exists and "
            "the workspace have access to the secrets inside that key vault.",
            status=404,
        )
    return json_response(secrets)


def _check_storage(properties: dict, context) -> None:
    datastore_type = str(properties.get("datastoreType", ""))
    if datastore_type.lower() not in ("azureblob", "azurefile", "azuredatalakegen2"):
        return
    account_name = properties.get("accountName")
    if not account_name:
        return
    subscription_id = properties.get("subscriptionId") or context.path.subscription_id
    account = linked.find_storage_account(context.store, subscription_id, account_name, properties.get("resourceGroup"))
    workspace = context.store.get_resource(context.path.parent_id) or {}
    location = workspace.get("location") or "westeurope"
    if account is None:
        raise UserError(
            "NotFoundError",
            f"Storage account '{account_name}' could not be found. Check the account "
            "name, or create the datastore with skipValidation.",
            location=location,
            target="accountName",
        )
    container = properties.get("containerName") or properties.get("filesystem")
    if datastore_type.lower() == "azureblob" and container:
        if not context.store.resource_exists(linked.container_id(account["id"], container)):
            raise UserError(
                "NotFoundError",
                f"Container '{container}' could not be found in storage account '{account_name}'.",
                location=location,
                target="containerName",
            )


def make_datastore_type():
    datastore_type = Datastore(DATASTORE_TYPE, default_api_version=DEFAULT_API_VERSION)
    datastore_type.actions["listsecrets"] = list_secrets
    return datastore_type
