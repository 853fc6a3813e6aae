"""The generic resource service behind the ARM routes; also usable without HTTP (seed, deployments).

Every write goes through ``put``/``patch``/``delete`` so that validation, read-only values, hooks,
long-running operations and provisioning faults behave the same for every caller.
"""

from __future__ import annotations

import copy
import re
import time

from localazure.api_versions import RESOURCES_API_VERSIONS
from localazure.error_catalogue import (
    ANOTHER_OPERATION_IN_PROGRESS,
    INVALID_API_VERSION_PARAMETER,
    INVALID_REQUEST_CONTENT,
    INVALID_RESOURCE_LOCATION,
    INVALID_RESOURCE_NAMESPACE_400,
    INVALID_RESOURCE_TYPE,
    INVALID_SUBSCRIPTION_ID,
    LOCATION_REQUIRED,
    MISSING_SUBSCRIPTION_REGISTRATION,
    NO_REGISTERED_PROVIDER_FOUND,
    PARENT_RESOURCE_NOT_FOUND,
    PRECONDITION_FAILED,
    RESOURCE_GROUP_NOT_FOUND,
    RESOURCE_NOT_FOUND,
    SUBSCRIPTION_NOT_FOUND,
)
from localazure.errors import AzureError
from localazure.ids import ResourcePath, parse_resource_path, scope_parts
from localazure.rbac.scopes import is_guid
from localazure.registry import (
    ACTIVE_STATES,
    ResourceContext,
    ResourceType,
    check_tags,
    comparable,
    normalize_location,
    stamp_system_data,
)

# ARM's api-version syntax: a date, optionally with a suffix (2024-10-01-preview, 2014-04-01-alpha).
_API_VERSION_SYNTAX = re.compile(r"^\d{4}-\d{2}-\d{2}(-[A-Za-z]+)?$")


def resource_display(path: ResourcePath) -> str:
    return path.id[len(path.scope) + len("/providers/") :]


def not_found(path: ResourcePath) -> AzureError:
    where = f"under resource group '{path.resource_group}'" if path.resource_group else "under the given scope"
    return RESOURCE_NOT_FOUND(
        f"The Resource '{resource_display(path)}' {where} was not found. For more details please go to "
        "https://aka.ms/ARMResourceNotFoundFix"
    )


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


class ResourceService:
    def __init__(self, app):
        self.app = app
        app.operations.register_kind("put", self._complete_put, self._progress_put)
        app.operations.register_kind("delete", self._complete_delete)

    # -- lookups -------------------------------------------------------------------------------------
    def resource_type(self, path: ResourcePath, api_version: str, location: str | None = None) -> ResourceType:
        if not _API_VERSION_SYNTAX.fullmatch(api_version or ""):
            # ARM rejects a malformed api-version before it looks for a provider, with the message it uses for
            # unsupported versions on its own routes (quoted e.g. in ansible-collections/azure#188 and
            # Azure/azure-cli#28038: "The api-version '...' is invalid. The supported versions are '...'.").
            raise INVALID_API_VERSION_PARAMETER(
                f"The api-version '{api_version}' is invalid. The supported versions are "
                f"'{','.join(reversed(RESOURCES_API_VERSIONS))}'. Please see https://aka.ms/api-version "
                "for more details."
            )
        resource_type = self.app.registry.get(path.full_type)
        if resource_type is None:
            if not self.app.registry.has_namespace(path.namespace):
                raise INVALID_RESOURCE_NAMESPACE_400(f"The resource namespace '{path.namespace}' is invalid.")
            raise INVALID_RESOURCE_TYPE(
                f"The resource type '{'/'.join(path.types)}' could not be found in the namespace "
                f"'{path.namespace}' for api version '{api_version}'."
            )
        if api_version not in resource_type.api_versions:
            raise NO_REGISTERED_PROVIDER_FOUND(
                f"No registered resource provider found for location '{location or 'westeurope'}' and "
                f"API version '{api_version}' for type '{resource_type.type_path}'. The supported "
                f"api-versions are '{', '.join(resource_type.api_versions)}'. The supported locations "
                f"are '{', '.join(resource_type.locations or self.app.locations)}'."
            )
        return resource_type

    def check_subscription(self, subscription_id: str, principal=None) -> dict:
        if not is_guid(subscription_id):
            # Azure's code and words, 400 (Azure/apiops#460, hashicorp/terraform-provider-azurerm#25954).
            raise INVALID_SUBSCRIPTION_ID(
                f"The provided subscription identifier '{subscription_id}' is malformed or invalid."
            )
        subscription = self.app.store.subscription(subscription_id)
        if subscription is None:
            raise SUBSCRIPTION_NOT_FOUND(f"The subscription '{subscription_id}' could not be found.")
        if principal is not None and principal.tenant_id.lower() != subscription["tenant_id"].lower():
            raise self.app.tokens.tenant_mismatch(principal.claims, subscription["tenant_id"])
        return subscription

    def check_resource_group(self, subscription_id: str, resource_group: str) -> dict:
        group = self.app.store.get_resource(f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}")
        if group is None:
            raise RESOURCE_GROUP_NOT_FOUND(f"Resource group '{resource_group}' could not be found.")
        return group

    def check_scope(self, path: ResourcePath, principal=None, *, parent: bool = True) -> None:
        """Subscription, resource group and (for children and extension resources) parent must exist."""
        subscription_id, resource_group = scope_parts(path.scope)
        if subscription_id:
            self.check_subscription(subscription_id, principal)
        if resource_group:
            self.check_resource_group(subscription_id, resource_group)
        if not parent:
            return
        parent_id = path.parent_id
        parent_path = parse_resource_path(parent_id)
        if parent_path is not None and not self.app.store.resource_exists(parent_id):
            raise PARENT_RESOURCE_NOT_FOUND(
                f"Can not perform requested operation on nested resource. Parent resource "
                f"'{'/'.join(parent_path.names) or parent_id}' not found."
            )

    def context(self, path, api_version, existing, principal=None, request=None) -> ResourceContext:
        return ResourceContext(self.app, path, api_version, existing, principal, request)

    # -- reads ---------------------------------------------------------------------------------------
    def get(self, path: ResourcePath, api_version: str, principal=None, request=None) -> dict:
        resource_type = self.resource_type(path, api_version)
        self.app.operations.settle_resource(path.id)
        body = self.app.store.get_resource(path.id)
        if body is None:
            self.check_scope(path, principal)
            raise resource_type.not_found_error(path) or not_found(path)
        if principal is not None:
            self.check_scope(path, principal, parent=False)
        return resource_type.present(body, self.context(path, api_version, body, principal, request))

    def list(self, path: ResourcePath, api_version: str, principal=None, request=None) -> list[dict]:
        resource_type = self.resource_type(path, api_version)
        self.check_scope(path, principal)
        context = self.context(path, api_version, None, principal, request)
        return [resource_type.present(body, context) for body in resource_type.listed(self.app.store, path.parent_id)]

    # -- writes --------------------------------------------------------------------------------------
    def put(
        self, path: ResourcePath, body, api_version: str, *, principal=None, request=None, internal: bool = False
    ) -> tuple[int, dict, dict | None]:
        """Create or replace. Returns (status, body, operation or None). ``internal`` skips validation and
        long-running behaviour (seeding)."""
        location = body.get("location") if isinstance(body, dict) else None
        resource_type = self.resource_type(path, api_version, location)
        self.check_scope(path, principal)
        self._check_registered(path)
        store = self.app.store
        with store.transaction():
            existing = store.get_resource(path.id)
            context = self.context(path, api_version, existing, principal, request)
            self._refuse_while_busy(path, existing)
            self._check_preconditions(request, existing)
            if not internal:
                # Azure Policy's modify effect changes the request content before the provider validates it.
                body = self.app.policies.modify(path.id, resource_type.type, body)
                check_tags(body.get("tags") if isinstance(body, dict) else None)
                resource_type.validate(body, api_version, context)
            if resource_type.requires_location and not (isinstance(body, dict) and body.get("location")):
                raise LOCATION_REQUIRED("The location property is required for this definition.")
            if (
                existing
                and isinstance(body, dict)
                and body.get("location")
                and existing.get("location")
                and normalize_location(body["location"]) != normalize_location(existing["location"])
            ):
                raise INVALID_RESOURCE_LOCATION(
                    f"The resource '{path.name}' already exists in location '{existing['location']}' in "
                    f"resource group '{path.resource_group}'. A resource with the same name cannot be "
                    "created in location "
                    f"'{normalize_location(body['location'])}'. Please select a new resource name."
                )
            if self._unchanged(resource_type, body, existing, context):
                # An identical PUT changes nothing: the stored body (etag, stamps, provisioningState) is the answer,
                # synchronously (storage: "a subsequent create ... with the exact same set of properties ... will
                # succeed", StorageAccounts_Create in azure-rest-api-specs).
                return resource_type.update_status, resource_type.present(existing, context), None
            failure = self.app.faults.provisioning_failure(path.id)
            long_running = resource_type.long_running_put and not internal
            context.provisioning_state = "Accepted" if long_running else ("Failed" if failure else "Succeeded")
            stored = resource_type.fill_read_only(body, context)
            if resource_type.tracked:
                stamp_system_data(stored, existing, principal, changed=True)
            store.put_resource(path.id, resource_type.type, path.parent_id, stored, api_version, now=time.time())
            if existing is None:
                resource_type.on_create(stored, context)
            else:
                resource_type.on_update(stored, existing, context)
            operation = None
            if long_running:
                operation = self.app.operations.start(
                    "put",
                    path.subscription_id or "",
                    path.id,
                    {"failure": failure, "api_version": api_version, "type": resource_type.type},
                )
            elif not failure:
                resource_type.on_provisioned(stored, context)
        status = resource_type.create_status if existing is None else resource_type.update_status
        return status, resource_type.present(stored, context), operation

    def patch(self, path: ResourcePath, patch, api_version: str, *, principal=None, request=None) -> dict:
        resource_type = self.resource_type(path, api_version)
        self.check_scope(path, principal)
        store = self.app.store
        with store.transaction():
            existing = store.get_resource(path.id)
            if existing is None:
                raise not_found(path)
            self._refuse_while_busy(path, existing)
            self._check_preconditions(request, existing)
            if not isinstance(patch, dict):
                raise INVALID_REQUEST_CONTENT("The request content was invalid and could not be deserialized.")
            check_tags(patch.get("tags"))
            merged = self.app.policies.modify(path.id, resource_type.type, merge_patch(existing, patch))
            context = self.context(path, api_version, existing, principal, request)
            resource_type.validate(merged, api_version, context)
            stored = resource_type.fill_read_only(merged, context)
            if comparable(stored) == comparable(existing):
                return resource_type.present(existing, context)
            if resource_type.tracked:
                stamp_system_data(stored, existing, principal, changed=True)
            store.put_resource(path.id, resource_type.type, path.parent_id, stored, api_version, now=time.time())
            resource_type.on_update(stored, existing, context)
        return resource_type.present(stored, context)

    def delete(
        self, path: ResourcePath, api_version: str, *, principal=None, request=None, internal: bool = False
    ) -> tuple[int, dict | None]:
        """Returns (status, operation or None): 200 deleted, 202 accepted, 204 nothing to delete."""
        resource_type = self.resource_type(path, api_version)
        self.check_scope(path, principal, parent=False)
        store = self.app.store
        with store.transaction():
            existing = store.get_resource(path.id)
            if existing is None:
                return 204, None
            self._check_preconditions(request, existing)
            if resource_type.long_running_delete and not internal:
                if isinstance(existing.get("properties"), dict):
                    existing["properties"]["provisioningState"] = "Deleting"
                store.put_resource(path.id, resource_type.type, path.parent_id, existing, api_version, now=time.time())
                operation = self.app.operations.start(
                    "delete",
                    path.subscription_id or "",
                    path.id,
                    {"api_version": api_version, "type": resource_type.type},
                )
                return 202, operation
            self.remove_tree(path.id, principal)
        return 200, None

    def remove_tree(self, resource_id: str, principal=None) -> None:
        """Run ``on_delete`` for the resource and everything under it (deepest first), then remove them."""
        store = self.app.store
        with store.transaction():
            contained = store.list_resources_under(resource_id)
            root = store.get_resource(resource_id)
            items = list(reversed(contained))
            if root is not None:
                items.append((resource_id, None, root))
            for item_id, dummy_type, body in items:
                item_path = parse_resource_path(item_id)
                if item_path is None:
                    continue
                item_type = self.app.registry.get(item_path.full_type)
                if item_type is not None:
                    item_type.on_delete(body, self.context(item_path, item_type.default_api_version, body, principal))
            store.delete_resource_tree(resource_id)

    # -- long-running completions ----------------------------------------------------------------------
    def _progress_put(self, app, operation, state) -> None:
        body = app.store.get_resource(operation["resource_id"])
        path = parse_resource_path(operation["resource_id"])
        if body is None or path is None or not isinstance(body.get("properties"), dict):
            return
        body["properties"]["provisioningState"] = state
        app.store.put_resource(
            path.id, operation["data"]["type"], path.parent_id, body, operation["data"]["api_version"], now=time.time()
        )

    def _complete_put(self, app, operation) -> dict | None:
        body = app.store.get_resource(operation["resource_id"])
        path = parse_resource_path(operation["resource_id"])
        if body is None or path is None:
            return {
                "code": "ResourceNotFound",
                "message": f"The resource '{operation['resource_id']}' was deleted while it was being provisioned.",
            }
        failure = operation["data"].get("failure")
        if isinstance(body.get("properties"), dict):
            body["properties"]["provisioningState"] = "Failed" if failure else "Succeeded"
        app.store.put_resource(
            path.id, operation["data"]["type"], path.parent_id, body, operation["data"]["api_version"], now=time.time()
        )
        if not failure:
            resource_type = app.registry.get(path.full_type)
            if resource_type is not None:
                resource_type.on_provisioned(body, self.context(path, operation["data"]["api_version"], body))
        return failure

    def _complete_delete(self, app, operation) -> dict | None:
        self.remove_tree(operation["resource_id"])
        return None

    # -- checks --------------------------------------------------------------------------------------
    @staticmethod
    def _unchanged(resource_type: ResourceType, body, existing: dict | None, context: ResourceContext) -> bool:
        """True when ``body`` would store what is stored already, apart from the members every write changes.
        A resource that did not end in Succeeded is provisioned again."""
        if existing is None or not isinstance(body, dict):
            return False
        properties = existing.get("properties") if isinstance(existing.get("properties"), dict) else {}
        if properties.get("provisioningState", "Succeeded") != "Succeeded":
            return False
        context.provisioning_state = "Succeeded"
        candidate = resource_type.fill_read_only(body, context)
        return comparable(candidate) == comparable(existing)

    def _check_registered(self, path: ResourcePath) -> None:
        if (
            path.subscription_id
            and self.app.store.provider_state(path.subscription_id, path.namespace) == "NotRegistered"
        ):
            raise MISSING_SUBSCRIPTION_REGISTRATION(
                f"The subscription is not registered to use namespace '{path.namespace}'. See "
                "https://aka.ms/rps-not-found for how to register subscriptions.",
                details=[
                    {
                        "code": "MissingSubscriptionRegistration",
                        "target": path.namespace,
                        "message": f"The subscription is not registered to use namespace "
                        f"'{path.namespace}'. See https://aka.ms/rps-not-found for how to "
                        "register subscriptions.",
                    }
                ],
            )

    def _refuse_while_busy(self, path: ResourcePath, existing: dict | None) -> None:
        state = (existing or {}).get("properties", {}) if isinstance((existing or {}).get("properties"), dict) else {}
        if state.get("provisioningState") == "Deleting":
            raise ANOTHER_OPERATION_IN_PROGRESS(
                f"Another operation on this or dependent resource is in progress. To retrieve status of "
                f"the operation use uri: {self.app.arm_endpoint}{path.id}."
            )

    @staticmethod
    def _check_preconditions(request, existing: dict | None) -> None:
        if request is None:
            return
        if_match = request.headers.get("if-match")
        if if_match and if_match != "*" and (existing is None or existing.get("etag") != if_match):
            raise PRECONDITION_FAILED("The condition specified using HTTP conditional header(s) is not met.")
        if if_match == "*" and existing is None:
            raise PRECONDITION_FAILED("The condition specified using HTTP conditional header(s) is not met.")
        if request.headers.get("if-none-match") == "*" and existing is not None:
            raise PRECONDITION_FAILED("The condition specified using HTTP conditional header(s) is not met.")


__all__ = ["ResourceService", "ACTIVE_STATES", "merge_patch"]
