"""The resource types the endpoint serves, and the members of Resource Manager's resource envelope: one source of
truth for the type names of every table of types (request-body models, api-versions, linked resources, private
link group ids) and for every list of top-level body keys in localazure.

Types are spelled as Azure spells them in a resource's ``type``; tables keyed by a lower-cased type derive their
keys from these constants with ``type_key``.
"""

from __future__ import annotations

STORAGE_ACCOUNTS = "Microsoft.Storage/storageAccounts"
BLOB_SERVICES = f"{STORAGE_ACCOUNTS}/blobServices"
BLOB_CONTAINERS = f"{BLOB_SERVICES}/containers"
FILE_SERVICES = f"{STORAGE_ACCOUNTS}/fileServices"
FILE_SHARES = f"{FILE_SERVICES}/shares"
CONTAINER_REGISTRIES = "Microsoft.ContainerRegistry/registries"
KEY_VAULTS = "Microsoft.KeyVault/vaults"
KEY_VAULT_KEYS = f"{KEY_VAULTS}/keys"
DELETED_KEY_VAULTS = "Microsoft.KeyVault/deletedVaults"
LOG_ANALYTICS_WORKSPACES = "Microsoft.OperationalInsights/workspaces"
APPLICATION_INSIGHTS = "Microsoft.Insights/components"
PRIVATE_LINK_SCOPES = "Microsoft.Insights/privateLinkScopes"
DIAGNOSTIC_SETTINGS = "Microsoft.Insights/diagnosticSettings"
MANAGEMENT_LOCKS = "Microsoft.Authorization/locks"
USER_ASSIGNED_IDENTITIES = "Microsoft.ManagedIdentity/userAssignedIdentities"
VIRTUAL_NETWORKS = "Microsoft.Network/virtualNetworks"
SUBNETS = f"{VIRTUAL_NETWORKS}/subnets"
PRIVATE_ENDPOINTS = "Microsoft.Network/privateEndpoints"
PRIVATE_DNS_ZONE_GROUPS = f"{PRIVATE_ENDPOINTS}/privateDnsZoneGroups"
PRIVATE_DNS_ZONES = "Microsoft.Network/privateDnsZones"
ML_WORKSPACES = "Microsoft.MachineLearningServices/workspaces"
ML_COMPUTES = f"{ML_WORKSPACES}/computes"
ML_DATASTORES = f"{ML_WORKSPACES}/datastores"
ROLE_DEFINITIONS = "Microsoft.Authorization/roleDefinitions"
ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
RESOURCE_GROUPS = "Microsoft.Resources/resourceGroups"
DEPLOYMENTS = "Microsoft.Resources/deployments"


def type_key(resource_type: str) -> str:
    """A type as tables and comparisons key it: ARM's types are case-insensitive."""
    return resource_type.lower()


# Resource Manager's resource envelope: the top-level members ARM accepts on every type besides ``properties``
# (the ARM template resource format). ARM hands the provider only what its model has.
ENVELOPE_MEMBERS = ("location", "tags", "sku", "kind", "identity", "zones", "plan", "managedBy", "extendedLocation")
# What a deployment sends to the provider of a template resource: the envelope and its properties.
TEMPLATE_BODY_KEYS = (*ENVELOPE_MEMBERS, "properties")
# What a write may carry although the provider's model lacks it (matched case-insensitively).
UNMODELLED_MEMBERS = frozenset(type_key(member) for member in (*ENVELOPE_MEMBERS, "etag"))
# What ARM's generic resource lists (GET .../resources) show of each resource.
GENERIC_RESOURCE_KEYS = ("id", "name", "type", "sku", "kind", "location", "tags", "identity", "managedBy", "plan")
