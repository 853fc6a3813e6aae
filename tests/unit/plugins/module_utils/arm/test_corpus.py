"""Real templates evaluate without error; their resource counts, names and dependency order hold."""

import json
from pathlib import Path

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.graph import deployment_waves
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.parameters import plain_parameter_values
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.deployment_plan import load_deployment_plan
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import render_environment
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.inventory_settings import (
    load_inventory_settings,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.template_set import load_template_set

REPOSITORY = Path(__file__).resolve().parents[5]
REFERENCE = REPOSITORY / "tests" / "fixtures" / "reference-arm-templates"
CONTEXT = DeploymentContext(subscription_id="11111111-1111-1111-1111-111111111111", resource_group="rg-ref")


def load(relative):
    return json.loads((REFERENCE / relative).read_text())


def wave_of(result, name):
    ids = {resource["name"]: resource["id"] for resource in result.resources}
    return next(index for index, wave in enumerate(result.waves) if ids[name] in wave)


def test_sdk_workspace_template_with_its_own_parameter_file():
    values = plain_parameter_values(load("sdk/workspace_param.json"))
    values.update(
        workspaceName="ws1",
        resourceGroupName="rg-ref",
        location="westeurope",
        storageAccountName="sa1",
        keyVaultName="kv1",
        applicationInsightsName="ai1",
        storageAccountResourceGroupName="rg-ref",
        keyVaultResourceGroupName="rg-ref",
        applicationInsightsResourceGroupName="rg-ref",
        containerRegistryResourceGroupName="rg-ref",
    )
    result = evaluate_template(load("sdk/workspace_base.json"), values, CONTEXT)
    assert len(result.resources) == 9
    deployed = [resource["name"] for resource in result.resources if resource["condition"]]
    assert deployed == ["sa1", "kv1", "ai1", "ws1"]
    assert wave_of(result, "ws1") == 1 and wave_of(result, "sa1") == 0
    workspace = next(resource for resource in result.resources if resource["name"] == "ws1")
    assert (
        workspace["properties"]["storageAccount"]
        == "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-ref/providers/Microsoft.Storage/storageAccounts/sa1"
    )
    assert workspace["properties"]["containerRegistry"] is None


def test_sdk_workspace_template_defaults_use_unique_strings():
    result = evaluate_template(
        load("sdk/workspace_base.json"),
        {
            "workspaceName": "ws",
            "description": "",
            "friendlyName": "",
            "location": "westeurope",
            "resourceGroupName": "rg",
            "tagValues": {},
        },
        CONTEXT,
    )
    names = {resource["type"]: resource["name"] for resource in result.resources if resource["condition"]}
    assert names["Microsoft.Storage/storageAccounts"] == "sa" + __import__(
        "ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.hashing", fromlist=["unique_string"]
    ).unique_string("rg", "ws")
    assert len(result.waves) == 2


def test_machine_learning_create():
    values = plain_parameter_values(load("machine-learning-create/azuredeploy.parameters.json"))
    result = evaluate_template(load("machine-learning-create/azuredeploy.json"), values, CONTEXT)
    types = [resource["type"] for resource in result.resources]
    assert types == [
        "Microsoft.Storage/storageAccounts",
        "Microsoft.KeyVault/vaults",
        "Microsoft.Insights/components",
        "Microsoft.MachineLearningServices/workspaces",
    ]
    assert result.resources[2]["location"] == "southcentralus"  # westcentralus maps to southcentralus
    assert result.resources[3]["name"] == "GEN-UNIQUE" and len(result.resources[3]["dependsOn"]) == 3
    assert [len(wave) for wave in result.waves] == [3, 1]


def test_role_assignment_template_with_nested_deployments():
    values = plain_parameter_values(load("machine-learning-dependencies-role-assignment/azuredeploy.parameters.json"))
    result = evaluate_template(load("machine-learning-dependencies-role-assignment/azuredeploy.json"), values, CONTEXT)
    assert [resource["name"] for resource in result.resources] == [
        "keyvaultTemplate",
        "storageAccountTemplate",
        "databrickTemplate",
        "containerRegistryTemplate",
        "cmkKeyvaultTemplate",
        "workspaceResourceGroupTemplate",
    ]
    inner = [resource for resource in result.all_resources() if resource["type"] != "Microsoft.Resources/deployments"]
    assert len(inner) == 8
    assignment = result.nested[result.resources[1]["id"]].resources[0]
    assert assignment["scope"].endswith(
        "/resourceGroups/GET-PREREQ-resourceGroup/providers/Microsoft.Storage/"
        "storageAccounts/GET-PREREQ-storageAccountName"
    )


def test_storage_multi_blob_container_copy_loop():
    result = evaluate_template(
        load("quickstarts__microsoft.storage__storage-multi-blob-container/azuredeploy.json"),
        {"storageAccountName": "stdata"},
        CONTEXT,
    )
    assert [resource["name"] for resource in result.resources] == [
        "stdata",
        "stdata/default/logs0",
        "stdata/default/logs1",
        "stdata/default/logs2",
    ]
    assert [len(wave) for wave in result.waves] == [1, 3]


@pytest.mark.parametrize(
    "relative, values, count, waves",
    [
        ("quickstarts__microsoft.containerregistry__container-registry/azuredeploy.json", {"acrName": "acrdl"}, 1, [1]),
        (
            "quickstarts__microsoft.keyvault__key-vault-create/azuredeploy.json",
            {"keyVaultName": "kv", "objectId": "o", "secretName": "s", "secretValue": "v3ry-s3cret"},
            2,
            [1, 1],
        ),
        (
            "machine-learning-compute-create-amlcompute/azuredeploy.json",
            {"workspaceName": "ws", "clusterName": "gpu", "adminUserName": "u", "adminUserPassword": "p4ssw0rd!"},
            1,
            [1],
        ),
        (
            "machine-learning-compute-create-amlcompute/prereqs/prereq.azuredeploy.json",
            {"workspaceName": "ws"},
            4,
            [3, 1],
        ),
        (
            "machine-learning-dependencies-role-assignment/prereqs/prereq.azuredeploy.json",
            {"resourceName": "id1", "storageAccountName": "sa", "keyVaultName": "kv", "containerRegistryName": "cr"},
            4,
            [4],
        ),
    ],
)
def test_other_reference_templates(relative, values, count, waves):
    result = evaluate_template(load(relative), values, CONTEXT)
    assert len(result.resources) == count
    assert [len(wave) for wave in result.waves] == waves
    assert "v3ry-s3cret" not in repr(result) and "p4ssw0rd!" not in repr(result)


def test_subscription_role_definition():
    result = evaluate_template(
        load("subscription-deployments__create-role-def/azuredeploy.json"), {}, CONTEXT.replace(scope="subscription")
    )
    definition = result.resources[0]
    assert definition["id"].startswith(
        "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.Authorization/roleDefinitions/"
    )
    assert definition["properties"]["assignableScopes"] == ["/subscriptions/11111111-1111-1111-1111-111111111111"]


def render(environment: str):
    """The validator's own rendering of one inventory: plan, templates and settings from the repository."""
    plan, findings = load_deployment_plan(REPOSITORY)
    assert plan is not None and findings == []
    templates, findings = load_template_set(REPOSITORY, plan.deploy_time_parameters)
    assert findings == []
    settings, findings = load_inventory_settings(REPOSITORY, environment)
    assert settings is not None and findings == []
    rendered, findings = render_environment(plan, templates, settings)
    assert findings == [], [finding.problem for finding in findings]
    return settings, rendered


@pytest.mark.parametrize("environment", ["dev", "int", "pro"])
def test_project_templates_for_every_environment(environment):
    settings, rendered = render(environment)
    work_packages = [package["name"] for package in settings.work_packages]
    per_package = {"mlworkspace", "mlcompute", "roleassignments"}
    assert len(rendered.deployments) == 7 + len(per_package) * len(work_packages)
    assert [deployment.template for deployment in rendered.deployments[:7]] == [
        "customrole",
        "monitoring",
        "keyvault",
        "mlstorage",
        "datastorage",
        "containerregistry",
        "privateendpoints",
    ]
    for deployment in rendered.deployments:
        assert deployment.resources, deployment.template
        assert (deployment.work_package is not None) == (deployment.template in per_package)
        ids = [resource["id"] for resource in deployment.resources]
        waves = deployment_waves(ids, {resource["id"]: resource["dependsOn"] for resource in deployment.resources})
        assert sorted(resource_id for wave in waves for resource_id in wave) == sorted(ids)
        for resource in deployment.resources:
            assert set(resource["dependsOn"]) <= set(ids), (deployment.template, resource["name"])
    computes = rendered.resources_of("mlcompute", work_packages[0])
    assert [resource["type"] for resource in computes] == ["Microsoft.MachineLearningServices/workspaces/computes"]
    assert computes[0]["name"].endswith("/train-cluster")
    workspaces = [
        resource["name"]
        for package in work_packages
        for resource in rendered.resources_of("mlworkspace", package)
        if resource["type"] == "Microsoft.MachineLearningServices/workspaces"
    ]
    assert len(workspaces) == len(work_packages) and all(
        package in name for package, name in zip(work_packages, workspaces, strict=True)
    )
