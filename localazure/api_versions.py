"""The api-versions Microsoft.Resources serves on its own routes, and ARM's answer to any other version.

Shared by the routes and the services (resources, deployments): routes depend on this module, never the reverse.
"""

from __future__ import annotations

from localazure.error_catalogue import INVALID_API_VERSION_PARAMETER
from localazure.schema.catalog import RESOURCES

SUBSCRIPTION_API_VERSIONS = ("2016-06-01", "2019-11-01", "2020-01-01", "2021-01-01", "2022-12-01")
RESOURCES_API_VERSIONS = RESOURCES
ALL_VERSIONS = tuple(sorted(set(SUBSCRIPTION_API_VERSIONS + RESOURCES_API_VERSIONS)))
# Providers are also read at 2015-01-01: azure.azcollection's azure_rm_resource and azure_rm_resource_info look a
# type's api-versions up with that literal, and Azure answers it.
PROVIDER_API_VERSIONS = tuple(sorted(set(ALL_VERSIONS) | {"2015-01-01"}))


def check_api_version(request, supported=ALL_VERSIONS) -> None:
    if request.api_version not in supported:
        raise INVALID_API_VERSION_PARAMETER(
            f"The api-version '{request.api_version}' is invalid. The supported versions are "
            f"'{','.join(reversed(supported))}'. Please see https://aka.ms/api-version for more details."
        )
