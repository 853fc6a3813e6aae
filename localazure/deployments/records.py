"""Deployments and their operations in the endpoint's SQLite store (tables of their own: a deployment is not
a resource of its resource group, so it never shows in the group's resource list nor in complete-mode
deletions).

Nothing stored here holds a secure parameter's value: request bodies are stored with secure values removed,
and everything a run records is scrubbed first (see ``secrets.py``).
"""

from __future__ import annotations

import json
import time

from localazure.error_catalogue import DEPLOYMENT_NAME_INVALID_CHARACTERS, DEPLOYMENT_NAME_LENGTH_LIMIT_EXCEEDED
from localazure.ids import invalid_name_characters
from localazure.store import resource_key

SCHEMA = """
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
"""
ACTIVE = ("Accepted", "Running")
# azure-rest-api-specs (resources, deployments): deploymentName is 1-64 characters matching ^[-\w\._\(\)]+$.
# The codes are those of ARM's list of deployment errors (DeploymentNameLengthLimitExceeded,
# DeploymentNameInvalidCharacters); NOT VERIFIED: ARM's exact message text.
NAME_LIMIT = 64


def check_name(name: str) -> None:
    """ARM's 400 for a deployment name it would not store."""
    if len(name) > NAME_LIMIT:
        raise DEPLOYMENT_NAME_LENGTH_LIMIT_EXCEEDED(
            f"The provided deployment name '{name}' has a length of '{len(name)}' which exceeds the "
            f"maximum length of '{NAME_LIMIT}'. Please see https://aka.ms/arm-deploy for usage details."
        )
    invalid = invalid_name_characters(name)
    if invalid or not name:
        raise DEPLOYMENT_NAME_INVALID_CHARACTERS(
            f"The provided deployment name '{name}' has these invalid characters: '{invalid}'. "
            "The name can only be a letter, digit, '-', '.', '(', ')' or '_'. Please see "
            "https://aka.ms/arm-deploy for usage details."
        )


class DeploymentRecords:
    def __init__(self, store):
        self.store = store
        store.db.executescript(SCHEMA)

    # -- deployments --------------------------------------------------------------------------------
    def get(self, deployment_id: str) -> dict | None:
        row = self.store.db.execute(
            "SELECT body FROM deployments WHERE key = ?", (resource_key(deployment_id),)
        ).fetchone()
        return json.loads(row["body"]) if row else None

    def get_row(self, deployment_id: str) -> dict | None:
        row = self.store.db.execute(
            "SELECT * FROM deployments WHERE key = ?", (resource_key(deployment_id),)
        ).fetchone()
        if row is None:
            return None
        return {
            "body": json.loads(row["body"]),
            "request": json.loads(row["request"]),
            "operation_id": row["operation_id"],
            "created_at": row["created_at"],
        }

    def list(self, scope_id: str) -> list[dict]:
        rows = self.store.db.execute(
            "SELECT body FROM deployments WHERE scope_key = ? ORDER BY created_at", (resource_key(scope_id),)
        )
        return [json.loads(row["body"]) for row in rows]

    def create(self, deployment_id: str, scope_id: str, body: dict, request: dict, operation_id: str) -> None:
        """A new run of the deployment: replaces the earlier one and forgets its operations."""
        key, now = resource_key(deployment_id), time.time()
        with self.store.transaction() as db:
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

    def update(self, deployment_id: str, body: dict) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE deployments SET body = ?, updated_at = ? WHERE key = ?",
                (json.dumps(body), time.time(), resource_key(deployment_id)),
            )

    def delete(self, deployment_id: str) -> None:
        key = resource_key(deployment_id)
        with self.store.transaction() as db:
            db.execute("DELETE FROM deployment_operations WHERE deployment_key = ?", (key,))
            db.execute("DELETE FROM deployments WHERE key = ?", (key,))

    def delete_scope(self, scope_id: str) -> None:
        """Forget every deployment at a scope (a deleted resource group's), with their operations."""
        with self.store.transaction() as db:
            db.execute(
                "DELETE FROM deployment_operations WHERE deployment_key IN "
                "(SELECT key FROM deployments WHERE scope_key = ?)",
                (resource_key(scope_id),),
            )
            db.execute("DELETE FROM deployments WHERE scope_key = ?", (resource_key(scope_id),))

    def interrupted(self) -> list[dict]:
        """Deployments a stopped endpoint left Accepted or Running."""
        rows = self.store.db.execute("SELECT body FROM deployments")
        return [
            body
            for body in (json.loads(row["body"]) for row in rows)
            if body["properties"].get("provisioningState") in ACTIVE
        ]

    # -- operations ---------------------------------------------------------------------------------
    def put_operation(self, deployment_id: str, operation: dict) -> None:
        key = resource_key(deployment_id)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO deployment_operations (deployment_key, operation_id, seq, body) VALUES "
                "(?, ?, (SELECT COUNT(*) FROM deployment_operations WHERE deployment_key = ?), ?) "
                "ON CONFLICT (deployment_key, operation_id) DO UPDATE SET body = excluded.body",
                (key, operation["operationId"], key, json.dumps(operation)),
            )

    def operations(self, deployment_id: str) -> list[dict]:
        rows = self.store.db.execute(
            "SELECT body FROM deployment_operations WHERE deployment_key = ? ORDER BY seq",
            (resource_key(deployment_id),),
        )
        return [json.loads(row["body"]) for row in rows]

    # -- what-if results ----------------------------------------------------------------------------
    def save_what_if(self, token: str, subscription_id: str, result: dict) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO deployment_whatif_results VALUES (?, ?, 0, ?, ?)",
                (token, subscription_id.lower(), json.dumps(result), time.time()),
            )

    def poll_what_if(self, token: str, subscription_id: str) -> tuple[int, dict] | None:
        """(polls before this one, result), or None for an unknown token."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT polls, result FROM deployment_whatif_results WHERE token = ? AND subscription_id = ?",
                (token.lower(), subscription_id.lower()),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE deployment_whatif_results SET polls = polls + 1 WHERE token = ?", (token.lower(),))
        return row["polls"], json.loads(row["result"])
