"""Per resource type: a valid PUT body and one change of each kind Azure rejects.

A change is (dotted path, value); ``None`` as the whole entry means the type's models have nothing of
that kind (the tests then check that this is so). Paths index lists with [n].
"""

import copy
import re

from template_bodies import bodies_of_type

_DELETE = object()
DELETE = _DELETE

HAND_WRITTEN = {
    "Microsoft.Network/virtualNetworks": {
        "location": "westeurope",
        "properties": {
            "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
            "subnets": [{"name": "snet-ml", "properties": {"addressPrefix": "10.20.1.0/24"}}],
        },
    },
    "Microsoft.Network/virtualNetworks/subnets": {
        "properties": {"addressPrefix": "10.20.1.0/24", "privateEndpointNetworkPolicies": "Disabled"}
    },
    "Microsoft.MachineLearningServices/workspaces/datastores": {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": "stit4adlocintdata",
            "containerName": "datasets",
            "endpoint": "core.windows.net",
            "protocol": "https",
            "credentials": {"credentialsType": "None"},
            "serviceDataAccessAuthIdentity": "WorkspaceSystemAssignedIdentity",
        }
    },
    "Microsoft.Resources/resourceGroups": {"location": "westeurope", "tags": {"environment": "int"}},
    "Microsoft.Storage/storageAccounts/fileServices": {
        "properties": {
            "cors": {
                "corsRules": [
                    {
                        "allowedOrigins": ["*"],
                        "allowedMethods": ["GET"],
                        "maxAgeInSeconds": 5,
                        "exposedHeaders": ["*"],
                        "allowedHeaders": ["*"],
                    }
                ]
            },
            "shareDeleteRetentionPolicy": {"enabled": True, "days": 7},
        }
    },
    "Microsoft.Storage/storageAccounts/fileServices/shares": {"properties": {"shareQuota": 100, "accessTier": "Hot"}},
    "Microsoft.KeyVault/vaults/keys": {"properties": {"kty": "RSA", "keySize": 2048}},
    "Microsoft.Insights/diagnosticSettings": {
        "properties": {
            "workspaceId": "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/"
            "Microsoft.OperationalInsights/workspaces/log",
            "logs": [{"category": "AuditEvent", "enabled": True}],
        }
    },
    "Microsoft.Authorization/locks": {"properties": {"level": "CanNotDelete", "notes": "keep"}},
    "Microsoft.ManagedIdentity/userAssignedIdentities": {"location": "westeurope", "tags": {"environment": "int"}},
}

# type: (wrong type (path, value), invalid enum (path, bad, good in other letter case[, target]),
#        missing required (path, DELETE or a value lacking it[, target]))
CASES = {
    "Microsoft.Storage/storageAccounts": (
        ("properties.supportsHttpsTrafficOnly", "yes"),
        ("properties.minimumTlsVersion", "TLS9", "tls1_2"),
        ("kind", DELETE),
    ),
    "Microsoft.Storage/storageAccounts/blobServices": (
        ("properties.deleteRetentionPolicy.days", "seven"),
        (
            "properties.lastAccessTimeTrackingPolicy",
            {"enable": True, "name": "Everything"},
            {"enable": True, "name": "accesstimetracking"},
            "properties.lastAccessTimeTrackingPolicy.name",
        ),
        ("properties.restorePolicy", {"days": 5}, "properties.restorePolicy.enabled"),
    ),
    "Microsoft.Storage/storageAccounts/blobServices/containers": (
        ("properties.metadata", "owner=ml"),
        ("properties.publicAccess", "Everyone", "none"),
        None,
    ),
    "Microsoft.ContainerRegistry/registries": (
        ("properties.adminUserEnabled", "no"),
        ("properties.publicNetworkAccess", "Sometimes", "disabled"),
        ("sku", DELETE),
    ),
    "Microsoft.KeyVault/vaults": (
        ("properties.softDeleteRetentionInDays", "seven"),
        ("properties.sku.name", "gold", "Standard"),
        ("properties.tenantId", DELETE),
    ),
    "Microsoft.OperationalInsights/workspaces": (
        ("properties.retentionInDays", "thirty"),
        ("properties.sku.name", "Gold", "pergb2018"),
        ("location", DELETE),
    ),
    "Microsoft.Insights/components": (
        ("properties.DisableLocalAuth", "perhaps"),
        ("properties.Application_Type", "desktop", "WEB"),
        ("kind", DELETE),
    ),
    "Microsoft.Network/virtualNetworks": (
        ("properties.addressSpace", "10.20.0.0/16"),
        ("properties.privateEndpointVNetPolicies", "Sometimes", "disabled"),
        ("properties.encryption", {"enforcement": "AllowUnencrypted"}, "properties.encryption.enabled"),
    ),
    "Microsoft.Network/virtualNetworks/subnets": (
        ("properties.addressPrefixes", "10.20.1.0/24"),
        ("properties.privateEndpointNetworkPolicies", "Sometimes", "enabled"),
        None,
    ),
    "Microsoft.Network/privateEndpoints": (
        ("properties.subnet", "snet-ml"),
        ("properties.ipVersionType", "IPv5", "ipv4"),
        None,
    ),
    "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": (
        ("properties.privateDnsZoneConfigs", {"name": "blob"}),
        None,
        None,
    ),
    "Microsoft.MachineLearningServices/workspaces": (
        ("properties.hbiWorkspace", "perhaps"),
        ("properties.publicNetworkAccess", "Sometimes", "disabled"),
        ("properties", DELETE),
    ),
    "Microsoft.MachineLearningServices/workspaces/computes": (
        ("properties.properties.scaleSettings.maxNodeCount", "two"),
        ("properties.properties.vmPriority", "Cheap", "lowpriority"),
        ("properties.computeType", DELETE),
    ),
    "Microsoft.MachineLearningServices/workspaces/datastores": (
        ("properties.description", {"text": "not a string"}),
        ("properties.credentials.credentialsType", "Password", "none"),
        ("properties.credentials", DELETE),
    ),
    "Microsoft.Authorization/roleDefinitions": (("properties.permissions", "all"), None, None),
    "Microsoft.Authorization/roleAssignments": (
        ("properties.principalId", ["not", "a", "string"]),
        ("properties.principalType", "Robot", "group"),
        ("properties.principalId", DELETE),
    ),
    "Microsoft.Resources/resourceGroups": (("tags", ["environment"]), None, ("location", DELETE)),
    "Microsoft.Storage/storageAccounts/fileServices": (
        ("properties.shareDeleteRetentionPolicy.days", "seven"),
        ("properties.cors.corsRules[0].allowedMethods[0]", "FETCH", "get"),
        ("properties.cors.corsRules[0].allowedHeaders", DELETE),
    ),
    "Microsoft.Storage/storageAccounts/fileServices/shares": (
        ("properties.shareQuota", "big"),
        ("properties.accessTier", "Freezing", "hot"),
        None,
    ),
    "Microsoft.KeyVault/vaults/keys": (
        ("properties.keySize", "big"),
        ("properties.kty", "AES", "rsa"),
        ("properties", DELETE),
    ),
    "Microsoft.Insights/diagnosticSettings": (
        ("properties.logs[0].enabled", "perhaps"),
        None,
        ("properties.logs[0]", {"category": "AuditEvent"}, "properties.logs[0].enabled"),
    ),
    "Microsoft.Authorization/locks": (
        ("properties.owners", "me"),
        ("properties.level", "Never", "cannotdelete"),
        ("properties.level", DELETE),
    ),
    "Microsoft.ManagedIdentity/userAssignedIdentities": (
        ("tags", ["environment"]),
        ("properties.isolationScope", "Galaxy", "regional"),
        ("location", DELETE),
    ),
}


def valid_body(resource_type: str):
    """(api-version, body): a template-rendered body where a template deploys the type, else hand-written."""
    rendered = bodies_of_type(resource_type)
    if rendered:
        _template, api_version, body = rendered[0]
        return api_version, body
    return None, copy.deepcopy(HAND_WRITTEN[resource_type])


def split_path(path: str) -> list:
    parts = []
    for piece in path.split("."):
        name, *indexes = re.split(r"\[(\d+)\]", piece)
        parts.append(name)
        parts.extend(int(index) for index in indexes if index != "")
    return parts


def changed(body, path: str, value):
    """A deep copy of body with the value at path set (DELETE removes it); missing objects are created."""
    result = copy.deepcopy(body)
    parts = split_path(path)
    holder = result
    for part in parts[:-1]:
        holder = holder.setdefault(part, {}) if isinstance(part, str) else holder[part]
    if value is DELETE:
        del holder[parts[-1]]
    else:
        holder[parts[-1]] = value
    return result
