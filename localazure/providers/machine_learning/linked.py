"""Resources the ML provider reads or creates in other providers: linked resources and storage children."""

from __future__ import annotations

import time

from localazure.ids import parse_resource_path
from localazure.resource_types import BLOB_CONTAINERS, BLOB_SERVICES, FILE_SERVICES, FILE_SHARES, STORAGE_ACCOUNTS


def is_resource_id_of(resource_id, expected_type: str) -> bool:
    path = parse_resource_path(resource_id) if isinstance(resource_id, str) else None
    return path is not None and not path.is_collection and path.full_type.lower() == expected_type.lower()


def find_storage_account(store, subscription_id: str, account_name: str, resource_group: str | None = None):
    """The storage account resource named ``account_name`` in the subscription (names are global), or None."""
    if resource_group:
        return store.get_resource(
            f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}/providers/"
            f"{STORAGE_ACCOUNTS}/{account_name}"
        )
    for _, _, body in store.list_resources_under(f"/subscriptions/{subscription_id}", STORAGE_ACCOUNTS):
        if str(body.get("name", "")).lower() == account_name.lower():
            return body
    return None


def container_id(account_id: str, container: str) -> str:
    return f"{account_id}/blobServices/default/containers/{container}"


def share_id(account_id: str, share: str) -> str:
    return f"{account_id}/fileServices/default/shares/{share}"


def ensure_blob_container(app, account_id: str, container: str) -> None:
    """Create ``container`` (and the default blob service) in the account, as the storage API would."""
    _ensure(app, f"{account_id}/blobServices/default", BLOB_SERVICES, {"properties": {}})
    _ensure(
        app,
        container_id(account_id, container),
        BLOB_CONTAINERS,
        {"properties": {"publicAccess": "None", "metadata": {}}},
    )


def ensure_file_share(app, account_id: str, share: str) -> None:
    """Create the file share when this endpoint serves Azure Files' management types (else nothing)."""
    if app.registry.get(FILE_SHARES) is None:
        return
    _ensure(app, f"{account_id}/fileServices/default", FILE_SERVICES, {"properties": {}})
    _ensure(app, share_id(account_id, share), FILE_SHARES, {"properties": {"shareQuota": 5120}})


def _ensure(app, resource_id: str, resource_type: str, body: dict) -> None:
    if app.store.resource_exists(resource_id):
        return
    registered = app.registry.get(resource_type)
    path = parse_resource_path(resource_id)
    if registered is not None:
        app.resources.put(path, body, registered.default_api_version, internal=True)
        return
    # The storage types are not registered: keep the resource in the store so that it shows once they are.
    stored = {
        "id": resource_id,
        "name": path.name,
        "type": resource_type,
        "properties": {**body.get("properties", {}), "provisioningState": "Succeeded"},
    }
    app.store.put_resource(resource_id, resource_type, path.parent_id, stored, None, now=time.time())
