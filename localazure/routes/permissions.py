"""``GET {scope}/providers/Microsoft.Authorization/permissions``: the caller's effective permissions at a resource
group or a resource -- one entry per permission block of every role assigned at the scope or above it
(``rbac.effective_permissions``). Anyone may read their own permissions."""

from __future__ import annotations

import re

from localazure.error_catalogue import NO_REGISTERED_PROVIDER_FOUND
from localazure.http import json_response
from localazure.ids import ResourcePath, parse_resource_path, scope_parts
from localazure.rbac.evaluation import effective_permissions
from localazure.resources import not_found

API_VERSIONS = ("2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview")


def register(app) -> None:
    app.router.add(
        "GET",
        r"(?P<scope>/subscriptions/[^/]+/resourceGroups/[^/]+(?:/[^/]*)*?)/providers/"
        r"Microsoft\.Authorization/permissions",
        permissions,
        priority=60,
    )


def permissions(app, request, scope):
    # The SDK's list_for_resource leaves an empty segment for an empty parent resource path; ARM ignores it.
    scope = re.sub(r"/{2,}", "/", scope)
    if request.api_version not in API_VERSIONS:
        path = ResourcePath(scope, "Microsoft.Authorization", ("permissions",), ())
        raise NO_REGISTERED_PROVIDER_FOUND(
            f"No registered resource provider found for location 'global' and API version "
            f"'{request.api_version}' for type '{path.types[0]}'. The supported api-versions are "
            f"'{', '.join(API_VERSIONS)}'."
        )
    subscription_id, group = scope_parts(scope)
    app.resources.check_subscription(subscription_id, request.principal)
    app.resources.check_resource_group(subscription_id, group)
    resource = parse_resource_path(scope)
    if resource is not None and not app.store.resource_exists(resource.id):
        raise not_found(resource)
    assignments = app.authorizer.assignments_of(request.principal.object_id, request.request_id)
    return json_response({"value": effective_permissions(assignments, scope)})
