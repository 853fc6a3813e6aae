"""The resource type registry: what the generic ARM routes dispatch to.

A ``ResourceType`` declares its type string, api-versions, whether PUT/DELETE are long-running, and hooks that
later phases override in subclasses (validation from SDK models, ML semantics). See README.md.
"""

from __future__ import annotations

import copy
import time
import uuid
from dataclasses import dataclass, field

from localazure.error_catalogue import (
    INVALID_REQUEST_CONTENT,
    INVALID_TAG_COUNT,
    INVALID_TAG_NAME_LENGTH,
    INVALID_TAG_VALUE_LENGTH,
)
from localazure.errors import AzureError
from localazure.ids import ResourcePath

ACTIVE_STATES = ("Accepted", "Running", "Creating", "Updating", "Deleting")
ALL_METHODS = ("GET", "HEAD", "PUT", "PATCH", "DELETE")
# Providers whose responses leave out members that are not set (their GET examples in azure-rest-api-specs show
# no null members; Key Vault's vault, Storage's account and Network's resources serialize without nulls), so a
# client's explicit null is not echoed. Other providers (Machine Learning, Authorization) do return null members.
NULL_OMITTING_NAMESPACES = ("microsoft.keyvault", "microsoft.storage", "microsoft.network")
# Members a provider changes on every write without the resource changing: an identical PUT keeps them as stored.
VOLATILE_MEMBERS = frozenset(
    {"etag", "provisioningstate", "systemdata", "modifieddate", "lastmodifiedtime", "updatedon", "lastmodifiedat"}
)
# Azure's tag limits on a resource or resource group (Azure subscription and service limits).
MAX_TAGS = 50
MAX_TAG_NAME_LENGTH = 512
MAX_TAG_VALUE_LENGTH = 256


def check_tags(tags) -> None:
    """AzureError 400 for tags beyond Azure's limits: 50 of them, names up to 512 characters, values up to 256."""
    if not isinstance(tags, dict):
        return  # the type of ``tags`` is the schema validator's
    if len(tags) > MAX_TAGS:
        raise INVALID_TAG_COUNT(
            f"The number of tags '{len(tags)}' exceeds the maximum of '{MAX_TAGS}' tags allowed on a "
            "resource or resource group."
        )
    for name, value in tags.items():
        if len(name) > MAX_TAG_NAME_LENGTH:
            raise INVALID_TAG_NAME_LENGTH(
                f"The tag name '{name}' exceeds the maximum length of '{MAX_TAG_NAME_LENGTH}' characters."
            )
        if isinstance(value, str) and len(value) > MAX_TAG_VALUE_LENGTH:
            raise INVALID_TAG_VALUE_LENGTH(
                f"The tag value '{value}' of tag '{name}' exceeds the maximum length of "
                f"'{MAX_TAG_VALUE_LENGTH}' characters."
            )


@dataclass
class ResourceContext:
    """What a hook knows about the request it serves. ``request`` is None for internal calls (seed, deployments)."""

    app: object
    path: ResourcePath
    api_version: str
    existing: dict | None
    principal: object | None = None
    request: object | None = None
    provisioning_state: str = "Succeeded"
    extra: dict = field(default_factory=dict)

    @property
    def resource_id(self) -> str:
        return self.path.id

    @property
    def store(self):
        return self.app.store


class ResourceType:
    """One ARM resource type. Subclass it and override the hooks; register instances with ``Registry.register``."""

    create_status = 201  # the status of a PUT that creates (Application Insights components answer 200)

    def __init__(
        self,
        type: str,
        api_versions: list[str] | tuple[str, ...],
        default_api_version: str | None = None,
        *,
        long_running_put: bool = False,
        long_running_delete: bool = False,
        requires_location: bool | None = None,
        etag: bool = False,
        status_segment: str = "operationStatuses",
        result_segment: str = "operationResults",
        locations: tuple[str, ...] | None = None,
        update_status: int = 200,
        methods: tuple[str, ...] = ALL_METHODS,
        omits_client_nulls: bool | None = None,
    ):
        self.type = type
        self.namespace, dummy_separator, self.type_path = type.partition("/")
        self.api_versions = tuple(api_versions)
        self.default_api_version = default_api_version or max(self.api_versions)
        if self.default_api_version not in self.api_versions:
            raise ValueError(f"{type}: default api-version {self.default_api_version} is not in its api-versions")
        self.long_running_put = long_running_put
        self.long_running_delete = long_running_delete
        self.requires_location = ("/" not in self.type_path) if requires_location is None else requires_location
        self.etag = etag
        self.status_segment = status_segment
        self.result_segment = result_segment
        self.locations = locations
        # The status of a PUT that replaces an existing resource (role definitions answer 201 for both).
        self.update_status = update_status
        # The HTTP methods the provider's API has for one resource (405 for the others).
        self.methods = tuple(method.upper() for method in methods)
        self.omits_client_nulls = (
            self.namespace.lower() in NULL_OMITTING_NAMESPACES if omits_client_nulls is None else omits_client_nulls
        )
        # POST actions on a resource: lower-cased name -> handler(app, request, context) -> Response.
        self.actions: dict = {}

    # -- RBAC action strings (phase C enforces them) --------------------------------------------------
    @property
    def read_action(self) -> str:
        return f"{self.type}/read"

    @property
    def write_action(self) -> str:
        return f"{self.type}/write"

    @property
    def delete_action(self) -> str:
        return f"{self.type}/delete"

    def action_for(self, method: str, action_name: str | None = None) -> str:
        if action_name:
            return f"{self.type}/{action_name}/action"
        return {"GET": self.read_action, "HEAD": self.read_action, "DELETE": self.delete_action}.get(
            method, self.write_action
        )

    @property
    def tracked(self) -> bool:
        """A tracked resource (it has a location): ARM adds ``systemData`` to it."""
        return self.requires_location

    def not_found_error(self, path: ResourcePath) -> AzureError | None:
        """The provider's own 404 for a missing resource, or None for ARM's ResourceNotFound."""
        return None

    # -- hooks ---------------------------------------------------------------------------------------
    def validate(self, body: dict, api_version: str, context: ResourceContext) -> None:
        """Raise AzureError (400) for a body Azure would reject. Phase B plugs SDK-model validation in here."""
        if not isinstance(body, dict):
            raise INVALID_REQUEST_CONTENT(
                "The request content was invalid and could not be deserialized: "
                "'the resource definition must be a JSON object'."
            )

    def fill_read_only(self, body: dict, context: ResourceContext) -> dict:
        """The body as ARM stores and returns it: the client's body plus read-only values."""
        result = without_nulls(body) if self.omits_client_nulls else copy.deepcopy(body)
        for read_only in ("id", "name", "type", "etag", "systemData"):
            result.pop(read_only, None)
        result = {"id": context.resource_id, "name": context.path.name, "type": self.type, **result}
        if "location" in result and isinstance(result["location"], str):
            result["location"] = normalize_location(result["location"])
        properties = result.get("properties")
        if properties is None:
            properties = result["properties"] = {}
        if isinstance(properties, dict):
            properties["provisioningState"] = context.provisioning_state
        if self.etag:
            result["etag"] = f'W/"{uuid.uuid4()}"'
        return result

    def on_create(self, body: dict, context: ResourceContext) -> None:
        """After a first PUT is accepted, before the response. May raise AzureError to reject it."""

    def on_update(self, body: dict, previous: dict, context: ResourceContext) -> None:
        """After a PUT/PATCH of an existing resource is accepted."""

    def on_provisioned(self, body: dict, context: ResourceContext) -> None:
        """When provisioning ends in Succeeded (at once for synchronous types, at the last poll for others)."""

    def on_delete(self, body: dict, context: ResourceContext) -> None:
        """Before the resource is removed (also when its parent or resource group is deleted). It may keep a
        soft-deleted copy elsewhere, or raise AzureError to refuse the delete."""

    def listed(self, store, parent_id: str) -> list[dict]:
        """The stored bodies a list of the type under ``parent_id`` returns (the type's resources in it)."""
        return store.list_resources(parent_id, self.type)

    def present(self, body: dict, context: ResourceContext) -> dict:
        """The body as a GET returns it (e.g. computed child lists). Keep it cheap: GET speed matters."""
        return body


def normalize_location(location: str) -> str:
    return location.replace(" ", "").lower()


def without_nulls(value):
    """A copy of a JSON value without the object members whose value is null (at any depth)."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def comparable(body):
    """A resource body without the members that change on every write (``VOLATILE_MEMBERS``), to tell whether
    a PUT changes anything."""
    if isinstance(body, dict):
        return {key: comparable(item) for key, item in body.items() if key.lower() not in VOLATILE_MEMBERS}
    if isinstance(body, list):
        return [comparable(item) for item in body]
    return body


def arm_timestamp(moment: float | None = None) -> str:
    """ARM's UTC timestamp with seven fractional digits, as in ``systemData``."""
    moment = time.time() if moment is None else moment
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + f".{int(moment % 1 * 10**7):07d}Z"


def stamp_system_data(stored: dict, existing: dict | None, principal, changed: bool) -> None:
    """``systemData`` as ARM adds it to tracked resources: created* from the first write, lastModified* from the
    latest write that changed the resource, each naming the calling principal (an application for a service
    principal's token). Members: azure-mgmt-resource's ``SystemData`` model (createdBy, createdByType, createdAt,
    lastModifiedBy, lastModifiedByType, lastModifiedAt)."""
    previous = (existing or {}).get("systemData") if isinstance((existing or {}).get("systemData"), dict) else {}
    if previous and not changed:
        stored["systemData"] = dict(previous)
        return
    properties = stored.get("properties") if isinstance(stored.get("properties"), dict) else {}
    # A provider that reports its own creation time (ML workspaces' creationTime) created it at that instant.
    now = (properties.get("creationTime") if existing is None else None) or arm_timestamp()
    caller = (
        {"By": getattr(principal, "client_id", None) or getattr(principal, "object_id", None), "ByType": "Application"}
        if principal is not None
        else {}
    )
    created = {key: value for key, value in previous.items() if key.startswith("created")} or {
        "createdAt": now,
        **{f"created{suffix}": value for suffix, value in caller.items()},
    }
    stored["systemData"] = {
        **created,
        "lastModifiedAt": now,
        **{f"lastModified{suffix}": value for suffix, value in caller.items()},
    }


class Registry:
    def __init__(self):
        self._types: dict[str, ResourceType] = {}

    def register(self, resource_type: ResourceType, *, replace: bool = False) -> ResourceType:
        key = resource_type.type.lower()
        if key in self._types and not replace:
            raise ValueError(f"resource type {resource_type.type} is already registered; pass replace=True")
        self._types[key] = resource_type
        return resource_type

    def get(self, full_type: str) -> ResourceType | None:
        return self._types.get(full_type.lower())

    def has_namespace(self, namespace: str) -> bool:
        prefix = namespace.lower() + "/"
        return any(key.startswith(prefix) for key in self._types)

    def namespaces(self) -> dict[str, list[ResourceType]]:
        result: dict[str, list[ResourceType]] = {}
        for resource_type in self._types.values():
            result.setdefault(resource_type.namespace, []).append(resource_type)
        return result
