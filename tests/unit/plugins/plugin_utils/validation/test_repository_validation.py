"""Each kind of problem the offline validator finds, from a broken copy of the real repository.

Every test breaks one thing and asserts the finding names the file, the JSON path, the problem and a fix.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    validate_repository,
)

REPOSITORY_ROOT = Path(__file__).resolve().parents[5]

FIXTURE_PRO = "arm-templates/fixturestore/fixturestore.parameters.pro.json"
DEV_ENVIRONMENT_VARS = "inventories/dev/group_vars/all/environment.yml"
DEV_WORK_PACKAGES = "inventories/dev/group_vars/all/work_packages.yml"
DATASTORE_CONFIG = "arm-templates/mlworkspace/datastore_config.json"


def findings_of(repository, inventories=None):
    # The fixture template is not meant to be secure; test_security_rules.py covers the security rules.
    return validate_repository(repository.root, inventories, run_checkov=False, check_security_rules=False).findings


def only_finding(findings, file_name):
    matching = [finding for finding in findings if finding.file == file_name]
    assert len(matching) == 1, "expected one finding for {}, got: {}".format(
        file_name, "\n".join(finding.render() for finding in findings)
    )
    return matching[0]


def test_the_repository_itself_is_valid_for_every_inventory():
    report = validate_repository(REPOSITORY_ROOT, run_checkov=False)
    assert report.findings == [], "\n".join(finding.render() for finding in report.findings)
    assert sorted(environment.settings.name for environment in report.environments) == ["dev", "int", "local", "pro"]


def test_the_fixture_copy_is_valid_before_anything_is_broken(repository):
    assert findings_of(repository) == []


def test_a_missing_parameter_file_is_named_with_its_expected_path(repository):
    (repository.root / FIXTURE_PRO).unlink()
    finding = only_finding(findings_of(repository), FIXTURE_PRO)
    assert finding.json_path == "$"
    assert "is missing" in finding.problem
    assert '"parameters": {}' in finding.fix


def test_a_parameter_file_for_an_unknown_environment_is_rejected(repository):
    repository.write_json(
        "arm-templates/fixturestore/fixturestore.parameters.qa.json", repository.read_json(FIXTURE_PRO)
    )
    finding = only_finding(findings_of(repository), "arm-templates/fixturestore/fixturestore.parameters.qa.json")
    assert "unknown environment 'qa'" in finding.problem


def test_an_undeclared_parameter_is_named_with_the_declared_ones(repository):
    repository.set_fixture_parameter("pro", "retentionDayz", 30)
    finding = only_finding(findings_of(repository), FIXTURE_PRO)
    assert finding.json_path == "$.parameters.retentionDayz"
    assert "does not declare" in finding.problem
    assert "retentionDays" in finding.problem
    assert "spelling" in finding.fix


def test_a_deploy_time_value_in_a_parameter_file_is_rejected(repository):
    repository.set_fixture_parameter("pro", "location", "northeurope")
    finding = only_finding(findings_of(repository), FIXTURE_PRO)
    assert finding.json_path == "$.parameters.location"
    assert "dlinfra_location" in finding.problem
    assert "exactly one place" in finding.problem


def test_a_parameter_entry_without_value_or_reference_is_rejected(repository):
    document = repository.read_json(FIXTURE_PRO)
    document["parameters"]["skuName"] = "Standard_ZRS"
    repository.write_json(FIXTURE_PRO, document)
    finding = only_finding(findings_of(repository), FIXTURE_PRO)
    assert finding.json_path == "$.parameters.skuName"
    assert "'value' or 'reference'" in finding.problem


def test_a_missing_required_parameter_is_reported_for_the_file_that_must_set_it(repository):
    repository.remove_fixture_parameter("pro", "skuName")
    finding = only_finding(findings_of(repository, ["pro"]), FIXTURE_PRO)
    assert finding.json_path == "$.parameters.skuName"
    assert "skuName" in finding.problem
    assert finding.environment == "pro"
    assert "defaultValue" in finding.fix


@pytest.mark.parametrize(
    "name, value, expected_words",
    [
        ("retentionDays", "thirty", ["retentionDays", "Int"]),
        ("retentionDays", 365, ["retentionDays", "90"]),
        ("retentionDays", 1, ["retentionDays", "7"]),
        ("skuName", "Premium_LRS", ["skuName", "Standard_LRS"]),
        ("label", "ab", ["label", "3"]),
        ("label", "much-too-long", ["label", "8"]),
    ],
    ids=[
        "wrong-type",
        "above-maxValue",
        "below-minValue",
        "not-in-allowedValues",
        "below-minLength",
        "above-maxLength",
    ],
)
def test_a_value_that_breaks_its_declaration_names_file_path_and_limit(repository, name, value, expected_words):
    repository.set_fixture_parameter("pro", name, value)
    finding = only_finding(findings_of(repository, ["pro"]), FIXTURE_PRO)
    assert finding.json_path == f"$.parameters.{name}.value"
    for word in expected_words:
        assert word in finding.problem
    assert FIXTURE_PRO in finding.fix


def test_invalid_json_reports_line_and_column(repository):
    (repository.root / FIXTURE_PRO).write_text('{"parameters": {,}}')
    finding = only_finding(findings_of(repository), FIXTURE_PRO)
    assert "not valid JSON" in finding.problem
    assert "line 1, column 17" in finding.problem


def test_an_inventory_value_of_the_wrong_shape_names_the_inventory_file(repository):
    variables = repository.read_yaml(DEV_ENVIRONMENT_VARS)
    variables["dlinfra_name_prefix"] = "IT4AD"
    repository.write_yaml(DEV_ENVIRONMENT_VARS, variables)
    finding = only_finding(findings_of(repository, ["dev"]), DEV_ENVIRONMENT_VARS)
    assert finding.json_path == "$.dlinfra_name_prefix"
    assert '"IT4AD"' in finding.problem
    assert "lowercase" in finding.fix
    assert finding.environment == "dev"


def test_a_missing_inventory_variable_is_named(repository):
    variables = repository.read_yaml(DEV_ENVIRONMENT_VARS)
    del variables["dlinfra_compute_max_nodes"]
    repository.write_yaml(DEV_ENVIRONMENT_VARS, variables)
    findings = findings_of(repository, ["dev"])
    assert any("'dlinfra_compute_max_nodes' is not set" in finding.problem for finding in findings), findings


def test_a_duplicate_work_package_is_rejected(repository):
    variables = repository.read_yaml(DEV_WORK_PACKAGES)
    variables["dlinfra_work_packages"].append(dict(variables["dlinfra_work_packages"][0]))
    repository.write_yaml(DEV_WORK_PACKAGES, variables)
    finding = only_finding(findings_of(repository, ["dev"]), DEV_WORK_PACKAGES)
    assert finding.json_path.startswith("$.dlinfra_work_packages[")
    assert "listed twice" in finding.problem


def test_a_rendered_name_that_breaks_azure_naming_rules_is_reported_against_the_template(repository):
    environment_vars = repository.read_yaml(DEV_ENVIRONMENT_VARS)
    environment_vars["dlinfra_name_prefix"] = "it4adlongr"  # allowed prefix; 'it4adlongrdevfixturestore' is 25
    repository.write_yaml(DEV_ENVIRONMENT_VARS, environment_vars)
    finding = only_finding(findings_of(repository, ["dev"]), "arm-templates/fixturestore/fixturestore.json")
    assert finding.json_path == "$.resources[0].name"
    assert "'it4adlongrdevfixturestore' (25 characters)" in finding.problem
    assert "3-24 lowercase letters and digits" in finding.problem
    assert "dlinfra_name_prefix" in finding.fix


def test_a_work_package_name_the_template_cannot_take_is_reported_against_the_inventory(repository):
    variables = repository.read_yaml(DEV_WORK_PACKAGES)
    variables["dlinfra_work_packages"].append(
        {  # 19 characters
            "name": "planningandcontrols",
            "developer_group_object_id": "0f5a3c7e-1d2b-4e6f-8a9c-b1d3e5f7a9c2",
        }
    )
    repository.write_yaml(DEV_WORK_PACKAGES, variables)
    findings = findings_of(repository, ["dev"])
    assert findings, "a 19-character work package name must be reported"
    assert {finding.file for finding in findings} == {DEV_WORK_PACKAGES}
    assert {finding.json_path for finding in findings} == {"$.dlinfra_work_packages[2].name"}
    assert any("workPackageName" in finding.problem for finding in findings)


def test_names_that_collide_across_inventories_are_reported(repository):
    local_vars = "inventories/local/group_vars/all/environment.yml"
    variables = repository.read_yaml(local_vars)
    variables["dlinfra_name_prefix"] = "it4ad"
    repository.write_yaml(local_vars, variables)
    findings = [finding for finding in findings_of(repository) if finding.file == local_vars]
    assert findings and all(finding.json_path == "$.dlinfra_name_prefix" for finding in findings)
    assert any("unique across Azure" in finding.problem for finding in findings)


def test_a_datastore_config_that_breaks_its_schema_is_reported(repository):
    config = repository.read_json(DATASTORE_CONFIG)
    config["datastores"][0]["container"] = "Data_Sets"
    repository.write_json(DATASTORE_CONFIG, config)
    finding = only_finding(findings_of(repository), DATASTORE_CONFIG)
    assert finding.json_path == "$.datastores[0].container"
    assert "Data_Sets" in finding.problem
    assert "lowercase" in finding.fix


def test_a_datastore_for_an_unknown_work_package_is_reported_per_inventory(repository):
    config = repository.read_json(DATASTORE_CONFIG)
    config["datastores"][0]["workspaces"] = ["sensorfusion"]
    repository.write_json(DATASTORE_CONFIG, config)
    findings = [finding for finding in findings_of(repository) if finding.file == DATASTORE_CONFIG]
    assert sorted(finding.environment for finding in findings) == ["dev", "int", "local"]
    assert all(finding.json_path == "$.datastores[0].workspaces[0]" for finding in findings)
    assert "work_packages.yml" in findings[0].fix


def test_a_datastore_on_a_container_the_data_account_lacks_is_reported(repository):
    config = repository.read_json(DATASTORE_CONFIG)
    config["datastores"][0]["container"] = "rawimages"
    repository.write_json(DATASTORE_CONFIG, config)
    findings = [finding for finding in findings_of(repository, ["pro"]) if finding.file == DATASTORE_CONFIG]
    assert len(findings) == 1
    assert "rawimages" in findings[0].problem
    assert "datastorage.parameters.pro.json" in findings[0].fix


def test_a_plan_wiring_to_an_output_that_does_not_exist_is_reported(repository):
    plan = repository.read_yaml("arm-templates/deployment_plan.yml")
    workspace = next(entry for entry in plan["deployments"] if entry["template"] == "mlworkspace")
    workspace["parameters_from_outputs"]["keyVaultId"] = "keyvault.vaultIdentifier"
    repository.write_yaml("arm-templates/deployment_plan.yml", plan)
    finding = only_finding(findings_of(repository), "arm-templates/deployment_plan.yml")
    assert "no output 'vaultIdentifier'" in finding.problem
    assert "keyVaultId" in finding.problem or "keyVaultId" in finding.json_path


def test_a_template_that_is_never_deployed_is_reported(repository):
    plan = repository.read_yaml("arm-templates/deployment_plan.yml")
    plan["deployments"] = [entry for entry in plan["deployments"] if entry["template"] != "fixturestore"]
    repository.write_yaml("arm-templates/deployment_plan.yml", plan)
    finding = only_finding(findings_of(repository), "arm-templates/fixturestore/fixturestore.json")
    assert "never deployed" in finding.problem


def test_the_command_line_exits_non_zero_and_prints_each_finding(repository):
    repository.set_fixture_parameter("pro", "retentionDays", 365)
    completed = subprocess.run(
        [
            sys.executable,
            str(REPOSITORY_ROOT / "scripts" / "dlinfra-validate"),
            "--repository",
            str(repository.root),
            "--skip-checkov",
            "--skip-security-rules",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    assert report["passed"] is False
    assert [(finding["file"], finding["json_path"]) for finding in report["findings"]] == [
        (FIXTURE_PRO, "$.parameters.retentionDays.value")
    ]


def test_an_invalid_template_expression_is_reported_in_arm_words_at_its_json_path(repository):
    template = repository.read_json("arm-templates/fixturestore/fixturestore.json")
    template["resources"][0]["properties"]["minimumTlsVersion"] = "[toUpperr('tls1_2')]"
    repository.write_json("arm-templates/fixturestore/fixturestore.json", template)
    findings = findings_of(repository, ["dev"])
    finding = only_finding(findings, "arm-templates/fixturestore/fixturestore.json")
    assert finding.json_path == "$.resources[0].properties.minimumTlsVersion"
    assert "InvalidTemplate" in finding.problem
    assert "toUpperr" in finding.problem
