# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Resource Manager calls of a deployment, at resource-group or subscription scope.

Each function takes the ``ClientFactory`` and plain values, makes one SDK call inside ``azure_operation`` (so
any failure is one readable ``DlinfraError``) and returns plain dicts in the REST shape. "Not found" is None.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import (
    DlinfraError,
    azure_operation,
    failure,
    is_not_found,
)


@dataclass(frozen=True)
class DeploymentTarget:
    name: str
    resource_group: str | None  # None: subscription scope
    location: str | None = None  # subscription-scope deployments and new resource groups

    @property
    def described(self) -> str:
        where = f"resource group '{self.resource_group}'" if self.resource_group else "the subscription"
        return f"deployment '{self.name}' in {where}"


def _plain(model):
    if model is None:
        return None
    return model.as_dict() if hasattr(model, "as_dict") else dict(model)


def _not_found_is_none(call):
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - only 'not found' is absorbed; everything else is re-raised
        if is_not_found(error):
            return None
        raise


def get_resource_group(factory, name: str) -> dict | None:
    with azure_operation(f"read resource group '{name}'"):
        return _plain(_not_found_is_none(lambda: factory.resources().resource_groups.get(name)))


def create_resource_group(factory, name: str, location: str, tags: dict | None = None) -> dict:
    with azure_operation(f"create resource group '{name}' in {location}"):
        body = {"location": location, "tags": tags or {}}
        return _plain(factory.resources().resource_groups.create_or_update(name, body))


def _body(target: DeploymentTarget, template: dict, parameters: dict, mode: str, what_if: bool = False) -> dict:
    properties: dict = {"template": template, "parameters": parameters, "mode": mode}
    if what_if:
        properties["whatIfSettings"] = {"resultFormat": "FullResourcePayloads"}
    body: dict = {"properties": properties}
    if target.resource_group is None:
        body["location"] = target.location
    return body


def validate(factory, target: DeploymentTarget, template: dict, parameters: dict, mode: str) -> None:
    """ARM's preflight validation; a rejected template raises ``DlinfraError`` with Azure's details."""
    client = factory.deployments().deployments
    body = _body(target, template, parameters, mode)
    with azure_operation(f"validate {target.described}"):
        if target.resource_group:
            poller = client.begin_validate(target.resource_group, target.name, body)
        else:
            poller = client.begin_validate_at_subscription_scope(target.name, body)
        result = _plain(factory.wait(poller, f"validate {target.described}"))
    error = (result or {}).get("error")
    if error:
        raise failure(f"validate {target.described}", error.get("code"), error.get("message"), error.get("details"))


def what_if(factory, target: DeploymentTarget, template: dict, parameters: dict, mode: str) -> list[dict]:
    """The what-if changes (REST ``WhatIfChange`` dicts) the deployment would make."""
    client = factory.deployments().deployments
    body = _body(target, template, parameters, mode, what_if=True)
    with azure_operation(f"what-if of {target.described}"):
        if target.resource_group:
            poller = client.begin_what_if(target.resource_group, target.name, body)
        else:
            poller = client.begin_what_if_at_subscription_scope(target.name, body)
        result = _plain(factory.wait(poller, f"what-if of {target.described}")) or {}
    error = result.get("error")
    if error:
        raise failure(f"what-if of {target.described}", error.get("code"), error.get("message"), error.get("details"))
    return (result.get("properties") or {}).get("changes") or result.get("changes") or []


def get_deployment(factory, target: DeploymentTarget) -> dict | None:
    client = factory.deployments().deployments
    with azure_operation(f"read {target.described}"):
        if target.resource_group:
            return _plain(_not_found_is_none(lambda: client.get(target.resource_group, target.name)))
        return _plain(_not_found_is_none(lambda: client.get_at_subscription_scope(target.name)))


def deploy(factory, target: DeploymentTarget, template: dict, parameters: dict, mode: str) -> dict:
    """Create or update the deployment and wait; a failed deployment raises with its failed operations."""
    client = factory.deployments().deployments
    body = _body(target, template, parameters, mode)
    operation = f"deploy {target.described}"
    try:
        with azure_operation(operation):
            if target.resource_group:
                poller = client.begin_create_or_update(target.resource_group, target.name, body)
            else:
                poller = client.begin_create_or_update_at_subscription_scope(target.name, body)
            return _plain(factory.wait(poller, operation))
    except DlinfraError as error:
        failed = failed_operations(factory, target)
        if not failed:
            raise
        lines = [
            f"  - {entry['resource'] or '(deployment)'}: HTTP {entry['status_code']} {entry['code']}: "
            f"{entry['message']}"
            for entry in failed
        ]
        raise DlinfraError(
            f"{error.message}\nFailed operations:\n" + "\n".join(lines),
            code=error.code,
            status=error.status,
            details=failed,
        ) from None


def failed_operations(factory, target: DeploymentTarget) -> list[dict]:
    """Resource, status code, code and message of each failed operation of the deployment."""
    client = factory.deployments().deployment_operations
    try:
        with azure_operation(f"list the operations of {target.described}"):
            if target.resource_group:
                operations = [_plain(item) for item in client.list(target.resource_group, target.name)]
            else:
                operations = [_plain(item) for item in client.list_at_subscription_scope(target.name)]
    except DlinfraError:
        return []
    failed = []
    for operation in operations:
        properties = operation.get("properties") or {}
        if str(properties.get("provisioningState", "")).lower() != "failed":
            continue
        status_message = properties.get("statusMessage") or {}
        error = status_message.get("error") if isinstance(status_message, dict) else None
        error = error or (status_message if isinstance(status_message, dict) else {"message": str(status_message)})
        resource = properties.get("targetResource") or {}
        failed.append(
            {
                "resource": resource.get("id") or resource.get("resourceName"),
                "status_code": properties.get("statusCode"),
                "code": error.get("code"),
                "message": error.get("message"),
                "details": error.get("details") or [],
            }
        )
    return failed
