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

from localazure.store import resource_key

DEFAULT_RETENTION_DAYS = 14
PURGE_REQUESTED = "PurgeRequested"
SOFT_DELETED = "SoftDeleted"

SCHEMA = """
CREATE TABLE IF NOT EXISTS ml_deleted_workspaces (
    resource_key TEXT PRIMARY KEY, resource_id TEXT NOT NULL, subscription_key TEXT NOT NULL,
    state TEXT NOT NULL, deleted_at REAL, purge_at REAL, body TEXT)
"""


def create_table(store) -> None:
    with store.transaction() as db:
        db.execute(SCHEMA)


def request_purge(store, resource_id: str, subscription_id: str) -> None:
    """Remember that the pending delete of a live workspace is a permanent one (``forceToPurge=true``)."""
    with store.transaction() as db:
        db.execute("INSERT INTO ml_deleted_workspaces (resource_key, resource_id, subscription_key, state)"
                   " VALUES (?, ?, ?, ?) ON CONFLICT (resource_key) DO UPDATE SET state = excluded.state",
                   (resource_key(resource_id), resource_id, subscription_id.lower(), PURGE_REQUESTED))


def on_workspace_removed(store, resource_id: str, subscription_id: str, body: dict) -> None:
    """The workspace leaves the resources: purge it if asked, else keep it soft-deleted."""
    key = resource_key(resource_id)
    with store.transaction() as db:
        row = db.execute("SELECT state FROM ml_deleted_workspaces WHERE resource_key = ?", (key,)).fetchone()
        if row is not None and row["state"] == PURGE_REQUESTED:
            db.execute("DELETE FROM ml_deleted_workspaces WHERE resource_key = ?", (key,))
            return
        now = time.time()
        retention = _retention_days(body)
        kept = json.loads(json.dumps(body))
        properties = kept.setdefault("properties", {})
        properties["provisioningState"] = SOFT_DELETED
        db.execute("INSERT INTO ml_deleted_workspaces (resource_key, resource_id, subscription_key, state, deleted_at,"
                   " purge_at, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (resource_key) DO UPDATE SET"
                   " state = excluded.state, deleted_at = excluded.deleted_at, purge_at = excluded.purge_at,"
                   " body = excluded.body",
                   (key, resource_id, subscription_id.lower(), SOFT_DELETED, now, now + retention * 86400,
                    json.dumps(kept)))


def soft_deleted(store, resource_id: str) -> dict | None:
    """The soft-deleted workspace at this id within its retention, else None (expired ones are purged)."""
    key = resource_key(resource_id)
    row = store.db.execute("SELECT * FROM ml_deleted_workspaces WHERE resource_key = ? AND state = ?",
                           (key, SOFT_DELETED)).fetchone()
    if row is None:
        return None
    if row["purge_at"] <= time.time():
        purge(store, resource_id)
        return None
    return _entry(row)


def purge(store, resource_id: str) -> bool:
    with store.transaction() as db:
        cursor = db.execute("DELETE FROM ml_deleted_workspaces WHERE resource_key = ? AND state = ?",
                            (resource_key(resource_id), SOFT_DELETED))
        return cursor.rowcount > 0


def cancel_purge_request(store, resource_id: str) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM ml_deleted_workspaces WHERE resource_key = ? AND state = ?",
                   (resource_key(resource_id), PURGE_REQUESTED))


def list_soft_deleted(store, subscription_id: str | None = None) -> list[dict]:
    now = time.time()
    query = "SELECT * FROM ml_deleted_workspaces WHERE state = ? AND purge_at > ?"
    arguments: tuple = (SOFT_DELETED, now)
    if subscription_id:
        query += " AND subscription_key = ?"
        arguments += (subscription_id.lower(),)
    return [_entry(row) for row in store.db.execute(query + " ORDER BY deleted_at", arguments).fetchall()]


def _entry(row) -> dict:
    return {"id": row["resource_id"], "deletedAt": _iso(row["deleted_at"]),
            "scheduledPurgeDate": _iso(row["purge_at"]), "workspace": json.loads(row["body"])}


def _retention_days(body: dict) -> int:
    value = (body.get("properties") or {}).get("softDeleteRetentionInDays")
    return value if isinstance(value, int) and 1 <= value <= DEFAULT_RETENTION_DAYS else DEFAULT_RETENTION_DAYS


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
