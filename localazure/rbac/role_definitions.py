"""The checks Azure applies when a custom role definition or a role assignment is written.

Each check returns a list of ``Problem(status, code, message)``; an empty list means Azure would
accept the write. Where a code and message are Azure's own, the comment next to them names a public
place that quotes them verbatim. Where no verbatim source was found, the comment says
``NOT VERIFIED`` and the wording is this endpoint's; keep those few in sync with Azure when a real
response turns up.
"""

from collections.abc import Mapping
from typing import NamedTuple

from localazure.rbac.builtin_roles import BUILT_IN_ROLES
from localazure.rbac.scopes import ROOT_SCOPE, is_guid, normalize_scope, scope_covers
from localazure.resource_types import ROLE_DEFINITIONS, type_key

_ROLE_DEFINITION_PREFIX = f"/providers/{type_key(ROLE_DEFINITIONS)}/"
# The principalType values of the API definition (azure-mgmt-authorization, 2022-04-01).
_PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal", "ForeignGroup", "Device")


class Problem(NamedTuple):
    """One reason Azure rejects a write, with the HTTP status and the ARM error code and message."""

    status: int
    code: str
    message: str

    def error_body(self):
        return {"error": {"code": self.code, "message": self.message}}


def _properties(body):
    properties = (body or {}).get("properties")
    return properties if isinstance(properties, dict) else {}


def _bodies(definitions):
    return list(definitions.values()) if isinstance(definitions, Mapping) else list(definitions or ())


def _is_custom(definition):
    return str(_properties(definition).get("type", "")).lower() != "builtinrole"


# --- role definitions ------------------------------------------------------------------------------


def _check_name(name):
    if not is_guid(name):
        # NOT VERIFIED: code and wording chosen here; Azure requires a GUID name (role-definitions.md).
        return [
            Problem(400, "InvalidRoleDefinitionId", f"The role definition ID '{name}' is not valid. It must be a GUID.")
        ]
    if name.lower() in BUILT_IN_ROLES:
        # NOT VERIFIED: built-in roles cannot be changed (custom-roles.md); code and wording chosen here.
        return [
            Problem(403, "BuiltInRoleUpdateNotPermitted", f"The built-in role definition '{name}' cannot be modified.")
        ]
    return []


def _check_role_name_and_type(properties):
    problems = []
    if not str(properties.get("roleName") or "").strip():
        # NOT VERIFIED: Azure requires roleName (custom-roles.md, "Custom role properties"); wording chosen here.
        problems.append(Problem(400, "InvalidRoleDefinitionName", "The role definition must have a roleName."))
    role_type = properties.get("type")
    if role_type is not None and str(role_type).lower() != "customrole":
        # NOT VERIFIED: only custom roles can be written; ARM templates write 'customRole'. Wording chosen here.
        problems.append(
            Problem(
                400,
                "InvalidRoleDefinitionType",
                f"The role definition type '{role_type}' is not valid. Only 'CustomRole' can be written.",
            )
        )
    return problems


def _linked_authorization_failed(subscription_id, outside_scopes, client_id, principal_object_id):
    # Verbatim shape from MicrosoftDocs/azure-docs articles/role-based-access-control/troubleshooting.md,
    # "Symptom - Unable to create or update a custom role" (its odd spacing kept). Code LinkedAuthorizationFailed.
    linked = ",".join(outside_scopes)
    message = (
        f"The client '{client_id}' with object id '{principal_object_id}' has permission to perform action "
        f"'Microsoft.Authorization/roleDefinitions/write' on scope '/subscriptions/{subscription_id}'; however, "
        f"it does not have permission to perform action 'Microsoft.Authorization/roleDefinitions/write' on the "
        f"linked scope(s)'{linked}' or the linked scope(s)are invalid"
    )
    return Problem(403, "LinkedAuthorizationFailed", message)


def _check_assignable_scopes(properties, subscription_id, client_id, principal_object_id):
    scopes = properties.get("assignableScopes")
    if not isinstance(scopes, list) or not scopes:
        # NOT VERIFIED: assignableScopes is required (role-definitions.md "AssignableScopes"); wording chosen here.
        return [Problem(400, "InvalidAssignableScopes", "The role definition must have at least one assignable scope.")]
    problems = []
    outside = []
    for scope in scopes:
        if not isinstance(scope, str) or not scope.startswith("/"):
            # NOT VERIFIED: wording chosen here.
            problems.append(Problem(400, "InvalidAssignableScopes", f"The assignable scope '{scope}' is not valid."))
        elif normalize_scope(scope) == ROOT_SCOPE:
            # NOT VERIFIED: custom roles cannot use the root scope '/' (role-definitions.md); wording chosen here.
            problems.append(
                Problem(
                    400, "InvalidAssignableScopes", "The root scope '/' cannot be an assignable scope of a custom role."
                )
            )
        elif not scope_covers(f"/subscriptions/{subscription_id}", scope):
            outside.append(scope)
    if outside:
        problems.append(_linked_authorization_failed(subscription_id, outside, client_id, principal_object_id))
    return problems


def _looks_like_operation(action):
    return isinstance(action, str) and (action == "*" or ("/" in action and not action.startswith("/")))


def _check_permissions(properties):
    blocks = properties.get("permissions")
    if not isinstance(blocks, list) or not blocks:
        # NOT VERIFIED: wording chosen here.
        return [Problem(400, "InvalidRoleDefinitionPermissions", "The role definition must have permissions.")]
    problems = []
    for block in blocks:
        if not isinstance(block, dict):
            problems.append(Problem(400, "InvalidRoleDefinitionPermissions", "Each permission must be an object."))
            continue
        for key in ("actions", "notActions", "dataActions", "notDataActions"):
            values = block.get(key) or []
            if not isinstance(values, list):
                problems.append(Problem(400, "InvalidRoleDefinitionPermissions", f"'{key}' must be a list of strings."))
                continue
            for action in values:
                if not _looks_like_operation(action):
                    # Code and message as Azure returns them, quoted in a public Terraform module comment:
                    # Status=400 Code="InvalidActionOrNotAction" Message="'Microsoft.Billing/billingPeriods/read'
                    # does not match any of the actions supported by the providers." Azure checks against the
                    # providers' operation catalogue; this endpoint only rejects strings that cannot be operations.
                    message = f"'{action}' does not match any of the actions supported by the providers."
                    problems.append(Problem(400, "InvalidActionOrNotAction", message))
    return problems


def _check_unique_role_name(name, properties, existing_definitions):
    """Role names are unique in the tenant, built-in roles' names included (compared case-insensitively)."""
    role_name = str(properties.get("roleName") or "").strip().casefold()
    if not role_name:
        return []
    custom = [other for other in _bodies(existing_definitions) if _is_custom(other)]
    for other in custom + list(BUILT_IN_ROLES.values()):
        if str(other.get("name", "")).lower() == name.lower():
            continue
        if str(_properties(other).get("roleName", "")).strip().casefold() == role_name:
            # Verbatim: Azure/ARO-RP#1346 and hashicorp/terraform-provider-azurerm#10728
            # ({"code": "RoleDefinitionWithSameNameExists", "message": "A role definition cannot be updated
            # with a name that already exists."}, a 409 Conflict). NOT VERIFIED: that a built-in role's name
            # gets the same answer; Azure refuses it (custom-roles.md: names must be unique in the directory).
            return [
                Problem(
                    409,
                    "RoleDefinitionWithSameNameExists",
                    "A role definition cannot be updated with a name that already exists.",
                )
            ]
    return []


def check_role_definition(name, body, subscription_id, existing_definitions, *, client_id="", principal_object_id=""):
    """Problems with ``PUT .../providers/Microsoft.Authorization/roleDefinitions/{name}`` in a subscription.

    ``existing_definitions`` holds the tenant's custom role definitions (ARM bodies, as a list or a mapping);
    the name check adds the built-in ones itself. ``client_id`` and ``principal_object_id`` name the
    caller in the LinkedAuthorizationFailed message.
    """
    problems = _check_name(name)
    if problems:
        return problems
    properties = _properties(body)
    problems += _check_role_name_and_type(properties)
    problems += _check_assignable_scopes(properties, subscription_id, client_id, principal_object_id)
    problems += _check_permissions(properties)
    problems += _check_unique_role_name(name, properties, existing_definitions)
    return problems


# --- role assignments ------------------------------------------------------------------------------


def role_guid_of(role_definition_id):
    """The GUID at the end of a role definition id, or None when the id has not that shape."""
    if not isinstance(role_definition_id, str):
        return None
    lowered = role_definition_id.lower()
    marker = lowered.rfind(_ROLE_DEFINITION_PREFIX)
    if marker < 0:
        return None
    prefix = normalize_scope(role_definition_id[:marker]) if marker else ROOT_SCOPE
    if prefix != ROOT_SCOPE and not (prefix.startswith("/subscriptions/") and prefix.count("/") == 2):
        return None
    guid = role_definition_id[marker + len(_ROLE_DEFINITION_PREFIX) :]
    return guid.lower() if is_guid(guid) else None


def _definitions_by_guid(role_definitions):
    return {str(body.get("name", "")).lower(): body for body in _bodies(role_definitions)}


def _check_assignment_shape(name, properties, scope):
    if not is_guid(name):
        # Verbatim: Azure/bicep#8737 ("InvalidRoleAssignmentId: The role assignment ID must be a GUID").
        return [Problem(400, "InvalidRoleAssignmentId", "The role assignment ID must be a GUID")]
    problems = []
    body_scope = properties.get("scope")
    if body_scope and normalize_scope(body_scope) != normalize_scope(scope):
        # Verbatim from an ARM deployment error (BadRequest) quoted in public deployment logs:
        # "The request to create role assignment '<name>' is not valid. Role assignment scope '<scope>' must
        # match the scope specified on the URI '<uri scope>'."
        problems.append(
            Problem(
                400,
                "InvalidCreateRoleAssignmentRequest",
                f"The request to create role assignment '{name}' is not valid. Role assignment scope "
                f"'{body_scope}' must match the scope specified on the URI '{scope}'.",
            )
        )
    for required in ("roleDefinitionId", "principalId"):
        if not properties.get(required):
            # NOT VERIFIED: both are required by the API definition; wording chosen here.
            problems.append(
                Problem(400, "MissingRequiredProperty", f"The role assignment property '{required}' is required.")
            )
    principal_type = properties.get("principalType")
    if principal_type is not None and str(principal_type).lower() not in {kind.lower() for kind in _PRINCIPAL_TYPES}:
        # NOT VERIFIED: the enum is the API definition's (2022-04-01); code and wording chosen here.
        problems.append(
            Problem(
                400,
                "InvalidPrincipalType",
                f"The principal type '{principal_type}' is not valid. Valid values are: "
                + ", ".join(_PRINCIPAL_TYPES)
                + ".",
            )
        )
    return problems


def _check_role_exists(properties, scope, role_definitions):
    role_definition_id = properties.get("roleDefinitionId")
    guid = role_guid_of(role_definition_id)
    if guid is None:
        # Code as Azure fails such deployments (public reports of 'InvalidRoleDefinitionId' for a role name
        # passed instead of an id); NOT VERIFIED: the wording.
        return [Problem(400, "InvalidRoleDefinitionId", f"The role definition ID '{role_definition_id}' is not valid.")]
    definition = _definitions_by_guid(role_definitions).get(guid)
    # Message verbatim: "The specified role definition with ID '<id>' does not exist." (quoted in the
    # Azure/terraform-azurerm-caf-enterprise-scale troubleshooting wiki).
    missing = Problem(
        400, "RoleDefinitionDoesNotExist", f"The specified role definition with ID '{guid}' does not exist."
    )
    if definition is None:
        return [missing]
    assignable = _properties(definition).get("assignableScopes") or [ROOT_SCOPE]
    if not any(scope_covers(assignable_scope, scope) for assignable_scope in assignable):
        # A custom role is only visible at its assignable scopes and below, so outside them Azure does not
        # find it. NOT VERIFIED that Azure answers with this code rather than a dedicated one.
        return [missing]
    return []


def _principal_not_found(principal_id, tenant_id):
    # Verbatim from MicrosoftDocs/azure-docs articles/role-based-access-control/troubleshooting.md,
    # "Symptom - Assigning a role to a new principal sometimes fails" (double space kept).
    return Problem(
        400,
        "PrincipalNotFound",
        f"Principal {principal_id} does not exist in the directory {tenant_id}. Check that you have the "
        "correct principal ID. If you are creating this principal and then immediately assigning a role, "
        "this error might be related to a replication delay. In this case, set the role assignment "
        "principalType property to a value, such as ServicePrincipal, User, or Group.  "
        "See https://aka.ms/docs-principaltype",
    )


def _same(left, right):
    return str(left or "").lower() == str(right or "").lower()


def _check_against_existing(name, properties, scope, existing_assignments):
    wanted_role = role_guid_of(properties.get("roleDefinitionId"))
    for other in existing_assignments or ():
        other_properties = _properties(other)
        other_scope = other_properties.get("scope") or ""
        same_principal = _same(other_properties.get("principalId"), properties.get("principalId"))
        same_scope = normalize_scope(other_scope) == normalize_scope(scope) if other_scope else False
        if _same(other.get("name"), name):
            same_role = role_guid_of(other_properties.get("roleDefinitionId")) == wanted_role
            if not (same_principal and same_scope and same_role):
                # Verbatim, MicrosoftDocs/azure-docs troubleshooting.md, "ARM template role assignment returns
                # BadRequest status": "Tenant ID, application ID, principal ID, and scope are not allowed to be
                # updated. (code: RoleAssignmentUpdateNotPermitted)". A role assignment cannot be updated at all:
                # reusing its name for another role gets the same answer (jasonmasten.com, 2021-04-13, "Tenant ID,
                # application ID, principal ID, and scope are not allowed to be updated"; OfficeDev/microsoft-teams-
                # apps-company-communicator#701).
                return [
                    Problem(
                        400,
                        "RoleAssignmentUpdateNotPermitted",
                        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
                    )
                ]
            continue
        if same_principal and same_scope and role_guid_of(other_properties.get("roleDefinitionId")) == wanted_role:
            # Verbatim: Azure-Samples/azure-search-openai-demo#1091
            # ({"code": "RoleAssignmentExists", "message": "The role assignment already exists."}), 409 Conflict.
            return [Problem(409, "RoleAssignmentExists", "The role assignment already exists.")]
    return []


def check_role_assignment(
    name, body, scope, existing_assignments, role_definitions, *, known_principal_ids=None, tenant_id=""
):
    """Problems with ``PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name}``.

    ``existing_assignments`` holds the tenant's role assignments as ARM bodies (names are unique across
    the tenant); ``role_definitions`` the role definitions visible to the endpoint (built-in and custom, a
    list or a mapping of ARM bodies). When ``known_principal_ids`` is given, an unknown principal is
    rejected as Azure does for a principal missing from the directory.
    """
    properties = _properties(body)
    problems = _check_assignment_shape(name, properties, scope)
    if problems:
        return problems
    problems = _check_role_exists(properties, scope, role_definitions)
    if problems:
        return problems
    if known_principal_ids is not None:
        known = {str(principal).lower() for principal in known_principal_ids}
        if str(properties["principalId"]).lower() not in known:
            return [_principal_not_found(properties["principalId"], tenant_id)]
    return _check_against_existing(name, properties, scope, existing_assignments)
