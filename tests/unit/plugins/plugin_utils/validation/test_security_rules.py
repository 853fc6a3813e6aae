"""The security rules of arm-templates/security_rules.yml, on copies of the real repository.

Each test keeps the rules it is about, sets the templates of the copy so that they meet or break those rules
(whatever the real templates hold today), and asserts what the validator reports: the template file, the JSON path
of the resource's declaration, the rule, the environment and the fix.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    validate_repository,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_model import RULES_FILE
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rules import load_security_rules

REPOSITORY_ROOT = Path(__file__).resolve().parents[5]
REGISTRIES = "arm-templates/containerregistry/containerregistry.json"
KEY_VAULT = "arm-templates/keyvault/keyvault.json"
ML_STORAGE = "arm-templates/mlstorage/mlstorage.json"
MONITORING = "arm-templates/monitoring/monitoring.json"
CUSTOM_ROLE = "arm-templates/customrole/customrole.json"
ROLE_FILE = "arm-templates/customrole/model_developer_role.json"
DIAGNOSTIC_SETTINGS = "Microsoft.Insights/diagnosticSettings"
LOCKS = "Microsoft.Authorization/locks"
REGISTRY = "Microsoft.ContainerRegistry/registries"
LOG_ANALYTICS_ID = "[resourceId('Microsoft.OperationalInsights/workspaces', 'it4ad-log')]"


@pytest.fixture
def repository(plain_repository):
    """A copy of the real repository (conftest.py), without the fixture template."""
    return plain_repository


def keep_rules(repository, *ids) -> None:
    """Only the real rules with these ids."""
    document = yaml.safe_load((REPOSITORY_ROOT / RULES_FILE).read_text())
    document["rules"] = [rule for rule in document["rules"] if rule["id"] in ids]
    assert sorted(rule["id"] for rule in document["rules"]) == sorted(ids), "a rule id the test names is gone"
    repository.write_yaml(RULES_FILE, document)


def findings_of(repository, *inventories):
    return validate_repository(repository.root, list(inventories) or None, run_checkov=False).findings


def index_of(template: dict, resource_type: str, position: int = 0) -> int:
    indexes = [index for index, body in enumerate(template["resources"]) if body["type"] == resource_type]
    return indexes[position]


def without(template: dict, resource_type: str) -> dict:
    template["resources"] = [body for body in template["resources"] if body["type"] != resource_type]
    return template


def id_of(declaration: dict) -> str:
    """An expression for the id of the resource that ``declaration`` declares, from its own name expression."""
    name = declaration["name"]
    name_expression = name[1:-1] if name.startswith("[") else f"'{name}'"
    return f"[resourceId('{declaration['type']}', {name_expression})]"


def diagnostic_settings(scope: str, logs: list) -> dict:
    return {
        "type": DIAGNOSTIC_SETTINGS,
        "apiVersion": "2021-05-01-preview",
        "name": "audit-to-log-analytics",
        "scope": scope,
        "properties": {"workspaceId": LOG_ANALYTICS_ID, "logs": logs},
    }


def lock(scope: str, condition=True) -> dict:
    return {
        "type": LOCKS,
        "apiVersion": "2020-05-01",
        "name": "do-not-delete",
        "scope": scope,
        "condition": condition,
        "properties": {"level": "CanNotDelete", "notes": "test"},
    }


def render(findings) -> str:
    return "\n".join(finding.render() for finding in findings)


# --- the rules file itself -------------------------------------------------------------------------------


def test_the_real_rules_file_is_well_formed_given_the_role_file(repository):
    repository.write_json(
        ROLE_FILE,
        {
            "actions": [],
            "deniedActions": [
                {"action": "Microsoft.MachineLearningServices/workspaces/write", "category": "workspace"}
            ],
            "dataActions": [],
            "notDataActions": [],
        },
    )
    rules, findings = load_security_rules(repository.root)
    assert findings == [], render(findings)
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids)) > 40
    assert {"keyvault-audit-logs", "locks-in-pro", "tags-on-tracked-resources", "registry-export-disabled"} <= set(ids)


@pytest.mark.parametrize(
    "broken_rule, json_path, words",
    [
        ({"description": "d", "resource": REGISTRY, "fix": "f"}, "$.rules[0]", ["'id' is a required property"]),
        (
            {"id": "x-rule", "description": "d", "resource": REGISTRY, "fix": "f", "property": "a", "expect": {}},
            "$.rules[0].expect",
            ["should be non-empty"],
        ),
        (
            {
                "id": "x-rule",
                "description": "d",
                "resource": "registries",
                "fix": "f",
                "extension": {"type": "Microsoft.Authorization/locks", "exists": False},
            },
            "$.rules[0].resource",
            ["'registries' does not match"],
        ),
        (
            {
                "id": "x-rule",
                "description": "d",
                "resource": REGISTRY,
                "fix": "f",
                "environments": ["qa"],
                "property": "a",
                "expect": {"present": True},
            },
            "$.rules[0].environments[0]",
            ["'qa'"],
        ),
    ],
    ids=["missing-id", "empty-expectation", "type-without-namespace", "unknown-environment"],
)
def test_a_rule_that_breaks_the_schema_is_named_with_its_path(repository, broken_rule, json_path, words):
    repository.write_yaml(RULES_FILE, {"rules": [broken_rule]})
    findings = findings_of(repository, "dev")
    assert [finding.file for finding in findings] == [RULES_FILE], render(findings)
    assert findings[0].json_path == json_path
    for word in words:
        assert word in findings[0].problem
    assert findings[0].fix


@pytest.mark.parametrize(
    "change, json_path, words",
    [
        ({"where": {"name": "acr(staging"}}, "$.rules[0].where.name", ["not a valid regular expression"]),
        ({"property": "properties..policies"}, "$.rules[0].property", ["cannot be read at character 11"]),
        (
            {"property": "properties.publicNetworkAccess", "expect": {"matches": "*Disabled"}},
            "$.rules[0].expect.matches",
            ["not a valid regular expression"],
        ),
        (
            {"expect": {"contains_all": {"from_file": "customrole/no_such_role.json"}}},
            "$.rules[0].expect.contains_all.from_file",
            ["arm-templates/customrole/no_such_role.json", "does not exist"],
        ),
        (
            {"extension": {"type": "Microsoft.Authorization/locks", "exists": False}},
            "$.rules[0]",
            ["either 'property' with 'expect', or 'extension'"],
        ),
        ({"expect": {"equals": False, "present": True}}, "$.rules[0].expect", ["exactly one of", "equals, present"]),
    ],
    ids=[
        "bad-name-regex",
        "bad-property-path",
        "bad-match-regex",
        "missing-data-file",
        "property-and-extension",
        "two-expectations",
    ],
)
def test_a_rule_that_cannot_be_used_is_named_and_the_others_still_run(repository, change, json_path, words):
    broken = {
        "id": "broken-rule",
        "description": "d",
        "resource": REGISTRY,
        "property": "properties.adminUserEnabled",
        "expect": {"equals": False},
        "fix": "f",
    }
    broken.update(change)
    working = {
        "id": "working-rule",
        "description": "registries are called nothing",
        "resource": REGISTRY,
        "property": "name",
        "expect": {"absent": True},
        "fix": "rename",
    }
    repository.write_yaml(RULES_FILE, {"rules": [broken, working]})
    findings = findings_of(repository, "dev")
    [rules_finding] = [finding for finding in findings if finding.file == RULES_FILE]
    assert rules_finding.json_path == json_path
    for word in words:
        assert word in rules_finding.problem
    assert {finding.file for finding in findings if finding is not rules_finding} == {REGISTRIES}
    assert all("'working-rule'" in finding.problem for finding in findings if finding is not rules_finding)


def test_a_rule_id_used_twice_is_reported(repository):
    rule = {"id": "twice", "description": "d", "resource": REGISTRY, "property": "name", "expect": {"present": True}}
    repository.write_yaml(RULES_FILE, {"rules": [dict(rule, fix="a"), dict(rule, fix="b")]})
    findings = findings_of(repository, "dev")
    assert [(finding.file, finding.json_path) for finding in findings] == [(RULES_FILE, "$.rules[1].id")]
    assert "also used by $.rules[0]" in findings[0].problem


def test_invalid_yaml_in_the_rules_file_names_line_and_column(repository):
    (repository.root / RULES_FILE).write_text("rules:\n  - id: [unclosed\n")
    findings = findings_of(repository, "dev")
    assert [finding.file for finding in findings] == [RULES_FILE]
    assert "not valid YAML" in findings[0].problem


def test_an_inventory_variable_a_rule_needs_but_the_inventory_lacks_is_named(repository):
    repository.write_yaml(
        RULES_FILE,
        {
            "rules": [
                {
                    "id": "needs-variable",
                    "description": "d",
                    "resource": "Microsoft.KeyVault/vaults",
                    "property": "tags.owner",
                    "expect": {"equals": {"from_inventory": "dlinfra_no_such_variable"}},
                    "fix": "f",
                }
            ]
        },
    )
    findings = findings_of(repository, "dev")
    assert len(findings) == 1, render(findings)
    assert findings[0].file.startswith("inventories/dev")
    assert "dlinfra_no_such_variable" in findings[0].problem
    assert "'needs-variable'" in findings[0].problem
    assert findings[0].environment == "dev"


# --- property rules on the rendered templates ------------------------------------------------------------


def set_registry_policies(repository, staging: dict, healthy: dict) -> dict:
    template = repository.read_json(REGISTRIES)
    for position, policies in enumerate((staging, healthy)):
        template["resources"][index_of(template, REGISTRY, position)]["properties"]["policies"] = policies
    repository.write_json(REGISTRIES, template)
    return template


def test_a_registry_that_allows_export_is_named_with_file_path_rule_and_fix(repository):
    keep_rules(repository, "registry-export-disabled")
    template = set_registry_policies(
        repository, {"exportPolicy": {"status": "disabled"}}, {"exportPolicy": {"status": "enabled"}}
    )
    findings = findings_of(repository, "pro")
    assert len(findings) == 1, render(findings)
    finding = findings[0]
    assert finding.file == REGISTRIES
    assert (
        finding.json_path == f"$.resources[{index_of(template, REGISTRY, 1)}].properties.policies.exportPolicy.status"
    )
    assert finding.environment == "pro"
    assert "'registry-export-disabled' (no registry lets images be exported)" in finding.problem
    assert "'it4adproacr'" in finding.problem
    assert "is 'enabled', expected 'disabled'" in finding.problem
    assert "exportPolicy" in finding.fix


def test_registry_policies_that_meet_the_rules_pass_in_every_environment(repository):
    keep_rules(
        repository,
        "registry-export-disabled",
        "registry-arm-token-auth-disabled",
        "staging-quarantine-enabled",
        "staging-retention-enabled",
        "staging-retention-days",
    )
    closed = {"exportPolicy": {"status": "disabled"}, "azureADAuthenticationAsArmPolicy": {"status": "disabled"}}
    staging = dict(closed, quarantinePolicy={"status": "enabled"}, retentionPolicy={"status": "enabled", "days": 7})
    set_registry_policies(repository, staging, closed)
    assert findings_of(repository) == []


def test_the_staging_rules_select_only_the_staging_registry(repository):
    keep_rules(repository, "staging-quarantine-enabled", "staging-retention-days")
    template = set_registry_policies(repository, {"retentionPolicy": {"status": "enabled"}}, {})
    findings = findings_of(repository, "dev")
    staging_path = f"$.resources[{index_of(template, REGISTRY, 0)}]"
    assert sorted(finding.json_path for finding in findings) == [
        f"{staging_path}.properties.policies.quarantinePolicy.status",
        f"{staging_path}.properties.policies.retentionPolicy.days",
    ], render(findings)
    assert all("'it4addevacrstaging'" in finding.problem for finding in findings)


def test_a_rule_for_pro_holds_only_in_pro(repository):
    keep_rules(repository, "log-retention-pro")
    for environment, days in {"dev": 90, "int": 30, "pro": 90}.items():
        relative = f"arm-templates/monitoring/monitoring.parameters.{environment}.json"
        parameters = repository.read_json(relative)
        parameters["parameters"]["logRetentionDays"] = {"value": days}
        repository.write_json(relative, parameters)
    findings = findings_of(repository)
    assert [(finding.file, finding.environment) for finding in findings] == [(MONITORING, "pro")], render(findings)
    assert findings[0].json_path.endswith(".properties.retentionInDays")
    assert "is 90, expected 365" in findings[0].problem
    assert "monitoring.parameters.pro.json" in findings[0].fix


def test_tags_are_checked_on_tracked_resources_against_the_inventory(repository):
    keep_rules(repository, "tags-on-tracked-resources", "tag-environment")
    template = repository.read_json(KEY_VAULT)
    vault = index_of(template, "Microsoft.KeyVault/vaults")
    template["resources"][vault]["tags"] = {
        "environment": "int",
        "workPackage": "shared",
        "costCentre": "CC-1",
        "dataClassification": "internal",
    }
    repository.write_json(KEY_VAULT, template)
    findings = [finding for finding in findings_of(repository, "dev", "local") if finding.file == KEY_VAULT]
    # dev's vault says environment int; local (dlinfra_environment int) is right.
    assert [(finding.json_path, finding.environment) for finding in findings] == [
        (f"$.resources[{vault}].tags.environment", "dev")
    ], render(findings)
    assert "is 'int', expected 'dev'" in findings[0].problem


def test_a_value_known_only_after_deployment_is_not_judged_offline(repository):
    keep_rules(repository, "registry-admin-user-disabled")
    template = repository.read_json(REGISTRIES)
    registry = template["resources"][index_of(template, REGISTRY)]
    registry["properties"]["adminUserEnabled"] = f"[reference({id_of(registry)[1:-1]}, '2025-11-01').adminUserEnabled]"
    repository.write_json(REGISTRIES, template)
    assert findings_of(repository, "dev") == []
    registry["properties"]["adminUserEnabled"] = True
    repository.write_json(REGISTRIES, template)
    assert len(findings_of(repository, "dev")) == 1


def test_the_role_must_deny_every_action_its_role_file_lists(repository):
    keep_rules(repository, "role-denies-listed-actions")
    denied = [
        "Microsoft.MachineLearningServices/workspaces/listStorageAccountKeys/action",
        "Microsoft.MachineLearningServices/workspaces/outboundRules/write",
    ]
    repository.write_json(
        ROLE_FILE,
        {
            "actions": ["Microsoft.MachineLearningServices/workspaces/*/read"],
            "deniedActions": [{"action": action, "category": "x", "reason": "y"} for action in denied],
            "dataActions": [],
            "notDataActions": [],
        },
    )
    template = repository.read_json(CUSTOM_ROLE)
    role = template["resources"][0]
    role["properties"]["permissions"] = [
        {"actions": ["Microsoft.MachineLearningServices/workspaces/*/read"], "notActions": [denied[0].lower()]}
    ]
    repository.write_json(CUSTOM_ROLE, template)
    findings = findings_of(repository, "int")
    assert [(finding.file, finding.json_path) for finding in findings] == [
        (CUSTOM_ROLE, "$.resources[0].properties.permissions[0].notActions")
    ], render(findings)
    assert f'it lacks ["{denied[1]}"]' in findings[0].problem  # the first one matches, case aside
    role["properties"]["permissions"][0]["notActions"] = denied
    repository.write_json(CUSTOM_ROLE, template)
    assert findings_of(repository, "int") == []


# --- extension resources: diagnostic settings and locks -----------------------------------------------------


def test_a_key_vault_without_audit_logs_is_named_at_its_declaration(repository):
    keep_rules(repository, "keyvault-audit-logs")
    template = without(repository.read_json(KEY_VAULT), DIAGNOSTIC_SETTINGS)
    repository.write_json(KEY_VAULT, template)
    findings = findings_of(repository, "dev")
    vault = index_of(template, "Microsoft.KeyVault/vaults")
    assert [(finding.file, finding.json_path) for finding in findings] == [(KEY_VAULT, f"$.resources[{vault}]")]
    assert "has no Microsoft.Insights/diagnosticSettings extension resource" in findings[0].problem
    assert "AuditEvent" in findings[0].fix


def test_audit_logs_with_the_wrong_category_are_named_at_the_setting(repository):
    keep_rules(repository, "keyvault-audit-logs")
    template = without(repository.read_json(KEY_VAULT), DIAGNOSTIC_SETTINGS)
    vault = template["resources"][index_of(template, "Microsoft.KeyVault/vaults")]
    template["resources"].append(diagnostic_settings(id_of(vault), [{"category": "AzurePolicyEvaluationDetails"}]))
    repository.write_json(KEY_VAULT, template)
    findings = findings_of(repository, "dev")
    setting = len(template["resources"]) - 1
    assert [finding.json_path for finding in findings] == [f"$.resources[{setting}].properties.logs"], render(findings)
    assert '[{"category": "AuditEvent", "enabled": true}]' in findings[0].problem
    template["resources"][-1]["properties"]["logs"] = [{"category": "auditevent", "enabled": True}]
    repository.write_json(KEY_VAULT, template)
    assert len(findings_of(repository, "dev")) == 1  # categories are compared exactly unless the rule ignores case
    template["resources"][-1]["properties"]["logs"] = [{"category": "AuditEvent", "enabled": True}]
    repository.write_json(KEY_VAULT, template)
    assert findings_of(repository, "dev") == []


def test_the_setting_of_each_registry_is_told_apart_by_its_scope(repository):
    keep_rules(repository, "registry-audit-logs")
    template = without(repository.read_json(REGISTRIES), DIAGNOSTIC_SETTINGS)
    staging = template["resources"][index_of(template, REGISTRY, 0)]
    healthy = template["resources"][index_of(template, REGISTRY, 1)]
    both = [
        {"category": "ContainerRegistryLoginEvents", "enabled": True},
        {"category": "ContainerRegistryRepositoryEvents", "enabled": True},
    ]
    # healthy's setting first, so that declaration order alone would point at the wrong one
    template["resources"] += [diagnostic_settings(id_of(healthy), both[:1]), diagnostic_settings(id_of(staging), both)]
    repository.write_json(REGISTRIES, template)
    findings = findings_of(repository, "dev")
    healthy_setting = len(template["resources"]) - 2
    assert [finding.json_path for finding in findings] == [f"$.resources[{healthy_setting}].properties.logs"]
    assert "'it4addevacr'" in findings[0].problem
    assert 'it lacks [{"category": "ContainerRegistryRepositoryEvents", "enabled": true}]' in findings[0].problem


def test_blob_audit_logs_belong_on_the_blob_service(repository):
    keep_rules(repository, "storage-blob-audit-logs")
    template = without(repository.read_json(ML_STORAGE), DIAGNOSTIC_SETTINGS)
    account = template["resources"][index_of(template, "Microsoft.Storage/storageAccounts")]
    logs = [{"category": name, "enabled": True} for name in ("StorageRead", "StorageWrite", "StorageDelete")]
    template["resources"].append(diagnostic_settings(id_of(account), logs))  # on the account: the wrong scope
    repository.write_json(ML_STORAGE, template)
    findings = [finding for finding in findings_of(repository, "dev") if finding.file == ML_STORAGE]
    assert [finding.json_path for finding in findings] == [f"$.resources[{template['resources'].index(account)}]"]
    assert "on blobServices/default" in findings[0].problem
    name_expression = account["name"][1:-1]
    template["resources"][-1]["scope"] = (
        f"[resourceId('Microsoft.Storage/storageAccounts/blobServices', {name_expression}, 'default')]"
    )
    repository.write_json(ML_STORAGE, template)
    assert [finding for finding in findings_of(repository, "dev") if finding.file == ML_STORAGE] == []


def locked_registries(repository, condition) -> dict:
    template = without(repository.read_json(REGISTRIES), LOCKS)
    for position in (0, 1):
        template["resources"].append(
            lock(id_of(template["resources"][index_of(template, REGISTRY, position)]), condition)
        )
    repository.write_json(REGISTRIES, template)
    return template


def test_locks_are_required_in_pro_and_refused_elsewhere(repository):
    keep_rules(repository, "locks-in-pro", "no-locks-outside-pro")
    template = locked_registries(repository, "[equals(parameters('environmentName'), 'pro')]")
    assert [finding for finding in findings_of(repository) if finding.file == REGISTRIES] == []
    locked_registries(repository, True)
    findings = [finding for finding in findings_of(repository) if finding.file == REGISTRIES]
    first_lock = len(template["resources"]) - 2
    assert sorted((finding.environment, finding.json_path) for finding in findings) == [
        (environment, f"$.resources[{first_lock + offset}]")
        for environment in ("dev", "int", "local")
        for offset in (0, 1)
    ], render(findings)
    assert all("'no-locks-outside-pro'" in finding.problem for finding in findings)
    locked_registries(repository, False)
    findings = [finding for finding in findings_of(repository, "pro") if finding.file == REGISTRIES]
    assert [finding.json_path for finding in findings] == [
        f"$.resources[{index_of(template, REGISTRY, position)}]" for position in (0, 1)
    ]
    assert all("has no Microsoft.Authorization/locks" in finding.problem for finding in findings)


def test_a_lock_of_the_wrong_level_does_not_count(repository):
    keep_rules(repository, "locks-in-pro")
    template = locked_registries(repository, True)
    template["resources"][-1]["properties"]["level"] = "ReadOnly"
    repository.write_json(REGISTRIES, template)
    findings = [finding for finding in findings_of(repository, "pro") if finding.file == REGISTRIES]
    assert [finding.json_path for finding in findings] == [
        f"$.resources[{len(template['resources']) - 1}].properties.level"
    ]
    assert "is 'ReadOnly', expected 'CanNotDelete'" in findings[0].problem


def test_an_ephemeral_inventory_may_carry_no_lock(repository):
    keep_rules(repository, "no-locks-when-ephemeral")
    locked_registries(repository, True)
    findings = [finding for finding in findings_of(repository, "dev", "local") if finding.file == REGISTRIES]
    assert {finding.environment for finding in findings} == {"local"}  # dev is not ephemeral
    assert len(findings) == 2


def test_the_command_line_prints_a_rule_violation_and_exits_non_zero(repository):
    keep_rules(repository, "registry-admin-user-disabled")
    template = repository.read_json(REGISTRIES)
    template["resources"][index_of(template, REGISTRY, 1)]["properties"]["adminUserEnabled"] = True
    repository.write_json(REGISTRIES, template)
    completed = subprocess.run(
        [
            sys.executable,
            str(REPOSITORY_ROOT / "scripts" / "dlinfra-validate"),
            "--repository",
            str(repository.root),
            "--inventory",
            "pro",
            "--skip-checkov",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    expected_path = f"$.resources[{index_of(template, REGISTRY, 1)}].properties.adminUserEnabled"
    assert f"ERROR {REGISTRIES} {expected_path} [pro]: " in completed.stdout
    assert "security rule 'registry-admin-user-disabled'" in completed.stdout
    assert "Fix: set properties.adminUserEnabled to false." in completed.stdout
