"""The shared-infrastructure templates rendered offline for every environment, with the switches Ansible passes at
deploy time set explicitly (off and on): audit logs to Log Analytics, registry policies, delete locks, tags and
customer-managed keys, as issue 9 and its contract ask."""

import dataclasses
from pathlib import Path

import pytest

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.deployment_plan import (
    ValueOrigin,
    load_deployment_plan,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import render_environment
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.inventory_settings import (
    load_inventory_settings,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.template_set import load_template_set

REPOSITORY = Path(__file__).resolve().parents[3]
ENVIRONMENTS = ["dev", "int", "pro"]
SHARED = ["monitoring", "keyvault", "mlstorage", "datastorage", "containerregistry", "privateendpoints"]
# The deploy-time parameters of issue 9 and the inventory variables they come from (contract).
SWITCHES = {
    "tags": "dlinfra_resource_tags",
    "deleteLocks": "dlinfra_delete_locks",
    "customerManagedKeys": "dlinfra_customer_managed_keys",
}
INVENTORY_TAGS = {"environment": "pro", "costCentre": "CC-4711-ML", "dataClassification": "confidential"}
DIAGNOSTIC_SETTINGS = "Microsoft.Insights/diagnosticSettings"
LOCKS = "Microsoft.Authorization/locks"
CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
ON = {"tags": INVENTORY_TAGS, "deleteLocks": True, "customerManagedKeys": True}
OFF = {"tags": {}, "deleteLocks": False, "customerManagedKeys": False}


@dataclasses.dataclass
class Shared:
    """One environment's shared deployments: resources by (type, name), outputs by template."""

    resources: list
    outputs: dict

    def of_type(self, resource_type):
        return [resource for resource in self.resources if resource["type"].lower() == resource_type.lower()]

    def named(self, resource_type, name):
        (found,) = [resource for resource in self.of_type(resource_type) if resource["name"] == name]
        return found

    def extension_scopes(self, resource_type):
        return {resource["scope"]: resource for resource in self.of_type(resource_type)}


def render(environment, switches):
    plan, findings = load_deployment_plan(REPOSITORY)
    assert findings == []
    origins = {name: ValueOrigin("inventory", variable) for name, variable in SWITCHES.items()}
    plan = dataclasses.replace(plan, deploy_time_parameters={**plan.deploy_time_parameters, **origins})
    templates, findings = load_template_set(REPOSITORY, plan.deploy_time_parameters)
    assert findings == []
    settings, findings = load_inventory_settings(REPOSITORY, environment)
    assert findings == []
    variables = {**settings.variables, **{SWITCHES[name]: value for name, value in switches.items()}}
    rendered, findings = render_environment(plan, templates, dataclasses.replace(settings, variables=variables))
    assert findings == [], [finding.render() for finding in findings]
    shared = [deployment for deployment in rendered.deployments if deployment.template in SHARED]
    assert [deployment.template for deployment in shared] == SHARED
    return Shared(
        [resource for deployment in shared for resource in deployment.resources],
        {deployment.template: deployment.outputs for deployment in shared},
    )


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def rendered(request):
    """``(environment, rendered with every switch on, rendered with every switch off)``."""
    return request.param, render(request.param, ON), render(request.param, OFF)


def all_outputs(shared):
    """The outputs of every shared deployment in one mapping (their names do not collide)."""
    return {key: value for template in shared.outputs.values() for key, value in template.items()}


def audited_targets(shared):
    """Target id -> the log categories its diagnostic settings must send (contract)."""
    outputs = all_outputs(shared)
    targets = {
        outputs["keyVaultId"]: ["AuditEvent"],
        outputs["logAnalyticsWorkspaceId"]: ["Audit"],
        outputs["stagingRegistryId"]: ["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"],
        outputs["healthyRegistryId"]: ["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"],
    }
    for template in ("mlstorage", "datastorage"):
        account = shared.outputs[template]["storageAccountId"]
        targets[f"{account}/blobServices/default"] = ["StorageRead", "StorageWrite", "StorageDelete"]
    return targets


def test_every_audited_resource_sends_its_categories_to_the_environment_workspace(rendered):
    environment, shared = rendered[0], rendered[2]
    workspace_id = shared.outputs["monitoring"]["logAnalyticsWorkspaceId"]
    settings = shared.extension_scopes(DIAGNOSTIC_SETTINGS)
    targets = audited_targets(shared)
    assert sorted(settings) == sorted(targets), environment
    for target, categories in targets.items():
        setting = settings[target]
        assert (setting["name"], setting["apiVersion"]) == ("audit-to-log-analytics", "2021-05-01-preview")
        assert setting["properties"]["workspaceId"] == workspace_id
        assert setting["properties"]["logs"] == [{"category": name, "enabled": True} for name in categories]
        assert setting["dependsOn"] == [target]


@pytest.mark.parametrize(("environment", "days"), [("pro", 365), ("int", 30), ("dev", 90)])
def test_log_retention_per_environment(environment, days):
    shared = render(environment, OFF)
    (workspace,) = shared.of_type("Microsoft.OperationalInsights/workspaces")
    assert workspace["properties"]["retentionInDays"] == days


def test_registry_policies(rendered):
    environment, shared = rendered[0], rendered[2]
    prefix = f"it4ad{environment}"
    staging = shared.named("Microsoft.ContainerRegistry/registries", f"{prefix}acrstaging")["properties"]["policies"]
    healthy = shared.named("Microsoft.ContainerRegistry/registries", f"{prefix}acr")["properties"]["policies"]
    for policies in (staging, healthy):
        assert policies["exportPolicy"] == {"status": "disabled"}
        assert policies["azureADAuthenticationAsArmPolicy"] == {"status": "disabled"}
    assert staging["quarantinePolicy"] == {"status": "enabled"}
    assert staging["retentionPolicy"]["status"] == "enabled" and staging["retentionPolicy"]["days"] >= 1
    assert "quarantinePolicy" not in healthy


def test_locks_only_when_switched_on(rendered):
    environment, shared, switched_off = rendered
    assert shared.of_type(LOCKS) != []
    locks = shared.extension_scopes(LOCKS)
    outputs = all_outputs(shared)
    expected = {
        outputs["keyVaultId"],
        outputs["logAnalyticsWorkspaceId"],
        outputs["stagingRegistryId"],
        outputs["healthyRegistryId"],
        shared.outputs["mlstorage"]["storageAccountId"],
        shared.outputs["datastorage"]["storageAccountId"],
    }
    assert set(locks) == expected, environment
    for lock in locks.values():
        assert (lock["name"], lock["apiVersion"]) == ("do-not-delete", "2020-05-01")
        assert lock["properties"]["level"] == "CanNotDelete" and lock["properties"]["notes"]
    assert switched_off.of_type(LOCKS) == []


def tracked(shared):
    return [resource for resource in shared.resources if resource.get("location") is not None]


def test_every_tracked_resource_carries_the_inventory_tags_and_work_package(rendered):
    environment, shared, switched_off = rendered
    assert len(tracked(shared)) >= 14, environment
    for resource in tracked(shared):
        assert resource["tags"] == {**INVENTORY_TAGS, "workPackage": "shared"}, resource["id"]
    for resource in tracked(switched_off):
        assert resource["tags"] == {"workPackage": "shared"}, resource["id"]


def test_customer_managed_keys_on(rendered):
    environment, shared, switched_off = rendered
    keyvault = shared.outputs["keyvault"]
    identity = shared.named("Microsoft.ManagedIdentity/userAssignedIdentities", f"it4ad-{environment}-cmk-id")
    assert keyvault["cmkIdentityId"] == identity["id"]
    (assignment,) = shared.of_type("Microsoft.Authorization/roleAssignments")
    assert assignment["scope"] == keyvault["keyVaultId"]
    assert assignment["properties"]["roleDefinitionId"].endswith(f"/roleDefinitions/{CRYPTO_SERVICE_ENCRYPTION_USER}")
    assert assignment["properties"]["principalType"] == "ServicePrincipal"
    keys = {resource["name"]: resource["properties"] for resource in shared.of_type("Microsoft.KeyVault/vaults/keys")}
    assert sorted(keys) == [
        f"it4ad-{environment}-kv/{name}" for name in ("registry-cmk", "storage-cmk", "workspace-cmk")
    ]
    key_type = "RSA-HSM" if environment == "pro" else "RSA"
    assert all(key["kty"] == key_type and key["keyOps"] == ["wrapKey", "unwrapKey"] for key in keys.values())
    assert keyvault["storageKeyName"] == "storage-cmk"
    for name in ("keyVaultUri", "cmkIdentityClientId", "cmkIdentityPrincipalId", "registryKeyUri", "workspaceKeyUri"):
        assert keyvault[name] != "", name
    # Known before deployment (no reference()), so the plan can wire them into later deployments.
    vault_uri = f"https://it4ad-{environment}-kv.vault.azure.net/"
    assert (keyvault["keyVaultUri"], keyvault["registryKeyUri"], keyvault["workspaceKeyUri"]) == (
        vault_uri,
        f"{vault_uri}keys/registry-cmk",
        f"{vault_uri}keys/workspace-cmk",
    )
    for account in shared.of_type("Microsoft.Storage/storageAccounts"):
        assert account["identity"] == {"type": "UserAssigned", "userAssignedIdentities": {identity["id"]: {}}}
        encryption = account["properties"]["encryption"]
        assert encryption["keySource"] == "Microsoft.Keyvault"
        assert encryption["keyvaultproperties"] == {"keyname": "storage-cmk", "keyvaulturi": keyvault["keyVaultUri"]}
        assert encryption["identity"] == {"userAssignedIdentity": identity["id"]}
        assert encryption["requireInfrastructureEncryption"] is True
    for registry in shared.of_type("Microsoft.ContainerRegistry/registries"):
        assert registry["identity"] == {"type": "UserAssigned", "userAssignedIdentities": {identity["id"]: {}}}
        assert registry["properties"]["encryption"] == {
            "status": "enabled",
            "keyVaultProperties": {
                "keyIdentifier": keyvault["registryKeyUri"],
                "identity": keyvault["cmkIdentityClientId"],
            },
        }


def test_customer_managed_keys_off(rendered):
    environment, shared = rendered[0], rendered[2]
    for resource_type in ("Microsoft.ManagedIdentity/userAssignedIdentities", "Microsoft.KeyVault/vaults/keys"):
        assert shared.of_type(resource_type) == [], (environment, resource_type)
    assert shared.of_type("Microsoft.Authorization/roleAssignments") == []
    keyvault = shared.outputs["keyvault"]
    cmk_outputs = [
        "cmkIdentityId",
        "cmkIdentityClientId",
        "cmkIdentityPrincipalId",
        "keyVaultUri",
        "storageKeyName",
        "registryKeyUri",
        "workspaceKeyUri",
    ]
    assert {name: keyvault[name] for name in cmk_outputs} == dict.fromkeys(cmk_outputs, "")
    for account in shared.of_type("Microsoft.Storage/storageAccounts"):
        encryption = account["properties"]["encryption"]
        assert account["identity"] is None and encryption["keySource"] == "Microsoft.Storage"
        assert encryption["keyvaultproperties"] is None and encryption["identity"] is None
    for registry in shared.of_type("Microsoft.ContainerRegistry/registries"):
        assert registry["identity"] is None and registry["properties"]["encryption"] is None
