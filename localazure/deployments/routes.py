"""The HTTP surface of deployments, at resource-group and subscription scope, as azure-mgmt-resource-deployments
calls it (``/{scope}/providers/Microsoft.Resources/deployments/...``; the resource-group operations list also
without ``providers``), plus ``POST /providers/Microsoft.Resources/calculateTemplateHash``."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

from localazure.api_versions import RESOURCES_API_VERSIONS, check_api_version
from localazure.deployments.definition import Scope, minified, parse, template_hash
from localazure.deployments.records import ACTIVE, check_name
from localazure.error_catalogue import (
    DEPLOYMENT_ACTIVE,
    DEPLOYMENT_NOT_FOUND,
    DEPLOYMENT_OPERATION_NOT_FOUND,
    INVALID_REQUEST_CONTENT,
    NOT_FOUND,
    OPERATION_NOT_FOUND,
)
from localazure.http import Response, json_response
from localazure.resource_types import DEPLOYMENTS

API_VERSIONS = tuple(sorted(set(RESOURCES_API_VERSIONS) | {"2025-10-01", "2026-06-01"}))
OPERATION_RESULT_API_VERSION = "2025-04-01"  # served by the core's /operationresults route
PRIORITY = 30  # before the generic resource route (90) and its operation-status route (40)
ACTION = DEPLOYMENTS
_SUBSCRIPTION = r"/subscriptions/(?P<subscription_id>[^/]+)"
_GROUP = _SUBSCRIPTION + r"/resourcegroups/(?P<resource_group>[^/]+)"
_DEPLOYMENTS = r"/providers/Microsoft\.Resources/deployments"
_NAME = r"/(?P<name>[^/]+)"
_WHAT_IF_TOKEN = re.compile(r"\Awi[0-9a-f]{32}\Z")


def register(app) -> None:
    add = app.router.add
    for prefix in (_GROUP, _SUBSCRIPTION):
        base = prefix + _DEPLOYMENTS
        add("GET", base, list_deployments, priority=PRIORITY)
        add(["GET", "HEAD", "PUT", "DELETE"], base + _NAME, deployment_route, priority=PRIORITY)
        add(
            "POST",
            base + _NAME + r"/(?P<action>validate|whatIf|cancel|exportTemplate)",
            action_route,
            priority=PRIORITY,
        )
        add("GET", base + _NAME + r"/operations(?:/(?P<operation_id>[^/]+))?", operations_route, priority=PRIORITY)
        add("GET", base + _NAME + r"/operationStatuses/(?P<operation_id>[^/]+)", status_route, priority=PRIORITY)
    add(
        "GET",
        _GROUP + r"/deployments" + _NAME + r"/operations(?:/(?P<operation_id>[^/]+))?",
        operations_route,
        priority=PRIORITY,
    )
    add("GET", _SUBSCRIPTION + r"/operationresults/(?P<token>wi[0-9a-f]{32})", what_if_result_route, priority=PRIORITY)
    add("POST", r"/providers/Microsoft\.Resources/calculateTemplateHash", calculate_template_hash, priority=PRIORITY)
    app.operations.register_kind("deployment-delete", _complete_delete)


# -- helpers -------------------------------------------------------------------------------------------
def _scope(app, request, subscription_id: str, resource_group: str | None = None) -> Scope:
    check_api_version(request, API_VERSIONS)
    app.resources.check_subscription(subscription_id, request.principal)
    if resource_group is None:
        return Scope(subscription_id)
    group = app.resources.check_resource_group(subscription_id, resource_group)
    return Scope(subscription_id, group["name"])


def _found(app, scope: Scope, name: str) -> dict:
    body = app.deployments.records.get(scope.deployment_id(name))
    if body is None:
        raise DEPLOYMENT_NOT_FOUND(f"Deployment '{name}' could not be found.")
    return body


def _correlation(request) -> str:
    return request.correlation_id or str(uuid.uuid4())


# -- handlers ------------------------------------------------------------------------------------------
def list_deployments(app, request, subscription_id, resource_group=None):
    scope = _scope(app, request, subscription_id, resource_group)
    app.authorize(request, f"{ACTION}/read", scope.id)
    value = app.deployments.records.list(scope.id)
    wanted = re.fullmatch(
        r"\s*provisioningState\s+eq\s+'(?P<state>\w+)'\s*", request.query.get("$filter", ""), re.IGNORECASE
    )
    if wanted:
        value = [
            body
            for body in value
            if body["properties"].get("provisioningState", "").lower() == wanted.group("state").lower()
        ]
    return json_response({"value": value})


def deployment_route(app, request, subscription_id, name, resource_group=None):
    scope = _scope(app, request, subscription_id, resource_group)
    deployment_id = scope.deployment_id(name)
    records = app.deployments.records
    if request.method in ("GET", "HEAD"):
        app.authorize(request, f"{ACTION}/read", deployment_id)
        body = records.get(deployment_id)
        if request.method == "HEAD":
            return Response(status=204 if body is not None else 404)
        return json_response(_found(app, scope, name))
    if request.method == "PUT":
        app.authorize(request, f"{ACTION}/write", deployment_id)
        check_name(name)
        definition = parse(request.json(), scope, source=request.body)
        status, body, operation_id = app.deployments.create(
            scope, name, definition, request.principal, _correlation(request)
        )
        status_url = (
            f"{app.arm_endpoint}{quote(deployment_id)}/operationStatuses/{operation_id}"
            f"?api-version={request.api_version}"
        )
        return json_response(
            body, status, {"Azure-AsyncOperation": status_url, "Retry-After": app.retry_after_header()}
        )
    app.authorize(request, f"{ACTION}/delete", deployment_id)
    body = records.get(deployment_id)
    if body is None:
        return Response(status=204)
    if body["properties"].get("provisioningState") in ACTIVE:
        raise DEPLOYMENT_ACTIVE(
            f"The deployment '{name}' is still active and cannot be deleted. Cancel it or wait for it "
            "to finish. Please see https://aka.ms/arm-deploy-resources for usage details."
        )
    operation = app.operations.start("deployment-delete", subscription_id, deployment_id)
    location = (
        f"{app.arm_endpoint}/subscriptions/{subscription_id}/operationresults/{operation['operation_id']}"
        f"?api-version={OPERATION_RESULT_API_VERSION}"
    )
    return Response(status=202, headers={"Location": location, "Retry-After": app.retry_after_header()})


def action_route(app, request, subscription_id, name, action, resource_group=None):
    scope = _scope(app, request, subscription_id, resource_group)
    deployment_id = scope.deployment_id(name)
    action = action.lower()
    spelled = {"validate": "validate", "whatif": "whatIf", "cancel": "cancel", "exporttemplate": "exportTemplate"}
    app.authorize(request, f"{ACTION}/{spelled[action]}/action", deployment_id)
    service = app.deployments
    if action in ("validate", "whatif"):
        check_name(name)
    if action == "validate":
        definition = parse(request.json(), scope, source=request.body)
        return json_response(service.validate(scope, name, definition, request.principal, _correlation(request)))
    if action == "whatif":
        definition = parse(request.json(), scope, what_if=True, source=request.body)
        result = service.what_if(scope, name, definition, request.principal)
        token = "wi" + uuid.uuid4().hex
        service.records.save_what_if(token, subscription_id, result)
        location = (
            f"{app.arm_endpoint}/subscriptions/{subscription_id}/operationresults/{token}"
            f"?api-version={request.api_version}"
        )
        return Response(status=202, headers={"Location": location, "Retry-After": app.retry_after_header()})
    if action == "cancel":
        _found(app, scope, name)
        service.cancel(deployment_id, name)
        return Response(status=204)
    row = service.records.get_row(deployment_id)
    if row is None:
        raise DEPLOYMENT_NOT_FOUND(f"Deployment '{name}' could not be found.")
    return json_response({"template": row["request"].get("template")})


def operations_route(app, request, subscription_id, name, operation_id=None, resource_group=None):
    scope = _scope(app, request, subscription_id, resource_group)
    deployment_id = scope.deployment_id(name)
    app.authorize(request, f"{ACTION}/operations/read", deployment_id)
    _found(app, scope, name)
    operations = app.deployments.records.operations(deployment_id)
    if operation_id is None:
        top = request.query.get("$top")
        return json_response({"value": operations[: int(top)] if top and top.isdigit() else operations})
    for operation in operations:
        if operation["operationId"].lower() == operation_id.lower():
            return json_response(operation)
    raise DEPLOYMENT_OPERATION_NOT_FOUND(
        f"Deployment operation '{operation_id}' of deployment '{name}' could not be found."
    )


def status_route(app, request, subscription_id, name, operation_id, resource_group=None):
    scope = _scope(app, request, subscription_id, resource_group)
    deployment_id = scope.deployment_id(name)
    app.authorize(request, f"{ACTION}/operationstatuses/read", deployment_id)
    row = app.deployments.records.get_row(deployment_id)
    if row is None or row["operation_id"].lower() != operation_id.lower():
        raise OPERATION_NOT_FOUND(f"The operation '{operation_id}' could not be found.")
    properties = row["body"]["properties"]
    body = {"status": properties.get("provisioningState")}
    if properties.get("error"):
        body["error"] = properties["error"]
    in_progress = body["status"] not in ("Succeeded", "Failed", "Canceled")
    return json_response(body, headers={"Retry-After": app.retry_after_header()} if in_progress else None)


def what_if_result_route(app, request, subscription_id, token):
    app.resources.check_subscription(subscription_id, request.principal)
    found = app.deployments.records.poll_what_if(token, subscription_id)
    if found is None:
        raise NOT_FOUND(f"The operation '{token}' could not be found.")
    polls, result = found
    if polls == 0 and app.settings.long_running.steps > 1:
        location = f"{app.arm_endpoint}{request.path}?api-version={request.api_version}"
        return Response(status=202, headers={"Location": location, "Retry-After": app.retry_after_header()})
    return json_response(result)


def calculate_template_hash(app, request):
    check_api_version(request, API_VERSIONS)
    template = request.json()
    if not isinstance(template, dict):
        raise INVALID_REQUEST_CONTENT(
            "The request content was invalid and could not be deserialized: 'The template must be a JSON object.'."
        )
    return json_response({"minifiedTemplate": minified(template), "templateHash": template_hash(template)})


def _complete_delete(app, operation) -> dict | None:
    app.deployments.records.delete(operation["resource_id"])
    return None


__all__ = ["register", "API_VERSIONS"]
