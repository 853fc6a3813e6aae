"""SQLite state in the state dir: WAL mode, one connection per thread, explicit write transactions.

Resources live in one generic table keyed by the lower-cased resource id; ``body`` is the JSON exactly as
ARM returns it. Other tables hold the directory (tenants, principals), subscriptions, provider registrations,
long-running operations and the request log.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from pathlib import Path

# PRAGMA user_version of a state file this code reads and writes. Raise it with every change to SCHEMA that an
# older state file lacks, and migrate in ``Store._open_schema``.
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (tenant_id TEXT PRIMARY KEY, display_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS principals (
    name TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, client_id TEXT NOT NULL UNIQUE,
    client_secret TEXT NOT NULL, object_id TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS directory_groups (
    object_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, display_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
    subscription_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, display_name TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'Enabled');
CREATE TABLE IF NOT EXISTS provider_registrations (
    subscription_id TEXT NOT NULL, namespace TEXT NOT NULL, state TEXT NOT NULL,
    PRIMARY KEY (subscription_id, namespace));
CREATE TABLE IF NOT EXISTS resources (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, parent_key TEXT NOT NULL,
    body TEXT NOT NULL, api_version TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS resources_by_parent ON resources (parent_key, type);
CREATE TABLE IF NOT EXISTS operations (
    operation_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, kind TEXT NOT NULL,
    resource_key TEXT NOT NULL, resource_id TEXT NOT NULL, status TEXT NOT NULL, polls INTEGER NOT NULL,
    started_at REAL NOT NULL, ended_at REAL, error TEXT, data TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS operations_by_resource ON operations (resource_key, status);
CREATE TABLE IF NOT EXISTS request_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
    api_version TEXT, principal_object_id TEXT, principal_name TEXT, status INTEGER NOT NULL,
    duration_ms REAL NOT NULL, request_id TEXT NOT NULL);
"""


def resource_key(resource_id: str) -> str:
    return resource_id.rstrip("/").lower()


class StateFileError(Exception):
    """The state file is of a schema version this code cannot read."""


def _create_private(path: Path) -> None:
    """Create ``path`` (or narrow an existing one) readable by its owner only: it holds client secrets and keys.
    SQLite gives the ``-wal`` and ``-shm`` files it creates beside it the same mode."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            companion.chmod(0o600)


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        _create_private(self.path)
        try:
            self._open_schema()
        except sqlite3.DatabaseError as error:
            raise StateFileError(f"{self.path} is not a localazure state file ({error}). Start with an empty "
                                 "--state-dir.") from None

    def _open_schema(self) -> None:
        """Initialize an empty state file (or one written before the schema had a version, whose tables are
        version 1's); refuse a file of any other version with a clear message."""
        db = self.db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise StateFileError(
                f"{self.path} has schema version {version}, which this localazure (schema version {SCHEMA_VERSION}) "
                "cannot read. Use the localazure that wrote it, or start with an empty --state-dir.")
        db.executescript(SCHEMA)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA busy_timeout=30000")
            self._local.connection = connection
            self._local.depth = 0
        return connection

    @contextlib.contextmanager
    def transaction(self):
        """A write transaction (BEGIN IMMEDIATE); nested uses join the outer one."""
        db = self.db
        if self._local.depth:
            self._local.depth += 1
            try:
                yield db
            finally:
                self._local.depth -= 1
            return
        db.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")
        finally:
            self._local.depth = 0

    # -- resources ---------------------------------------------------------------------------------
    def get_resource(self, resource_id: str) -> dict | None:
        row = self.db.execute("SELECT body FROM resources WHERE key = ?", (resource_key(resource_id),)).fetchone()
        return json.loads(row["body"]) if row else None

    def resource_exists(self, resource_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM resources WHERE key = ?",
                               (resource_key(resource_id),)).fetchone() is not None

    def put_resource(self, resource_id: str, resource_type: str, parent_id: str, body: dict,
                     api_version: str | None = None, *, now: float) -> None:
        key = resource_key(resource_id)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO resources (key, id, type, parent_key, body, api_version, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body,"
                " api_version = excluded.api_version, updated_at = excluded.updated_at",
                (key, resource_id, resource_type.lower(), resource_key(parent_id), json.dumps(body), api_version, now, now))

    def list_resources(self, parent_id: str, resource_type: str | None = None) -> list[dict]:
        if resource_type is None:
            rows = self.db.execute("SELECT body FROM resources WHERE parent_key = ? ORDER BY key",
                                   (resource_key(parent_id),))
        else:
            rows = self.db.execute("SELECT body FROM resources WHERE parent_key = ? AND type = ? ORDER BY key",
                                   (resource_key(parent_id), resource_type.lower()))
        return [json.loads(row["body"]) for row in rows]

    def list_resources_under(self, scope_id: str, resource_type: str | None = None) -> list[tuple[str, str, dict]]:
        """Every resource whose id starts with ``scope_id/`` (not the scope itself): (id, type, body)."""
        prefix = resource_key(scope_id) + "/"
        sql = "SELECT id, type, body FROM resources WHERE substr(key, 1, ?) = ?"
        parameters: list = [len(prefix), prefix]
        if resource_type is not None:
            sql += " AND type = ?"
            parameters.append(resource_type.lower())
        rows = self.db.execute(sql + " ORDER BY key", parameters)
        return [(row["id"], row["type"], json.loads(row["body"])) for row in rows]

    def delete_resource_tree(self, resource_id: str) -> int:
        key = resource_key(resource_id)
        with self.transaction() as db:
            cursor = db.execute("DELETE FROM resources WHERE key = ? OR substr(key, 1, ?) = ?",
                                (key, len(key) + 1, key + "/"))
            return cursor.rowcount

    # -- directory and subscriptions ---------------------------------------------------------------
    def principals(self) -> list[dict]:
        return [dict(row) for row in self.db.execute("SELECT * FROM principals ORDER BY name")]

    def directory_groups(self) -> list[dict]:
        """Entra ID groups: they hold role assignments but never sign in."""
        return [dict(row) for row in self.db.execute("SELECT * FROM directory_groups ORDER BY display_name")]

    def directory_object_ids(self) -> list[str]:
        """Every object id a role assignment may name: principals that sign in, and groups."""
        return ([item["object_id"] for item in self.principals()]
                + [item["object_id"] for item in self.directory_groups()])

    def principal_by_client_id(self, client_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM principals WHERE lower(client_id) = lower(?)", (client_id,)).fetchone()
        return dict(row) if row else None

    def tenants(self) -> list[dict]:
        return [dict(row) for row in self.db.execute("SELECT * FROM tenants ORDER BY rowid")]

    def subscriptions(self, tenant_id: str | None = None) -> list[dict]:
        if tenant_id is None:
            return [dict(row) for row in self.db.execute("SELECT * FROM subscriptions ORDER BY rowid")]
        return [dict(row) for row in self.db.execute(
            "SELECT * FROM subscriptions WHERE lower(tenant_id) = lower(?) ORDER BY rowid", (tenant_id,))]

    def subscription(self, subscription_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM subscriptions WHERE lower(subscription_id) = lower(?)",
                              (subscription_id,)).fetchone()
        return dict(row) if row else None

    def provider_state(self, subscription_id: str, namespace: str) -> str | None:
        row = self.db.execute("SELECT state FROM provider_registrations WHERE subscription_id = ? AND namespace = ?",
                              (subscription_id.lower(), namespace.lower())).fetchone()
        return row["state"] if row else None

    def set_provider_state(self, subscription_id: str, namespace: str, state: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO provider_registrations VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET state = excluded.state",
                       (subscription_id.lower(), namespace.lower(), state))
