"""The ``Microsoft.Authorization/locks`` resource type; enforcement is ``localazure/locks.py``."""

from __future__ import annotations

from localazure.locks import lock_scope
from localazure.rbac.scopes import normalize_scope, scope_covers
from localazure.resource_types import MANAGEMENT_LOCKS, type_key
from localazure.types._base import ValidatedType


class ManagementLock(ValidatedType):
    """The lock resource as Azure returns it: ``{id, type, name, properties: {level, notes?, owners?}}``."""

    def fill(self, result, context):
        result["properties"].pop("provisioningState", None)

    def listed(self, store, parent_id: str) -> list[dict]:
        """Locks - List at a scope: the locks at the scope and below it (a resource group's list shows the locks
        of its resources)."""
        scope = normalize_scope(parent_id)
        return [
            body
            for body in store.resources_of_type(type_key(MANAGEMENT_LOCKS))
            if scope_covers(scope, lock_scope(body["id"]))
        ]


def register(app) -> None:
    app.registry.register(
        ManagementLock(MANAGEMENT_LOCKS, requires_location=False, methods=("GET", "HEAD", "PUT", "DELETE"))
    )
