"""Deployments and their operations in the endpoint's SQLite store (``Store``'s deployment tables: a deployment
is not a resource of its resource group, so it never shows in the group's resource list nor in complete-mode
deletions).

Nothing stored here holds a secure parameter's value: request bodies are stored with secure values removed,
and everything a run records is scrubbed first (see ``secrets.py``).
"""

from __future__ import annotations

from localazure.error_catalogue import DEPLOYMENT_NAME_INVALID_CHARACTERS, DEPLOYMENT_NAME_LENGTH_LIMIT_EXCEEDED
from localazure.ids import invalid_name_characters

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
    """The deployments of the endpoint's store (``Store``'s deployment tables)."""

    def __init__(self, store):
        self.store = store

    # -- deployments --------------------------------------------------------------------------------
    def get(self, deployment_id: str) -> dict | None:
        return self.store.deployment(deployment_id)

    def get_row(self, deployment_id: str) -> dict | None:
        return self.store.deployment_row(deployment_id)

    def list(self, scope_id: str) -> list[dict]:
        return self.store.deployments(scope_id)

    def create(self, deployment_id: str, scope_id: str, body: dict, request: dict, operation_id: str) -> None:
        """A new run of the deployment: replaces the earlier one and forgets its operations."""
        self.store.start_deployment(deployment_id, scope_id, body, request, operation_id)

    def update(self, deployment_id: str, body: dict) -> None:
        self.store.set_deployment_body(deployment_id, body)

    def delete(self, deployment_id: str) -> None:
        self.store.delete_deployment(deployment_id)

    def delete_scope(self, scope_id: str) -> None:
        """Forget every deployment at a scope (a deleted resource group's), with their operations."""
        self.store.delete_deployments_at(scope_id)

    def interrupted(self) -> list[dict]:
        """Deployments a stopped endpoint left Accepted or Running."""
        return [body for body in self.store.deployments() if body["properties"].get("provisioningState") in ACTIVE]

    # -- operations ---------------------------------------------------------------------------------
    def put_operation(self, deployment_id: str, operation: dict) -> None:
        self.store.put_deployment_operation(deployment_id, operation)

    def operations(self, deployment_id: str) -> list[dict]:
        return self.store.deployment_operations(deployment_id)

    # -- what-if results ----------------------------------------------------------------------------
    def save_what_if(self, token: str, subscription_id: str, result: dict) -> None:
        self.store.add_what_if_result(token, subscription_id, result)

    def poll_what_if(self, token: str, subscription_id: str) -> tuple[int, dict] | None:
        """(polls before this one, result), or None for an unknown token."""
        return self.store.poll_what_if_result(token, subscription_id)
