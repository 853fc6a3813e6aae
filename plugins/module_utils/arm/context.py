"""Where a deployment happens: what ``resourceGroup()``, ``subscription()``, ``deployment()``,
``environment()`` and ``tenant()`` return.

Every field has a default, so ``DeploymentContext()`` alone describes a resource group deployment:

===================  ==========================================  ======================
field                default                                     ``--context`` JSON key
===================  ==========================================  ======================
subscription_id      ``00000000-0000-0000-0000-000000000000``    ``subscriptionId``
resource_group       ``rg-local``                                ``resourceGroup``
location             ``westeurope``                              ``location``
tenant_id            ``00000000-0000-0000-0000-000000000000``    ``tenantId``
deployment_name      ``deployment``                              ``deploymentName``
scope                ``resourceGroup`` (or ``subscription``)     ``scope``
===================  ==========================================  ======================
"""

from __future__ import annotations

import copy
import dataclasses

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
SCOPES = ("resourceGroup", "subscription", "managementGroup", "tenant")

_CONTEXT_KEYS = {
    "subscriptionId": "subscription_id",
    "resourceGroup": "resource_group",
    "location": "location",
    "tenantId": "tenant_id",
    "deploymentName": "deployment_name",
    "scope": "scope",
    "managementGroup": "management_group",
    "subscriptionDisplayName": "subscription_display_name",
    "resourceGroupTags": "resource_group_tags",
}

AZURE_CLOUD_ENVIRONMENT = {
    "name": "AzureCloud",
    "gallery": "https://gallery.azure.com/",
    "graph": "https://graph.windows.net/",
    "portal": "https://portal.azure.com",
    "graphAudience": "https://graph.windows.net/",
    "activeDirectoryDataLake": "https://datalake.azure.net/",
    "batch": "https://batch.core.windows.net/",
    "media": "https://rest.media.azure.net",
    "sqlManagement": "https://management.core.windows.net:8443/",
    "vmImageAliasDoc": "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json",
    "resourceManager": "https://management.azure.com/",
    "authentication": {
        "loginEndpoint": "https://login.microsoftonline.com/",
        "audiences": ["https://management.core.windows.net/", "https://management.azure.com/"],
        "tenant": "common",
        "identityProvider": "AAD",
    },
    "suffixes": {
        "acrLoginServer": ".azurecr.io",
        "azureDatalakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
        "azureDatalakeStoreFileSystem": "azuredatalakestore.net",
        "azureFrontDoorEndpointSuffix": "azurefd.net",
        "keyvaultDns": ".vault.azure.net",
        "sqlServerHostname": ".database.windows.net",
        "storage": "core.windows.net",
    },
}


@dataclasses.dataclass(frozen=True)
class DeploymentContext:
    """The deployment's target and identity. See the module docstring for the defaults."""

    subscription_id: str = ZERO_GUID
    resource_group: str = "rg-local"
    location: str = "westeurope"
    tenant_id: str = ZERO_GUID
    deployment_name: str = "deployment"
    scope: str = "resourceGroup"
    management_group: str = "root"
    subscription_display_name: str = "Local subscription"
    resource_group_tags: dict = dataclasses.field(default_factory=dict)
    environment: dict = dataclasses.field(default_factory=lambda: copy.deepcopy(AZURE_CLOUD_ENVIRONMENT))

    def __post_init__(self):
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {self.scope!r}")

    @classmethod
    def from_json(cls, data: dict) -> DeploymentContext:
        """Build from the CLI's ``--context`` object (camelCase keys, each optional)."""
        unknown = sorted(set(data) - set(_CONTEXT_KEYS))
        if unknown:
            raise ValueError(f"unknown context keys: {', '.join(unknown)}; known: {', '.join(_CONTEXT_KEYS)}")
        return cls(**{_CONTEXT_KEYS[key]: value for key, value in data.items()})

    def replace(self, **changes) -> DeploymentContext:
        return dataclasses.replace(self, **changes)

    # --- what the scope functions return -------------------------------------------------------
    @property
    def subscription_scope_id(self) -> str:
        return f"/subscriptions/{self.subscription_id}"

    @property
    def resource_group_id(self) -> str:
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"

    @property
    def management_group_id(self) -> str:
        return f"/providers/Microsoft.Management/managementGroups/{self.management_group}"

    @property
    def scope_id(self) -> str:
        """The id of the deployment's target scope ('' for a tenant deployment)."""
        return {
            "resourceGroup": self.resource_group_id,
            "subscription": self.subscription_scope_id,
            "managementGroup": self.management_group_id,
            "tenant": "",
        }[self.scope]

    def resource_group_object(self) -> dict:
        return {
            "id": self.resource_group_id,
            "name": self.resource_group,
            "type": "Microsoft.Resources/resourceGroups",
            "location": self.location,
            "tags": dict(self.resource_group_tags),
            "properties": {"provisioningState": "Succeeded"},
        }

    def subscription_object(self) -> dict:
        return {
            "id": self.subscription_scope_id,
            "subscriptionId": self.subscription_id,
            "tenantId": self.tenant_id,
            "displayName": self.subscription_display_name,
        }

    def tenant_object(self) -> dict:
        return {
            "countryCode": "US",
            "displayName": "Local tenant",
            "id": f"/tenants/{self.tenant_id}",
            "tenantId": self.tenant_id,
        }

    def management_group_object(self) -> dict:
        return {
            "id": self.management_group_id,
            "name": self.management_group,
            "type": "/providers/Microsoft.Management/managementGroups",
            "properties": {"tenantId": self.tenant_id, "displayName": self.management_group},
        }

    def environment_object(self) -> dict:
        return copy.deepcopy(self.environment)
