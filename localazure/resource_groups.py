"""Resource groups as a service: their name rules and create-or-update, for the routes, deployments and the seed."""

from __future__ import annotations

import time

from localazure.error_catalogue import (
    INVALID_RESOURCE_GROUP,
    INVALID_RESOURCE_GROUP_LOCATION,
    LOCATION_NOT_AVAILABLE_FOR_RESOURCE_GROUP,
    LOCATION_REQUIRED,
    RESOURCE_GROUP_BEING_DELETED,
)
from localazure.ids import invalid_name_characters, resource_group_id
from localazure.registry import check_tags, normalize_location
from localazure.resource_types import RESOURCE_GROUPS

ACTION = "Microsoft.Resources/subscriptions/resourceGroups"


def _check_name(name: str) -> None:
    invalid = invalid_name_characters(name)
    if invalid:
        raise INVALID_RESOURCE_GROUP(
            f"The provided resource group name '{name}' has these invalid characters: "
            f"'{invalid}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'. "
            "See https://aka.ms/resourcegroupnamingrestrictions for more information."
        )
    if len(name) > 90 or name.endswith("."):
        raise INVALID_RESOURCE_GROUP(
            f"The provided resource group name '{name}' is invalid: it must be 1-90 characters long and "
            "must not end in a period. See https://aka.ms/resourcegroupnamingrestrictions for more "
            "information."
        )


def group_body(
    group_id: str, name: str, location: str, tags: dict | None, managed_by: str | None, state: str = "Succeeded"
) -> dict:
    body = {
        "id": group_id,
        "name": name,
        "type": RESOURCE_GROUPS,
        "location": location,
        "properties": {"provisioningState": state},
    }
    if tags:
        body["tags"] = tags
    if managed_by:
        body["managedBy"] = managed_by
    return body


def create_or_update(app, subscription_id: str, name: str, definition: dict, *, principal=None) -> tuple[int, dict]:
    """Also used by the seed. Returns (status, body)."""
    app.resources.check_subscription(subscription_id, principal)
    _check_name(name)
    if not isinstance(definition, dict) or not definition.get("location"):
        raise LOCATION_REQUIRED("The location property is required for this definition.")
    check_tags(definition.get("tags"))
    location = normalize_location(str(definition["location"]))
    if location not in app.locations:
        raise LOCATION_NOT_AVAILABLE_FOR_RESOURCE_GROUP(
            f"The provided location '{location}' is not available for resource group. List of available "
            f"regions is '{','.join(app.locations)}'."
        )
    group_id = resource_group_id(subscription_id, name)
    store = app.store
    with store.transaction():
        existing = store.get_resource(group_id)
        if existing is not None:
            if existing["properties"].get("provisioningState") == "Deleting":
                raise RESOURCE_GROUP_BEING_DELETED(
                    f"The resource group '{existing['name']}' is in deprovisioning state and cannot "
                    "perform this operation."
                )
            if existing["location"] != location:
                raise INVALID_RESOURCE_GROUP_LOCATION(
                    f"Invalid resource group location '{location}'. The Resource group already exists "
                    f"in location '{existing['location']}'."
                )
            name = existing["name"]
            group_id = existing["id"]
        body = group_body(group_id, name, location, definition.get("tags"), definition.get("managedBy"))
        store.put_resource(group_id, RESOURCE_GROUPS, f"/subscriptions/{subscription_id}", body, now=time.time())
    return (200 if existing else 201), body
