"""Issue 9 in the desired state: data files as deploy-time parameters, the inventory's tags, locks and key switches,
and what the work-package templates render from them (role as data, access by container, tags, locks).

The broken-copy tests change one thing and assert the finding names the file, the JSON path and a fix.
"""

import json
from fnmatch import fnmatch
from pathlib import Path

import pytest
from test_repository_validation import findings_of, only_finding

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    validate_repository,
)

REPOSITORY_ROOT = Path(__file__).resolve().parents[5]
PLAN = "arm-templates/deployment_plan.yml"
ROLE_DATA = "arm-templates/customrole/model_developer_role.json"
DATASTORE_CONFIG = "arm-templates/mlworkspace/datastore_config.json"
DEV_ENVIRONMENT_VARS = "inventories/dev/group_vars/all/environment.yml"
ML = "Microsoft.MachineLearningServices/workspaces/"
# What issue 9 (and its contract) says the role must deny, spelled as Azure's operations list spells them.
REQUIRED_DENIALS = {
    ML + "write",
    ML + "delete",
    ML + "computes/write",
    ML + "computes/delete",
    ML + "listKeys/action",
    ML + "listStorageAccountKeys/action",
    ML + "onlineEndpoints/listKeys/action",
    ML + "onlineEndpoints/token/action",
    ML + "onlineEndpoints/regenerateKeys/action",
    ML + "batchEndpoints/listKeys/action",
    ML + "serverlessEndpoints/listKeys/action",
    ML + "serverlessEndpoints/regenerateKeys/action",
    ML + "environments/readSecrets/action",
    ML + "computes/listKeys/action",
    ML + "connections/listsecrets/action",
    ML + "datastores/listsecrets/action",
    ML + "listNotebookKeys/read",
    ML + "listNotebookAccessToken/read",
    ML + "privateEndpointConnectionsApproval/action",
    ML + "privateEndpointConnectionProxies/write",
    ML + "provisionManagedNetwork/action",
    ML + "outboundRules/write",
    ML + "outboundRules/delete",
    ML + "providers/Microsoft.Insights/diagnosticSettings/write",
}
# What the seed keeps for developers: working inside their workspace and adding datastores after deployment.
KEPT_FOR_DEVELOPERS = (
    ML + "read",
    ML + "jobs/write",
    ML + "experiments/runs/submit/action",
    ML + "models/write",
    ML + "data/versions/write",
    ML + "datastores/read",
    ML + "datastores/write",
    ML + "environments/write",
)
PER_PACKAGE_TEMPLATES = ("mlworkspace", "mlcompute", "roleassignments")


def set_inventory_variable(repository, relative: str, name: str, value) -> None:
    document = repository.read_yaml(relative)
    document[name] = value
    repository.write_yaml(relative, document)


@pytest.fixture
def repository(plain_repository):
    """The repository as it is, without the fixture template of the other validator tests (which meets no rule)."""
    return plain_repository


@pytest.fixture(scope="module")
def environments():
    report = validate_repository(REPOSITORY_ROOT, run_checkov=False)
    assert report.findings == [], "\n".join(finding.render() for finding in report.findings)
    return {environment.settings.name: environment for environment in report.environments}


def deployment_of(environment, template, work_package=None):
    return next(
        deployment
        for deployment in environment.deployments
        if deployment.template == template and deployment.work_package == work_package
    )


def role_data() -> dict:
    return json.loads((REPOSITORY_ROOT / ROLE_DATA).read_text())


# -- {file: <path>} deploy-time parameters ------------------------------------------------------------------------
def test_a_missing_data_file_is_named_with_the_fix(repository):
    (repository.root / ROLE_DATA).unlink()
    finding = only_finding(findings_of(repository, ["local"]), ROLE_DATA)
    assert finding.json_path == "$"
    assert "modelDeveloperRole" in finding.problem and "is missing" in finding.problem
    assert "deploy_time_parameters.modelDeveloperRole.file" in finding.fix


def test_an_invalid_data_file_is_named_with_its_syntax_error(repository):
    (repository.root / ROLE_DATA).write_text('{"actions": [')
    finding = only_finding(findings_of(repository, ["local"]), ROLE_DATA)
    assert "is not valid JSON" in finding.problem
    assert "line 1" in finding.problem


def test_a_data_file_outside_the_templates_folder_is_refused(repository):
    plan = repository.read_yaml(PLAN)
    plan["deploy_time_parameters"]["datastoreConfig"] = {"file": "../inventories/local/hosts.yml"}
    repository.write_yaml(PLAN, plan)
    finding = only_finding(findings_of(repository, ["local"]), PLAN)
    assert finding.json_path == "$.deploy_time_parameters.datastoreConfig.file"
    assert "not a path inside arm-templates/" in finding.problem


def test_a_data_file_value_is_checked_against_the_declared_type(repository):
    repository.write_json(ROLE_DATA, ["not", "an", "object"])
    finding = only_finding(findings_of(repository, ["local"]), ROLE_DATA)
    assert "modelDeveloperRole" in finding.problem
    assert "Object" in finding.problem or "object" in finding.problem


# -- the inventory's tags, locks and key switches -----------------------------------------------------------------
TAGS_WITH_WORK_PACKAGE = {
    "environment": "dev",
    "costCentre": "CC-1",
    "dataClassification": "internal",
    "workPackage": "perception",
}


@pytest.mark.parametrize(
    ("variable", "value", "inventory", "problem", "fix"),
    [
        ("dlinfra_delete_locks", "no", "dev", '"no" is not valid', "set it to true or false"),
        ("dlinfra_customer_managed_keys", 1, "dev", "1 is not valid", "set it to true or false"),
        (
            "dlinfra_resource_tags",
            {"environment": "dev", "costCentre": "CC-1"},
            "dev",
            "'dataClassification' is a required property",
            "dlinfra_data_classification",
        ),
        ("dlinfra_resource_tags", TAGS_WITH_WORK_PACKAGE, "dev", "'workPackage'", "no workPackage"),
        ("dlinfra_data_classification", "secret", "dev", "is not one of", "internal, confidential"),
        ("dlinfra_delete_locks", True, "int", "ephemeral", "dlinfra_delete_locks: false"),
    ],
)
def test_a_bad_inventory_switch_names_file_variable_and_fix(repository, variable, value, inventory, problem, fix):
    relative = f"inventories/{inventory}/group_vars/all/environment.yml"
    set_inventory_variable(repository, relative, variable, value)
    finding = only_finding(findings_of(repository, [inventory]), relative)
    assert finding.json_path == f"$.{variable}"
    assert problem in finding.problem
    assert fix in finding.fix


def test_a_missing_switch_is_named(repository):
    document = repository.read_yaml(DEV_ENVIRONMENT_VARS)
    del document["dlinfra_customer_managed_keys"]
    repository.write_yaml(DEV_ENVIRONMENT_VARS, document)
    findings = findings_of(repository, ["dev"])
    assert [finding.problem for finding in findings] == ["the variable 'dlinfra_customer_managed_keys' is not set."]


def test_customer_managed_keys_are_refused_without_purge_protection(repository):
    set_inventory_variable(repository, DEV_ENVIRONMENT_VARS, "dlinfra_customer_managed_keys", True)
    finding = only_finding(findings_of(repository, ["dev"]), "arm-templates/keyvault/keyvault.parameters.dev.json")
    assert finding.json_path == "$.parameters.enablePurgeProtection.value"
    assert finding.environment == "dev"
    assert "set enablePurgeProtection to true" in finding.fix


def test_customer_managed_keys_pass_with_the_template_default_of_purge_protection(repository):
    parameters = repository.read_json("arm-templates/keyvault/keyvault.parameters.dev.json")
    del parameters["parameters"]["enablePurgeProtection"]
    repository.write_json("arm-templates/keyvault/keyvault.parameters.dev.json", parameters)
    set_inventory_variable(repository, DEV_ENVIRONMENT_VARS, "dlinfra_customer_managed_keys", True)
    assert findings_of(repository, ["dev"]) == []


def test_each_environment_sets_the_switches_as_the_contract_says(environments):
    switches = {
        name: (
            environment.settings.variables["dlinfra_delete_locks"],
            environment.settings.variables["dlinfra_customer_managed_keys"],
            environment.settings.variables["dlinfra_resource_tags"],
        )
        for name, environment in environments.items()
    }
    internal = {"costCentre": "CC-4711-ML", "dataClassification": "internal"}
    assert switches == {
        "dev": (False, False, {"environment": "dev", **internal}),
        "int": (False, False, {"environment": "int", **internal}),
        "local": (False, False, {"environment": "int", **internal}),
        "pro": (True, True, {"environment": "pro", "costCentre": "CC-4711-ML", "dataClassification": "confidential"}),
    }


# -- the model developer role, as data ----------------------------------------------------------------------------
def test_the_role_data_denies_what_the_issue_lists_each_with_a_category_and_reason():
    denied = role_data()["deniedActions"]
    actions = [entry["action"] for entry in denied]
    assert REQUIRED_DENIALS <= set(actions), sorted(REQUIRED_DENIALS - set(actions))
    assert len(actions) == len({action.lower() for action in actions}), "an action is denied twice"
    for entry in denied:
        assert set(entry) == {"action", "category", "reason"}, entry
        assert entry["category"] in {"workspace", "keys and secrets", "network", "audit"}, entry
        assert entry["reason"].endswith("."), entry


def test_the_role_keeps_what_the_seed_gives_developers():
    data = role_data()
    for action in KEPT_FOR_DEVELOPERS:
        granted = any(fnmatch(action.lower(), pattern.lower()) for pattern in data["actions"])
        denied = [
            entry["action"] for entry in data["deniedActions"] if fnmatch(action.lower(), entry["action"].lower())
        ]
        assert granted and not denied, (action, denied)


def test_the_rendered_role_denies_exactly_the_data_files_actions(environments):
    (role,) = deployment_of(environments["pro"], "customrole").resources
    (permissions,) = role["properties"]["permissions"]
    data = role_data()
    assert permissions["notActions"] == [entry["action"] for entry in data["deniedActions"]]
    assert (permissions["actions"], permissions["dataActions"]) == (data["actions"], data["dataActions"])
    assert "blobs/delete" not in json.dumps(permissions)


# -- what the work-package templates render ------------------------------------------------------------------------
def test_write_access_follows_the_datastore_configs_read_only_flags(environments):
    scopes = {
        package: deployment_of(environments["pro"], "roleassignments", package).outputs["writableContainerScopes"]
        for package in ("perception", "planning", "sensorfusion")
    }
    metrics = "Microsoft.Storage/storageAccounts/it4adprodatast/blobServices/default/containers/metrics"
    assert scopes == {"perception": [metrics], "planning": [metrics], "sensorfusion": [metrics]}


def test_a_container_no_longer_read_only_becomes_writable_for_its_work_packages_only(repository):
    config = repository.read_json(DATASTORE_CONFIG)
    for datastore in config["datastores"]:
        if datastore["container"] == "initnetworks":
            datastore["readOnly"] = False
    repository.write_json(DATASTORE_CONFIG, config)
    report = validate_repository(repository.root, ["pro"], run_checkov=False)
    assert report.findings == []
    (environment,) = report.environments
    perception = deployment_of(environment, "roleassignments", "perception").outputs["writableContainerScopes"]
    sensorfusion = deployment_of(environment, "roleassignments", "sensorfusion").outputs["writableContainerScopes"]
    assert [scope.rsplit("/", 1)[1] for scope in perception] == ["metrics", "initnetworks"]
    assert [scope.rsplit("/", 1)[1] for scope in sensorfusion] == ["metrics"]


def test_every_tracked_work_package_resource_carries_the_four_tags(environments):
    environment = environments["local"]
    tracked = [
        (deployment.work_package, resource)
        for deployment in environment.deployments
        if deployment.template in PER_PACKAGE_TEMPLATES
        for resource in deployment.resources
        if resource.get("location")
    ]
    assert len(tracked) == 6  # workspace, its private endpoint and compute cluster, for each of 2 work packages
    for work_package, resource in tracked:
        assert resource["tags"] == {
            "environment": "int",
            "costCentre": "CC-4711-ML",
            "dataClassification": "internal",
            "workPackage": work_package,
        }, resource["name"]


def test_workspaces_use_staging_serverless_in_the_subnet_and_no_managed_network(environments):
    environment = environments["pro"]
    (workspace,) = [
        resource
        for resource in deployment_of(environment, "mlworkspace", "planning").resources
        if resource["type"] == "Microsoft.MachineLearningServices/workspaces"
    ]
    properties = workspace["properties"]
    assert properties["containerRegistry"].endswith("/Microsoft.ContainerRegistry/registries/it4adproacrstaging")
    assert properties["serverlessComputeSettings"] == {
        "serverlessComputeCustomSubnet": environment.settings.variables["dlinfra_private_subnet_id"],
        "serverlessComputeNoPublicIP": True,
    }
    assert properties["managedNetwork"] == {"isolationMode": "Disabled"}


@pytest.mark.parametrize(("inventory", "locked"), [("pro", True), ("dev", False), ("local", False)])
def test_workspace_locks_follow_delete_locks(environments, inventory, locked):
    resources = deployment_of(environments[inventory], "mlworkspace", "perception").resources
    locks = [resource for resource in resources if resource["type"] == "Microsoft.Authorization/locks"]
    assert [(lock["name"], lock["properties"]["level"]) for lock in locks] == (
        [("do-not-delete", "CanNotDelete")] if locked else []
    )
    (setting,) = [resource for resource in resources if resource["type"] == "Microsoft.Insights/diagnosticSettings"]
    assert setting["properties"]["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]
    assert setting["scope"].endswith(
        f"/workspaces/{deployment_of(environments[inventory], 'mlworkspace', 'perception').outputs['workspaceName']}"
    )
