"""ARM's cloud metadata document, describing this endpoint as a custom cloud named ``LocalAzure``.

``api-version`` 2019-05-01 returns an array of clouds (as management.azure.com does; azure-ai-ml's
``ARM_CLOUD_METADATA_URL`` iterates over it); 2022-09-01 returns the one cloud the endpoint serves, as an object
(azure-cli's ``az cloud register --endpoint-resource-manager`` maps that object); the legacy versions 1.0 and
2015-01-01 return the single object that msrestazure's ``get_cloud_from_metadata_endpoint`` reads.
"""
from __future__ import annotations

from localazure.errors import AzureError
from localazure.http import json_response

CLOUD_NAME = "LocalAzure"
ARRAY_VERSIONS = ("2019-05-01",)
OBJECT_VERSIONS = ("2022-09-01",)
LEGACY_VERSIONS = ("1.0", "2015-01-01")


def register(app) -> None:
    app.router.add("GET", r"/metadata/endpoints", endpoints, kind="public")


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
        document.update({
            "microsoftGraphResourceId": app.tokens.graph_resource + "/",  # routes/graph.py serves it
            "appInsightsResourceId": "https://api.applicationinsights.io",
            "appInsightsTelemetryChannelResourceId": "https://dc.applicationinsights.azure.com/v2/track",
            "attestationResourceId": "https://attest.azure.net",
            "synapseAnalyticsResourceId": "https://dev.azuresynapse.net",
            "logAnalyticsResourceId": "https://api.loganalytics.io",
            "ossrDbmsResourceId": "https://ossrdbms-aad.database.windows.net",
        })
    return document


def endpoints(app, request):
    api_version = request.api_version
    if api_version in ARRAY_VERSIONS:
        return json_response([cloud_document(app, api_version)])
    if api_version in OBJECT_VERSIONS:
        return json_response(cloud_document(app, api_version))
    if api_version in LEGACY_VERSIONS:
        arm = app.arm_endpoint + "/"
        return json_response({
            "galleryEndpoint": arm, "graphEndpoint": "https://graph.windows.net/", "portalEndpoint": arm,
            "authentication": {"loginEndpoint": app.authority_host + "/", "audiences": [arm, "https://management.azure.com/"]},
        })
    if api_version is None:
        raise AzureError(400, "MissingApiVersionParameter",
                         "The api-version query parameter (?api-version=) is required for all requests.")
    supported = ", ".join(LEGACY_VERSIONS + ARRAY_VERSIONS + OBJECT_VERSIONS)
    raise AzureError(400, "InvalidApiVersionParameter",
                     f"The api-version '{api_version}' is invalid. The supported versions are '{supported}'. "
                     "Please see https://aka.ms/api-version for more details.")
