# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deployments as ``arm_deployment_info`` returns them: plain values, no secure output."""

from __future__ import annotations

from ansible_collections.it4ad.dlinfra.plugins.module_utils import arm_deployment_service as service
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_runner import deployment_outputs
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import azure_operation


def describe_deployment(deployment: dict) -> dict:
    properties = deployment.get("properties") or {}
    return {
        "name": deployment.get("name"),
        "id": deployment.get("id"),
        "provisioning_state": properties.get("provisioningState"),
        "timestamp": properties.get("timestamp"),
        "duration": properties.get("duration"),
        "mode": properties.get("mode"),
        "outputs": deployment_outputs(deployment),
        "output_resources": [item.get("id") for item in properties.get("outputResources") or []],
        "error": properties.get("error"),
    }


def read_deployments(factory, resource_group: str | None, name: str | None) -> list[dict]:
    if name:
        found = service.get_deployment(factory, service.DeploymentTarget(name, resource_group))
        return [describe_deployment(found)] if found else []
    client = factory.deployments().deployments
    where = f"resource group '{resource_group}'" if resource_group else "the subscription"
    with azure_operation(f"list the deployments of {where}"):
        pages = client.list_by_resource_group(resource_group) if resource_group else client.list_at_subscription_scope()
        return [describe_deployment(item.as_dict()) for item in pages]
