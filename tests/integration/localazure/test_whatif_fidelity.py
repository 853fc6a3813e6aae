"""What-if against the local endpoint as Azure reports it, through the unmodified DeploymentsMgmtClient: an unchanged
redeploy of the project's Key Vault template is NoChange, a vault whose tenant was changed behind the template's
back is Modify at ``properties.tenantId`` (writable, so not noise), and a template that sets a read-only property to
another value is Modify with NoEffect deltas only -- the noise the collection's ``effective_change_type`` reads as
NoChange."""

import json
from pathlib import Path

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.whatif import effective_change_type

ENDPOINT_ARGS = ("--lro-retry-after", "0")
REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
KEY_VAULT_TEMPLATE = json.loads((REPOSITORY_ROOT / "arm-templates" / "keyvault" / "keyvault.json").read_text())
KEY_VAULT_VERSION = "2026-05-15"
REGISTRY_VERSION = "2025-11-01"
LOG_ANALYTICS_VERSION = "2025-07-01"
OTHER_TENANT = "22222222-2222-2222-2222-222222222222"


@pytest.fixture(scope="module")
def client(endpoint):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    return endpoint.mgmt_client(DeploymentsMgmtClient, polling_interval=0.05)


@pytest.fixture(scope="module")
def group(endpoint):
    name = "rg-whatif-fidelity"
    endpoint.resource_client().resource_groups.create_or_update(name, {"location": "westeurope"})
    return name


@pytest.fixture(scope="module")
def workspace_id(endpoint, group):
    """A Log Analytics workspace for the vault's audit log (the template's logAnalyticsWorkspaceId)."""
    path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/"
        "Microsoft.OperationalInsights/workspaces/wif-log"
    )
    body = {"location": "westeurope", "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}}
    answer = endpoint.call("PUT", path, api_version=LOG_ANALYTICS_VERSION, body=body)
    assert answer.status_code in (200, 201), answer.text
    return path


def key_vault_deployment(prefix: str, workspace_id: str) -> dict:
    parameters = {
        "location": "westeurope",
        "namePrefix": prefix,
        "environmentName": "dev",
        "enablePurgeProtection": False,
        "logAnalyticsWorkspaceId": workspace_id,
    }
    return {
        "properties": {
            "mode": "Incremental",
            "template": KEY_VAULT_TEMPLATE,
            "parameters": {name: {"value": value} for name, value in parameters.items()},
        }
    }


def rest_changes(result) -> dict:
    """resource id -> the change in its REST shape (changeType, delta, path, propertyChangeType ...)."""
    return {change["resourceId"]: change for change in result.as_dict()["properties"]["changes"]}


def deltas(change: dict) -> dict:
    return {entry["path"]: entry for entry in change.get("delta") or ()}


def test_an_unchanged_redeploy_of_a_project_template_is_no_change(client, group, workspace_id):
    body = key_vault_deployment("wifsame", workspace_id)
    deployed = client.deployments.begin_create_or_update(group, "kv-same", body).result()
    assert deployed.properties.provisioning_state == "Succeeded"
    changes = rest_changes(client.deployments.begin_what_if(group, "kv-same", body).result())
    vault = next(change for resource_id, change in changes.items() if resource_id.endswith("/vaults/wifsame-dev-kv"))
    assert effective_change_type(vault) == "NoChange", vault.get("delta")
    assert vault["changeType"] == "NoChange" or all(
        entry["propertyChangeType"] == "NoEffect" for entry in vault["delta"]
    ), vault["delta"]


def test_a_tenant_changed_outside_the_template_is_a_modify(endpoint, client, group, workspace_id):
    body = key_vault_deployment("wiftenant", workspace_id)
    client.deployments.begin_create_or_update(group, "kv-tenant", body).result()
    vault_path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/"
        "Microsoft.KeyVault/vaults/wiftenant-dev-kv"
    )
    stored = endpoint.call("GET", vault_path, api_version=KEY_VAULT_VERSION).json()
    template_tenant = stored["properties"]["tenantId"]
    moved = {
        "location": stored["location"],
        "tags": stored.get("tags") or {},
        "properties": {**stored["properties"], "tenantId": OTHER_TENANT},
    }
    answer = endpoint.call("PUT", vault_path, api_version=KEY_VAULT_VERSION, body=moved)
    assert answer.status_code in (200, 201), answer.text
    assert (
        endpoint.call("GET", vault_path, api_version=KEY_VAULT_VERSION).json()["properties"]["tenantId"] == OTHER_TENANT
    )

    changes = rest_changes(client.deployments.begin_what_if(group, "kv-tenant", body).result())
    vault = next(change for resource_id, change in changes.items() if resource_id.lower() == vault_path.lower())
    assert vault["changeType"] == "Modify" and effective_change_type(vault) == "Modify"
    tenant = deltas(vault)["properties.tenantId"]
    assert (tenant["propertyChangeType"], tenant["before"], tenant["after"]) == (
        "Modify",
        OTHER_TENANT,
        template_tenant,
    )


def registry_template(login_server: str) -> dict:
    """A registry whose template, as exported templates do, carries the read-only ``loginServer``."""
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {
                "type": "Microsoft.ContainerRegistry/registries",
                "apiVersion": REGISTRY_VERSION,
                "name": "wifnoisecr",
                "location": "[resourceGroup().location]",
                "sku": {"name": "Premium"},
                "properties": {"adminUserEnabled": False, "loginServer": login_server},
            }
        ],
    }


def test_a_read_only_property_set_to_another_value_is_a_modify_of_no_effect(endpoint, client, group):
    body = {"properties": {"mode": "Incremental", "template": registry_template("elsewhere.azurecr.io")}}
    client.deployments.begin_create_or_update(group, "cr-noise", body).result()
    registry_path = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/"
        "Microsoft.ContainerRegistry/registries/wifnoisecr"
    )
    served = endpoint.call("GET", registry_path, api_version=REGISTRY_VERSION).json()["properties"]["loginServer"]
    assert served != "elsewhere.azurecr.io", "the server fills loginServer, whatever the body says"

    changes = rest_changes(client.deployments.begin_what_if(group, "cr-noise", body).result())
    registry = next(change for resource_id, change in changes.items() if resource_id.lower() == registry_path.lower())
    assert registry["changeType"] == "Modify"
    assert {
        path: (entry["propertyChangeType"], entry.get("before"), entry.get("after"))
        for path, entry in deltas(registry).items()
    } == {"properties.loginServer": ("NoEffect", served, "elsewhere.azurecr.io")}
    assert effective_change_type(registry) == "NoChange"
