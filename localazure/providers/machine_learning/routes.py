"""Routes the generic resource route cannot serve: query parameters of the ML API and the deleted-workspace list.

- ``DELETE .../workspaces/{name}?forceToPurge=true``: permanent delete of a live or soft-deleted workspace.
- ``DELETE .../computes/{name}?underlyingResourceAction=Delete|Detach``: the parameter is required.
- ``GET .../datastores?isDefault=true``: azure-ai-ml's ``get_default`` filters the list with it.
- ``GET /_admin/machine-learning/deleted-workspaces[?subscription=...]``: Azure lists soft-deleted workspaces
  only in the portal ("Recently deleted"), so this endpoint shows them on an admin route for tests.
"""

from __future__ import annotations

from localazure.errors import AzureError
from localazure.http import Response, json_response
from localazure.ids import parse_resource_path
from localazure.routes.generic import resource_route

from . import soft_delete
from .errors import bad_argument
from .versions import COMPUTE_TYPE, WORKSPACE_TYPE

_PREFIX = r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.MachineLearningServices/workspaces"
UNDERLYING_ACTIONS = ("delete", "detach")


def register(app) -> None:
    app.router.add("DELETE", _PREFIX + r"/[^/]+", delete_workspace, priority=80)
    app.router.add("DELETE", _PREFIX + r"/[^/]+/computes/[^/]+", delete_compute, priority=80)
    app.router.add("GET", _PREFIX + r"/[^/]+/datastores", list_datastores, priority=80)
    app.router.add("GET", r"/_admin/machine-learning/deleted-workspaces", deleted_workspaces, kind="admin")


def _flag(request, name: str) -> bool:
    return request.query.get(name.lower(), "").lower() == "true"


def delete_workspace(app, request):
    path = parse_resource_path(request.path)
    purge = _flag(request, "forceToPurge")
    if app.store.resource_exists(path.id):
        if not purge:
            return resource_route(app, request, request.path)
        soft_delete.request_purge(app.store, path.id, path.subscription_id)
        try:
            return resource_route(app, request, request.path)
        except AzureError:
            soft_delete.cancel_purge_request(app.store, path.id)
            raise
    app.resources.resource_type(path, request.api_version)
    app.authorize(request, app.registry.get(WORKSPACE_TYPE).delete_action, path.id)
    app.resources.check_scope(path, request.principal, parent=False)
    if purge and soft_delete.purge(app.store, path.id):
        return Response(status=200)
    return Response(status=204)


def delete_compute(app, request):
    action = request.query.get("underlyingresourceaction")
    if action is None or action.lower() not in UNDERLYING_ACTIONS:
        path = parse_resource_path(request.path)
        app.resources.resource_type(path, request.api_version)
        app.authorize(request, app.registry.get(COMPUTE_TYPE).delete_action, path.id)
        shown = "missing" if action is None else f"'{action}'"
        raise bad_argument(
            f"The query parameter underlyingResourceAction is {shown}; it must be Delete or Detach.",
            target="underlyingResourceAction",
        )
    return resource_route(app, request, request.path)


def list_datastores(app, request):
    response = resource_route(app, request, request.path)
    if "isdefault" not in request.query or response.status != 200:
        return response
    wanted = request.query["isdefault"].lower() == "true"
    listed = [
        item for item in response.body["value"] if bool((item.get("properties") or {}).get("isDefault")) == wanted
    ]
    return json_response({**response.body, "value": listed})


def deleted_workspaces(app, request):
    return json_response({"value": soft_delete.list_soft_deleted(app.store, request.query.get("subscription"))})
