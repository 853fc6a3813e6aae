"""What every validated resource type shares: api-versions and body checks from ``localazure.schema``, read-only
values stripped from the client's body, and the checks of linked resource ids.

``ValidatedType`` takes its api-versions and default from ``RequestBodyValidator`` (the installed SDK models
plus the published versions), answers the first body problem with its status and Azure error object, and
calls two hooks subclasses override: ``check`` (semantic checks after the body is well-formed) and ``fill``
(read-only values Azure adds, kept stable across updates via ``context.existing``).
"""

from __future__ import annotations

import re
import uuid

from localazure.error_catalogue import LINKED_INVALID_PROPERTY_ID
from localazure.errors import AzureError
from localazure.ids import parse_resource_path
from localazure.registry import ResourceContext, ResourceType
from localazure.resources import not_found
from localazure.schema import RequestBodyValidator
from localazure.types._identity import check_identity, fill_identity

VALIDATOR = RequestBodyValidator()
_INDEX = re.compile(r"\[(\d+)\]")


class ValidatedType(ResourceType):
    """A resource type whose PUT (and merged PATCH) bodies are checked against the Azure SDK's model."""

    def __init__(self, type: str, **options):
        super().__init__(
            type,
            VALIDATOR.api_versions(type),
            options.pop("default_api_version", None) or VALIDATOR.default_api_version(type),
            **options,
        )

    # -- validation --------------------------------------------------------------------------------
    def validate(self, body: dict, api_version: str, context: ResourceContext) -> None:
        super().validate(body, api_version, context)
        patch = _patch_body(context)
        for problem in VALIDATOR.validate(self.type, api_version, body):
            if patch is not None and not _path_present(patch, problem.target):
                continue  # a member of the stored resource, not of the client's PATCH body
            error = problem.to_error()
            raise AzureError(problem.status, error["code"], error["message"], target=error.get("target"))
        check_identity(context.store, body, context.resource_id)
        self.check(body, context)

    def check(self, body: dict, context: ResourceContext) -> None:
        """Checks beyond the model (linked resources, name rules). Raise AzureError."""

    # -- read-only values --------------------------------------------------------------------------
    def fill_read_only(self, body: dict, context: ResourceContext) -> dict:
        client_body = VALIDATOR.strip_read_only(self.type, context.api_version, body)
        result = super().fill_read_only(client_body, context)
        self.fill(result, context)
        fill_identity(context.store, result, context.existing, tenant_of(context))
        return result

    def fill(self, result: dict, context: ResourceContext) -> None:
        """Add the read-only values Azure fills (in place)."""


# -- helpers shared by the types ----------------------------------------------------------------------
def properties_of(body) -> dict:
    properties = body.get("properties") if isinstance(body, dict) else None
    return properties if isinstance(properties, dict) else {}


def kept(context: ResourceContext, key: str, make):
    """A read-only property's value: the one already stored, else a new one from ``make()``."""
    previous = properties_of(context.existing).get(key)
    return previous if previous is not None else make()


def new_guid() -> str:
    return str(uuid.uuid4())


def tenant_of(context: ResourceContext) -> str:
    """The tenant of the resource's subscription (what ``tenantId`` members name)."""
    subscription = context.store.subscription(context.path.subscription_id) if context.path.subscription_id else None
    return (subscription or {}).get("tenant_id", "")


def linked_resource(
    app, resource_id, property_path: str, *, expected_type: str | None = None, missing_status: int = 404
) -> dict:
    """The stored body a property points at. A malformed id is ARM's 400 ``LinkedInvalidPropertyId``; a missing
    resource is ``ResourceNotFound`` (ARM's words) with ``missing_status``."""
    path = parse_resource_path(resource_id) if isinstance(resource_id, str) else None
    if (
        path is None
        or path.is_collection
        or not path.subscription_id
        or (expected_type and path.full_type.lower() != expected_type.lower())
    ):
        # ARM's message for a property that should hold a resource id (seen in deployment errors).
        raise LINKED_INVALID_PROPERTY_ID(
            f"Property id '{resource_id}' at path '{property_path}' is invalid. Expect fully qualified "
            "resource Id that start with '/subscriptions/{subscriptionId}' or "
            "'/providers/{resourceProviderNamespace}/'."
        )
    app.operations.settle_resource(path.id)
    body = app.store.get_resource(path.id)
    if body is None:
        error = not_found(path)
        raise AzureError(missing_status, error.code, error.message, target=property_path)
    return body


def synchronous_put_route(app, resource_type: str, status: int = 200) -> None:
    """A top-level type whose API answers a create with ``status`` (e.g. Application Insights components: 200, not
    201); its PUTs are otherwise served by the generic route, through the one pipeline, like any other."""
    app.registry.get(resource_type).create_status = status


def _patch_body(context: ResourceContext):
    request = context.request
    if request is None or getattr(request, "method", "") != "PATCH":
        return None
    try:
        patch = request.json()
    except AzureError:
        return None
    return patch if isinstance(patch, dict) else None


def _path_present(body, target: str) -> bool:
    """True when the dotted/indexed member path (``properties.subnets[0].name``) exists in ``body``."""
    current = body
    for part in (target or "").split("."):
        name, _, rest = part.partition("[")
        if name:
            if not isinstance(current, dict):
                return False
            match = next((key for key in current if key.lower() == name.lower()), None)
            if match is None:
                return False
            current = current[match]
        for index in _INDEX.findall("[" + rest if rest else ""):
            if not isinstance(current, list) or int(index) >= len(current):
                return False
            current = current[int(index)]
    return True
