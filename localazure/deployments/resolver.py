"""``reference()``, ``list*()`` and ``existing`` resources answered from the endpoint's live state.

A resource that does not exist (yet) is an ``UnknownValue`` whose ``source`` names it: a deployment
re-evaluates its template before each wave, so references to resources deployed by earlier waves become
real values, and one still unknown when its resource is due is a missing resource (``missing_resource``).
"""
from __future__ import annotations

import json
import re

from localazure.deployments.engine import UnknownValue
from localazure.errors import AzureError
from localazure.http import Request
from localazure.ids import parse_resource_path, scope_parts

_SOURCE = re.compile(r"\A(?:reference|existing|list\w*)\((?P<id>/.+)\)\Z", re.IGNORECASE)


class LiveResolver:
    def __init__(self, app, principal=None):
        self.app = app
        self.principal = principal
        self.existing_ids: dict[str, bool] = {}  # id -> found, for every ``existing`` resource asked about

    def body(self, resource_id: str) -> dict | None:
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
        body = self.body(resource_id)
        if body is None:
            return UnknownValue(f"reference({resource_id})")
        if full:
            return {**body, "apiVersion": api_version} if api_version else body
        return body.get("properties", {})

    def existing(self, resource_id: str, api_version: str | None = None):
        body = self.body(resource_id)
        self.existing_ids[resource_id] = body is not None
        if body is None:
            return UnknownValue(f"existing({resource_id})")
        return body

    def list(self, function_name: str, resource_id: str, api_version: str | None = None, body=None):
        path = parse_resource_path(resource_id)
        resource_type = self.app.registry.get(path.full_type) if path else None
        handler = resource_type.actions.get(function_name.lower()) if resource_type else None
        stored = self.app.store.get_resource(resource_id)
        if handler is None or stored is None:
            return UnknownValue(f"{function_name}({resource_id})")
        request = Request("POST", f"{resource_id}/{function_name}", {"api-version": api_version or ""}, {},
                          json.dumps(body).encode() if body is not None else b"", principal=self.principal)
        context = self.app.resources.context(path, api_version or resource_type.default_api_version, stored,
                                             self.principal, request)
        response = handler(self.app, request, context)
        return response.body if isinstance(response.body, (dict, list)) else json.loads(response.encoded_body())

    def linked_template(self, location: str):
        return UnknownValue(f"linkedTemplate({location})")


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
    found = _SOURCE.match(unknown.source or "")
    if not found:
        return AzureError(400, "InvalidTemplate", f"The template value '{unknown.source}' could not be determined "
                                                  "at deployment time.")
    resource_id = found.group("id")
    path = parse_resource_path(resource_id)
    unused_1, group = scope_parts(resource_id)
    if path is None:
        return AzureError(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")
    name = "/".join(path.names)
    where = f"under resource group '{group}'" if group else "in the subscription"
    return AzureError(404, "ResourceNotFound", f"The Resource '{path.full_type}/{name}' {where} was not found. For "
                                               "more details please go to https://aka.ms/ARMResourceNotFoundFix")
