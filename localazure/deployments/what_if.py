"""What-if: the engine's differ (``resource_change``) between live state and the evaluated template.

Resources the template deploys are Create, Modify, NoChange or Deploy (a value known only after
deployment); resources of the resource group the template does not contain are Delete in complete mode and
Ignore in incremental mode. Secure values are scrubbed from the result. As in Azure, a resource whose only
differences are read-only properties the template sets to other values is Modify with NoEffect deltas
(``effective_change_type`` reads it as NoChange). Nothing here decides what a deployment writes: the
runner PUTs every resource of the template, as ARM does.
"""

from __future__ import annotations

from localazure.deployments.definition import Definition, Scope
from localazure.deployments.engine import resource_change, scrub
from localazure.deployments.evaluation import deployable, resource_body, secrets_of
from localazure.deployments.resolver import LiveResolver
from localazure.ids import parse_resource_path
from localazure.resource_types import RESOURCE_GROUPS, type_key

# What-if compares the properties ARM would send; these keys of a stored body are the server's own.
_IDENTITY_KEYS = ("id", "name", "type")


def changes(app, scope: Scope, definition: Definition, result, resolver: LiveResolver) -> list[dict]:
    listed = set()
    found = []
    for resource in deployable(result):
        resource_id = resource["id"]
        listed.add(resource_id.lower())
        desired = {
            "id": resource_id,
            "name": resource["name"],
            "type": resource["type"],
            "apiVersion": resource["apiVersion"],
            **resource_body(resource),
        }
        current = _current(app, resolver, resource_id, resource["type"])
        change = resource_change(resource_id, current, desired, mode=definition.mode)
        found.append(change)
    if scope.resource_group is not None:
        for body in app.store.list_resources(scope.id):
            if body["id"].lower() in listed or parse_resource_path(body["id"]) is None:
                continue
            found.append(resource_change(body["id"], resolver.body(body["id"]), None, mode=definition.mode))
    return scrub(found, secrets_of(definition))


def _current(app, resolver: LiveResolver, resource_id: str, resource_type: str) -> dict | None:
    if type_key(resource_type) == type_key(RESOURCE_GROUPS):
        return app.store.get_resource(resource_id)
    return resolver.body(resource_id)


def result_body(change_list: list[dict]) -> dict:
    return {"status": "Succeeded", "properties": {"changes": change_list}}
