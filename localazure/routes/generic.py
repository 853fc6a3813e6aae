"""The generic ARM resource route: ``{scope}/providers/{namespace}/{type}/{name}[/{childType}/{childName}...]``,
dispatched through the resource type registry, and the status/result routes of long-running operations."""

from __future__ import annotations

from localazure.error_catalogue import INVALID_RESOURCE_TYPE, METHOD_NOT_ALLOWED, NOT_FOUND, OPERATION_NOT_FOUND
from localazure.http import Response, json_response
from localazure.ids import parse_resource_path
from localazure.operations import lro_headers
from localazure.resources import not_found

DEFAULT_OPERATION_SEGMENTS = {
    "operationstatuses",
    "asyncoperations",
    "operations",
    "operationresults",
    "operationsstatus",
    "mfeoperationsstatus",
    "mfeoperationresults",
}


def register(app) -> None:
    app.router.add(
        "GET",
        r"/subscriptions/(?P<subscription_id>[^/]+)/providers/(?P<namespace>[^/]+)/locations/"
        r"(?P<location>[^/]+)/(?P<segment>[^/]+)/(?P<operation_id>[^/]+)",
        operation_route,
        priority=40,
    )
    app.router.add(
        ["GET", "HEAD", "PUT", "PATCH", "DELETE", "POST"],
        r"(?P<resource_path>(?:/[^/]+)*/providers/.+)",
        resource_route,
        priority=90,
    )


def operation_segments(app) -> dict[str, str]:
    """Lower-cased path segment -> "status" or "result"."""
    segments = {name: ("result" if "result" in name else "status") for name in DEFAULT_OPERATION_SEGMENTS}
    for types in app.registry.namespaces().values():
        for item in types:
            segments[item.status_segment.lower()] = "status"
            segments[item.result_segment.lower()] = "result"
    return segments


def _location_of(app, path, body) -> str:
    if isinstance(body, dict) and isinstance(body.get("location"), str):
        return body["location"].replace(" ", "").lower()
    if path.resource_group_id:
        group = app.store.get_resource(path.resource_group_id)
        if group:
            return group["location"]
    return "global"


def resource_route(app, request, resource_path):
    path = parse_resource_path(resource_path)
    if path is None:
        raise NOT_FOUND(f"The requested path '{request.path}' was not found.")
    service = app.resources
    api_version = request.api_version
    if request.method == "POST":
        return _action(app, request, path)
    if path.is_collection:
        if request.method != "GET":
            raise METHOD_NOT_ALLOWED(f"The requested resource does not support http method '{request.method}'.")
        resource_type = service.resource_type(path, api_version)
        app.authorize(request, resource_type.read_action, path.parent_id)
        return json_response({"value": service.list(path, api_version, request.principal, request)})
    if request.method not in service.resource_type(path, api_version).methods:
        # The API has no such operation for the type (role assignments: GET, PUT and DELETE only, per
        # azure-rest-api-specs authorization RoleAssignmentsCalls). ASP.NET's words for an unmapped method;
        # NOT VERIFIED: the code ARM puts with them.
        raise METHOD_NOT_ALLOWED(f"The requested resource does not support http method '{request.method}'.")
    if request.method in ("GET", "HEAD"):
        resource_type = service.resource_type(path, api_version)
        app.authorize(request, resource_type.read_action, path.id)
        body = service.get(path, api_version, request.principal, request)
        if request.method == "HEAD":
            return Response(status=204)
        return json_response(body, headers={"ETag": body["etag"]} if body.get("etag") else None)
    if request.method == "PUT":
        body = request.json()
        resource_type = service.resource_type(path, api_version, _location_of(app, path, body))
        app.authorize(request, resource_type.write_action, path.id)
        status, stored, operation = service.put(path, body, api_version, principal=request.principal, request=request)
        headers = {}
        if operation:
            headers = lro_headers(
                app, operation, resource_type, path.subscription_id, _location_of(app, path, stored), api_version
            )
        return json_response(stored, status, headers)
    if request.method == "PATCH":
        resource_type = service.resource_type(path, api_version)
        app.authorize(request, resource_type.write_action, path.id)
        return json_response(
            service.patch(path, request.json(), api_version, principal=request.principal, request=request)
        )
    resource_type = service.resource_type(path, api_version)
    app.authorize(request, resource_type.delete_action, path.id)
    existing = app.store.get_resource(path.id)
    status, operation = service.delete(path, api_version, principal=request.principal, request=request)
    if operation:
        return Response(
            status=202,
            headers=lro_headers(
                app, operation, resource_type, path.subscription_id, _location_of(app, path, existing), api_version
            ),
        )
    return Response(status=status)


def _action(app, request, path):
    if not path.is_collection or len(path.types) < 2:
        raise METHOD_NOT_ALLOWED("The requested resource does not support http method 'POST'.")
    action_name = path.types[-1]
    target = type(path)(path.scope, path.namespace, path.types[:-1], path.names)
    resource_type = app.resources.resource_type(target, request.api_version)
    handler = resource_type.actions.get(action_name.lower())
    if handler is None:
        raise INVALID_RESOURCE_TYPE(
            f"The resource type '{'/'.join(path.types)}' could not be found in the namespace "
            f"'{path.namespace}' for api version '{request.api_version}'."
        )
    app.authorize(request, resource_type.action_for("POST", action_name), target.id)
    existing = app.store.get_resource(target.id)
    if existing is None:
        app.resources.check_scope(target, request.principal)
        raise not_found(target)
    return handler(
        app, request, app.resources.context(target, request.api_version, existing, request.principal, request)
    )


def operation_route(app, request, subscription_id, namespace, location, segment, operation_id):
    kind = operation_segments(app).get(segment.lower())
    if kind is None:  # not an operation route: e.g. a resource type under locations/
        return resource_route(app, request, request.path)
    app.resources.check_subscription(subscription_id, request.principal)
    operation = app.operations.poll(operation_id)
    if operation is None or operation["subscription_id"].lower() != subscription_id.lower():
        raise OPERATION_NOT_FOUND(f"The operation '{operation_id}' could not be found.")
    if kind == "status":
        body = app.operations.status_body(operation, request.path)
        # Azure keeps sending Retry-After while the operation runs; without it, clients wait their own default.
        in_progress = body.get("status") not in ("Succeeded", "Failed", "Canceled")
        return json_response(body, headers={"Retry-After": app.retry_after_header()} if in_progress else None)
    if operation["status"] not in ("Succeeded", "Failed", "Canceled"):
        location_url = f"{app.arm_endpoint}{request.path}?api-version={request.api_version}"
        return Response(status=202, headers={"Location": location_url, "Retry-After": app.retry_after_header()})
    if operation["status"] == "Failed":
        return json_response({"error": operation["error"]}, 400)
    if operation["kind"] == "put":
        body = app.store.get_resource(operation["resource_id"])
        if body is not None:
            return json_response(body)
    return Response(status=204 if operation["kind"] == "delete" else 200)
