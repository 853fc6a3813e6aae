"""plan_environment on the repository's own templates and the local inventory: order, names, the values Ansible
passes and their wiring, dependencies, one work package, refusals with findings, and datastores per workspace."""

import json
from pathlib import Path

import pytest

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.environment_plan import (
    PlanRefused,
    inventory_settings_from,
    plan_environment,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.inventory_settings import (
    load_inventory_settings,
)

REPOSITORY = Path(__file__).resolve().parents[4]
INVENTORY = REPOSITORY / "inventories" / "local"
SHARED = ["customrole", "monitoring", "keyvault", "mlstorage", "datastorage", "containerregistry", "privateendpoints"]
PER_PACKAGE = ["mlworkspace", "mlcompute", "roleassignments"]
PACKAGES = ["perception", "planning"]
SUBSCRIPTION_RG = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-it4ad-dl-local/providers"
TAGS = {"environment": "int", "costCentre": "CC-4711-ML", "dataClassification": "internal"}


@pytest.fixture(scope="module")
def variables():
    settings, findings = load_inventory_settings(REPOSITORY, "local")
    assert findings == [], [finding.render() for finding in findings]
    return dict(settings.variables)


def settings_of(variables):
    return inventory_settings_from(variables, REPOSITORY, str(INVENTORY))


@pytest.fixture(scope="module")
def plan(variables):
    return plan_environment(REPOSITORY, settings_of(variables))


def by_key(plan):
    return {entry["key"]: entry["arguments"] for entry in plan["deployments"]}


def refusal(variables, work_package=None):
    with pytest.raises(PlanRefused) as refused:
        plan_environment(REPOSITORY, settings_of(variables), work_package)
    return [finding.as_dict() for finding in refused.value.findings]


def test_plan_order_and_names(plan):
    expected = [f"dlinfra-{template}" for template in SHARED] + [
        f"dlinfra-{template}-{package}" for template in PER_PACKAGE for package in PACKAGES
    ]
    assert [entry["key"] for entry in plan["deployments"]] == expected
    assert all(entry["arguments"]["name"] == entry["key"] for entry in plan["deployments"])
    assert [entry["group"] for entry in plan["deployments"]] == ["shared"] * 7 + PACKAGES * 3
    assert plan["groups"] == ["shared", *PACKAGES]


def test_scope_template_and_parameter_file(plan):
    role = plan["deployments"][0]["arguments"]
    assert (role["scope"], role["resource_group"], role["location"]) == ("subscription", None, "westeurope")
    assert role["template"] == str(REPOSITORY / "arm-templates/customrole/customrole.json")
    monitoring = by_key(plan)["dlinfra-monitoring"]
    assert (monitoring["scope"], monitoring["resource_group"]) == ("resource_group", "rg-it4ad-dl-local")
    assert monitoring["parameters_file"] == str(REPOSITORY / "arm-templates/monitoring/monitoring.parameters.int.json")


def test_parameters_hold_only_deploy_time_and_wired_values(plan):
    monitoring = by_key(plan)["dlinfra-monitoring"]["parameters"]
    assert {key: monitoring[key] for key in ("location", "namePrefix", "environmentName", "tags")} == {
        "location": "westeurope",
        "namePrefix": "it4adloc",
        "environmentName": "int",
        "tags": TAGS,
    }
    for entry in plan["deployments"]:
        arguments = entry["arguments"]
        file_values = json.loads(Path(arguments["parameters_file"]).read_text())["parameters"]
        assert not set(file_values) & set(arguments["parameters"]), entry["key"]


def test_wiring_matches_rendered_outputs(plan):
    deployments = by_key(plan)
    for package in PACKAGES:
        workspace = plan["datastores"][package]["name"]
        assert workspace == f"it4adloc-{package}-int"
        assert deployments[f"dlinfra-mlcompute-{package}"]["parameters"]["workspaceName"] == workspace
        assert deployments[f"dlinfra-roleassignments-{package}"]["parameters"]["workspaceName"] == workspace
        assert deployments[f"dlinfra-mlworkspace-{package}"]["parameters"]["workPackageName"] == package
    endpoints = deployments["dlinfra-privateendpoints"]["parameters"]
    assert endpoints["keyVaultId"] == f"{SUBSCRIPTION_RG}/Microsoft.KeyVault/vaults/it4adloc-int-kv"
    assert endpoints["dataStorageAccountId"] == f"{SUBSCRIPTION_RG}/Microsoft.Storage/storageAccounts/it4adlocintdatast"
    assert deployments["dlinfra-roleassignments-planning"]["parameters"]["developerGroupObjectId"] == (
        "8e2d4a6c-5f1b-4c7e-9d3a-2b8f0e6c4a20"
    )


def test_depends_on(plan):
    deployments = by_key(plan)
    assert deployments["dlinfra-monitoring"]["depends_on"] == []
    assert deployments["dlinfra-privateendpoints"]["depends_on"] == [
        "dlinfra-containerregistry",
        "dlinfra-datastorage",
        "dlinfra-keyvault",
        "dlinfra-mlstorage",
    ]
    assert deployments["dlinfra-mlcompute-planning"]["depends_on"] == ["dlinfra-mlworkspace-planning"]
    assert deployments["dlinfra-roleassignments-perception"]["depends_on"] == [
        "dlinfra-containerregistry",
        "dlinfra-customrole",
        "dlinfra-datastorage",
        "dlinfra-mlcompute-perception",
        "dlinfra-mlstorage",
        "dlinfra-mlworkspace-perception",
    ]


def test_one_work_package_limits_the_plan(variables):
    plan = plan_environment(REPOSITORY, settings_of(variables), "planning")
    assert [entry["key"] for entry in plan["deployments"]][7:] == [
        f"dlinfra-{template}-planning" for template in PER_PACKAGE
    ]
    assert len(plan["deployments"]) == 10
    assert plan["groups"] == ["shared", "planning"] and list(plan["datastores"]) == ["planning"]


def test_unknown_work_package_is_refused_naming_the_inventory_file(variables):
    findings = refusal(variables, "mapping")
    assert [(finding["file"], finding["json_path"]) for finding in findings] == [
        ("inventories/local/group_vars/all/work_packages.yml", "$.dlinfra_work_packages")
    ]
    assert "'mapping' is not in this inventory (it has: perception, planning)" in findings[0]["problem"]


def test_broken_variable_is_refused_naming_its_file(variables):
    findings = refusal(dict(variables, dlinfra_environment="qa"))
    assert [(finding["file"], finding["json_path"]) for finding in findings] == [
        ("inventories/local/group_vars/all/environment.yml", "$.dlinfra_environment")
    ]


def test_only_dlinfra_variables_are_taken(variables):
    settings = settings_of(dict(variables, ansible_host="localhost", inventory_dir=str(INVENTORY)))
    assert set(settings.variables) == set(variables)
    assert all(name.startswith("dlinfra_") for name in settings.variables)


def test_datastores_per_work_package_as_datastore_config_says(variables):
    packages = variables["dlinfra_work_packages"] + [
        {"name": "mapping", "developer_group_object_id": "0f1e2d3c-4b5a-4968-8776-655443322110"}
    ]
    plan = plan_environment(REPOSITORY, settings_of(dict(variables, dlinfra_work_packages=packages)))
    attached = {name: [store["name"] for store in entry["datastores"]] for name, entry in plan["datastores"].items()}
    assert attached == {
        "perception": ["shared_datasets", "shared_metrics", "initialization_networks"],
        "planning": ["shared_datasets", "shared_metrics", "initialization_networks"],
        "mapping": ["shared_datasets", "shared_metrics"],
    }
    datasets, metrics = plan["datastores"]["mapping"]["datastores"]
    assert (datasets["account_name"], datasets["container_name"], datasets["tags"]) == (
        "it4adlocintdatast",
        "datasets",
        {"readOnly": "true"},
    )
    assert metrics["tags"] == {"readOnly": "false"}
    assert len(plan["deployments"]) == 7 + 3 * 3


def test_data_files_reach_exactly_the_templates_that_declare_them(plan):
    deployments = by_key(plan)
    role = json.loads((REPOSITORY / "arm-templates/customrole/model_developer_role.json").read_text())
    config = json.loads((REPOSITORY / "arm-templates/mlworkspace/datastore_config.json").read_text())
    assert deployments["dlinfra-customrole"]["parameters"]["modelDeveloperRole"] == role
    for package in PACKAGES:
        assert deployments[f"dlinfra-roleassignments-{package}"]["parameters"]["datastoreConfig"] == config
    for key, arguments in deployments.items():
        if key != "dlinfra-customrole":
            assert "modelDeveloperRole" not in arguments["parameters"], key
        if not key.startswith("dlinfra-roleassignments-"):
            assert "datastoreConfig" not in arguments["parameters"], key


def test_tags_locks_and_keys_come_from_the_inventory(plan):
    workspace = by_key(plan)["dlinfra-mlworkspace-perception"]["parameters"]
    assert (workspace["tags"], workspace["deleteLocks"], workspace["customerManagedKeys"]) == (TAGS, False, False)
    assert by_key(plan)["dlinfra-mlcompute-planning"]["parameters"]["tags"] == TAGS
    # the role assignments template deploys nothing that carries tags, a lock or a key, and declares none of them
    assignments = by_key(plan)["dlinfra-roleassignments-perception"]["parameters"]
    assert not {"tags", "deleteLocks", "customerManagedKeys"} & set(assignments)


def test_workspaces_link_the_staging_registry_and_log_to_log_analytics(plan):
    workspace = by_key(plan)["dlinfra-mlworkspace-planning"]["parameters"]
    assert workspace["containerRegistryId"] == (
        f"{SUBSCRIPTION_RG}/Microsoft.ContainerRegistry/registries/it4adlocintacrstaging"
    )
    assert workspace["logAnalyticsWorkspaceId"].startswith(
        f"{SUBSCRIPTION_RG}/Microsoft.OperationalInsights/workspaces/"
    )


def test_a_wrongly_typed_switch_is_refused_naming_its_file(variables):
    findings = refusal({**variables, "dlinfra_customer_managed_keys": "yes"})
    assert [(finding["file"], finding["json_path"]) for finding in findings] == [
        ("inventories/local/group_vars/all/environment.yml", "$.dlinfra_customer_managed_keys")
    ]
    assert "true or false" in findings[0]["fix"]


def test_delete_locks_in_an_ephemeral_environment_are_refused(variables):
    findings = refusal({**variables, "dlinfra_delete_locks": True})
    assert [(finding["file"], finding["json_path"]) for finding in findings] == [
        ("inventories/local/group_vars/all/environment.yml", "$.dlinfra_delete_locks")
    ]
    assert "ephemeral" in findings[0]["problem"]


def test_customer_managed_keys_need_a_purge_protected_vault(variables):
    findings = refusal({**variables, "dlinfra_customer_managed_keys": True})
    assert [(finding["file"], finding["json_path"]) for finding in findings] == [
        ("arm-templates/keyvault/keyvault.parameters.int.json", "$.parameters.enablePurgeProtection.value")
    ]
    assert "dlinfra_customer_managed_keys: false" in findings[0]["fix"]
