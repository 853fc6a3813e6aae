"""Evaluating a deployment's template against live state, and ARM's synchronous checks (preflight).

Template and parameter errors answer 400 ``InvalidTemplate`` with the engine's ARM-shaped error; a
resource write the caller may not make answers 403 ``AuthorizationFailed``; a resource body its provider
rejects answers 400 ``InvalidTemplateDeployment`` with the provider's errors as details, as ARM's validation
does before anything is deployed.
"""

from __future__ import annotations

import copy
import json
import uuid

from localazure.deployments.definition import Definition, Scope
from localazure.deployments.engine import (
    AZURE_CLOUD_ENVIRONMENT,
    ArmTemplateError,
    DeploymentContext,
    contains_unknown,
    evaluate_template,
    scrub,
    secret_texts,
    supplied_secrets,
)
from localazure.deployments.positions import with_positions
from localazure.deployments.resolver import LiveResolver
from localazure.error_catalogue import INVALID_TEMPLATE_DEPLOYMENT
from localazure.errors import AzureError
from localazure.http import Request
from localazure.ids import parse_resource_path
from localazure.rbac.operations import operation_for
from localazure.resource_types import DEPLOYMENTS, RESOURCE_GROUPS, TEMPLATE_BODY_KEYS, type_key


class TemplateRejected(AzureError):
    """A 400 whose error object is the engine's (with ``additionalInfo``), secure values scrubbed."""

    def __init__(self, error: ArmTemplateError, texts: list[str], source: bytes = b""):
        self.arm_error = with_positions(scrub(error.to_arm_error()["error"], texts), source)
        super().__init__(400, self.arm_error["code"], self.arm_error["message"])

    def error_object(self) -> dict:
        return self.arm_error


def context_for(app, scope: Scope, name: str, definition: Definition) -> DeploymentContext:
    subscription = app.store.subscription(scope.subscription_id)
    environment = copy.deepcopy(AZURE_CLOUD_ENVIRONMENT)
    environment.update(name="LocalAzure", resourceManager=app.arm_endpoint + "/")
    environment["authentication"] = {**environment["authentication"], "loginEndpoint": app.authority_host + "/"}
    values = {
        "subscription_id": subscription["subscription_id"],
        "tenant_id": subscription["tenant_id"],
        "subscription_display_name": subscription["display_name"],
        "deployment_name": name,
        "environment": environment,
    }
    if scope.resource_group is None:
        return DeploymentContext(scope="subscription", location=definition.location or "westeurope", **values)
    group = app.store.get_resource(scope.id)
    return DeploymentContext(
        scope="resourceGroup",
        resource_group=group["name"],
        location=group["location"],
        resource_group_tags=dict(group.get("tags") or {}),
        **values,
    )


def secrets_of(definition: Definition) -> list[str]:
    return secret_texts(supplied_secrets(definition.template, definition.parameter_values))


def evaluate(app, definition: Definition, context: DeploymentContext, resolver: LiveResolver | None = None):
    """The template's TemplateResult with real (revealed) secure values; 400 InvalidTemplate on errors."""
    try:
        return evaluate_template(
            definition.template,
            definition.parameter_values,
            context,
            resolver or LiveResolver(app),
            reveal_secure_values=True,
        )
    except ArmTemplateError as error:
        raise TemplateRejected(error, secrets_of(definition), definition.source) from None


def resource_body(resource: dict) -> dict:
    """The PUT body for one evaluated template resource."""
    return {key: resource[key] for key in TEMPLATE_BODY_KEYS if resource.get(key) is not None}


def deployable(result) -> list[dict]:
    """Every resource a deployment would write (nested deployments' contents included), not the
    deployment resources themselves."""
    return [
        resource
        for resource in result.all_resources()
        if resource.get("condition", True) and type_key(resource["type"]) != type_key(DEPLOYMENTS)
    ]


def check_write_permissions(app, principal, result) -> None:
    """ARM's preflight RBAC: the caller may write every resource the template declares (nested deployments and
    their contents included), or the first one it may not is 403 AuthorizationFailed before anything runs."""
    if principal is None:
        return
    request = Request("PUT", "", {}, {}, request_id=str(uuid.uuid4()), principal=principal)
    for resource in result.all_resources():
        if not resource.get("condition", True) or not isinstance(resource.get("id"), str):
            continue
        operation = operation_for("PUT", resource["id"])
        if operation is not None:
            app.authorize(request, operation.action, resource["id"])


def preflight(app, scope: Scope, name: str, definition: Definition, result) -> list[dict]:
    """Provider-side checks of every resource body ARM validates before deploying; returns the validated
    resources (``validatedResources``) or raises 400 InvalidTemplateDeployment. Missing linked resources
    (404s), and bodies that link to resources this deployment has yet to create, are left to deployment time."""
    problems, validated = [], []
    resources = deployable(result)
    pending = [resource["id"].lower() for resource in resources if not app.store.resource_exists(resource["id"])]
    for resource in resources:
        validated.append({"id": resource["id"]})
        if type_key(resource["type"]) == type_key(RESOURCE_GROUPS):
            continue
        path = parse_resource_path(resource["id"])
        if path is None:
            continue
        body = resource_body(resource)
        if _links_to_any(body, [item for item in pending if item != resource["id"].lower()]):
            continue  # checked when deployed, once what it links to exists
        try:
            resource_type = app.resources.resource_type(path, resource["apiVersion"], body.get("location"))
            if not contains_unknown(body):
                existing = app.store.get_resource(path.id)
                resource_type.validate(
                    body, resource["apiVersion"], app.resources.context(path, resource["apiVersion"], existing)
                )
        except AzureError as error:
            if error.status == 404:
                continue  # what a resource links to may come from this very deployment: checked when deployed
            problems.append({**error.error_object(), "target": resource["id"]})
    if problems:
        texts = secrets_of(definition)
        raise INVALID_TEMPLATE_DEPLOYMENT(
            f"The template deployment '{name}' is not valid according to the validation procedure. "
            f"The tracking id is '{uuid.uuid4()}'. See inner errors for details.",
            details=scrub(problems, texts),
        )
    return validated


def _links_to_any(body: dict, resource_ids: list[str]) -> bool:
    text = json.dumps(body, default=str).lower()
    return any(resource_id in text for resource_id in resource_ids)
