"""ARM's cloud metadata document, describing this endpoint as a custom cloud named ``LocalAzure``.

``api-version`` 2019-05-01 returns an array of clouds (as management.azure.com does; azure-ai-ml's
``ARM_CLOUD_METADATA_URL`` iterates over it); 2022-09-01 returns the one cloud the endpoint serves, as an object
(azure-cli's ``az cloud register --endpoint-resource-manager`` maps that object); the legacy versions 1.0 and
2015-01-01 return the single object that msrestazure's ``get_cloud_from_metadata_endpoint`` reads.
"""

from __future__ import annotations

from localazure.cloud import cloud_document
from localazure.error_catalogue import INVALID_API_VERSION_PARAMETER, MISSING_API_VERSION_PARAMETER
from localazure.http import json_response

ARRAY_VERSIONS = ("2019-05-01",)
OBJECT_VERSIONS = ("2022-09-01",)
LEGACY_VERSIONS = ("1.0", "2015-01-01")


def register(app) -> None:
    app.router.add("GET", r"/metadata/endpoints", endpoints, kind="public")


def endpoints(app, request):
    api_version = request.api_version
    if api_version in ARRAY_VERSIONS:
        return json_response([cloud_document(app, api_version)])
    if api_version in OBJECT_VERSIONS:
        return json_response(cloud_document(app, api_version))
    if api_version in LEGACY_VERSIONS:
        arm = app.arm_endpoint + "/"
        return json_response(
            {
                "galleryEndpoint": arm,
                "graphEndpoint": "https://graph.windows.net/",
                "portalEndpoint": arm,
                "authentication": {
                    "loginEndpoint": app.authority_host + "/",
                    "audiences": [arm, "https://management.azure.com/"],
                },
            }
        )
    if api_version is None:
        raise MISSING_API_VERSION_PARAMETER(
            "The api-version query parameter (?api-version=) is required for all requests."
        )
    supported = ", ".join(LEGACY_VERSIONS + ARRAY_VERSIONS + OBJECT_VERSIONS)
    raise INVALID_API_VERSION_PARAMETER(
        f"The api-version '{api_version}' is invalid. The supported versions are '{supported}'. "
        "Please see https://aka.ms/api-version for more details."
    )
