"""Role definitions and role assignments as resource types (so HTTP, seed and deployments write them alike).

Custom role definitions live at their subscription (``/subscriptions/{s}/providers/Microsoft.Authorization/
roleDefinitions/{guid}``, whatever scope they were written through; ``routes/authorization.py`` maps the other
scopes there and serves the built-in roles). Role assignments are extension resources at any scope:
``{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}``. Writes are checked with
``localazure.rbac.role_definitions`` and every change drops the authorizer's cached role lookups.
"""

from __future__ import annotations

import time

from localazure.authorization import invalidate_role_cache, stored_role_assignments, stored_role_definitions
from localazure.error_catalogue import (
    INVALID_ROLE_DEFINITION_SCOPE,
    ROLE_ASSIGNMENT_NOT_FOUND,
    ROLE_DEFINITION_HAS_ASSIGNMENTS,
)
from localazure.errors import AzureError
from localazure.rbac.builtin_roles import BUILT_IN_ROLES, role_definition_id
from localazure.rbac.role_definitions import check_role_assignment, check_role_definition, role_guid_of
from localazure.resource_types import ROLE_ASSIGNMENTS, ROLE_DEFINITIONS
from localazure.types._base import ValidatedType, properties_of
from localazure.types._identity import managed_identity_principal_ids

_PERMISSION_KEYS = ("actions", "notActions", "dataActions", "notDataActions")


def _raise_first(problems) -> None:
    if problems:
        problem = problems[0]
        raise AzureError(problem.status, problem.code, problem.message)


def _timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime())


def _caller(context) -> tuple[str, str]:
    principal = context.principal
    return (getattr(principal, "client_id", "") or "", getattr(principal, "object_id", "") or "")


class _InvalidatesRoleCache:
    """Role definitions and assignments: any write changes what the authorizer's cache knows."""

    def on_create(self, body, context):
        invalidate_role_cache(context.app)

    def on_update(self, body, previous, context):
        invalidate_role_cache(context.app)


def _stamp_audit(properties: dict, context) -> None:
    """createdOn/createdBy kept from the first write, updatedOn/updatedBy from this one, as Azure returns them."""
    object_id = _caller(context)[1]
    previous = properties_of(context.existing)
    now = _timestamp()
    properties.update(
        {
            "createdOn": previous.get("createdOn", now),
            "updatedOn": now,
            "createdBy": previous.get("createdBy", object_id or None),
            "updatedBy": object_id or None,
        }
    )


class RoleDefinition(_InvalidatesRoleCache, ValidatedType):
    def check(self, body, context):
        subscription_id = context.path.subscription_id
        if not subscription_id:
            # NOT VERIFIED: code and words; this endpoint keeps custom roles in a subscription.
            raise INVALID_ROLE_DEFINITION_SCOPE("Custom role definitions must be created at a subscription or below.")
        client_id, object_id = _caller(context)
        _raise_first(
            check_role_definition(
                context.path.name,
                body,
                subscription_id,
                stored_role_definitions(context.store),
                client_id=client_id,
                principal_object_id=object_id,
            )
        )

    def fill(self, result, context):
        properties = result["properties"]
        properties.pop("provisioningState", None)
        properties["type"] = "CustomRole"
        properties["permissions"] = [
            {key: list(block.get(key) or []) for key in _PERMISSION_KEYS}
            for block in properties.get("permissions") or []
        ]
        properties.setdefault("description", "")
        _stamp_audit(properties, context)

    def on_delete(self, body, context):
        guid = body["name"].lower()
        if any(
            role_guid_of(properties_of(item).get("roleDefinitionId")) == guid
            for item in stored_role_assignments(context.store)
        ):
            # Azure's code and words for deleting a role that is still assigned.
            raise ROLE_DEFINITION_HAS_ASSIGNMENTS(
                "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments)."
            )
        invalidate_role_cache(context.app)


class RoleAssignment(_InvalidatesRoleCache, ValidatedType):
    def not_found_error(self, path):
        # Code as Azure answers a missing role assignment (hashicorp/terraform-provider-azurerm#9379, #8584);
        # NOT VERIFIED: the wording.
        return ROLE_ASSIGNMENT_NOT_FOUND(f"The role assignment '{path.name}' is not found.")

    def check(self, body, context):
        definitions = {
            **BUILT_IN_ROLES,
            **{item["name"].lower(): item for item in stored_role_definitions(context.store)},
        }
        tenant_id = getattr(context.principal, "tenant_id", "") or ""
        _raise_first(
            check_role_assignment(
                context.path.name,
                body,
                context.path.scope or "/",
                stored_role_assignments(context.store),
                definitions,
                known_principal_ids=[
                    *context.store.directory_object_ids(),
                    *managed_identity_principal_ids(context.store),
                ],
                tenant_id=tenant_id,
            )
        )

    def fill(self, result, context):
        properties = result["properties"]
        properties.pop("provisioningState", None)
        guid = role_guid_of(properties.get("roleDefinitionId"))
        properties["roleDefinitionId"] = role_definition_id(guid, context.path.subscription_id)
        properties["scope"] = context.path.scope or "/"
        properties.setdefault("principalType", "ServicePrincipal")
        for optional in ("condition", "conditionVersion", "description", "delegatedManagedIdentityResourceId"):
            properties.setdefault(optional, None)
        _stamp_audit(properties, context)

    def on_delete(self, body, context):
        invalidate_role_cache(context.app)


def register(app) -> None:
    # RoleDefinitions_CreateOrUpdate answers 201 for a create and an update alike: azure-mgmt-authorization's
    # create_or_update (2022-04-01) accepts no other status. Neither API has a PATCH.
    app.registry.register(
        RoleDefinition(
            ROLE_DEFINITIONS, requires_location=False, update_status=201, methods=("GET", "HEAD", "PUT", "DELETE")
        )
    )
    app.registry.register(
        RoleAssignment(ROLE_ASSIGNMENTS, requires_location=False, methods=("GET", "HEAD", "PUT", "DELETE"))
    )
