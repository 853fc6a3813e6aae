"""Which SDK model describes each resource type's PUT body, and which api-versions each type has.

Installed models decide the versions validated exactly: TypeSpec SDKs (storage, containerregistry,
keyvault, loganalytics, network, resource, azure-ai-ml's arm_ml_service) ship one api-version each, the
msrest SDKs (applicationinsights, authorization) ship one package per api-version. ``PUBLISHED`` lists
further real api-versions of each type (folders under azure-rest-api-specs'
``specification/<service>/resource-manager/<namespace>/{stable,preview}/``, spot-checked there); a body
for one of those is validated against the installed version nearest in date -- members added or removed
between the two versions are then judged by the newer model, except for the removals listed in
``LEGACY_MEMBERS``.
"""

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from localazure.resource_types import (
    APPLICATION_INSIGHTS,
    BLOB_CONTAINERS,
    BLOB_SERVICES,
    CONTAINER_REGISTRIES,
    DIAGNOSTIC_SETTINGS,
    FILE_SERVICES,
    FILE_SHARES,
    KEY_VAULT_KEYS,
    KEY_VAULTS,
    LOG_ANALYTICS_WORKSPACES,
    MANAGEMENT_LOCKS,
    ML_COMPUTES,
    ML_DATASTORES,
    ML_WORKSPACES,
    PRIVATE_DNS_ZONE_GROUPS,
    PRIVATE_ENDPOINTS,
    RESOURCE_GROUPS,
    ROLE_ASSIGNMENTS,
    ROLE_DEFINITIONS,
    STORAGE_ACCOUNTS,
    SUBNETS,
    USER_ASSIGNED_IDENTITIES,
    VIRTUAL_NETWORKS,
)

_CONFIGURED_VERSION = re.compile(r'"api_version",\s*"(\d{4}-\d{2}-\d{2}(?:-preview)?)"')
_OPERATION_VERSION = re.compile(r'"api-version",\s*"(\d{4}-\d{2}-\d{2}(?:-preview)?)"')


@dataclass(frozen=True)
class ModelRef:
    """The PUT body model of a type: SDK style, the package holding ``models``, and the class name."""

    # "typespec" (one api-version), "msrest" (one subpackage per api-version) or "autorest" (msrest-style models
    # of one api-version in the package itself: azure-mgmt-resource-locks)
    style: str
    package: str
    class_name: str
    dialect: str = "arm"  # the error wording family, see problems.py


_ML = "azure.ai.ml._restclient.arm_ml_service"
_STORAGE_SDK = "azure.mgmt.storage"
_NETWORK_SDK = "azure.mgmt.network"
MODELS = {
    STORAGE_ACCOUNTS: ModelRef("typespec", _STORAGE_SDK, "StorageAccountCreateParameters", "storage"),
    BLOB_SERVICES: ModelRef("typespec", _STORAGE_SDK, "BlobServiceProperties", "storage"),
    BLOB_CONTAINERS: ModelRef("typespec", _STORAGE_SDK, "BlobContainer", "storage"),
    CONTAINER_REGISTRIES: ModelRef("typespec", "azure.mgmt.containerregistry", "Registry"),
    FILE_SERVICES: ModelRef("typespec", _STORAGE_SDK, "FileServiceProperties", "storage"),
    FILE_SHARES: ModelRef("typespec", _STORAGE_SDK, "FileShare", "storage"),
    KEY_VAULTS: ModelRef("typespec", "azure.mgmt.keyvault", "VaultCreateOrUpdateParameters"),
    KEY_VAULT_KEYS: ModelRef("typespec", "azure.mgmt.keyvault", "KeyCreateParameters"),
    # azure-mgmt-monitor 7 dropped diagnostic settings; 6.0.2 holds them (v2017_05_01_preview, v2021_05_01_preview).
    DIAGNOSTIC_SETTINGS: ModelRef("msrest", "azure.mgmt.monitor", "DiagnosticSettingsResource"),
    MANAGEMENT_LOCKS: ModelRef("autorest", "azure.mgmt.resource.locks", "ManagementLockObject"),
    USER_ASSIGNED_IDENTITIES: ModelRef("msrest", "azure.mgmt.msi", "Identity"),
    LOG_ANALYTICS_WORKSPACES: ModelRef("typespec", "azure.mgmt.loganalytics", "Workspace"),
    APPLICATION_INSIGHTS: ModelRef("msrest", "azure.mgmt.applicationinsights", "ApplicationInsightsComponent"),
    VIRTUAL_NETWORKS: ModelRef("typespec", _NETWORK_SDK, "VirtualNetwork"),
    SUBNETS: ModelRef("typespec", _NETWORK_SDK, "Subnet"),
    PRIVATE_ENDPOINTS: ModelRef("typespec", _NETWORK_SDK, "PrivateEndpoint"),
    PRIVATE_DNS_ZONE_GROUPS: ModelRef("typespec", _NETWORK_SDK, "PrivateDnsZoneGroup"),
    ML_WORKSPACES: ModelRef("typespec", _ML, "Workspace", "machinelearning"),
    ML_COMPUTES: ModelRef("typespec", _ML, "ComputeResource", "machinelearning"),
    ML_DATASTORES: ModelRef("typespec", _ML, "Datastore", "machinelearning"),
    ROLE_DEFINITIONS: ModelRef("msrest", "azure.mgmt.authorization", "RoleDefinition"),
    ROLE_ASSIGNMENTS: ModelRef("msrest", "azure.mgmt.authorization", "RoleAssignmentCreateParameters"),
    RESOURCE_GROUPS: ModelRef("typespec", "azure.mgmt.resource.resources", "ResourceGroup"),
}

# The api-version the installed SDK's client uses by default, where the SDK holds several (the client's
# profile: ApplicationInsightsManagementClient.LATEST_PROFILE 'components', AuthorizationManagementClient,
# MonitorManagementClient 'diagnostic_settings' and ManagedServiceIdentityClient DEFAULT_API_VERSION).
MSREST_DEFAULTS = {
    APPLICATION_INSIGHTS: "2020-02-02",
    ROLE_DEFINITIONS: "2022-04-01",
    ROLE_ASSIGNMENTS: "2022-04-01",
    DIAGNOSTIC_SETTINGS: "2021-05-01-preview",
    USER_ASSIGNED_IDENTITIES: "2024-11-30",
}

# Published api-versions, read from azure-rest-api-specs (the version folders of each service's stable/ and preview/
# trees, named in its readme.md tags and confirmed by path) and from the multi-api SDK packages that azure.azcollection
# 3.12 pins (azure-mgmt-keyvault 10.3.1, -containerregistry 10.3.0, -storage 21.2.1, -resource 23.2.0: their v20xx_
# subpackages). tests/integration/localazure/client_api_versions.json pins the versions real clients send.
_STORAGE = (
    "2019-04-01",
    "2021-04-01",
    "2021-09-01",
    "2022-09-01",
    "2023-01-01",
    "2023-04-01",
    "2023-05-01",
    "2024-01-01",
    "2025-01-01",
    "2025-06-01",
    "2025-08-01",
)
_STORAGE_ACCOUNTS = (
    "2015-06-15",
    "2016-01-01",
    "2016-12-01",
    "2017-06-01",
    "2017-10-01",
    "2018-02-01",
    "2018-03-01-preview",
    "2018-07-01",
    "2018-11-01",
    "2019-06-01",
    "2020-08-01-preview",
    "2021-01-01",
    "2021-02-01",
    "2021-06-01",
    "2021-08-01",
    "2022-05-01",
) + _STORAGE
# Microsoft.Network/stable/<version>/virtualNetwork.json (network.json before 2017).
_NETWORK = (
    "2015-06-15",
    "2016-03-30",
    "2016-06-01",
    "2016-09-01",
    "2016-12-01",
    "2017-03-01",
    "2017-06-01",
    "2017-08-01",
    "2017-09-01",
    "2017-10-01",
    "2017-11-01",
    "2018-01-01",
    "2018-02-01",
    "2018-04-01",
    "2018-06-01",
    "2018-07-01",
    "2018-08-01",
    "2018-10-01",
    "2018-11-01",
    "2018-12-01",
    "2019-02-01",
    "2019-04-01",
    "2019-06-01",
    "2019-07-01",
    "2019-08-01",
    "2019-09-01",
    "2019-11-01",
    "2019-12-01",
    "2020-03-01",
    "2020-04-01",
    "2020-05-01",
    "2020-06-01",
    "2020-07-01",
    "2020-08-01",
    "2020-11-01",
    "2021-02-01",
    "2021-03-01",
    "2021-05-01",
    "2021-08-01",
    "2022-01-01",
    "2022-05-01",
    "2022-07-01",
    "2022-09-01",
    "2022-11-01",
    "2023-02-01",
    "2023-04-01",
    "2023-05-01",
    "2023-06-01",
    "2023-09-01",
    "2023-11-01",
    "2024-01-01",
    "2024-03-01",
    "2024-05-01",
    "2024-07-01",
    "2025-01-01",
    "2025-03-01",
    "2025-05-01",
    "2025-07-01",
    "2026-01-01",
)
# Microsoft.KeyVault/KeyVault/readme.md tags, plus the 2026-04-01 and 2026-04-01-preview example folders.
_KEY_VAULT = (
    "2015-06-01",
    "2016-10-01",
    "2018-02-14",
    "2018-02-14-preview",
    "2019-09-01",
    "2020-04-01-preview",
    "2021-04-01-preview",
    "2021-06-01-preview",
    "2021-10-01",
    "2021-11-01-preview",
    "2022-02-01-preview",
    "2022-07-01",
    "2022-11-01",
    "2023-02-01",
    "2023-07-01",
    "2024-04-01-preview",
    "2024-11-01",
    "2024-12-01-preview",
    "2025-05-01",
    "2026-02-01",
    "2026-03-01-preview",
    "2026-04-01-preview",
    "2026-04-01",
)
# Microsoft.ContainerRegistry/Registry/readme.md tags whose containerregistry.json holds registries (not the
# build/task-only 2018-09-01 and 2019-06-01-preview), plus the stable/2025-11-01 and preview/2026-09-01-preview folders.
_CONTAINER_REGISTRY = (
    "2017-03-01",
    "2017-10-01",
    "2019-05-01",
    "2019-12-01-preview",
    "2020-11-01-preview",
    "2021-06-01-preview",
    "2021-08-01-preview",
    "2021-09-01",
    "2021-12-01-preview",
    "2022-02-01-preview",
    "2022-12-01",
    "2023-01-01-preview",
    "2023-06-01-preview",
    "2023-07-01",
    "2023-08-01-preview",
    "2023-11-01-preview",
    "2024-11-01-preview",
    "2025-03-01-preview",
    "2025-04-01",
    "2025-05-01-preview",
    "2025-11-01",
    "2026-09-01-preview",
)
# Microsoft.Resources/stable/<version>/resources.json (resource groups and the resource lists).
RESOURCES = (
    "2015-11-01",
    "2016-02-01",
    "2016-07-01",
    "2016-09-01",
    "2017-05-10",
    "2018-02-01",
    "2018-05-01",
    "2019-03-01",
    "2019-05-01",
    "2019-05-10",
    "2019-07-01",
    "2019-08-01",
    "2019-10-01",
    "2020-06-01",
    "2020-08-01",
    "2020-10-01",
    "2021-01-01",
    "2021-04-01",
    "2022-09-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-01-01",
    "2025-03-01",
    "2025-04-01",
)
# Microsoft.MachineLearningServices/{stable,preview}/<version>: the readme.md tags to 2022-01-01-preview, later
# folders confirmed by machineLearningServices.json (to 2024-01-01-preview) or workspaceRP.json. Workspaces and
# computes are in every version; datastores came with mfe.json (2021-03-01-preview, then from 2022-02-01-preview).
_ML_VERSIONS = (
    "2018-03-01-preview",
    "2018-11-19",
    "2019-05-01",
    "2019-06-01",
    "2019-11-01",
    "2020-01-01",
    "2020-02-18-preview",
    "2020-03-01",
    "2020-04-01",
    "2020-04-01-preview",
    "2020-05-01-preview",
    "2020-05-15-preview",
    "2020-06-01",
    "2020-08-01",
    "2020-09-01-preview",
    "2021-01-01",
    "2021-03-01-preview",
    "2021-04-01",
    "2021-07-01",
    "2022-01-01-preview",
    "2022-02-01-preview",
    "2022-05-01",
    "2022-06-01-preview",
    "2022-10-01",
    "2022-10-01-preview",
    "2022-12-01-preview",
    "2023-02-01-preview",
    "2023-04-01",
    "2023-04-01-preview",
    "2023-06-01-preview",
    "2023-08-01-preview",
    "2023-10-01",
    "2024-01-01-preview",
    "2024-04-01",
    "2024-04-01-preview",
    "2024-07-01-preview",
    "2024-10-01",
    "2024-10-01-preview",
    "2025-01-01-preview",
    "2025-04-01",
    "2025-04-01-preview",
    "2025-06-01",
    "2025-07-01-preview",
    "2025-09-01",
    "2025-10-01-preview",
)
_ML_DATASTORES = ("2021-03-01-preview",) + tuple(version for version in _ML_VERSIONS if version >= "2022-02-01")
PUBLISHED = {
    STORAGE_ACCOUNTS: _STORAGE_ACCOUNTS,
    # azure-mgmt-storage 21.2.1: blob services operations from v2018_07_01, blob containers from v2018_02_01.
    BLOB_SERVICES: tuple(version for version in _STORAGE_ACCOUNTS if version >= "2018-07-01"),
    BLOB_CONTAINERS: tuple(version for version in _STORAGE_ACCOUNTS if version >= "2018-02-01"),
    CONTAINER_REGISTRIES: _CONTAINER_REGISTRY,
    KEY_VAULTS: _KEY_VAULT,
    # Microsoft.OperationalInsights/{stable,preview}/<version>: Workspaces.json, OperationalInsights.json before 2019.
    LOG_ANALYTICS_WORKSPACES: (
        "2015-03-20",
        "2015-11-01-preview",
        "2019-08-01-preview",
        "2020-03-01-preview",
        "2020-08-01",
        "2020-10-01",
        "2021-06-01",
        "2021-12-01-preview",
        "2022-10-01",
        "2023-09-01",
        "2025-02-01",
    ),
    APPLICATION_INSIGHTS: (),
    VIRTUAL_NETWORKS: _NETWORK,
    SUBNETS: _NETWORK,
    PRIVATE_ENDPOINTS: tuple(version for version in _NETWORK if version >= "2019-04-01"),
    PRIVATE_DNS_ZONE_GROUPS: tuple(version for version in _NETWORK if version >= "2020-03-01"),
    ML_WORKSPACES: _ML_VERSIONS,
    ML_COMPUTES: _ML_VERSIONS,
    ML_DATASTORES: _ML_DATASTORES,
    ROLE_DEFINITIONS: (),
    ROLE_ASSIGNMENTS: (),
    RESOURCE_GROUPS: RESOURCES,
    # Azure Files' management types came with 2019-04-01 (azure-mgmt-storage's v2019_04_01 file_shares).
    FILE_SERVICES: tuple(version for version in _STORAGE_ACCOUNTS if version >= "2019-04-01"),
    FILE_SHARES: tuple(version for version in _STORAGE_ACCOUNTS if version >= "2019-04-01"),
    # Microsoft.KeyVault/stable/<version>/keys.json: keys in the control plane from 2019-09-01.
    KEY_VAULT_KEYS: tuple(version for version in _KEY_VAULT if version >= "2019-09-01"),
    # Microsoft.Insights diagnosticSettings_API.json: 2017-05-01-preview, 2020-01-01-preview, 2021-05-01-preview.
    DIAGNOSTIC_SETTINGS: ("2020-01-01-preview",),
    # Microsoft.Authorization/stable/<version>/locks.json.
    MANAGEMENT_LOCKS: ("2015-01-01", "2016-09-01"),
    # Microsoft.ManagedIdentity/{stable,preview}/<version>/ManagedIdentity.json.
    USER_ASSIGNED_IDENTITIES: ("2015-08-31-preview", "2023-01-31", "2023-07-31-preview", "2025-01-31-preview"),
}


# Providers known to ignore members they do not model instead of rejecting them. Evidence: azure-ai-ml's own
# workspace template (azure/ai/ml/_arm_deployments/arm_templates/workspace_base.json, 1.35) sends
# properties.Application_Type and kind on a Microsoft.OperationalInsights/workspaces resource, and Azure deploys it.
IGNORES_UNKNOWN_MEMBERS = frozenset({LOG_ANALYTICS_WORKSPACES})


@dataclass(frozen=True)
class LegacyMember:
    """A member that older api-versions accept but the installed (newer) model no longer declares."""

    parent: tuple  # member path of the object holding it
    name: str
    kind: str  # scalar kind (shapes.SCALAR_KINDS)
    before: str  # accepted for api-versions older than this one


# azure-ai-ml 1.35 sends these on workspaces at 2024-10-01-preview; its own comment
# (azure/ai/ml/_utils/_workspace_utils.py) says they were removed at 2025-12-01.
LEGACY_MEMBERS = {
    ML_WORKSPACES: (
        LegacyMember(("properties",), "allowRoleAssignmentOnRG", "boolean", "2025-12-01"),
        LegacyMember(("properties",), "networkAcls", "any", "2025-12-01"),
    ),
}

SUPPORTED_TYPES = tuple(sorted(MODELS))


def canonical_type(resource_type: str):
    """The catalog's spelling of a resource type (types are case-insensitive), or None."""
    lowered = resource_type.lower()
    return next((known for known in MODELS if known.lower() == lowered), None)


def installed_versions(resource_type: str) -> dict:
    """api-version -> module path of the installed models that hold the type's PUT body class."""
    ref = MODELS[resource_type]
    root = _package_folder(ref.package)
    if root is None:
        return {}
    if ref.style in ("typespec", "autorest"):
        version = _version_of(root)
        return {version: f"{ref.package}.models"} if version else {}
    found = {}
    for folder in sorted(root.glob("v[0-9]*")):
        models_text = _read(folder / "models" / "_models_py3.py")
        if re.search(rf"^class {ref.class_name}\(", models_text, re.MULTILINE):
            version = _version_of(folder)
            if version:
                found[version] = f"{ref.package}.{folder.name}.models"
    return found


def _package_folder(package: str):
    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _version_of(folder: Path):
    match = _CONFIGURED_VERSION.search(_read(folder / "_configuration.py"))
    if match is None:
        match = _OPERATION_VERSION.search(_read(folder / "operations" / "_operations.py"))
    return match.group(1) if match else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
