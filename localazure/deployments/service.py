"""Deployments as a service of the app: create (with synchronous validation), validate, what-if, cancel,
delete, and the runs in flight."""

from __future__ import annotations

import threading
import uuid

from localazure.deployments import what_if
from localazure.deployments.definition import Definition, Scope, shown_parameters, template_hash
from localazure.deployments.engine import scrub, secret_texts
from localazure.deployments.evaluation import (
    check_write_permissions,
    context_for,
    deployable,
    evaluate,
    preflight,
    secrets_of,
)
from localazure.deployments.records import ACTIVE, DeploymentRecords, check_name
from localazure.deployments.resolver import LiveResolver
from localazure.deployments.runner import Run, now_iso
from localazure.error_catalogue import DEPLOYMENT_ACTIVE, DEPLOYMENT_CANNOT_BE_CANCELLED, INVALID_TEMPLATE
from localazure.errors import AzureError
from localazure.ids import parse_resource_path
from localazure.resource_types import DEPLOYMENTS

INTERRUPTED = {
    "code": "DeploymentInterrupted",
    "message": "The local endpoint stopped while the deployment was running; deploy it again.",
}


class DeploymentService:
    def __init__(self, app):
        self.app = app
        self.records = DeploymentRecords(app.store)
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()
        for body in self.records.interrupted():
            body["properties"].update(provisioningState="Failed", error=INTERRUPTED)
            self.records.update(body["id"], body)

    # -- create -------------------------------------------------------------------------------------
    def create(self, scope: Scope, name: str, definition: Definition, principal, correlation_id: str):
        """Validate synchronously, record the deployment (Accepted) and start its run; returns
        (status, body, async operation id)."""
        deployment_id = scope.deployment_id(name)
        previous = self.records.get(deployment_id)
        if previous is not None and previous["properties"].get("provisioningState") in ACTIVE:
            raise deployment_active(name, previous)
        context, result = self._checked(scope, name, definition, principal)
        texts = secrets_of(definition)
        body = deployment_body(deployment_id, name, scope, definition, result, texts, correlation_id, "Accepted")
        operation_id = str(uuid.uuid4())
        self.records.create(deployment_id, scope.id, body, definition.storable(), operation_id)

        def evaluate_live():
            resolver = LiveResolver(self.app, principal)
            fresh = evaluate(self.app, definition, context, resolver)
            fresh.resolver = resolver
            return fresh

        run = Run(
            self,
            deployment_id,
            evaluate_live,
            principal=principal,
            mode=definition.mode,
            template=definition.template,
            texts=texts,
            correlation_id=correlation_id,
        )
        self._track(run)
        threading.Thread(target=self._execute, args=(run,), name=f"localazure-deployment-{name}", daemon=True).start()
        return (200 if previous is not None else 201), body, operation_id

    def _execute(self, run: Run) -> None:
        try:
            run.execute()
        finally:
            self._untrack(run)

    def start_nested(self, parent: Run, resource: dict) -> Run:
        """Run a Microsoft.Resources/deployments resource of a template as a child deployment, here and now."""
        deployment_id = resource["id"]
        path = parse_resource_path(deployment_id)
        scope_id = deployment_id[: len(deployment_id) - len(f"/providers/{DEPLOYMENTS}/{path.name}")]
        check_name(path.name)
        previous = self.records.get(deployment_id)
        if previous is not None and previous["properties"].get("provisioningState") in ACTIVE:
            raise deployment_active(path.name, previous)  # e.g. the running parent, at the same scope
        properties = resource.get("properties") or {}
        template = properties.get("template") if isinstance(properties.get("template"), dict) else {}
        nested = parent.evaluate().nested.get(deployment_id)
        if nested is None:
            raise INVALID_TEMPLATE(f"The nested deployment '{path.name}' could not be evaluated.")
        request = parent.request_for("PUT", deployment_id, resource.get("apiVersion") or "")
        self.app.authorize(request, f"{DEPLOYMENTS}/write", deployment_id)
        mode = "Complete" if str(properties.get("mode", "")).lower() == "complete" else "Incremental"
        texts = sorted(
            set(parent.texts)
            | set(
                secret_texts(
                    [
                        value
                        for name, value in nested.parameters.items()
                        if str(((template.get("parameters") or {}).get(name) or {}).get("type", "")).lower()
                        in ("securestring", "secureobject")
                    ]
                )
            ),
            key=len,
            reverse=True,
        )
        body = {
            "id": deployment_id,
            "name": path.name,
            "type": DEPLOYMENTS,
            "properties": {
                "templateHash": template_hash(template),
                "parameters": scrub(shown_parameters(template, nested.parameters), texts),
                "mode": mode,
                "provisioningState": "Accepted",
                "timestamp": now_iso(),
                "duration": "PT0S",
                "correlationId": parent.correlation_id,
                "providers": providers(nested),
                "dependencies": dependencies(nested),
            },
        }
        if resource.get("location"):
            body["location"] = resource["location"]
        self.records.create(deployment_id, scope_id, body, {"template": template, "mode": mode}, str(uuid.uuid4()))

        def evaluate_nested():
            outer = parent.evaluate()
            inner = outer.nested[deployment_id]
            inner.resolver = getattr(outer, "resolver", None)
            return inner

        child = Run(
            self,
            deployment_id,
            evaluate_nested,
            principal=parent.principal,
            mode=mode,
            template=template,
            texts=texts,
            correlation_id=parent.correlation_id,
        )
        child.cancel_requested = parent.cancel_requested
        child.execute()
        return child

    # -- validate and what-if -------------------------------------------------------------------------
    def validate(self, scope: Scope, name: str, definition: Definition, principal, correlation_id: str) -> dict:
        _, result = self._checked(scope, name, definition, principal)
        body = deployment_body(
            scope.deployment_id(name),
            name,
            scope,
            definition,
            result,
            secrets_of(definition),
            correlation_id,
            "Succeeded",
        )
        body["properties"]["validatedResources"] = [{"id": item["id"]} for item in deployable(result)]
        return body

    def what_if(self, scope: Scope, name: str, definition: Definition, principal) -> dict:
        context = context_for(self.app, scope, name, definition)
        resolver = LiveResolver(self.app, principal, deferred=True)
        result = evaluate(self.app, definition, context, resolver)
        check_write_permissions(self.app, principal, result)  # before live state is shown to the caller
        return what_if.result_body(what_if.changes(self.app, scope, definition, result, resolver))

    def _checked(self, scope: Scope, name: str, definition: Definition, principal):
        context = context_for(self.app, scope, name, definition)
        result = evaluate(self.app, definition, context, LiveResolver(self.app, principal, deferred=True))
        check_write_permissions(self.app, principal, result)
        preflight(self.app, scope, name, definition, result)
        return context, result

    # -- cancel and delete ----------------------------------------------------------------------------
    def cancel(self, deployment_id: str, name: str) -> None:
        body = self.records.get(deployment_id)
        with self._lock:
            run = self._runs.get(deployment_id.lower())
        if body is None or run is None or body["properties"].get("provisioningState") not in ACTIVE:
            state = body["properties"].get("provisioningState") if body else "NotFound"
            # No published sample of this message was found; the wording is the endpoint's own.
            raise DEPLOYMENT_CANNOT_BE_CANCELLED(
                f"The deployment '{name}' cannot be cancelled: it is in state '{state}'. Only a "
                "deployment that is Accepted or Running can be cancelled."
            )
        run.cancel_requested.set()

    def _track(self, run: Run) -> None:
        with self._lock:
            self._runs[run.deployment_id.lower()] = run

    def _untrack(self, run: Run) -> None:
        with self._lock:
            if self._runs.get(run.deployment_id.lower()) is run:
                del self._runs[run.deployment_id.lower()]


def deployment_active(name: str, previous: dict) -> AzureError:
    """ARM's words (quoted in Azure/bicep#14369)."""
    started = previous["properties"].get("timestamp", "")
    return DEPLOYMENT_ACTIVE(
        f"Unable to edit or replace deployment '{name}': previous deployment from '{started}' is "
        "still active (expiration time is unknown). Please see https://aka.ms/arm-deploy-resources "
        "for usage details."
    )


def deployment_body(
    deployment_id: str,
    name: str,
    scope: Scope,
    definition: Definition,
    result,
    texts: list[str],
    correlation_id: str,
    state: str,
) -> dict:
    body = {"id": deployment_id, "name": name, "type": DEPLOYMENTS}
    if scope.resource_group is None:
        body["location"] = definition.location
    if definition.tags:
        body["tags"] = definition.tags
    body["properties"] = {
        "templateHash": template_hash(definition.template),
        "parameters": scrub(shown_parameters(definition.template, result.parameters), texts),
        "mode": definition.mode,
        "provisioningState": state,
        "timestamp": now_iso(),
        "duration": "PT0S",
        "correlationId": correlation_id,
        "providers": providers(result),
        "dependencies": dependencies(result),
        **definition.extra,
    }
    return body


def providers(result) -> list[dict]:
    """``properties.providers``: namespaces and resource types the template deploys, with their locations."""
    by_namespace: dict[str, dict[str, set]] = {}
    for resource in deployable(result):
        namespace, _, type_path = resource["type"].partition("/")
        locations = by_namespace.setdefault(namespace, {}).setdefault(type_path, set())
        if isinstance(resource.get("location"), str):
            locations.add(resource["location"].replace(" ", "").lower())
    return [
        {
            "namespace": namespace,
            "resourceTypes": [
                {"resourceType": type_path, "locations": sorted(locations)} for type_path, locations in types.items()
            ],
        }
        for namespace, types in by_namespace.items()
    ]


def dependencies(result) -> list[dict]:
    """``properties.dependencies``: each resource with what it depends on."""
    by_id = {resource["id"].lower(): resource for resource in result.all_resources()}

    def described(resource_id: str) -> dict:
        resource = by_id.get(resource_id.lower(), {})
        return {"id": resource_id, "resourceType": resource.get("type"), "resourceName": resource.get("name")}

    return [
        {**described(resource["id"]), "dependsOn": [described(item) for item in resource["dependsOn"]]}
        for resource in result.all_resources()
        if resource.get("dependsOn")
    ]
