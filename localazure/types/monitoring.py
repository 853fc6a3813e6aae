"""Log Analytics workspaces and Application Insights components.

A workspace gets a stable ``customerId`` (its workspace id). A component gets ``AppId``, ``InstrumentationKey``
and a ``ConnectionString`` shaped as Azure's (regional ingestion and live-diagnostics hosts); a workspace-based
component's ``WorkspaceResourceId`` must name an existing Log Analytics workspace.
"""

from __future__ import annotations

from localazure.error_catalogue import BAD_REQUEST
from localazure.resource_types import APPLICATION_INSIGHTS, LOG_ANALYTICS_WORKSPACES
from localazure.types._base import ValidatedType, kept, linked_resource, new_guid, properties_of, synchronous_put_route
from localazure.types.storage import now_iso


class LogAnalyticsWorkspace(ValidatedType):
    def fill(self, result, context):
        properties = result["properties"]
        created = kept(context, "createdDate", now_iso)
        properties.update(
            {"customerId": kept(context, "customerId", new_guid), "createdDate": created, "modifiedDate": now_iso()}
        )
        properties.setdefault("sku", {"name": "PerGB2018"})
        properties["sku"].setdefault("lastSkuUpdate", created)
        properties.setdefault("retentionInDays", 30)
        properties.setdefault(
            "features", {"legacy": 0, "searchVersion": 1, "enableLogAccessUsingOnlyResourcePermissions": True}
        )
        properties.setdefault("workspaceCapping", {"dailyQuotaGb": -1.0, "dataIngestionStatus": "RespectQuota"})
        properties.setdefault("publicNetworkAccessForIngestion", "Enabled")
        properties.setdefault("publicNetworkAccessForQuery", "Enabled")


def _property(properties: dict, name: str):
    """Application Insights members are PascalCase in the API; Azure matches them case-insensitively."""
    return next((value for key, value in properties.items() if key.lower() == name.lower()), None)


class ApplicationInsightsComponent(ValidatedType):
    def check(self, body, context):
        workspace_id = _property(properties_of(body), "WorkspaceResourceId")
        if workspace_id:
            linked_resource(
                context.app, workspace_id, "properties.WorkspaceResourceId", expected_type=LOG_ANALYTICS_WORKSPACES
            )
        elif str(_property(properties_of(body), "IngestionMode") or "").lower() == "loganalytics":
            # NOT VERIFIED: code and words; a LogAnalytics-ingesting component needs its workspace.
            raise BAD_REQUEST("WorkspaceResourceId is required when IngestionMode is LogAnalytics.")

    def fill(self, result, context):
        properties = result["properties"]
        location = result.get("location", "westeurope")
        instrumentation_key = kept(context, "InstrumentationKey", new_guid)
        app_id = kept(context, "AppId", new_guid)
        workspace_based = bool(_property(properties, "WorkspaceResourceId"))
        properties.update(
            {
                "ApplicationId": context.path.name,
                "AppId": app_id,
                "Name": context.path.name,
                "InstrumentationKey": instrumentation_key,
                "ConnectionString": f"InstrumentationKey={instrumentation_key};"
                f"IngestionEndpoint=https://{location}-0.in.applicationinsights.azure.com/;"
                f"LiveEndpoint=https://{location}.livediagnostics.monitor.azure.com/;"
                f"ApplicationId={app_id}",
                "CreationDate": kept(context, "CreationDate", now_iso),
                "TenantId": context.path.subscription_id,
                "IngestionMode": "LogAnalytics" if workspace_based else "ApplicationInsights",
            }
        )
        properties.setdefault("Flow_Type", "Bluefield")
        properties.setdefault("Request_Source", "rest")
        properties.setdefault("RetentionInDays", 90)
        properties.setdefault("publicNetworkAccessForIngestion", "Enabled")
        properties.setdefault("publicNetworkAccessForQuery", "Enabled")


def register(app) -> None:
    app.registry.register(
        LogAnalyticsWorkspace(LOG_ANALYTICS_WORKSPACES, long_running_put=True, long_running_delete=True)
    )
    app.registry.register(ApplicationInsightsComponent(APPLICATION_INSIGHTS))
    synchronous_put_route(app, APPLICATION_INSIGHTS)  # Application Insights answers a create with 200
