"""Resource bodies as the project's ARM templates render them with the int parameter files.

The deploy-time values are the ones inventories/local gives (a fixed copy, so the tests do not parse the
inventory). Values known only after deployment (reference(), list*()) render as None and are dropped.
"""

import json
from functools import cache
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm import context as arm_context
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm import parameters as arm_parameters
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm import template as arm_template

REPOSITORY_ROOT = Path(__file__).resolve().parents[4]
TEMPLATES = REPOSITORY_ROOT / "arm-templates"
SUBSCRIPTION = "11111111-2222-4333-8444-555555555555"
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-it4ad-dl-local/providers"
DEPLOY_TIME_VALUES = {
    "location": "westeurope",
    "namePrefix": "it4adloc",
    "environmentName": "int",
    "resourceGroupName": "rg-it4ad-dl-local",
    "subnetId": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-it4ad-network-local/providers/"
    "Microsoft.Network/virtualNetworks/vnet-it4ad-local/subnets/snet-ml",
    "computeVmSize": "Standard_DS3_v2",
    "computeMaxNodes": 2,
    "workPackageName": "perception",
    "developerGroupObjectId": "4b0c6f1e-2a7d-4e93-a5c8-1f6b9d3e7a10",
    "workspaceName": "mlw-it4adloc-int-perception",
    "storageAccountId": f"{GROUP}/Microsoft.Storage/storageAccounts/stit4adlocintml",
    "mlStorageAccountId": f"{GROUP}/Microsoft.Storage/storageAccounts/stit4adlocintml",
    "dataStorageAccountId": f"{GROUP}/Microsoft.Storage/storageAccounts/stit4adlocintdata",
    "dataStorageAccountName": "stit4adlocintdata",
    "keyVaultId": f"{GROUP}/Microsoft.KeyVault/vaults/kv-it4adloc-int",
    "applicationInsightsId": f"{GROUP}/Microsoft.Insights/components/appi-it4adloc-int",
    "containerRegistryId": f"{GROUP}/Microsoft.ContainerRegistry/registries/crit4adlocinthealthy",
    "stagingRegistryId": f"{GROUP}/Microsoft.ContainerRegistry/registries/crit4adlocintstaging",
    "healthyRegistryId": f"{GROUP}/Microsoft.ContainerRegistry/registries/crit4adlocinthealthy",
    "stagingRegistryName": "crit4adlocintstaging",
    "healthyRegistryName": "crit4adlocinthealthy",
    "logAnalyticsWorkspaceId": f"{GROUP}/Microsoft.OperationalInsights/workspaces/it4adloc-int-log",
    "modelDeveloperRoleDefinitionId": f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/"
    "roleDefinitions/0b5c2d1e-3f4a-4b6c-8d7e-9f0a1b2c3d4e",
    "mlStorageAccountName": "stit4adlocintml",
    "computeName": "train-cluster",
    "tags": {"environment": "int", "costCentre": "CC-4711-ML", "dataClassification": "internal"},
    "deleteLocks": False,
    "customerManagedKeys": False,
    # the {file: ...} deploy-time parameters of arm-templates/deployment_plan.yml
    "modelDeveloperRole": json.loads((TEMPLATES / "customrole" / "model_developer_role.json").read_text()),
    "datastoreConfig": json.loads((TEMPLATES / "mlworkspace" / "datastore_config.json").read_text()),
}


def _drop_unknown(value):
    if isinstance(value, dict):
        return {key: _drop_unknown(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_unknown(item) for item in value if item is not None]
    return value


@cache
def _rendered(template_name: str) -> tuple:
    folder = TEMPLATES / template_name
    template = json.loads((folder / f"{template_name}.json").read_text(encoding="utf-8-sig"))
    parameter_file = json.loads((folder / f"{template_name}.parameters.int.json").read_text(encoding="utf-8-sig"))
    values = arm_parameters.plain_parameter_values(parameter_file)
    declared = template.get("parameters", {})
    values.update(
        {name: value for name, value in DEPLOY_TIME_VALUES.items() if name in declared and name not in values}
    )
    context = arm_context.DeploymentContext.from_json(
        {"subscriptionId": SUBSCRIPTION, "resourceGroup": "rg-it4ad-dl-local", "location": "westeurope"}
    )
    if "subscriptionDeploymentTemplate" in str(template.get("$schema", "")):
        context = context.replace(scope="subscription")
    result = arm_template.evaluate_template(template, values, context)
    # all_resources: a nested deployment's resources too (roleassignments deploys its assignments in one)
    return tuple(json.dumps(resource, default=lambda _unknown: None) for resource in result.all_resources())


def rendered_resources(template_name: str) -> list:
    """The template's resources, each a fresh dict: type, apiVersion, name and the body keys."""
    return [_drop_unknown(json.loads(text)) for text in _rendered(template_name)]


PUT_BODY_KEYS = (
    "location",
    "tags",
    "sku",
    "kind",
    "identity",
    "properties",
    "zones",
    "extendedLocation",
    "etag",
    "plan",
    "managedBy",
)


def put_body(resource: dict) -> dict:
    """What a deployment sends to the resource provider: the body keys of a template resource."""
    return {key: resource[key] for key in PUT_BODY_KEYS if key in resource}


def bodies_of_type(resource_type: str) -> list:
    """(template, apiVersion, PUT body) for every rendered resource of the type, across all templates. The ones the
    int environment deploys come first; those whose condition is false there (never sent, but still the template's
    shape) follow."""
    found = []
    for folder in sorted(path.name for path in TEMPLATES.iterdir() if (path / f"{path.name}.json").exists()):
        for resource in rendered_resources(folder):
            if resource["type"].lower() == resource_type.lower():
                found.append(
                    (resource.get("condition", True) is False, folder, resource["apiVersion"], put_body(resource))
                )
    return [entry[1:] for entry in sorted(found, key=lambda entry: entry[0])]
