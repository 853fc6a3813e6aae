"""RBAC enforcement for Resource Manager requests: ``App.authorizer``.

Every ARM request -- a client's, or one a deployment makes as its caller (``localazure/pipeline.py``) -- is
checked twice over one cached lookup: once in the pipeline, for the operation its method and path name
(``rbac.operation_for``), and again wherever a handler calls ``app.authorize(request, action, scope)``
(deployment preflight checks each resource write of a template that way). A check evaluates the caller's role
assignments at the scope and its ancestors (``rbac.is_allowed``); a denial is ARM's 403 ``AuthorizationFailed``.

Reading the caller's assignments and their role definitions costs SQLite scans of the role tables, so they are
cached per request id (the reads of one template evaluation share one) and dropped whenever a role definition
or assignment changes (``invalidate_role_cache``). Identity, metadata and admin routes never get here (not ``arm`` routes).
Tenant-level reads (list subscriptions, tenant providers) and reading one's own permissions need no role, as
in Azure.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from localazure.errors import AzureError
from localazure.ids import parse_resource_path, scope_parts
from localazure.rbac.builtin_roles import BUILT_IN_ROLES
from localazure.rbac.evaluation import Assignment, authorization_failed, is_allowed
from localazure.rbac.operations import operation_for
from localazure.rbac.role_definitions import role_guid_of
from localazure.resource_types import ROLE_ASSIGNMENTS, ROLE_DEFINITIONS, type_key

_CACHE_SIZE = 256
_PROXIED_NAMESPACE = "microsoft.insights/"
_OPEN_ACTIONS = ("microsoft.authorization/permissions/read",)
_OPEN_TENANT_ACTIONS = ("/providers/microsoft.resources/calculatetemplatehash",)
# Lists ARM filters to what the caller may read instead of refusing them: resource groups of a subscription and
# the generic resources of a subscription or group (Resource Groups - List, Resources - List[ByResourceGroup]).
# Their routes filter item by item (``Authorizer.permits``).
_FILTERED_LISTS = re.compile(
    r"^/subscriptions/[^/]+(/resourcegroups|(/resourcegroups/[^/]+)?/resources)$", re.IGNORECASE
)


def _bodies_of_type(store, resource_type: str) -> list[dict]:
    return store.resources_of_type(resource_type)


def stored_role_assignments(store) -> list[dict]:
    return _bodies_of_type(store, type_key(ROLE_ASSIGNMENTS))


def stored_role_definitions(store) -> list[dict]:
    """The custom role definitions (built-in ones are in ``rbac.builtin_roles``)."""
    return _bodies_of_type(store, type_key(ROLE_DEFINITIONS))


def invalidate_role_cache(app) -> None:
    authorizer = getattr(app, "authorizer", None)
    if isinstance(authorizer, Authorizer):
        authorizer.invalidate()


def assignment_scope(body: dict) -> str:
    scope = (body.get("properties") or {}).get("scope")
    if scope:
        return scope
    return body["id"].lower().rsplit(f"/providers/{type_key(ROLE_ASSIGNMENTS)}/", 1)[0] or "/"


def _denial_scope(path: str, method: str) -> str:
    """The scope Azure names for a request: the resource, or the parent of a listed collection."""
    segments = [segment for segment in path.split("/") if segment]
    providers = max((index for index, segment in enumerate(segments) if segment.lower() == "providers"), default=-2)
    after = len(segments) - (providers + 2) if providers >= 0 else len(segments)
    if method in ("GET", "HEAD") and after % 2 == 1:
        segments = segments[:-1]
    return "/" + "/".join(segments)


def proxied_actions(action: str, scope: str) -> tuple[str, ...]:
    """The resource provider's own name of an Azure Monitor extension action on one of its resources, which a role
    may grant instead: ``Microsoft.MachineLearningServices/workspaces/providers/Microsoft.Insights/diagnosticSettings/
    write`` for ``Microsoft.Insights/diagnosticSettings/write`` on a workspace (the providers' operation lists name
    both; a role's ``workspaces/*/write`` covers the first, so it is what a closed role must exclude)."""
    if not action.lower().startswith(_PROXIED_NAMESPACE):
        return ()
    path = parse_resource_path(scope or "")
    target = parse_resource_path(path.scope) if path is not None else None
    if target is None or target.is_collection:
        return ()
    return (f"{target.full_type}/providers/{action}",)


class Authorizer:
    def __init__(self, app):
        self.app = app
        self._lock = threading.Lock()
        self._generation = 0
        self._cache: OrderedDict[str, tuple[int, list[Assignment]]] = OrderedDict()

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._cache.clear()

    # -- lookups -------------------------------------------------------------------------------------
    def assignments_of(self, object_id: str, cache_key: str | None = None) -> list[Assignment]:
        key = f"{cache_key}|{object_id.lower()}" if cache_key else None
        with self._lock:
            generation = self._generation
            cached = self._cache.get(key) if key else None
        if cached is not None and cached[0] == generation:
            return cached[1]
        assignments = self._load(object_id)
        if key:
            with self._lock:
                if generation == self._generation:
                    self._cache[key] = (generation, assignments)
                    while len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
        return assignments

    def _load(self, object_id: str) -> list[Assignment]:
        """The assignments to the principal and to the groups it belongs to (transitively, as Azure RBAC honours
        nested group membership)."""
        store = self.app.store
        wanted = {object_id.lower(), *store.groups_of(object_id)}
        mine = [
            body
            for body in stored_role_assignments(store)
            if str((body.get("properties") or {}).get("principalId", "")).lower() in wanted
        ]
        if not mine:
            return []
        custom = None
        result = []
        for body in mine:
            guid = role_guid_of((body.get("properties") or {}).get("roleDefinitionId"))
            definition = BUILT_IN_ROLES.get(guid or "")
            if definition is None:
                if custom is None:
                    custom = {item["name"].lower(): item for item in stored_role_definitions(store)}
                definition = custom.get(guid or "")
            if definition is not None:
                result.append(Assignment(assignment_scope(body), object_id, definition))
        return result

    # -- checks --------------------------------------------------------------------------------------
    def permits(self, request, action: str, scope: str) -> bool:
        """True when the caller may do ``action`` at ``scope`` (no principal: an internal call, always)."""
        principal = request.principal
        if principal is None:
            return True
        assignments = self.assignments_of(principal.object_id, getattr(request, "request_id", None))
        return is_allowed(assignments, scope or "/", action)

    def __call__(self, app, request, action: str, scope: str) -> None:
        """``app.authorize``'s hook: raise 403 AuthorizationFailed unless the caller may do ``action`` at ``scope``."""
        principal = request.principal
        if action.lower() in _OPEN_ACTIONS or (scope in ("", "/") and action.lower().endswith("/read")):
            return
        assignments = self.assignments_of(principal.object_id, getattr(request, "request_id", None))
        if any(
            is_allowed(assignments, scope or "/", candidate) for candidate in (action, *proxied_actions(action, scope))
        ):
            return
        # For a service principal ARM names its object id twice ("The client '<oid>' with object id '<oid>'", as
        # quoted in Azure/azure-sdk-for-net#1157 and #5026), not the application (client) id.
        status, body = authorization_failed(principal.object_id, principal.object_id, action, scope or "/")
        raise AzureError(status, body["error"]["code"], body["error"]["message"])

    def check_request(self, request) -> None:
        """The pipeline's check of an ARM request, for the operation its method and path name."""
        if request.principal is None:
            return
        path = request.path.rstrip("/") or "/"
        if not path.lower().startswith("/subscriptions/") and (
            request.method in ("GET", "HEAD") or path.lower() in _OPEN_TENANT_ACTIONS
        ):
            return  # tenant-level reads (subscriptions, providers, role definitions) and calculateTemplateHash
        if request.method == "GET" and _FILTERED_LISTS.match(path):
            return  # filtered by the route, item by item
        operation = operation_for(request.method, path)
        if operation is None:
            return
        subscription_id, _ = scope_parts(path)
        if subscription_id:
            # ARM answers an unknown subscription (404) and a token of another tenant (401) before authorizing.
            self.app.resources.check_subscription(subscription_id, request.principal)
        scope = _denial_scope(path, request.method) if request.method != "POST" else operation.scope
        self(self.app, request, operation.action, scope)
