"""Role evaluation: what a principal may do at a scope, and Azure's answer when it may not.

Azure's rule (MicrosoftDocs/azure-docs articles/role-based-access-control/role-definitions.md and
overview.md): the effective permissions at a scope are the union, over every role assignment at that
scope or an ancestor, of the role's Actions minus its NotActions. NotActions are not deny rules: they
only narrow the role they are written in, so another role may still grant the same action. DataActions
and NotDataActions work the same way and are evaluated separately from Actions.
"""

from dataclasses import dataclass

from localazure.rbac.action_patterns import matches_any
from localazure.rbac.scopes import scope_covers

_PERMISSION_KEYS = ("actions", "notActions", "dataActions", "notDataActions")


@dataclass(frozen=True)
class Assignment:
    """A role assignment: who (principal_id) holds which role (its ARM body) where (scope)."""

    scope: str
    principal_id: str
    role_definition: dict


def role_permissions(role_definition):
    """The permission blocks of a role definition, ARM body (``properties.permissions``) or flat."""
    properties = role_definition.get("properties", role_definition)
    return properties.get("permissions") or []


def assignments_of(assignments, principal_id):
    """The assignments held by one principal (object ids compare case-insensitively)."""
    wanted = principal_id.lower()
    return [assignment for assignment in assignments if assignment.principal_id.lower() == wanted]


def applicable_assignments(assignments, scope):
    """The assignments at ``scope`` or one of its ancestors."""
    return [assignment for assignment in assignments if scope_covers(assignment.scope, scope)]


def _block_grants(block, action, data_action):
    allowed, excluded = ("dataActions", "notDataActions") if data_action else ("actions", "notActions")
    return matches_any(block.get(allowed), action) and not matches_any(block.get(excluded), action)


def is_allowed(assignments, scope, action, data_action=False):
    """True when any applicable assignment's role grants ``action`` (a data action if ``data_action``)."""
    for assignment in applicable_assignments(assignments, scope):
        for block in role_permissions(assignment.role_definition):
            if _block_grants(block, action, data_action):
                return True
    return False


def effective_permissions(assignments, scope):
    """What ``GET {scope}/providers/Microsoft.Authorization/permissions`` lists in ``value``.

    One entry per permission block of each applicable assignment, with the four lists Azure returns
    (the ``Permission`` model of azure-mgmt-authorization: actions, notActions, dataActions,
    notDataActions). The caller wraps the list as ``{"value": [...]}``.
    """
    entries = []
    for assignment in applicable_assignments(assignments, scope):
        for block in role_permissions(assignment.role_definition):
            entries.append({key: list(block.get(key) or []) for key in _PERMISSION_KEYS})
    return entries


def authorization_failed(principal_object_id, client_id, action, scope):
    """Azure's 403 for a denied request, as (status, body).

    Message verbatim as Azure Resource Manager returns it, e.g. quoted in Azure/ARO-RP#66:
    "The client '<id>' with object id '<oid>' does not have authorization to perform action
    'Microsoft.Storage/storageAccounts/write' over scope '<scope>' or the scope is invalid. If access
    was recently granted, please refresh your credentials."
    """
    message = (
        f"The client '{client_id}' with object id '{principal_object_id}' does not have authorization to "
        f"perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently "
        "granted, please refresh your credentials."
    )
    return 403, {"error": {"code": "AuthorizationFailed", "message": message}}
