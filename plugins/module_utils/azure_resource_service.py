# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generic Resource Manager reads for ``azure_resource_info``: any resource by id, in its own api-version.

The api-version of a type comes from its resource provider (``GET /providers/{namespace}``), as Azure's own
tools look it up: the newest stable version, else the newest preview. Each namespace is read once per run.
Requests go through ``ResourceManagementClient.send_request``, so they get the factory's credential, endpoint, CA
bundle, retries and timeouts. A resource that does not exist is ``None``; any other failure is a ``DlinfraError``.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError, azure_operation, failure

# Resource Manager's own types (deployments, resource groups) are not always listed as a provider; every Azure
# cloud serves them at this version.
RESOURCE_MANAGER_NAMESPACE = "microsoft.resources"
RESOURCE_MANAGER_API_VERSION = "2024-03-01"


def split_resource_type(resource_id: str) -> tuple[str, str]:
    """``(namespace, type path)`` of a resource id; the type path of a child joins its types with ``/``.

    ``.../providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c`` gives
    ``("Microsoft.Storage", "storageAccounts/blobServices/containers")``; an extension resource
    (``{scope}/providers/Microsoft.Insights/diagnosticSettings/x``) gives its own namespace and type.
    """
    segments = [segment for segment in resource_id.strip("/").split("/") if segment]
    positions = [index for index, segment in enumerate(segments) if segment.lower() == "providers"]
    if not positions or positions[-1] + 2 >= len(segments):
        if len(segments) == 4 and segments[0].lower() == "subscriptions" and segments[2].lower() == "resourcegroups":
            return "Microsoft.Resources", "resourceGroups"
        raise DlinfraError(
            f"'{resource_id}' is not a resource id. Fix: give ids like /subscriptions/<id>/resourceGroups/<group>/"
            "providers/<namespace>/<type>/<name>."
        )
    start = positions[-1]
    namespace = segments[start + 1]
    rest = segments[start + 2 :]
    if len(rest) % 2:
        raise DlinfraError(f"'{resource_id}' is not a resource id: a type without a name after '{namespace}'.")
    return namespace, "/".join(rest[0::2])


def newest_api_version(versions: list[str]) -> str | None:
    """The newest stable api-version, else the newest preview one."""
    ordered = sorted(versions, reverse=True)
    stable = [version for version in ordered if "preview" not in version.lower()]
    candidates = stable or ordered
    return candidates[0] if candidates else None


class ResourceReader:
    """Reads resources by id for one module run; ``api_versions`` (type -> version) override the lookup."""

    def __init__(self, factory, api_versions: dict | None = None):
        self.factory = factory
        self.overrides = {key.lower(): value for key, value in (api_versions or {}).items()}
        self._providers: dict[str, dict[str, list[str]]] = {}

    def _client(self):
        return self.factory.resources()

    def _provider_types(self, namespace: str) -> dict[str, list[str]]:
        key = namespace.lower()
        if key not in self._providers:
            with azure_operation(f"read the resource provider '{namespace}'"):
                provider = self._client().providers.get(namespace)
            self._providers[key] = {
                (item.resource_type or "").lower(): list(item.api_versions or [])
                for item in provider.resource_types or []
            }
        return self._providers[key]

    def api_version(self, resource_id: str) -> str:
        namespace, type_path = split_resource_type(resource_id)
        full_type = f"{namespace}/{type_path}"
        if full_type.lower() in self.overrides:
            return self.overrides[full_type.lower()]
        if namespace.lower() == RESOURCE_MANAGER_NAMESPACE:
            return RESOURCE_MANAGER_API_VERSION
        versions = self._provider_types(namespace).get(type_path.lower())
        version = newest_api_version(versions or [])
        if version is None:
            raise DlinfraError(
                f"resource provider '{namespace}' has no api-version for type '{type_path}' (of '{resource_id}'). "
                f"Fix: check the id, or give the version in api_versions: {{'{full_type}': '<version>'}}."
            )
        return version

    def _get(self, path: str, api_version: str, operation: str):
        """The parsed JSON body of ``GET path``; ``None`` on 404."""
        from azure.core.rest import HttpRequest

        request = HttpRequest("GET", f"{quote(path)}?api-version={api_version}", headers={"Accept": "application/json"})
        with azure_operation(operation):
            response = self._client().send_request(request)
        if response.status_code == 404:
            return None
        try:
            body = json.loads(response.text() or "null")
        except ValueError:
            body = None
        if response.status_code >= 400:
            error = (body or {}).get("error") if isinstance(body, dict) else None
            error = error if isinstance(error, dict) else {}
            raise failure(
                operation,
                error.get("code") or response.reason,
                error.get("message") or (response.text() or "")[:300],
                error.get("details"),
                response.status_code,
            )
        return body

    def read(self, resource_id: str) -> dict:
        """``{id, found, api_version, resource}`` of one resource id."""
        version = self.api_version(resource_id)
        body = self._get(resource_id, version, f"read resource '{resource_id}'")
        return {"id": resource_id, "found": body is not None, "api_version": version, "resource": body}

    def list_ids(self, resource_group: str, resource_type: str | None) -> list[str]:
        """Ids of the resources of a resource group (of one type when given), sorted."""
        where = f"resource group '{resource_group}'"
        type_filter = f"resourceType eq '{resource_type}'" if resource_type else None
        with azure_operation(f"list the resources{' of type ' + resource_type if resource_type else ''} of {where}"):
            found = self._client().resources.list_by_resource_group(resource_group, filter=type_filter)
            return sorted(item.id for item in found)
