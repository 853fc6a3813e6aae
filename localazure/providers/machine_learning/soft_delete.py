"""Soft-deleted ML workspaces, kept in the endpoint's SQLite state (table ``ml_deleted_workspaces``).

Azure's documented behaviour (azure-docs articles/machine-learning/concept-soft-delete.md): a deleted workspace
is soft-deleted for its retention period (``softDeleteRetentionInDays``, 1-14, default 14); GET no longer finds
it; its name cannot be reused until the retention has passed or it is permanently deleted; a DELETE with
``forceToPurge=true`` deletes it permanently, also while it is soft-deleted. Compute clusters are hard-deleted.
A re-create meanwhile fails with 400 "Soft-deleted workspace exists. Please purge or recover it.
https://aka.ms/wsoftdelete" (the service's words, quoted in public Terraform and Bicep troubleshooting notes).
"""

from __future__ import annotations

import json
import time

DEFAULT_RETENTION_DAYS = 14
PURGE_REQUESTED = "PurgeRequested"
SOFT_DELETED = "SoftDeleted"


def request_purge(store, resource_id: str, subscription_id: str) -> None:
    """Remember that the pending delete of a live workspace is a permanent one (``forceToPurge=true``)."""
    store.set_ml_deleted_workspace_state(resource_id, subscription_id, PURGE_REQUESTED)


def on_workspace_removed(store, resource_id: str, subscription_id: str, body: dict) -> None:
    """The workspace leaves the resources: purge it if asked, else keep it soft-deleted."""
    with store.transaction():
        if store.ml_deleted_workspace(resource_id, PURGE_REQUESTED) is not None:
            store.delete_ml_deleted_workspace(resource_id)
            return
        now = time.time()
        retention = _retention_days(body)
        kept = json.loads(json.dumps(body))
        properties = kept.setdefault("properties", {})
        properties["provisioningState"] = SOFT_DELETED
        store.put_ml_deleted_workspace(resource_id, subscription_id, SOFT_DELETED, now, now + retention * 86400, kept)


def soft_deleted(store, resource_id: str) -> dict | None:
    """The soft-deleted workspace at this id within its retention, else None (expired ones are purged)."""
    row = store.ml_deleted_workspace(resource_id, SOFT_DELETED)
    if row is None:
        return None
    if row["purge_at"] <= time.time():
        purge(store, resource_id)
        return None
    return _entry(row)


def purge(store, resource_id: str) -> bool:
    return store.delete_ml_deleted_workspace(resource_id, SOFT_DELETED)


def cancel_purge_request(store, resource_id: str) -> None:
    store.delete_ml_deleted_workspace(resource_id, PURGE_REQUESTED)


def list_soft_deleted(store, subscription_id: str | None = None) -> list[dict]:
    return [_entry(row) for row in store.ml_deleted_workspaces(SOFT_DELETED, time.time(), subscription_id)]


def _entry(row) -> dict:
    return {
        "id": row["resource_id"],
        "deletedAt": _iso(row["deleted_at"]),
        "scheduledPurgeDate": _iso(row["purge_at"]),
        "workspace": json.loads(row["body"]),
    }


def _retention_days(body: dict) -> int:
    value = (body.get("properties") or {}).get("softDeleteRetentionInDays")
    return value if isinstance(value, int) and 1 <= value <= DEFAULT_RETENTION_DAYS else DEFAULT_RETENTION_DAYS


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
