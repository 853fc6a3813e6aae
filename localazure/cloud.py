"""ARM's cloud metadata document, describing this endpoint as a custom cloud named ``LocalAzure``: served by
``routes/metadata.py`` and read by the resource types for their host name suffixes."""

from __future__ import annotations

CLOUD_NAME = "LocalAzure"


def cloud_document(app, api_version: str) -> dict:
    arm = app.arm_endpoint + "/"
    document = {
        "portal": arm,
        "authentication": {
            "loginEndpoint": app.authority_host + "/",
            "audiences": [arm, "https://management.azure.com/"],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "media": arm,
        "graphAudience": "https://graph.windows.net/",
        "graph": arm,
        "name": CLOUD_NAME,
        "suffixes": {
            "azureDataLakeStoreFileSystem": "azuredatalakestore.net",
            "acrLoginServer": "azurecr.io",
            "sqlServerHostname": "database.windows.net",
            "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
            "keyVaultDns": "vault.azure.net",
            "storage": "core.windows.net",
            "azureFrontDoorEndpointSuffix": "azurefd.net",
        },
        "batch": "https://batch.core.windows.net/",
        "resourceManager": arm,
        "vmImageAliasDoc": "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/"
        "quickstart-templates/aliases.json",
        "activeDirectoryDataLake": "https://datalake.azure.net/",
        "sqlManagement": "https://management.core.windows.net:8443/",
        "gallery": arm,
    }
    if api_version == "2022-09-01":
        document.update(
            {
                "microsoftGraphResourceId": app.tokens.graph_resource + "/",  # routes/graph.py serves it
                "appInsightsResourceId": "https://api.applicationinsights.io",
                "appInsightsTelemetryChannelResourceId": "https://dc.applicationinsights.azure.com/v2/track",
                "attestationResourceId": "https://attest.azure.net",
                "synapseAnalyticsResourceId": "https://dev.azuresynapse.net",
                "logAnalyticsResourceId": "https://api.loganalytics.io",
                "ossrDbmsResourceId": "https://ossrdbms-aad.database.windows.net",
            }
        )
    return document
