"""Running a deployment: resources in dependency order (the engine's waves), independent ones in parallel,
each written through the app's one request pipeline as the deploying principal (``app.dispatch``: RBAC, body
validation, fault injection, request log, the route a client's PUT takes), then complete-mode deletions (DELETEs
through the same pipeline) and outputs.

The template is evaluated again before each wave, so ``reference()`` and ``list*()`` see the resources that
earlier waves deployed. Nested deployments run as child deployments with their own records.

A run always ends in a terminal state: any failure, even while its record is written, ends it ``Failed`` with
an error body and a failed operation.
"""

from __future__ import annotations

import http
import json
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from localazure.deployments.definition import shown_outputs
from localazure.deployments.engine import ArmTemplateError, UnknownValue, scrub
from localazure.deployments.evaluation import TemplateRejected, resource_body
from localazure.deployments.resolver import first_unknown, missing_resource
from localazure.error_catalogue import RESOURCE_DEPLOYMENT_FAILURE
from localazure.errors import AzureError
from localazure.http import Request
from localazure.ids import parse_resource_path
from localazure.operations import TERMINAL
from localazure.resource_types import DEPLOYMENTS, type_key

WORKERS = 4
LRO_POLL_SECONDS = 0.02
DEPLOYMENT_FAILED = (
    "At least one resource deployment operation failed. Please list deployment operations for "
    "details. Please see https://aka.ms/arm-deployment-operations for usage details."
)
TERMINAL_FAILED = (
    "The resource write operation failed to complete successfully, because it reached terminal "
    "provisioning state 'Failed'."
)
# Complete mode leaves these alone: they are extension resources of the scope, not its content.
KEPT_IN_COMPLETE_MODE = ("microsoft.authorization/",)


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def duration(seconds: float) -> str:
    return f"PT{seconds:.7f}S"


def status_name(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase.replace(" ", "").replace("-", "")
    except ValueError:
        return str(status)


class Canceled(Exception):
    pass


class OutputsFailed(AzureError):
    """ARM's DeploymentOutputEvaluationFailed: the deployment's own error, not one of a resource's."""


class Run:
    """One run of one deployment. ``evaluate()`` returns a fresh TemplateResult (with live references)."""

    def __init__(
        self,
        service,
        deployment_id: str,
        evaluate,
        *,
        principal,
        mode: str,
        template: dict,
        texts: list[str],
        correlation_id: str,
    ):
        self.service = service
        self.app = service.app
        self.deployment_id = deployment_id
        self.evaluate = evaluate
        self.principal = principal
        self.mode = mode
        self.template = template
        self.texts = texts  # secure values, scrubbed from everything recorded
        self.correlation_id = correlation_id
        self.cancel_requested = threading.Event()
        self.failed_ids: set[str] = set()
        self.errors: list[dict] = []
        self._lock = threading.Lock()
        self.started = time.monotonic()

    # -- the whole run ------------------------------------------------------------------------------
    def execute(self) -> None:
        """Run to a terminal state and record it on the deployment (never raises, never leaves it Running)."""
        try:
            self._set_state("Running")
            self._finish(**self._outcome())
        except Exception as error:  # noqa: BLE001 - a bug must still end the deployment, in ARM's shape
            traceback.print_exc()
            self._end_after_internal_error(error)

    def _outcome(self) -> dict:
        """The terminal state and what ``_finish`` records with it."""
        outputs = resources = None
        try:
            outputs, resources = self._deploy()
        except Canceled:
            return {"state": "Canceled"}
        except TemplateRejected as error:
            return {"state": "Failed", "error": self._error_object(error)}
        except OutputsFailed as error:
            self._fail(None, "EvaluateDeploymentOutput", error, 0.0)
            return {"state": "Failed", "error": self._error_object(error)}
        except (AzureError, ArmTemplateError) as error:
            self._fail(None, "Action", error, 0.0)
        if self.errors:
            return {
                "state": "Failed",
                "error": {
                    "code": "DeploymentFailed",
                    "target": self.deployment_id,
                    "message": DEPLOYMENT_FAILED,
                    "details": self.errors,
                },
            }
        return {"state": "Succeeded", "outputs": outputs, "resources": resources}

    def _end_after_internal_error(self, error: Exception) -> None:
        error_object = {"code": "InternalServerError", "message": f"Encountered internal server error: {error!r}"}
        try:
            self._record_operation("Action", None, "Failed", 500, {"status": "Failed", "error": error_object}, 0.0)
        except Exception:  # noqa: BLE001 - the record below matters more than the operation
            traceback.print_exc()
        self._finish(
            "Failed",
            error={
                "code": "DeploymentFailed",
                "target": self.deployment_id,
                "message": DEPLOYMENT_FAILED,
                "details": [error_object],
            },
        )

    def _deploy(self):
        result = self.evaluate()
        self._check_existing(result)
        for position, wave in enumerate(result.waves):
            self._check_canceled()
            if position:
                result = self.evaluate()
            by_id = {resource["id"].lower(): resource for resource in result.resources}
            due = [by_id[item.lower()] for item in wave if item.lower() in by_id]
            due = [resource for resource in due if not self._blocked(resource)]
            if not due:
                continue
            if len(due) == 1:
                self._apply(due[0])
            else:
                with ThreadPoolExecutor(
                    max_workers=min(WORKERS, len(due)), thread_name_prefix="localazure-deploy"
                ) as pool:
                    list(pool.map(self._apply, due))
        if self.errors:
            return {}, []
        self._check_canceled()
        if self.mode == "Complete":
            self._delete_unlisted(result)
        result = self.evaluate()
        resources = [{"id": resource["id"]} for resource in result.resources if resource.get("condition", True)]
        if result.outputs:
            self._check_outputs(result.outputs)
            self._record_operation("EvaluateDeploymentOutput", None, "Succeeded", 200, {"status": "OK"}, 0.0)
        return shown_outputs(self.template, scrub(result.outputs, self.texts)), resources

    def _check_outputs(self, outputs: dict) -> None:
        """An output still unknown after the last wave names a resource that does not exist, or a value the
        endpoint cannot determine: ARM's DeploymentOutputEvaluationFailed, never an unknown in the record."""
        for name, value in outputs.items():
            unknown = first_unknown(value)
            if unknown is None:
                continue
            cause = missing_resource(unknown)
            raise OutputsFailed(
                400,
                "DeploymentOutputEvaluationFailed",
                f"Unable to evaluate template outputs: '{name}'. Please see error details and "
                "deployment operations. Please see https://aka.ms/arm-common-errors for usage details.",
                details=[
                    {
                        "code": "DeploymentOutputEvaluationFailed",
                        "target": name,
                        "message": f"The template output '{name}' is not valid: {cause.message}.",
                    }
                ],
            )

    def _blocked(self, resource: dict) -> bool:
        """A resource that depends on a failed one is not deployed (and not reported)."""
        with self._lock:
            if any(dependency.lower() in self.failed_ids for dependency in resource.get("dependsOn") or ()):
                self.failed_ids.add(resource["id"].lower())
                return True
        return False

    def _check_canceled(self) -> None:
        if self.cancel_requested.is_set():
            raise Canceled()

    def _check_existing(self, result) -> None:
        resolver = getattr(result, "resolver", None)
        for resource_id, found in (getattr(resolver, "existing_ids", None) or {}).items():
            path = parse_resource_path(resource_id)
            target = _target(resource_id, path.full_type if path else "", "/".join(path.names) if path else "")
            if found:
                self._record_operation("Read", target, "Succeeded", 200, {"status": "OK"}, 0.0)
            else:
                self._fail(target, "Read", missing_resource(_unknown_existing(resource_id)), 0.0)

    # -- one resource -------------------------------------------------------------------------------
    def _apply(self, resource: dict) -> None:
        started = time.monotonic()
        target = _target(resource["id"], resource["type"], resource["name"])
        operation_id = self._record_operation("Create", target, "Running", None, None, 0.0)
        try:
            self._check_canceled()
            body = resource_body(resource)
            unknown = first_unknown(body)
            if unknown is not None:
                raise missing_resource(unknown)
            if type_key(resource["type"]) == type_key(DEPLOYMENTS):
                status, message = self._nested(resource)
            else:
                status, message = self._put(resource, body)
        except Canceled:
            self._record_operation(
                "Create", target, "Canceled", None, None, time.monotonic() - started, operation_id=operation_id
            )
            return
        except (AzureError, ArmTemplateError) as error:
            self._fail(target, "Create", error, time.monotonic() - started, operation_id=operation_id)
            return
        self._record_operation(
            "Create", target, "Succeeded", status, message, time.monotonic() - started, operation_id=operation_id
        )

    def request_for(self, method: str, resource_id: str, api_version: str, body=None) -> Request:
        request = Request(
            method,
            resource_id,
            {"api-version": api_version},
            {},
            json.dumps(body).encode() if body is not None else b"",
            principal=self.principal,
        )
        request.request_id = str(uuid.uuid4())
        request.correlation_id = self.correlation_id
        return request

    def _write(self, method: str, resource_id: str, api_version: str, body=None):
        """One request through the app's pipeline as the caller; waits for a long-running one to end.
        Returns the response and whether the resource existed before."""
        existed = self.app.store.resource_exists(resource_id)
        response = self.app.dispatch(
            self.request_for(method, resource_id, api_version, body), cancel=self.cancel_requested
        )
        operation_id = _operation_id(response)
        if operation_id is not None:
            finished = self._wait(operation_id)
            if finished["status"] == "Failed":
                raise AzureError(
                    400,
                    (finished["error"] or {}).get("code", "ResourceDeploymentFailure"),
                    (finished["error"] or {}).get("message", TERMINAL_FAILED),
                )
        return response, existed

    def _put(self, resource: dict, body: dict) -> tuple[int, dict]:
        """The PUT of a resource or resource group, as the route a client's PUT takes answers it."""
        path = parse_resource_path(resource["id"])
        resource_id = path.id if path is not None else resource["id"]
        response, existed = self._write("PUT", resource_id, resource["apiVersion"], body)
        stored = self.app.store.get_resource(resource_id) or response.body
        state = (stored.get("properties") or {}).get("provisioningState") if isinstance(stored, dict) else None
        if state == "Failed":
            raise RESOURCE_DEPLOYMENT_FAILURE(TERMINAL_FAILED)
        status = response.status if response.status != 202 else (200 if existed else 201)
        return status, scrub(stored, self.texts)

    def _wait(self, operation_id: str) -> dict:
        while True:
            operation = self.app.operations.poll(operation_id)
            if operation is None or operation["status"] in TERMINAL:
                return operation or {"status": "Succeeded", "error": None}
            time.sleep(LRO_POLL_SECONDS)

    def _nested(self, resource: dict) -> tuple[int, dict]:
        child = self.service.start_nested(self, resource)
        if child.cancel_requested.is_set():
            raise Canceled()
        record = self.service.records.get(resource["id"]) or {}
        properties = record.get("properties", {})
        if properties.get("provisioningState") != "Succeeded":
            error = properties.get("error") or {"code": "DeploymentFailed", "message": DEPLOYMENT_FAILED}
            raise AzureError(
                400, error["code"], error["message"], target=error.get("target"), details=error.get("details")
            )
        return 201, record

    # -- complete mode ------------------------------------------------------------------------------
    def _delete_unlisted(self, result) -> None:
        scope_id = self.deployment_id.rsplit("/providers/", 1)[0]
        if "/resourcegroups/" not in scope_id.lower():
            return
        listed = {resource["id"].lower() for resource in result.all_resources()}
        for body in self.app.store.list_resources(scope_id):
            resource_id = body["id"]
            path = parse_resource_path(resource_id)
            if (
                path is None
                or resource_id.lower() in listed
                or path.full_type.lower().startswith(KEPT_IN_COMPLETE_MODE)
            ):
                continue
            resource_type = self.app.registry.get(path.full_type)
            if resource_type is None:
                continue
            self._delete(path, resource_type)

    def _delete(self, path, resource_type) -> None:
        started = time.monotonic()
        target = _target(path.id, resource_type.type, "/".join(path.names))
        try:
            self._write("DELETE", path.id, resource_type.default_api_version)
        except AzureError as error:
            self._fail(target, "Delete", error, time.monotonic() - started)
            return
        self._record_operation("Delete", target, "Succeeded", 200, {"status": "OK"}, time.monotonic() - started)

    # -- records ------------------------------------------------------------------------------------
    def _error_object(self, error) -> dict:
        if isinstance(error, TemplateRejected):
            return error.error_object()
        if isinstance(error, ArmTemplateError):
            return scrub(error.to_arm_error()["error"], self.texts)
        return scrub(error.error_object(), self.texts)

    def _fail(self, target, provisioning_operation: str, error, seconds: float, *, operation_id=None) -> None:
        error_object = self._error_object(error)
        status = error.status if isinstance(error, AzureError) else 400
        self._record_operation(
            provisioning_operation,
            target,
            "Failed",
            status,
            {"status": "Failed", "error": error_object},
            seconds,
            operation_id=operation_id,
        )
        with self._lock:
            if target is not None:
                self.failed_ids.add(target["id"].lower())
            self.errors.append(error_object)

    def _record_operation(
        self, provisioning_operation, target, state, status, message, seconds, *, operation_id=None
    ) -> str:
        operation_id = operation_id or uuid.uuid4().hex[:16].upper()
        properties = {
            "provisioningOperation": provisioning_operation,
            "provisioningState": state,
            "timestamp": now_iso(),
            "duration": duration(seconds),
            "trackingId": str(uuid.uuid4()),
            "serviceRequestId": str(uuid.uuid4()),
        }
        if status is not None:
            properties["statusCode"] = status_name(status)
        if message is not None:
            properties["statusMessage"] = scrub(message, self.texts)
        if target is not None:
            properties["targetResource"] = target
        self.service.records.put_operation(
            self.deployment_id,
            {
                "id": f"{self.deployment_id}/operations/{operation_id}",
                "operationId": operation_id,
                "properties": properties,
            },
        )
        return operation_id

    def _set_state(self, state: str) -> None:
        body = self.service.records.get(self.deployment_id)
        if body is not None:
            body["properties"]["provisioningState"] = state
            self.service.records.update(self.deployment_id, body)

    def _finish(
        self, state: str, *, error: dict | None = None, outputs: dict | None = None, resources: list | None = None
    ) -> None:
        body = self.service.records.get(self.deployment_id)
        if body is None:
            return
        properties = body["properties"]
        properties.update(
            provisioningState=state, timestamp=now_iso(), duration=duration(time.monotonic() - self.started)
        )
        if error is not None:
            properties["error"] = error
        if outputs is not None:
            properties["outputs"] = outputs
        if resources is not None:
            properties["outputResources"] = resources
        self.service.records.update(self.deployment_id, body)


def _target(resource_id: str, resource_type: str, name: str) -> dict:
    return {"id": resource_id, "resourceType": resource_type, "resourceName": name}


def _unknown_existing(resource_id: str) -> UnknownValue:
    return UnknownValue.for_resource("existing", resource_id)


def _operation_id(response) -> str | None:
    """The long-running operation an accepted write answers with: the last segment of its status URL."""
    url = response.headers.get("Azure-AsyncOperation") or (
        response.headers.get("Location") if response.status == 202 else None
    )
    if not url:
        return None
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


__all__ = ["Run", "DEPLOYMENT_FAILED"]
