"""Resource groups (Microsoft.Resources/resourceGroups) and the resource lists of a group or subscription."""

from __future__ import annotations

import time
from urllib.parse import quote

from localazure.api_versions import RESOURCES_API_VERSIONS, check_api_version
from localazure.error_catalogue import (
    INVALID_REQUEST_CONTENT,
    INVALID_RESOURCE_GROUP_LOCATION,
    NOT_FOUND,
    RESOURCE_GROUP_NOT_FOUND,
)
from localazure.http import Response, json_response
from localazure.ids import resource_group_id
from localazure.registry import check_tags, normalize_location
from localazure.resource_filter import GROUP_PROPERTIES, RESOURCE_PROPERTIES, page, parse_filter
from localazure.resource_groups import ACTION, create_or_update, group_body
from localazure.resource_types import GENERIC_RESOURCE_KEYS, RESOURCE_GROUPS
from localazure.resources import merge_patch


def register(app) -> None:
    sub = r"/subscriptions/(?P<subscription_id>[^/]+)"
    group = sub + r"/resourceGroups/(?P<name>[^/]+)"
    app.router.add("GET", sub + r"/resourceGroups", list_groups)
    app.router.add(["GET", "HEAD", "PUT", "PATCH", "DELETE"], group, group_route)
    app.router.add("GET", group + r"/resources", list_group_resources)
    app.router.add("GET", sub + r"/resources", list_subscription_resources)
    app.router.add("GET", sub + r"/operationresults/(?P<operation_id>[^/]+)", operation_result)
    app.operations.register_kind("rg-delete", _complete_delete)


def group_route(app, request, subscription_id, name):
    check_api_version(request, RESOURCES_API_VERSIONS)
    group_id = resource_group_id(subscription_id, name)
    scope = group_id
    if request.method == "PUT":
        app.resources.check_subscription(subscription_id, request.principal)
        app.authorize(request, f"{ACTION}/write", scope)
        status, body = create_or_update(app, subscription_id, name, request.json(), principal=request.principal)
        return json_response(body, status)
    app.resources.check_subscription(subscription_id, request.principal)
    app.operations.settle_resource(group_id)
    existing = app.store.get_resource(group_id)
    if request.method == "HEAD":
        app.authorize(request, f"{ACTION}/read", scope)
        return Response(status=204 if existing else 404)
    if existing is None:
        raise RESOURCE_GROUP_NOT_FOUND(f"Resource group '{name}' could not be found.")
    if request.method == "GET":
        app.authorize(request, f"{ACTION}/read", scope)
        return json_response(existing)
    if request.method == "PATCH":
        app.authorize(request, f"{ACTION}/write", scope)
        patch = request.json()
        if not isinstance(patch, dict):
            raise INVALID_REQUEST_CONTENT("The request content was invalid and could not be deserialized.")
        if patch.get("location") and normalize_location(patch["location"]) != existing["location"]:
            raise INVALID_RESOURCE_GROUP_LOCATION(
                f"Invalid resource group location '{normalize_location(patch['location'])}'. The "
                f"Resource group already exists in location '{existing['location']}'."
            )
        check_tags(patch.get("tags"))
        merged = merge_patch(existing, {key: patch[key] for key in ("tags", "managedBy") if key in patch})
        if "tags" in patch:
            merged["tags"] = patch["tags"] or {}
        body = group_body(
            existing["id"], existing["name"], existing["location"], merged.get("tags"), merged.get("managedBy")
        )
        app.store.put_resource(
            existing["id"], RESOURCE_GROUPS, f"/subscriptions/{subscription_id}", body, now=time.time()
        )
        return json_response(body)
    # DELETE: long-running; the group and everything in it go when the operation completes.
    app.authorize(request, f"{ACTION}/delete", scope)
    with app.store.transaction():
        existing = app.store.get_resource(group_id)
        if existing["properties"].get("provisioningState") != "Deleting":
            existing["properties"]["provisioningState"] = "Deleting"
            app.store.put_resource(
                existing["id"], RESOURCE_GROUPS, f"/subscriptions/{subscription_id}", existing, now=time.time()
            )
        operation = app.operations.start(
            "rg-delete", subscription_id, existing["id"], {"api_version": request.api_version}
        )
    location = (
        f"{app.arm_endpoint}/subscriptions/{subscription_id}/operationresults/"
        f"{operation['operation_id']}?api-version={request.api_version}"
    )
    return Response(status=202, headers={"Location": location, "Retry-After": app.retry_after_header()})


def _complete_delete(app, operation) -> dict | None:
    """Deleting a group deletes what it contains and its deployments with their operations."""
    app.resources.remove_tree(operation["resource_id"])
    app.deployments.records.delete_scope(operation["resource_id"])
    return None


def operation_result(app, request, subscription_id, operation_id):
    check_api_version(request, RESOURCES_API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    operation = app.operations.poll(operation_id)
    if operation is None or operation["subscription_id"].lower() != subscription_id.lower():
        raise NOT_FOUND(f"The operation '{operation_id}' could not be found.")
    if operation["status"] not in ("Succeeded", "Failed", "Canceled"):
        location = f"{app.arm_endpoint}{request.path}?api-version={request.api_version}"
        return Response(status=202, headers={"Location": location, "Retry-After": app.retry_after_header()})
    if operation["status"] == "Failed":
        return json_response({"error": operation["error"]}, 409)
    return Response(status=200)


def _generic_resource(body: dict) -> dict:
    return {key: body[key] for key in GENERIC_RESOURCE_KEYS if key in body}


# The lists below answer 200 with the items the caller may read, as ARM filters them (a principal with a role on
# one resource lists that resource and nothing else; with no role at all, an empty list).
def _may_read(app, request, action: str, scope: str) -> bool:
    return app.authorizer is None or app.authorizer.permits(request, action, scope)


def _readable_resources(app, request, parent_id: str) -> list[dict]:
    # Role assignments on the group are extension resources, which Resources - List does not return.
    return [
        _generic_resource(body)
        for body in app.store.list_resources(parent_id)
        if not body["type"].lower().startswith("microsoft.authorization/")
        and _may_read(app, request, f"{body['type']}/read", body["id"])
    ]


def _listed(app, request, items: list[dict], properties: tuple[str, ...] = RESOURCE_PROPERTIES) -> Response:
    """A list as ARM answers it: ``$filter`` applied, then paged by ``$top``."""
    wanted = parse_filter(request.query.get("$filter"), properties)
    selected = [item for item in items if wanted(item)]
    if wanted.by_tag_value and properties == RESOURCE_PROPERTIES:
        selected = [{key: value for key, value in item.items() if key != "tags"} for item in selected]
    return json_response(page(selected, request.query, f"{app.arm_endpoint}{quote(request.path)}"))


def list_group_resources(app, request, subscription_id, name):
    check_api_version(request, RESOURCES_API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    app.resources.check_resource_group(subscription_id, name)
    return _listed(app, request, _readable_resources(app, request, resource_group_id(subscription_id, name)))


def list_subscription_resources(app, request, subscription_id):
    check_api_version(request, RESOURCES_API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    value = []
    for group in app.store.list_resources(f"/subscriptions/{subscription_id}", RESOURCE_GROUPS):
        value.extend(_readable_resources(app, request, group["id"]))
    return _listed(app, request, value)


def list_groups(app, request, subscription_id):
    check_api_version(request, RESOURCES_API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    app.operations.settle_all()
    groups = app.store.list_resources(f"/subscriptions/{subscription_id}", RESOURCE_GROUPS)
    return _listed(
        app,
        request,
        [group for group in groups if _may_read(app, request, f"{ACTION}/read", group["id"])],
        GROUP_PROPERTIES,
    )
