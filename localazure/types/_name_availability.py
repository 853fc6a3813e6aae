"""``POST /subscriptions/{s}/providers/{namespace}/checkNameAvailability`` for resource types whose names are
global (storage accounts, container registries): one route shape, each provider's own name rule, reasons and
words in a ``NameRules``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from localazure.error_catalogue import INVALID_REQUEST_CONTENT
from localazure.errors import AzureError
from localazure.http import json_response


@dataclass(frozen=True)
class NameRules:
    resource_type: str  # the type whose names are global, e.g. Microsoft.Storage/storageAccounts
    action: str  # the RBAC action the caller needs at the subscription
    pattern: re.Pattern
    invalid_reason: str  # the provider's reason for a name its rule refuses
    invalid_message: Callable[[str], str]
    taken_message: Callable[[str], str]
    requires_type: bool = False  # the provider refuses a body whose "type" is not resource_type

    @property
    def namespace(self) -> str:
        return self.resource_type.partition("/")[0]


def globally_named(store, resource_type: str, name: str) -> str | None:
    """The id of a resource of this type with this name in any subscription."""
    return store.resource_id_named(resource_type, name)


def _invalid_content(detail: str) -> AzureError:
    return INVALID_REQUEST_CONTENT(f"The request content was invalid and could not be deserialized: '{detail}'.")


def check_name_availability(app, request, subscription_id: str, rules: NameRules):
    app.resources.check_subscription(subscription_id, request.principal)
    app.authorize(request, rules.action, f"/subscriptions/{subscription_id}")
    body = request.json()
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise _invalid_content("Required property 'name' not found in JSON.")
    if rules.requires_type and str(body.get("type", "")).lower() != rules.resource_type.lower():
        # NOT VERIFIED: code and words; the API's only allowed type value is the registries type.
        raise _invalid_content(f"The value of property 'type' must be '{rules.resource_type}'.")
    if not rules.pattern.match(name):
        return json_response(
            {"nameAvailable": False, "reason": rules.invalid_reason, "message": rules.invalid_message(name)}
        )
    if globally_named(app.store, rules.resource_type, name) is not None:
        return json_response({"nameAvailable": False, "reason": "AlreadyExists", "message": rules.taken_message(name)})
    return json_response({"nameAvailable": True})


def register_route(app, rules: NameRules) -> None:
    def route(app, request, subscription_id):
        return check_name_availability(app, request, subscription_id, rules)

    app.router.add(
        "POST",
        r"/subscriptions/(?P<subscription_id>[^/]+)/providers/"
        + re.escape(rules.namespace)
        + r"/checkNameAvailability",
        route,
        priority=30,
        name=f"checkNameAvailability {rules.namespace}",
    )
