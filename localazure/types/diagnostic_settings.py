"""Diagnostic settings (``Microsoft.Insights/diagnosticSettings``): an extension resource on any resource,
``{resourceId}/providers/Microsoft.Insights/diagnosticSettings/{name}`` (azure-mgmt-monitor 6.0.2's
``DiagnosticSettingsResource``, api-version 2021-05-01-preview).

- The target resource must exist (ParentResourceNotFound, as for any extension resource), and its type must
  support diagnostic settings: ``SUPPORTED_CATEGORIES`` lists the log categories, category groups and metric
  categories of the types this endpoint serves (Azure Monitor's "Supported categories for Azure Monitor resource
  logs" and "supported metrics" reference pages).
- An unknown log category, category group or metric category is 400 ``BadRequest`` in Azure's words.
- At least one destination (Log Analytics workspace, storage account, event hub, partner solution) is required;
  ``workspaceId`` must be a resource id (``LinkedInvalidPropertyId``) of an existing Log Analytics workspace.
- ``retentionPolicy`` of each category is accepted and returned, though Azure deprecated it: retention lives in the
  destination (the workspace's ``retentionInDays``).
"""

from __future__ import annotations

from localazure.error_catalogue import BAD_REQUEST
from localazure.ids import parse_resource_path
from localazure.resource_types import (
    APPLICATION_INSIGHTS,
    BLOB_SERVICES,
    CONTAINER_REGISTRIES,
    DIAGNOSTIC_SETTINGS,
    FILE_SERVICES,
    KEY_VAULTS,
    LOG_ANALYTICS_WORKSPACES,
    ML_WORKSPACES,
    STORAGE_ACCOUNTS,
    type_key,
)
from localazure.types._base import ValidatedType, linked_resource, properties_of

_AUDIT_AND_ALL = ("allLogs", "audit")
_STORAGE_SERVICE = (("StorageRead", "StorageWrite", "StorageDelete"), _AUDIT_AND_ALL, ("Transaction",))
# lower-cased type -> (log categories, category groups, metric categories)
SUPPORTED_CATEGORIES = {
    type_key(KEY_VAULTS): (("AuditEvent", "AzurePolicyEvaluationDetails"), _AUDIT_AND_ALL, ("AllMetrics",)),
    type_key(CONTAINER_REGISTRIES): (
        ("ContainerRegistryRepositoryEvents", "ContainerRegistryLoginEvents"),
        _AUDIT_AND_ALL,
        ("AllMetrics",),
    ),
    type_key(ML_WORKSPACES): (
        (
            "AmlComputeClusterEvent",
            "AmlComputeClusterNodeEvent",
            "AmlComputeJobEvent",
            "AmlComputeCpuGpuUtilization",
            "AmlRunStatusChangedEvent",
            "ModelsChangeEvent",
            "ModelsReadEvent",
            "ModelsActionEvent",
            "DeploymentReadEvent",
            "DeploymentEventACI",
            "DeploymentEventAKS",
            "InferencingOperationAKS",
            "InferencingOperationACI",
            "EnvironmentChangeEvent",
            "EnvironmentReadEvent",
            "DataLabelChangeEvent",
            "DataLabelReadEvent",
            "DataSetChangeEvent",
            "DataSetReadEvent",
            "PipelineChangeEvent",
            "PipelineReadEvent",
            "RunEvent",
            "RunReadEvent",
        ),
        _AUDIT_AND_ALL,
        ("AllMetrics",),
    ),
    type_key(BLOB_SERVICES): _STORAGE_SERVICE,
    type_key(FILE_SERVICES): _STORAGE_SERVICE,
    type_key(STORAGE_ACCOUNTS): ((), (), ("Transaction",)),
    type_key(LOG_ANALYTICS_WORKSPACES): (("Audit", "SummaryLogs"), _AUDIT_AND_ALL, ("AllMetrics",)),
    type_key(APPLICATION_INSIGHTS): (
        (
            "AppAvailabilityResults",
            "AppBrowserTimings",
            "AppEvents",
            "AppMetrics",
            "AppDependencies",
            "AppExceptions",
            "AppPageViews",
            "AppPerformanceCounters",
            "AppRequests",
            "AppSystemEvents",
            "AppTraces",
        ),
        _AUDIT_AND_ALL,
        ("AllMetrics",),
    ),
}
_DESTINATIONS = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId")
_UNSET_MEMBERS = ("storageAccountId", "serviceBusRuleId", "eventHubAuthorizationRuleId", "eventHubName")


def _categories_of(context) -> tuple:
    target = parse_resource_path(context.path.scope)
    supported = SUPPORTED_CATEGORIES.get(type_key(target.full_type)) if target is not None else None
    if supported is None:
        # NOT VERIFIED: the code; the words as Azure PowerShell users quote them (Azure/azure-powershell#25880).
        raise BAD_REQUEST(
            f"The resource type '{target.full_type if target else context.path.scope}' does not support "
            "diagnostic settings."
        )
    return supported


def _check_entries(entries, supported_categories, supported_groups, metrics: bool) -> None:
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        category, group = entry.get("category"), entry.get("categoryGroup")
        if category and str(category).lower() not in {item.lower() for item in supported_categories}:
            if metrics:
                # Azure's words (Azure Monitor troubleshooting, "Metric category is not supported").
                raise BAD_REQUEST(
                    f"Metric category '{category}' is not supported, supported categories are: "
                    f"'{','.join(supported_categories)}'"
                )
            # Azure's words (hashicorp/terraform-provider-azurerm#2985: "Category 'WorkflowRuntime' is not supported.").
            raise BAD_REQUEST(f"Category '{category}' is not supported.")
        if group and str(group).lower() not in {item.lower() for item in supported_groups}:
            # Azure's words (Azure/avdaccelerator#685: "CategoryGroup: 'allLogs' is not supported, supported ones
            # are: ''").
            raise BAD_REQUEST(
                f"CategoryGroup: '{group}' is not supported, supported ones are: '{','.join(supported_groups)}'"
            )


class DiagnosticSetting(ValidatedType):
    create_status = 200  # DiagnosticSettings_CreateOrUpdate answers 200 only (azure-mgmt-monitor accepts no other)

    def check(self, body, context):
        log_categories, groups, metric_categories = _categories_of(context)
        properties = properties_of(body)
        _check_entries(properties.get("logs"), log_categories, groups, metrics=False)
        _check_entries(properties.get("metrics"), metric_categories, (), metrics=True)
        if not any(properties.get(name) for name in _DESTINATIONS):
            # NOT VERIFIED: the words; Azure refuses a setting without a destination with 400 BadRequest.
            raise BAD_REQUEST(
                "At least one destination must be specified: a Log Analytics workspace (workspaceId), a storage "
                "account (storageAccountId), an event hub (eventHubAuthorizationRuleId) or a partner solution "
                "(marketplacePartnerId)."
            )
        if properties.get("workspaceId"):
            linked_resource(
                context.app, properties["workspaceId"], "properties.workspaceId", expected_type=LOG_ANALYTICS_WORKSPACES
            )

    def fill(self, result, context):
        properties = result["properties"]
        properties.pop("provisioningState", None)
        for name in _UNSET_MEMBERS:
            properties.setdefault(name, None)
        properties.setdefault("metrics", [])
        properties.setdefault("logs", [])
        properties.setdefault("logAnalyticsDestinationType", None)
        for entry in properties["logs"] + properties["metrics"]:
            if isinstance(entry, dict):
                entry.setdefault("retentionPolicy", {"enabled": False, "days": 0})
        for entry in properties["logs"]:
            if isinstance(entry, dict):
                entry.setdefault("category", None)
                entry.setdefault("categoryGroup", None)


def register(app) -> None:
    app.registry.register(
        DiagnosticSetting(DIAGNOSTIC_SETTINGS, requires_location=False, methods=("GET", "HEAD", "PUT", "DELETE"))
    )
