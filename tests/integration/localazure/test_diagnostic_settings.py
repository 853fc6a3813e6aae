"""Diagnostic settings (issue 9): Microsoft.Insights/diagnosticSettings as extension resources through the
unmodified MonitorManagementClient (azure-mgmt-monitor 6.0.2, 2021-05-01-preview): categories checked against the
target's type, a Log Analytics destination that must exist, the write action (and the provider's own name of it,
which a closed role denies), and deployments that create them with "scope"."""

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
GROUP = "rg-diagnostics"
SETTING = "audit-to-log-analytics"
REGISTRY_PROXIED_WRITE = "Microsoft.ContainerRegistry/registries/providers/Microsoft.Insights/diagnosticSettings/write"
DEVELOPER = "model-developer-test"


@pytest.fixture(scope="module")
def monitor(endpoint):
    from azure.mgmt.monitor import MonitorManagementClient

    return endpoint.mgmt_client(MonitorManagementClient)


@pytest.fixture(scope="module")
def group(endpoint):
    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": LOCATION})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


@pytest.fixture(scope="module")
def workspace(endpoint, group):
    from azure.mgmt.loganalytics import LogAnalyticsManagementClient

    logs = endpoint.mgmt_client(LogAnalyticsManagementClient)
    return logs.workspaces.begin_create_or_update(
        GROUP, "log-audit", {"location": LOCATION, "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 90}}
    ).result()


@pytest.fixture(scope="module")
def registry(endpoint, group):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient

    client = endpoint.mgmt_client(ContainerRegistryManagementClient)
    return client.registries.begin_create(
        GROUP, "acrdiag01", {"location": LOCATION, "sku": {"name": "Premium"}}
    ).result()


def _logs(*categories, group_name=None):
    entries = [{"category": category, "enabled": True} for category in categories]
    if group_name:
        entries.append({"categoryGroup": group_name, "enabled": True})
    return entries


def _error(raised):
    return raised.value.status_code, raised.value.error.code, raised.value.error.message


def test_a_setting_is_written_read_listed_and_deleted(endpoint, monitor, workspace, registry):
    setting = monitor.diagnostic_settings.create_or_update(
        registry.id,
        SETTING,
        {
            "workspace_id": workspace.id,
            "logs": _logs("ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"),
        },
    )
    assert setting.id == f"{registry.id}/providers/Microsoft.Insights/diagnosticSettings/{SETTING}"
    assert setting.type == "Microsoft.Insights/diagnosticSettings" and setting.workspace_id == workspace.id
    assert [(log.category, log.enabled) for log in setting.logs] == [
        ("ContainerRegistryLoginEvents", True),
        ("ContainerRegistryRepositoryEvents", True),
    ]
    assert monitor.diagnostic_settings.get(registry.id, SETTING).workspace_id == workspace.id
    assert [item.name for item in monitor.diagnostic_settings.list(registry.id)] == [SETTING]
    monitor.diagnostic_settings.delete(registry.id, SETTING)
    with pytest.raises(ResourceNotFoundError):
        monitor.diagnostic_settings.get(registry.id, SETTING)


def test_the_workspace_itself_and_the_all_logs_group(monitor, workspace):
    setting = monitor.diagnostic_settings.create_or_update(
        workspace.id, SETTING, {"workspace_id": workspace.id, "logs": _logs("Audit")}
    )
    assert setting.logs[0].category == "Audit"
    grouped = monitor.diagnostic_settings.create_or_update(
        workspace.id, "all", {"workspace_id": workspace.id, "logs": _logs(group_name="allLogs")}
    )
    assert grouped.logs[0].category_group == "allLogs"


def test_blob_service_categories(endpoint, monitor, workspace, group):
    from azure.mgmt.storage import StorageManagementClient

    storage = endpoint.mgmt_client(StorageManagementClient)
    account = storage.storage_accounts.begin_create(
        GROUP, "stdiag01", {"location": LOCATION, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    ).result()
    blob_service = f"{account.id}/blobServices/default"
    setting = monitor.diagnostic_settings.create_or_update(
        blob_service,
        SETTING,
        {"workspace_id": workspace.id, "logs": _logs("StorageRead", "StorageWrite", "StorageDelete")},
    )
    assert [log.category for log in setting.logs] == ["StorageRead", "StorageWrite", "StorageDelete"]
    # The account itself has metrics only.
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            account.id, SETTING, {"workspace_id": workspace.id, "logs": _logs("StorageRead")}
        )
    assert _error(raised) == (400, "BadRequest", "Category 'StorageRead' is not supported.")


def test_unsupported_categories_and_groups_are_refused_in_azures_words(monitor, workspace, registry):
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            registry.id, SETTING, {"workspace_id": workspace.id, "logs": _logs("AuditEvent")}
        )
    assert _error(raised) == (400, "BadRequest", "Category 'AuditEvent' is not supported.")
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            registry.id, SETTING, {"workspace_id": workspace.id, "logs": _logs(group_name="everything")}
        )
    assert _error(raised) == (
        400,
        "BadRequest",
        "CategoryGroup: 'everything' is not supported, supported ones are: 'allLogs,audit'",
    )
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            registry.id,
            SETTING,
            {"workspace_id": workspace.id, "metrics": [{"category": "Transaction", "enabled": True}]},
        )
    assert _error(raised)[:2] == (400, "BadRequest")
    assert "Metric category 'Transaction' is not supported" in _error(raised)[2]


def test_the_destination_must_exist_and_be_given(endpoint, monitor, workspace, registry, group):
    missing = f"{group}/providers/Microsoft.OperationalInsights/workspaces/log-missing"
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            registry.id, SETTING, {"workspace_id": missing, "logs": _logs("ContainerRegistryLoginEvents")}
        )
    status, code, message = _error(raised)
    assert (status, code) == (404, "ResourceNotFound") and "log-missing" in message
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            registry.id, SETTING, {"workspace_id": "1c11b111-not-an-id", "logs": _logs("ContainerRegistryLoginEvents")}
        )
    assert _error(raised)[:2] == (400, "LinkedInvalidPropertyId")
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            registry.id, SETTING, {"logs": _logs("ContainerRegistryLoginEvents")}
        )
    assert _error(raised)[:2] == (400, "BadRequest")


def test_the_target_must_exist_and_support_settings(endpoint, monitor, workspace, group):
    absent = f"{group}/providers/Microsoft.ContainerRegistry/registries/acrabsent01"
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            absent, SETTING, {"workspace_id": workspace.id, "logs": _logs("ContainerRegistryLoginEvents")}
        )
    assert raised.value.status_code == 404
    from azure.mgmt.msi import ManagedServiceIdentityClient

    identity = endpoint.mgmt_client(ManagedServiceIdentityClient).user_assigned_identities.create_or_update(
        GROUP, "id-diag", {"location": LOCATION}
    )
    with pytest.raises(HttpResponseError) as raised:
        monitor.diagnostic_settings.create_or_update(
            identity.id, SETTING, {"workspace_id": workspace.id, "logs": _logs("AuditEvent")}
        )
    assert _error(raised)[:2] == (400, "BadRequest") and "does not support diagnostic settings" in _error(raised)[2]


def _custom_role(endpoint, name, actions, not_actions=()):
    from azure.mgmt.authorization import AuthorizationManagementClient

    client = endpoint.mgmt_client(AuthorizationManagementClient)
    scope = f"/subscriptions/{endpoint.subscription_id}"
    role = client.role_definitions.create_or_update(
        scope,
        str(uuid.uuid4()),
        {
            "role_name": name,
            "description": name,
            "assignable_scopes": [scope],
            "permissions": [{"actions": list(actions), "not_actions": list(not_actions)}],
        },
    )
    return client, role


def _assign_to_developer(endpoint, client, scope, role_id):
    return client.role_assignments.create(
        scope,
        str(uuid.uuid4()),
        {"role_definition_id": role_id, "principal_id": endpoint.principal(DEVELOPER)["object_id"]},
    )


def test_writing_a_setting_needs_the_write_action_or_the_providers_name_of_it(endpoint, workspace, registry):
    from azure.mgmt.monitor import MonitorManagementClient

    as_developer = endpoint.mgmt_client(MonitorManagementClient, DEVELOPER)
    body = {"workspace_id": workspace.id, "logs": _logs("ContainerRegistryLoginEvents")}
    # A role with the registry's wildcards but the provider's name of the audit write excluded: refused.
    client, closed = _custom_role(
        endpoint,
        "closed registry role",
        ["*/read", "Microsoft.ContainerRegistry/registries/*/write"],
        [REGISTRY_PROXIED_WRITE],
    )
    assignment = _assign_to_developer(endpoint, client, registry.id, closed.id)
    with pytest.raises(HttpResponseError) as raised:
        as_developer.diagnostic_settings.create_or_update(registry.id, "developer", body)
    status, code, message = _error(raised)
    assert (status, code) == (403, "AuthorizationFailed")
    assert "'Microsoft.Insights/diagnosticSettings/write'" in message
    client.role_assignments.delete_by_id(assignment.id)
    # The same wildcards without the exclusion grant it (workspaces/*/write is why the model-developer role must
    # exclude the provider's name).
    client, open_role = _custom_role(
        endpoint, "open registry role", ["*/read", "Microsoft.ContainerRegistry/registries/*/write"]
    )
    _assign_to_developer(endpoint, client, registry.id, open_role.id)
    assert as_developer.diagnostic_settings.create_or_update(registry.id, "developer", body).name == "developer"


def test_a_deployment_writes_settings_with_scope(endpoint, monitor, workspace, registry):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"logAnalyticsWorkspaceId": {"type": "string"}},
        "resources": [
            {
                "type": "Microsoft.Insights/diagnosticSettings",
                "apiVersion": "2021-05-01-preview",
                "name": SETTING,
                "scope": "[resourceId('Microsoft.ContainerRegistry/registries', 'acrdiag01')]",
                "properties": {
                    "workspaceId": "[parameters('logAnalyticsWorkspaceId')]",
                    "logs": [{"categoryGroup": "allLogs", "enabled": True}],
                },
            }
        ],
    }
    client = endpoint.mgmt_client(DeploymentsMgmtClient, polling_interval=0.05)
    body = {
        "properties": {
            "mode": "Incremental",
            "template": template,
            "parameters": {"logAnalyticsWorkspaceId": {"value": workspace.id}},
        }
    }
    result = client.deployments.begin_create_or_update(GROUP, "diagnostics", body).result()
    assert result.properties.provisioning_state == "Succeeded"
    assert monitor.diagnostic_settings.get(registry.id, SETTING).logs[0].category_group == "allLogs"
