# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Azure cloud a module talks to: Resource Manager endpoint, Entra ID authority and token audience.

``cloud`` is a known cloud name or the URL of a cloud metadata document (``{arm}/metadata/endpoints``, as
Azure Stack, sovereign clouds and the local endpoint serve it). ``arm_endpoint`` and ``authority_host``
override what the cloud says.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

_KNOWN_CLOUDS = {
    "public": ("AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com"),
    "china": ("AzureChinaCloud", "https://management.chinacloudapi.cn", "https://login.chinacloudapi.cn"),
    "usgovernment": ("AzureUSGovernment", "https://management.usgovcloudapi.net", "https://login.microsoftonline.us"),
}
# azure.azcollection's and the Azure CLI's names for the same clouds.
_ALIASES = {
    "azurecloud": "public",
    "azurechinacloud": "china",
    "azureusgovernment": "usgovernment",
    "azure_public_cloud": "public",
    "azure_china_cloud": "china",
    "azure_us_gov_cloud": "usgovernment",
}
KNOWN_AUTHORITY_HOSTS = frozenset(authority for _name, _arm, authority in _KNOWN_CLOUDS.values())
METADATA_TIMEOUT_SECONDS = 30
METADATA_RETRIES = 4


@dataclass(frozen=True)
class CloudEndpoints:
    name: str
    arm_endpoint: str  # https://management.azure.com, no trailing slash
    authority_host: str  # https://login.microsoftonline.com
    storage_suffix: str = "core.windows.net"

    @property
    def token_scope(self) -> str:
        return f"{self.arm_endpoint}/.default"

    @property
    def custom_authority(self) -> bool:
        """An authority outside Microsoft's clouds: MSAL must not try instance discovery there."""
        return self.authority_host.rstrip("/") not in KNOWN_AUTHORITY_HOSTS


def resolve_cloud(
    cloud: str | None,
    arm_endpoint: str | None = None,
    authority_host: str | None = None,
    ca_bundle: str | None = None,
    fetch=None,
) -> CloudEndpoints:
    """The endpoints for the module options. ``fetch(url, ca_bundle)`` reads a metadata URL (for tests)."""
    cloud = (cloud or "public").strip()
    if cloud.lower().startswith(("https://", "http://")):
        endpoints = _from_metadata(cloud, ca_bundle, fetch or _fetch_json)
    else:
        key = _ALIASES.get(cloud.lower(), cloud.lower())
        if key not in _KNOWN_CLOUDS:
            raise DlinfraError(
                f"cloud '{cloud}' is not known. Fix: set cloud to public, china, usgovernment, or the URL of the "
                "cloud's metadata document (https://<resource manager>/metadata/endpoints?api-version=2022-09-01)."
            )
        name, arm, authority = _KNOWN_CLOUDS[key]
        endpoints = CloudEndpoints(name, arm, authority)
    return CloudEndpoints(
        endpoints.name,
        _url(arm_endpoint or endpoints.arm_endpoint, "arm_endpoint"),
        _url(authority_host or endpoints.authority_host, "authority_host"),
        endpoints.storage_suffix,
    )


def _url(value: str, option: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.netloc:
        raise DlinfraError(
            f"{option} '{value}' is not an https URL. Fix: give the full https://host[:port] URL "
            "(Azure refuses bearer tokens over plain http)."
        )
    return value.rstrip("/")


def _from_metadata(url: str, ca_bundle: str | None, fetch) -> CloudEndpoints:
    try:
        document = fetch(url, ca_bundle)
    except Exception as error:  # noqa: BLE001 - any transport problem is reported with the URL
        raise DlinfraError(
            f"read the cloud metadata document {url} failed: {error}. Fix: check the URL, the network and ca_bundle."
        ) from None
    entries = document if isinstance(document, list) else [document]
    host = urlparse(url).netloc.lower()
    chosen = next(
        (
            entry
            for entry in entries
            if isinstance(entry, dict) and urlparse(str(entry.get("resourceManager", ""))).netloc.lower() == host
        ),
        None,
    )
    chosen = chosen or next((entry for entry in entries if isinstance(entry, dict)), None)
    if not chosen or not chosen.get("resourceManager") or not (chosen.get("authentication") or {}).get("loginEndpoint"):
        raise DlinfraError(
            f"the cloud metadata document {url} has no resourceManager or "
            "authentication.loginEndpoint. Fix: point cloud at a Resource Manager metadata URL."
        )
    suffixes = chosen.get("suffixes") or {}
    return CloudEndpoints(
        str(chosen.get("name") or host),
        chosen["resourceManager"],
        chosen["authentication"]["loginEndpoint"],
        str(suffixes.get("storage") or "core.windows.net"),
    )


def _fetch_json(url: str, ca_bundle: str | None):
    """GET the metadata document, retrying throttling, transient 5xx and dropped connections as azure-core does."""
    import requests  # azure-core's own transport dependency
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retries = Retry(
        total=METADATA_RETRIES,
        backoff_factor=0.5,
        status_forcelist=(408, 429, 500, 502, 503, 504),
        respect_retry_after_header=True,
    )
    with requests.Session() as session:
        session.mount("https://", HTTPAdapter(max_retries=retries))
        response = session.get(url, timeout=METADATA_TIMEOUT_SECONDS, verify=ca_bundle or True)
        response.raise_for_status()
        return response.json()
