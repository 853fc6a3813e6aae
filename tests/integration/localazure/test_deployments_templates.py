"""The project's own ARM templates deployed to the local endpoint for the ``local`` inventory, in the order of
``arm-templates/deployment_plan.yml``, through the unmodified DeploymentsMgmtClient; then a rerun's what-if is
NoChange everywhere and makes no writes, and a principal without write permission fails inside the deployment."""

import uuid
from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import (
    deployment_parameter_values,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    load_environment_inputs,
)

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
# The plan, templates and inventory as the validator reads them (Ansible's own inventory machinery), and the
# parameter values it assembles for each deployment: the wiring exists once, in environment_render.py.
PLAN_DOCUMENT, TEMPLATE_SOURCES, SETTINGS = load_environment_inputs(REPOSITORY_ROOT, "local")
INVENTORY_VARIABLES = SETTINGS.variables
PLAN = {
    "deployments": [
        {"template": item.template, "scope": item.scope, "per": item.per} for item in PLAN_DOCUMENT.deployments
    ]
}

# The default seed holds inventories/local's developer groups, which the role assignments name.
ENDPOINT_ARGS = ("--lro-retry-after", "0")
WORK_PACKAGE = INVENTORY_VARIABLES["dlinfra_work_packages"][0]


def parameters_for(entry: dict, outputs: dict) -> tuple[dict, dict]:
    """A plan entry's template and parameters for the first work package, as the validator assembles them from
    the parameter file, the inventory, the work package and the live outputs of earlier deployments."""
    planned = next(item for item in PLAN_DOCUMENT.deployments if item.template == entry["template"])
    source = TEMPLATE_SOURCES[planned.template]
    package = WORK_PACKAGE if planned.per == "work_package" else None
    live_outputs = {
        (name, package["name"] if package and per == "work_package" else None): values
        for (name, per), values in outputs.items()
    }
    values = deployment_parameter_values(PLAN_DOCUMENT, planned, source, SETTINGS, live_outputs, package, 0)
    assert values is not None, f"{planned.template}: an upstream output is missing"
    return source.template, {name: {"value": value} for name, value in values.items()}


def body_for(template: dict, parameters: dict, scope: str) -> dict:
    body = {"properties": {"mode": "Incremental", "template": template, "parameters": parameters}}
    if scope == "subscription":
        body["location"] = INVENTORY_VARIABLES["dlinfra_location"]
    return body


@pytest.fixture(scope="module")
def client(endpoint):
    return _client(endpoint)


def _client(endpoint, principal: str = "deployer"):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    return endpoint.mgmt_client(DeploymentsMgmtClient, principal, polling_interval=0.05)


def _deploy(client, scope: str, name: str, body: dict):
    group = INVENTORY_VARIABLES["dlinfra_resource_group"]
    if scope == "subscription":
        return client.deployments.begin_create_or_update_at_subscription_scope(name, body).result()
    return client.deployments.begin_create_or_update(group, name, body).result()


def _what_if(client, scope: str, name: str, body: dict):
    group = INVENTORY_VARIABLES["dlinfra_resource_group"]
    if scope == "subscription":
        return client.deployments.begin_what_if_at_subscription_scope(name, body).result()
    return client.deployments.begin_what_if(group, name, body).result()


@pytest.fixture(scope="module")
def deployed(endpoint, client):
    """Deploys the whole plan once; returns [(template, scope, body, result)]."""
    endpoint.resource_client().resource_groups.create_or_update(
        INVENTORY_VARIABLES["dlinfra_resource_group"], {"location": INVENTORY_VARIABLES["dlinfra_location"]}
    )
    outputs, done = {}, []
    for entry in PLAN["deployments"]:
        name, scope = entry["template"], entry.get("scope", "resourceGroup")
        template, parameters = parameters_for(entry, outputs)
        body = body_for(template, parameters, scope)
        deployment_name = f"{name}-{WORK_PACKAGE['name']}" if entry.get("per") == "work_package" else name
        try:
            result = _deploy(client, scope, deployment_name, body)
        except HttpResponseError as error:
            raise AssertionError(f"deploying {name}: {error.message}") from None
        outputs[(name, entry.get("per"))] = {
            key: item["value"] for key, item in (result.properties.outputs or {}).items()
        }
        done.append((deployment_name, scope, body, result))
    return done


def test_every_planned_template_deploys(endpoint, deployed):
    assert [name for name, *_ in deployed][:2] == ["customrole", "monitoring"]
    assert len(deployed) == len(PLAN["deployments"])
    for name, _, _, result in deployed:
        assert result.properties.provisioning_state == "Succeeded", name
    resources = endpoint.resource_client().resources.list_by_resource_group(
        INVENTORY_VARIABLES["dlinfra_resource_group"]
    )
    types = {item.type for item in resources}
    assert {
        "Microsoft.Storage/storageAccounts",
        "Microsoft.ContainerRegistry/registries",
        "Microsoft.KeyVault/vaults",
        "Microsoft.MachineLearningServices/workspaces",
    } <= types


def test_a_rerun_is_no_change_and_writes_nothing(endpoint, client, deployed):
    since = endpoint.requests_log()[-1]["seq"]
    for name, scope, body, _ in deployed:
        result = _what_if(client, scope, name, body)
        changes = {
            change.resource_id: change.change_type for change in result.changes if change.change_type != "Ignore"
        }
        assert changes and set(changes.values()) == {"NoChange"}, (
            name,
            {
                change.resource_id: [(delta.path, delta.before, delta.after) for delta in change.delta or []]
                for change in result.changes
                if change.change_type not in ("NoChange", "Ignore")
            },
        )
    writes = [
        entry for entry in endpoint.requests_log(since=str(since)) if entry["method"] in ("PUT", "PATCH", "DELETE")
    ]
    assert writes == []


def test_a_principal_without_write_permission_is_refused_at_preflight(endpoint, deployed):
    """model-developer-test may deploy (a custom role with Microsoft.Resources/deployments/*) but not write
    registries: ARM's preflight refuses the deployment with AuthorizationFailed before it starts (issue 8)."""
    from azure.mgmt.authorization import AuthorizationManagementClient

    group = INVENTORY_VARIABLES["dlinfra_resource_group"]
    group_scope = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}"
    authorization = endpoint.mgmt_client(AuthorizationManagementClient)
    role_id = str(uuid.uuid4())
    role = authorization.role_definitions.create_or_update(
        group_scope,
        role_id,
        {
            "role_name": "Deployments without registry writes",
            "description": "test role",
            "type": "CustomRole",
            "permissions": [{"actions": ["Microsoft.Resources/deployments/*", "*/read"], "not_actions": []}],
            "assignable_scopes": [group_scope],
        },
    )
    developer = endpoint.principal("model-developer-test")
    authorization.role_assignments.create(
        group_scope,
        str(uuid.uuid4()),
        {"role_definition_id": role.id, "principal_id": developer["object_id"], "principal_type": "ServicePrincipal"},
    )
    name, scope, body, _ = next(item for item in deployed if item[0] == "containerregistry")
    developer_client = _client(endpoint, "model-developer-test")
    with pytest.raises(HttpResponseError) as raised:
        _deploy(developer_client, scope, "registries-by-developer", body)
    assert raised.value.status_code == 403 and raised.value.error.code == "AuthorizationFailed"
    assert "Microsoft.ContainerRegistry/registries/write" in raised.value.error.message
    assert (
        endpoint.call(
            "GET",
            f"{group_scope}/providers/Microsoft.Resources/deployments/registries-by-developer",
            api_version="2025-04-01",
        ).status_code
        == 404
    ), "refused before it started"
