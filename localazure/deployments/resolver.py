"""``reference()``, ``list*()`` and ``existing`` resources answered from the endpoint's live state, through the
app's one request pipeline as the deploying principal (``app.dispatch``): a GET for ``reference()`` and
``existing``, a POST for ``list*()``, each authorized as a client's would be.

A resource that does not exist (yet) is an ``UnknownValue`` that names it (``UnknownValue.for_resource``): a
deployment re-evaluates its template before each wave, so references to resources deployed by earlier waves
become real values, and one still unknown when its resource is due is a missing resource (``missing_resource``).
Any other refusal (``AuthorizationFailed``, a list function the provider does not serve) fails the evaluation
with the provider's error, as ARM fails the deployment -- unless the resolver is ``deferred`` (validation and
what-if, before anything runs), where it is an unknown value: ARM evaluates these functions when it deploys.
"""

from __future__ import annotations

import copy
import json
import uuid

from localazure.api_versions import RESOURCES_API_VERSIONS
from localazure.deployments.engine import UnknownValue
from localazure.error_catalogue import INVALID_TEMPLATE, RESOURCE_GROUP_NOT_FOUND, RESOURCE_NOT_FOUND
from localazure.errors import AzureError
from localazure.http import Request
from localazure.ids import parse_resource_path, scope_parts


class LiveResolver:
    def __init__(self, app, principal=None, *, deferred: bool = False):
        self.app = app
        self.principal = principal
        self.deferred = deferred
        self.existing_ids: dict[str, bool] = {}  # id -> found, for every ``existing`` resource asked about
        # One id for every read of one evaluation: the authorizer caches the caller's roles per request id.
        self.request_id = str(uuid.uuid4())
        # One evaluation sees one state (the run writes between evaluations): each read is made once.
        self._answers: dict[tuple, object] = {}

    def body(self, resource_id: str) -> dict | None:
        """The stored body as a GET presents it, read directly (what-if compares against it)."""
        app = self.app
        app.operations.settle_resource(resource_id)
        body = app.store.get_resource(resource_id)
        path = parse_resource_path(resource_id)
        if body is None or path is None:
            return body
        resource_type = app.registry.get(path.full_type)
        if resource_type is None:
            return body
        return resource_type.present(body, app.resources.context(path, resource_type.default_api_version, body))

    def reference(self, resource_id: str, api_version: str | None = None, full: bool = False):
        body = self._call("GET", resource_id, resource_id, api_version)
        if body is None:
            return UnknownValue.for_resource("reference", resource_id)
        if full:
            return {**body, "apiVersion": api_version} if api_version else body
        return body.get("properties", {})

    def existing(self, resource_id: str, api_version: str | None = None):
        body = self._call("GET", resource_id, resource_id, api_version)
        self.existing_ids[resource_id] = body is not None
        if body is None:
            return UnknownValue.for_resource("existing", resource_id)
        return body

    def list(self, function_name: str, resource_id: str, api_version: str | None = None, body=None):
        answer = self._call("POST", f"{resource_id}/{function_name}", resource_id, api_version, body)
        if answer is None:
            return UnknownValue.for_resource("list", resource_id, function_name)
        return answer

    def linked_template(self, location: str):
        return UnknownValue(f"linkedTemplate({location})")

    # -- through the pipeline --------------------------------------------------------------------------
    def _call(self, method: str, request_path: str, resource_id: str, api_version: str | None, body=None):
        """The answer's JSON, or None when the resource does not exist (or the refusal is deferred)."""
        content = json.dumps(body).encode() if body is not None else b""
        key = (method, request_path.lower(), self._api_version(resource_id, api_version), content)
        if key not in self._answers:
            self._answers[key] = self._dispatch(method, request_path, key[2], content)
        answer = self._answers[key]
        return copy.deepcopy(answer) if isinstance(answer, (dict, list)) else answer

    def _dispatch(self, method: str, request_path: str, api_version: str, content: bytes):
        request = Request(
            method,
            request_path,
            {"api-version": api_version},
            {},
            content,
            request_id=self.request_id,
            principal=self.principal,
        )
        try:
            response = self.app.dispatch(request, observed=False)
        except AzureError as error:
            if error.status == 404 or self.deferred:
                return None
            raise
        if isinstance(response.body, (dict, list)):
            return response.body
        return json.loads(response.encoded_body()) if response.encoded_body() else {}

    def _api_version(self, resource_id: str, api_version: str | None) -> str:
        """The template's api-version as given: a version the type does not serve fails the read as a client's
        GET or POST fails (400 NoRegisteredProviderFound). Without one, the type's default version."""
        if api_version:
            return api_version
        path = parse_resource_path(resource_id)
        resource_type = self.app.registry.get(path.full_type) if path is not None else None
        if resource_type is None:
            return RESOURCES_API_VERSIONS[-1]
        return resource_type.default_api_version


def first_unknown(value):
    """The first UnknownValue inside ``value`` (depth first), or None."""
    if isinstance(value, UnknownValue):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = first_unknown(item)
        if found is not None:
            return found
    return None


def missing_resource(unknown: UnknownValue) -> AzureError:
    """ARM's error for a resource a template needs but that does not exist."""
    resource_id = unknown.resource_id
    if resource_id is None:
        return INVALID_TEMPLATE(f"The template value '{unknown.source}' could not be determined at deployment time.")
    path = parse_resource_path(resource_id)
    _, group = scope_parts(resource_id)
    if path is None:
        return RESOURCE_GROUP_NOT_FOUND(f"Resource group '{group}' could not be found.")
    name = "/".join(path.names)
    where = f"under resource group '{group}'" if group else "in the subscription"
    return RESOURCE_NOT_FOUND(
        f"The Resource '{path.full_type}/{name}' {where} was not found. For "
        "more details please go to https://aka.ms/ARMResourceNotFoundFix"
    )
