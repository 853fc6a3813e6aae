"""SQLite state in the state dir: WAL mode, one connection per thread, explicit write transactions.

Resources live in one generic table keyed by the lower-cased resource id; ``body`` is the JSON exactly as
ARM returns it. Other tables hold the directory (tenants, principals), subscriptions, provider registrations,
long-running operations, the request log, and deployments with their operations and what-if results (tables
of their own: a deployment is not a resource of its resource group, so it never shows in the group's resource
list nor in complete-mode deletions). The blob data plane keeps blobs and their uncommitted blocks in tables keyed
by their container's resource key, so that deleting a container, account or group through ARM deletes its blobs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

# PRAGMA user_version of a state file this code reads and writes. Raise it with every change to SCHEMA that an
# older state file lacks, and migrate in ``Store._open_schema``. Version 2 adds the deployment tables (created
# outside the Store before, with IF NOT EXISTS, so that a version 1 file may already hold them). Version 3 adds
# group membership (``directory_group_members``) and the blob data plane's tables (``blobs``, ``blob_blocks``);
# an older file gets them, empty, on opening.
SCHEMA_VERSION = 3
READABLE_VERSIONS = (0, 1, 2, SCHEMA_VERSION)

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (tenant_id TEXT PRIMARY KEY, display_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS principals (
    name TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, client_id TEXT NOT NULL UNIQUE,
    client_secret TEXT NOT NULL, object_id TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS directory_groups (
    object_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, display_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS directory_group_members (
    group_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (group_id, member_id));
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
CREATE TABLE IF NOT EXISTS ml_deleted_workspaces (
    resource_key TEXT PRIMARY KEY, resource_id TEXT NOT NULL, subscription_key TEXT NOT NULL,
    state TEXT NOT NULL, deleted_at REAL, purge_at REAL, body TEXT);
CREATE TABLE IF NOT EXISTS ml_datastore_secrets (resource_key TEXT PRIMARY KEY, secrets TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deployments (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, scope_key TEXT NOT NULL, body TEXT NOT NULL,
    request TEXT NOT NULL, operation_id TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS deployments_by_scope ON deployments (scope_key);
CREATE TABLE IF NOT EXISTS deployment_operations (
    deployment_key TEXT NOT NULL, operation_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (deployment_key, operation_id));
CREATE TABLE IF NOT EXISTS deployment_whatif_results (
    token TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, polls INTEGER NOT NULL, result TEXT NOT NULL,
    created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (
    container_key TEXT NOT NULL, name TEXT NOT NULL, properties TEXT NOT NULL, content BLOB NOT NULL,
    blocks TEXT NOT NULL, PRIMARY KEY (container_key, name));
CREATE TABLE IF NOT EXISTS blob_blocks (
    container_key TEXT NOT NULL, blob_name TEXT NOT NULL, block_id TEXT NOT NULL, content BLOB NOT NULL,
    seq INTEGER NOT NULL, PRIMARY KEY (container_key, blob_name, block_id));
"""
TERMINAL_OPERATION_STATES = ("Succeeded", "Failed", "Canceled")
REQUEST_LOG_COLUMNS = (
    "time",
    "method",
    "path",
    "api_version",
    "principal_object_id",
    "principal_name",
    "status",
    "duration_ms",
    "request_id",
)


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
            raise StateFileError(
                f"{self.path} is not a localazure state file ({error}). Start with an empty --state-dir."
            ) from None

    def _open_schema(self) -> None:
        """Initialize an empty state file, or bring an older one (version 1, or one written before the schema had
        a version, whose tables are version 1's) to the current version by adding the tables it lacks; refuse a
        file of any other version with a clear message."""
        db = self.db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in READABLE_VERSIONS:
            raise StateFileError(
                f"{self.path} has schema version {version}, which this localazure (schema version {SCHEMA_VERSION}) "
                "cannot read. Use the localazure that wrote it, or start with an empty --state-dir."
            )
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
        return (
            self.db.execute("SELECT 1 FROM resources WHERE key = ?", (resource_key(resource_id),)).fetchone()
            is not None
        )

    def put_resource(
        self,
        resource_id: str,
        resource_type: str,
        parent_id: str,
        body: dict,
        api_version: str | None = None,
        *,
        now: float,
    ) -> None:
        key = resource_key(resource_id)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO resources (key, id, type, parent_key, body, api_version, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body,"
                " api_version = excluded.api_version, updated_at = excluded.updated_at",
                (
                    key,
                    resource_id,
                    resource_type.lower(),
                    resource_key(parent_id),
                    json.dumps(body),
                    api_version,
                    now,
                    now,
                ),
            )

    def list_resources(self, parent_id: str, resource_type: str | None = None) -> list[dict]:
        if resource_type is None:
            rows = self.db.execute(
                "SELECT body FROM resources WHERE parent_key = ? ORDER BY key", (resource_key(parent_id),)
            )
        else:
            rows = self.db.execute(
                "SELECT body FROM resources WHERE parent_key = ? AND type = ? ORDER BY key",
                (resource_key(parent_id), resource_type.lower()),
            )
        return [json.loads(row["body"]) for row in rows]

    def resource_id_named(self, resource_type: str, name: str) -> str | None:
        """The id of a resource of this type whose own name is ``name``, in any scope (globally unique names)."""
        row = self.db.execute(
            "SELECT id FROM resources WHERE type = ? AND substr(key, -?) = ?",
            (resource_type.lower(), len(name) + 1, "/" + name.lower()),
        ).fetchone()
        return row["id"] if row else None

    def resources_of_type(self, resource_type: str) -> list[dict]:
        rows = self.db.execute("SELECT body FROM resources WHERE type = ?", (resource_type.lower(),))
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
        """Delete the resource and everything under it, blobs of the containers among them included."""
        key = resource_key(resource_id)
        with self.transaction() as db:
            cursor = db.execute(
                "DELETE FROM resources WHERE key = ? OR substr(key, 1, ?) = ?", (key, len(key) + 1, key + "/")
            )
            for table in ("blobs", "blob_blocks"):
                db.execute(
                    f"DELETE FROM {table} WHERE container_key = ? OR substr(container_key, 1, ?) = ?",
                    (key, len(key) + 1, key + "/"),
                )
            return cursor.rowcount

    # -- directory and subscriptions ---------------------------------------------------------------
    def add_tenant(self, tenant_id: str, display_name: str) -> None:
        """Add a tenant unless it exists (as all ``add_*``: the seed runs on every start)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO tenants VALUES (?, ?)", (tenant_id, display_name))

    def add_subscription(self, subscription_id: str, tenant_id: str, display_name: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO subscriptions (subscription_id, tenant_id, display_name) VALUES (?, ?, ?)",
                (subscription_id, tenant_id, display_name),
            )

    def add_principal(self, name: str, tenant_id: str, client_id: str, client_secret: str, object_id: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO principals VALUES (?, ?, ?, ?, ?)",
                (name, tenant_id, client_id, client_secret, object_id),
            )

    def add_directory_group(self, object_id: str, tenant_id: str, display_name: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO directory_groups VALUES (?, ?, ?)", (object_id, tenant_id, display_name))

    def add_group_member(self, group_id: str, member_id: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO directory_group_members VALUES (?, ?)", (group_id.lower(), member_id.lower())
            )

    def groups_of(self, member_id: str) -> list[str]:
        """The object ids (lower-cased) of the groups ``member_id`` belongs to, directly or through other groups."""
        found: list[str] = []
        pending = [member_id.lower()]
        while pending:
            rows = self.db.execute("SELECT group_id FROM directory_group_members WHERE member_id = ?", (pending.pop(),))
            for (group_id,) in rows:
                if group_id not in found:
                    found.append(group_id)
                    pending.append(group_id)
        return found

    def principals(self) -> list[dict]:
        return [dict(row) for row in self.db.execute("SELECT * FROM principals ORDER BY name")]

    def directory_groups(self) -> list[dict]:
        """Entra ID groups: they hold role assignments but never sign in."""
        return [dict(row) for row in self.db.execute("SELECT * FROM directory_groups ORDER BY display_name")]

    def directory_object_ids(self) -> list[str]:
        """Every object id a role assignment may name: principals that sign in, and groups."""
        return [item["object_id"] for item in self.principals()] + [
            item["object_id"] for item in self.directory_groups()
        ]

    def principal_by_client_id(self, client_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM principals WHERE lower(client_id) = lower(?)", (client_id,)).fetchone()
        return dict(row) if row else None

    def tenants(self) -> list[dict]:
        return [dict(row) for row in self.db.execute("SELECT * FROM tenants ORDER BY rowid")]

    def subscriptions(self, tenant_id: str | None = None) -> list[dict]:
        if tenant_id is None:
            return [dict(row) for row in self.db.execute("SELECT * FROM subscriptions ORDER BY rowid")]
        return [
            dict(row)
            for row in self.db.execute(
                "SELECT * FROM subscriptions WHERE lower(tenant_id) = lower(?) ORDER BY rowid", (tenant_id,)
            )
        ]

    def subscription(self, subscription_id: str) -> dict | None:
        row = self.db.execute(
            "SELECT * FROM subscriptions WHERE lower(subscription_id) = lower(?)", (subscription_id,)
        ).fetchone()
        return dict(row) if row else None

    def provider_state(self, subscription_id: str, namespace: str) -> str | None:
        row = self.db.execute(
            "SELECT state FROM provider_registrations WHERE subscription_id = ? AND namespace = ?",
            (subscription_id.lower(), namespace.lower()),
        ).fetchone()
        return row["state"] if row else None

    def set_provider_state(self, subscription_id: str, namespace: str, state: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO provider_registrations VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET state = excluded.state",
                (subscription_id.lower(), namespace.lower(), state),
            )

    # -- long-running operations --------------------------------------------------------------------
    def add_operation(
        self, operation_id: str, subscription_id: str, kind: str, resource_id: str, started_at: float, data: dict
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO operations (operation_id, subscription_id, kind, resource_key, resource_id, status,"
                " polls, started_at, data) VALUES (?, ?, ?, ?, ?, 'Accepted', 0, ?, ?)",
                (
                    operation_id,
                    subscription_id,
                    kind,
                    resource_key(resource_id),
                    resource_id,
                    started_at,
                    json.dumps(data),
                ),
            )

    def operation(self, operation_id: str) -> dict | None:
        """The operation with ``data`` and ``error`` decoded, or None."""
        row = self.db.execute("SELECT * FROM operations WHERE operation_id = ?", (operation_id.lower(),)).fetchone()
        if row is None:
            return None
        operation = dict(row)
        operation["data"] = json.loads(operation["data"])
        operation["error"] = json.loads(operation["error"]) if operation["error"] else None
        return operation

    def count_operation_poll(self, operation_id: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE operations SET polls = polls + 1 WHERE operation_id = ? AND status NOT IN (?, ?, ?)",
                (operation_id.lower(), *TERMINAL_OPERATION_STATES),
            )

    def set_operation_status(self, operation_id: str, status: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE operations SET status = ? WHERE operation_id = ?", (status, operation_id.lower()))

    def end_operation(self, operation_id: str, status: str, error: dict | None, ended_at: float) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE operations SET status = ?, ended_at = ?, error = ? WHERE operation_id = ?",
                (status, ended_at, json.dumps(error) if error else None, operation_id.lower()),
            )

    def unfinished_operation_ids(self, resource_id_key: str | None = None) -> list[str]:
        """Operations not yet in a terminal state, of every resource or of the one with this resource key."""
        sql, parameters = (
            "SELECT operation_id FROM operations WHERE status NOT IN (?, ?, ?)",
            [*TERMINAL_OPERATION_STATES],
        )
        if resource_id_key is not None:
            sql += " AND resource_key = ?"
            parameters.append(resource_id_key)
        return [row["operation_id"] for row in self.db.execute(sql, parameters).fetchall()]

    def unfinished_operation_keys(self) -> set[str]:
        """The resource keys that have an operation not yet in a terminal state."""
        return {
            row["resource_key"]
            for row in self.db.execute(
                "SELECT resource_key FROM operations WHERE status NOT IN (?, ?, ?)", TERMINAL_OPERATION_STATES
            )
        }

    # -- request log ---------------------------------------------------------------------------------
    def append_request_log(self, entries: list[tuple]) -> None:
        """Entries as tuples in the order of ``REQUEST_LOG_COLUMNS``."""
        with self.transaction() as db:
            db.executemany(
                f"INSERT INTO request_log ({', '.join(REQUEST_LOG_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(REQUEST_LOG_COLUMNS))})",
                entries,
            )

    def request_log(
        self,
        *,
        after_seq: int | None = None,
        since_time: str | None = None,
        methods: list[str] | None = None,
        excluded_methods: list[str] | None = None,
        path_part: str | None = None,
        limit: int = 10000,
    ) -> list[dict]:
        """Entries in order (rows as dicts with ``seq``), filtered; ``path_part`` matches case-insensitively."""
        sql, parameters = "SELECT * FROM request_log WHERE 1=1", []
        if after_seq is not None:
            sql += " AND seq > ?"
            parameters.append(after_seq)
        if since_time is not None:
            sql += " AND time >= ?"
            parameters.append(since_time)
        for operator, listed in (("IN", methods), ("NOT IN", excluded_methods)):
            if listed:
                sql += f" AND method {operator} ({','.join('?' * len(listed))})"
                parameters.extend(listed)
        if path_part:
            sql += " AND instr(lower(path), lower(?)) > 0"
            parameters.append(path_part)
        sql += " ORDER BY seq LIMIT ?"
        parameters.append(limit)
        return [dict(row) for row in self.db.execute(sql, parameters)]

    def clear_request_log(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM request_log")

    # -- Machine Learning: soft-deleted workspaces and datastore secrets ------------------------------
    def ml_deleted_workspace(self, resource_id: str, state: str | None = None) -> dict | None:
        sql, parameters = "SELECT * FROM ml_deleted_workspaces WHERE resource_key = ?", [resource_key(resource_id)]
        if state is not None:
            sql += " AND state = ?"
            parameters.append(state)
        row = self.db.execute(sql, parameters).fetchone()
        return dict(row) if row else None

    def set_ml_deleted_workspace_state(self, resource_id: str, subscription_id: str, state: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO ml_deleted_workspaces (resource_key, resource_id, subscription_key, state)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (resource_key) DO UPDATE SET state = excluded.state",
                (resource_key(resource_id), resource_id, subscription_id.lower(), state),
            )

    def put_ml_deleted_workspace(
        self, resource_id: str, subscription_id: str, state: str, deleted_at: float, purge_at: float, body: dict
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO ml_deleted_workspaces (resource_key, resource_id, subscription_key, state,"
                " deleted_at, purge_at, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (resource_key) DO UPDATE"
                " SET state = excluded.state, deleted_at = excluded.deleted_at, purge_at = excluded.purge_at,"
                " body = excluded.body",
                (
                    resource_key(resource_id),
                    resource_id,
                    subscription_id.lower(),
                    state,
                    deleted_at,
                    purge_at,
                    json.dumps(body),
                ),
            )

    def delete_ml_deleted_workspace(self, resource_id: str, state: str | None = None) -> bool:
        sql, parameters = "DELETE FROM ml_deleted_workspaces WHERE resource_key = ?", [resource_key(resource_id)]
        if state is not None:
            sql += " AND state = ?"
            parameters.append(state)
        with self.transaction() as db:
            return db.execute(sql, parameters).rowcount > 0

    def ml_deleted_workspaces(self, state: str, purge_after: float, subscription_id: str | None = None) -> list[dict]:
        sql, parameters = "SELECT * FROM ml_deleted_workspaces WHERE state = ? AND purge_at > ?", [state, purge_after]
        if subscription_id:
            sql += " AND subscription_key = ?"
            parameters.append(subscription_id.lower())
        return [dict(row) for row in self.db.execute(sql + " ORDER BY deleted_at", parameters).fetchall()]

    def ml_datastore_secrets(self, resource_id: str):
        """The secrets stored for a datastore (decoded JSON), or None."""
        row = self.db.execute(
            "SELECT secrets FROM ml_datastore_secrets WHERE resource_key = ?", (resource_key(resource_id),)
        ).fetchone()
        return json.loads(row["secrets"]) if row else None

    def put_ml_datastore_secrets(self, resource_id: str, secrets) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO ml_datastore_secrets (resource_key, secrets) VALUES (?, ?) ON CONFLICT"
                " (resource_key) DO UPDATE SET secrets = excluded.secrets",
                (resource_key(resource_id), json.dumps(secrets)),
            )

    def delete_ml_datastore_secrets(self, resource_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM ml_datastore_secrets WHERE resource_key = ?", (resource_key(resource_id),))

    # -- deployments, their operations and what-if results --------------------------------------------
    def deployment(self, deployment_id: str) -> dict | None:
        row = self.db.execute("SELECT body FROM deployments WHERE key = ?", (resource_key(deployment_id),)).fetchone()
        return json.loads(row["body"]) if row else None

    def deployment_row(self, deployment_id: str) -> dict | None:
        """The deployment's body, the request that started its run, the run's operation id and its creation time."""
        row = self.db.execute("SELECT * FROM deployments WHERE key = ?", (resource_key(deployment_id),)).fetchone()
        if row is None:
            return None
        return {
            "body": json.loads(row["body"]),
            "request": json.loads(row["request"]),
            "operation_id": row["operation_id"],
            "created_at": row["created_at"],
        }

    def deployments(self, scope_id: str | None = None) -> list[dict]:
        """The deployment bodies at a scope, oldest first; at every scope without one."""
        sql, parameters = "SELECT body FROM deployments", []
        if scope_id is not None:
            sql += " WHERE scope_key = ?"
            parameters.append(resource_key(scope_id))
        return [json.loads(row["body"]) for row in self.db.execute(sql + " ORDER BY created_at", parameters)]

    def start_deployment(self, deployment_id: str, scope_id: str, body: dict, request: dict, operation_id: str) -> None:
        """Record a new run of the deployment: replaces the earlier one and forgets its operations."""
        key, now = resource_key(deployment_id), time.time()
        with self.transaction() as db:
            db.execute("DELETE FROM deployment_operations WHERE deployment_key = ?", (key,))
            db.execute(
                "INSERT INTO deployments (key, id, scope_key, body, request, operation_id, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "body = excluded.body, request = excluded.request, operation_id = excluded.operation_id, "
                "updated_at = excluded.updated_at",
                (
                    key,
                    deployment_id,
                    resource_key(scope_id),
                    json.dumps(body),
                    json.dumps(request),
                    operation_id,
                    now,
                    now,
                ),
            )

    def set_deployment_body(self, deployment_id: str, body: dict) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE deployments SET body = ?, updated_at = ? WHERE key = ?",
                (json.dumps(body), time.time(), resource_key(deployment_id)),
            )

    def delete_deployment(self, deployment_id: str) -> None:
        key = resource_key(deployment_id)
        with self.transaction() as db:
            db.execute("DELETE FROM deployment_operations WHERE deployment_key = ?", (key,))
            db.execute("DELETE FROM deployments WHERE key = ?", (key,))

    def delete_deployments_at(self, scope_id: str) -> None:
        """Forget every deployment at a scope, with their operations."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM deployment_operations WHERE deployment_key IN "
                "(SELECT key FROM deployments WHERE scope_key = ?)",
                (resource_key(scope_id),),
            )
            db.execute("DELETE FROM deployments WHERE scope_key = ?", (resource_key(scope_id),))

    def put_deployment_operation(self, deployment_id: str, operation: dict) -> None:
        """Add or replace (by ``operationId``) one operation of the deployment's run, kept in insertion order."""
        key = resource_key(deployment_id)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO deployment_operations (deployment_key, operation_id, seq, body) VALUES "
                "(?, ?, (SELECT COUNT(*) FROM deployment_operations WHERE deployment_key = ?), ?) "
                "ON CONFLICT (deployment_key, operation_id) DO UPDATE SET body = excluded.body",
                (key, operation["operationId"], key, json.dumps(operation)),
            )

    def deployment_operations(self, deployment_id: str) -> list[dict]:
        rows = self.db.execute(
            "SELECT body FROM deployment_operations WHERE deployment_key = ? ORDER BY seq",
            (resource_key(deployment_id),),
        )
        return [json.loads(row["body"]) for row in rows]

    def add_what_if_result(self, token: str, subscription_id: str, result: dict) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO deployment_whatif_results VALUES (?, ?, 0, ?, ?)",
                (token, subscription_id.lower(), json.dumps(result), time.time()),
            )

    def poll_what_if_result(self, token: str, subscription_id: str) -> tuple[int, dict] | None:
        """(polls before this one, result) of a subscription's what-if, or None for an unknown token."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT polls, result FROM deployment_whatif_results WHERE token = ? AND subscription_id = ?",
                (token.lower(), subscription_id.lower()),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE deployment_whatif_results SET polls = polls + 1 WHERE token = ?", (token.lower(),))
        return row["polls"], json.loads(row["result"])

    # -- blob data plane: committed blobs and uncommitted blocks, by their container's resource id ----------
    def blob(self, container_id: str, name: str, *, content: bool = True) -> dict | None:
        """The blob as ``{"name", "properties", "blocks", "size", "content"?}``, or None."""
        columns = "name, properties, blocks, length(content) AS size" + (", content" if content else "")
        row = self.db.execute(
            f"SELECT {columns} FROM blobs WHERE container_key = ? AND name = ?",
            (resource_key(container_id), name),
        ).fetchone()
        return _blob_row(row) if row else None

    def blob_range(self, container_id: str, name: str, start: int, length: int) -> bytes:
        """``length`` bytes of the blob's content from offset ``start`` (fewer at its end)."""
        row = self.db.execute(
            "SELECT substr(content, ?, ?) AS part FROM blobs WHERE container_key = ? AND name = ?",
            (start + 1, length, resource_key(container_id), name),
        ).fetchone()
        return bytes(row["part"]) if row and row["part"] is not None else b""

    def put_blob(self, container_id: str, name: str, properties: dict, content: bytes, blocks: list) -> None:
        """Create or replace a committed blob; its uncommitted blocks are discarded, as a commit does in Azure."""
        key = resource_key(container_id)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO blobs (container_key, name, properties, content, blocks) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (container_key, name) DO UPDATE SET properties = excluded.properties,"
                " content = excluded.content, blocks = excluded.blocks",
                (key, name, json.dumps(properties), content, json.dumps(blocks)),
            )
            db.execute("DELETE FROM blob_blocks WHERE container_key = ? AND blob_name = ?", (key, name))

    def delete_blob(self, container_id: str, name: str) -> bool:
        key = resource_key(container_id)
        with self.transaction() as db:
            db.execute("DELETE FROM blob_blocks WHERE container_key = ? AND blob_name = ?", (key, name))
            return db.execute("DELETE FROM blobs WHERE container_key = ? AND name = ?", (key, name)).rowcount > 0

    def list_blobs(self, container_id: str, prefix: str = "", start: str | None = None) -> list[dict]:
        """The committed blobs whose names start with ``prefix`` (and sort at or after ``start``), in name order
        (UTF-8 bytes, as Azure sorts them), without content."""
        sql = (
            "SELECT name, properties, blocks, length(content) AS size FROM blobs WHERE container_key = ?"
            " AND substr(name, 1, ?) = ?"
        )
        parameters: list = [resource_key(container_id), len(prefix), prefix]
        if start is not None:
            sql += " AND name >= ?"
            parameters.append(start)
        return [_blob_row(row) for row in self.db.execute(sql + " ORDER BY name", parameters)]

    def put_blob_block(self, container_id: str, blob_name: str, block_id: str, content: bytes) -> None:
        """Stage an uncommitted block; the same id staged again replaces the earlier block."""
        key = resource_key(container_id)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO blob_blocks (container_key, blob_name, block_id, content, seq) VALUES (?, ?, ?, ?,"
                " (SELECT COALESCE(MAX(seq), 0) + 1 FROM blob_blocks WHERE container_key = ? AND blob_name = ?))"
                " ON CONFLICT (container_key, blob_name, block_id) DO UPDATE SET content = excluded.content,"
                " seq = excluded.seq",
                (key, blob_name, block_id, content, key, blob_name),
            )

    def blob_blocks(self, container_id: str, blob_name: str) -> dict[str, bytes]:
        """The uncommitted blocks of a blob: id -> content."""
        rows = self.db.execute(
            "SELECT block_id, content FROM blob_blocks WHERE container_key = ? AND blob_name = ? ORDER BY seq",
            (resource_key(container_id), blob_name),
        )
        return {row["block_id"]: bytes(row["content"]) for row in rows}

    def blob_block_count(self, container_id: str, blob_name: str) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) AS count FROM blob_blocks WHERE container_key = ? AND blob_name = ?",
            (resource_key(container_id), blob_name),
        ).fetchone()
        return int(row["count"])


def _blob_row(row) -> dict:
    result = {
        "name": row["name"],
        "properties": json.loads(row["properties"]),
        "blocks": json.loads(row["blocks"]),
        "size": int(row["size"]),
    }
    if "content" in row.keys():
        result["content"] = bytes(row["content"])
    return result
