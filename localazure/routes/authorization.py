"""Microsoft.Authorization routes the generic resource route cannot serve.

- Role definitions at any scope: ``{scope}/providers/Microsoft.Authorization/roleDefinitions[/{guid}]``. Reads
  include the built-in roles (their real ids; read through a subscription the id names it); writes and deletes
  of custom roles go to the subscription's copy through ``app.resources`` (validation, checks, hooks).
  ``$filter=roleName eq '...'`` and ``type eq 'BuiltInRole'|'CustomRole'`` are honoured.
- Listing role assignments at a scope: those at the scope, its ancestors and below it (``$filter=atScope()``
  keeps the scope and its ancestors; ``principalId eq '...'`` and ``assignedTo('...')`` keep one principal).
  Single assignments are ordinary extension resources (generic route), except that DELETE answers with the
  deleted assignment (200), or 204 when there was none, as RoleAssignments_Delete does.
"""

from __future__ import annotations

import re

from localazure.authorization import assignment_scope, stored_role_assignments, stored_role_definitions
from localazure.error_catalogue import METHOD_NOT_ALLOWED, ROLE_DEFINITION_DOES_NOT_EXIST
from localazure.errors import AzureError
from localazure.http import Response, json_response
from localazure.ids import ResourcePath, scope_parts
from localazure.rbac.builtin_roles import BUILT_IN_ROLES, built_in_role_as_seen_from
from localazure.rbac.scopes import scope_covers

NAMESPACE = "Microsoft.Authorization"
_SCOPE = r"(?P<scope>(?:/[^/]+)*?)/providers/Microsoft\.Authorization"
_QUOTED = re.compile(r"'([^']*)'")


def register(app) -> None:
    app.router.add(
        ["GET", "PUT", "DELETE"], _SCOPE + r"/roleDefinitions(?:/(?P<name>[^/]+))?", role_definitions, priority=60
    )
    app.router.add("GET", _SCOPE + r"/roleAssignments", list_role_assignments, priority=60)
    app.router.add("DELETE", _SCOPE + r"/roleAssignments/(?P<name>[^/]+)", delete_role_assignment, priority=60)


def _check_scope(app, request, scope: str) -> str | None:
    subscription_id, group = scope_parts(scope)
    if subscription_id:
        app.resources.check_subscription(subscription_id, request.principal)
    if group:
        app.resources.check_resource_group(subscription_id, group)
    return subscription_id


def _filter_values(request) -> str:
    return request.query.get("$filter", "") or ""


# -- role definitions ---------------------------------------------------------------------------------
def _definition_path(subscription_id: str | None, name: str) -> ResourcePath:
    return ResourcePath(
        f"/subscriptions/{subscription_id}" if subscription_id else "", NAMESPACE, ("roleDefinitions",), (name,)
    )


def _visible_definitions(app, scope: str, subscription_id: str | None) -> list[dict]:
    built_in = [
        built_in_role_as_seen_from(guid, subscription_id) if subscription_id else dict(body)
        for guid, body in BUILT_IN_ROLES.items()
    ]
    custom = [
        body
        for body in stored_role_definitions(app.store)
        if any(
            scope_covers(assignable, scope or "/") or scope_covers(scope or "/", assignable)
            for assignable in body["properties"].get("assignableScopes") or []
        )
    ]
    return built_in + custom


def _matches_filter(body: dict, text: str) -> bool:
    if not text:
        return True
    wanted = _QUOTED.findall(text)
    lowered = text.lower()
    if "rolename eq" in lowered and wanted:
        return body["properties"]["roleName"].casefold() == wanted[0].casefold()
    if "type eq" in lowered and wanted:
        return body["properties"]["type"].lower() == wanted[0].lower()
    return True


def _definition_not_found(name: str) -> AzureError:
    return ROLE_DEFINITION_DOES_NOT_EXIST(f"The specified role definition with ID '{name}' does not exist.")


def role_definitions(app, request, scope, name=None):
    subscription_id = _check_scope(app, request, scope)
    api_version = request.api_version
    app.resources.resource_type(_definition_path(subscription_id, name or "-"), api_version)
    if name is None:
        if request.method != "GET":
            raise METHOD_NOT_ALLOWED(f"The requested resource does not support http method '{request.method}'.")
        text = _filter_values(request)
        return json_response(
            {
                "value": [
                    body for body in _visible_definitions(app, scope, subscription_id) if _matches_filter(body, text)
                ]
            }
        )
    path = _definition_path(subscription_id, name)
    if request.method == "GET":
        if name.lower() in BUILT_IN_ROLES:
            return json_response(
                built_in_role_as_seen_from(name, subscription_id)
                if subscription_id
                else dict(BUILT_IN_ROLES[name.lower()])
            )
        body = next((item for item in stored_role_definitions(app.store) if item["name"].lower() == name.lower()), None)
        if body is None:
            raise _definition_not_found(name)
        return json_response(body)
    if request.method == "PUT":
        app.authorize(request, "Microsoft.Authorization/roleDefinitions/write", path.id)
        status, body, _ = app.resources.put(
            path, request.json(), api_version, principal=request.principal, request=request
        )
        return json_response(body, status)
    app.authorize(request, "Microsoft.Authorization/roleDefinitions/delete", path.id)
    existing = app.store.get_resource(path.id)
    if existing is None:
        return Response(status=204)
    app.resources.delete(path, api_version, principal=request.principal, request=request)
    return json_response(existing)


# -- role assignments -------------------------------------------------------------------------------
def list_role_assignments(app, request, scope):
    _check_scope(app, request, scope)
    app.resources.resource_type(ResourcePath(scope, NAMESPACE, ("roleAssignments",), ("-",)), request.api_version)
    text = _filter_values(request)
    lowered = text.lower()
    quoted = _QUOTED.findall(text)
    principal_id = quoted[0].lower() if quoted and ("principalid eq" in lowered or "assignedto(" in lowered) else None
    at_scope_only = "atscope()" in lowered
    target = scope or "/"
    value = []
    for body in stored_role_assignments(app.store):
        where = assignment_scope(body)
        above = scope_covers(where, target)
        below = scope_covers(target, where)
        if not (above or (below and not at_scope_only)):
            continue
        if principal_id and str(body["properties"].get("principalId", "")).lower() != principal_id:
            continue
        value.append(body)
    return json_response({"value": value})


def delete_role_assignment(app, request, scope, name):
    path = ResourcePath(scope, NAMESPACE, ("roleAssignments",), (name,))
    resource_type = app.resources.resource_type(path, request.api_version)
    app.authorize(request, resource_type.delete_action, path.id)
    existing = app.store.get_resource(path.id)
    status = app.resources.delete(path, request.api_version, principal=request.principal, request=request)[0]
    if status == 204 or existing is None:
        return Response(status=204)
    return json_response(existing)
