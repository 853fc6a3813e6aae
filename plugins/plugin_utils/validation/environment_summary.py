# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A readable account of what each rendered environment would contain."""

from __future__ import annotations

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.datastore_config import datastores_for
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.naming_rules import leaf_name

_TYPE_LABELS = {
    "microsoft.storage/storageaccounts": "storage account",
    "microsoft.storage/storageaccounts/blobservices": "blob service",
    "microsoft.storage/storageaccounts/blobservices/containers": "blob container",
    "microsoft.containerregistry/registries": "container registry",
    "microsoft.keyvault/vaults": "key vault",
    "microsoft.operationalinsights/workspaces": "log analytics workspace",
    "microsoft.insights/components": "application insights",
    "microsoft.network/privateendpoints": "private endpoint",
    "microsoft.machinelearningservices/workspaces": "ML workspace",
    "microsoft.machinelearningservices/workspaces/computes": "compute cluster",
    "microsoft.authorization/roledefinitions": "custom role",
    "microsoft.authorization/roleassignments": "role assignment",
}

_BUILT_IN_ROLES = {
    "8311e382-0749-4cb8-b61a-304f252e45ec": "AcrPush",
    "7f951dca-d54d-4a7c-9c7f-1d8f5d9ef9a8": "AcrPull",
}


def summarize_environments(environments, datastore_config) -> str:
    return "\n\n".join(_summarize(environment, datastore_config) for environment in environments)


def _summarize(environment, datastore_config) -> str:
    variables = environment.settings.variables
    lifetime = "ephemeral: torn down after each release" if variables.get("dlinfra_ephemeral") else "kept"
    lines = [
        f"Environment {environment.settings.name} ({environment.settings.folder}, parameter files: "
        f"{environment.settings.environment})",
        f"  subscription {variables.get('dlinfra_subscription_id')}, resource group "
        f"{variables.get('dlinfra_resource_group')}, {variables.get('dlinfra_location')}, {lifetime}",
    ]
    sections = [
        ("Subscription scope", lambda d: d.scope == "subscription"),
        ("Shared infrastructure", lambda d: d.scope != "subscription" and d.work_package is None),
    ]
    for title, belongs in sections:
        lines.append(f"  {title}:")
        lines += [
            _resource_line(resource)
            for deployment in environment.deployments
            if belongs(deployment)
            for resource in deployment.resources
        ]
    for package in environment.settings.work_packages:
        name = package["name"]
        lines.append(f"  Work package {name} (developer group {package['developer_group_object_id']}):")
        lines += [
            _resource_line(resource)
            for deployment in environment.deployments
            if deployment.work_package == name
            for resource in deployment.resources
        ]
        if datastore_config:
            attached = ", ".join(
                f"{store['name']} -> {store['storageAccount']}/{store['container']}"
                for store in datastores_for(datastore_config, name)
            )
            lines.append(f"    {'datastores':<24} {attached or 'none'}")
    return "\n".join(lines)


def _resource_line(resource: dict) -> str:
    resource_type = str(resource.get("type", ""))
    label = _TYPE_LABELS.get(resource_type.lower(), resource_type)
    name = leaf_name(str(resource.get("name", "")))
    properties = resource.get("properties") or {}
    detail = ""
    if resource_type.lower() == "microsoft.authorization/roledefinitions":
        detail = f" '{properties.get('roleName')}'"
    elif resource_type.lower() == "microsoft.machinelearningservices/workspaces/computes":
        inner = properties.get("properties") or {}
        scale = inner.get("scaleSettings") or {}
        detail = (
            f" {inner.get('vmSize')} {inner.get('vmPriority', '')}, "
            f"{scale.get('minNodeCount')}-{scale.get('maxNodeCount')} nodes"
        )
    elif resource_type.lower() == "microsoft.authorization/roleassignments":
        scope = resource.get("scope") or ""
        role = _BUILT_IN_ROLES.get(leaf_name(str(properties.get("roleDefinitionId", ""))).lower(), "custom role")
        detail = f" {role} at {leaf_name(str(scope)) or 'resource group'}"
    return f"    {label:<24} {name}{detail}"
