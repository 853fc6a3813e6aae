"""template-functions-resource; reference() and list*() read the fake resolver in ``fakes``."""
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue

from . import vectors_for
from .fakes import RESOURCE_GROUP, STORAGE_ID, SUBSCRIPTION_ID

case = vectors_for("resource")

RG_ID = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"
STORAGE = "resourceId('Microsoft.Storage/storageAccounts', 'examplestorage')"
SAS_BODY = ("createObject('signedServices', 'b', 'signedPermission', 'r', 'signedExpiry', '2030-01-01T00:00:00Z', "
            "'signedResourceTypes', 's')")

VECTORS = [
    case("resourceId", "resourceId('Microsoft.Network/virtualNetworks/subnets', 'myvnet', 'mysubnet')",
         f"{RG_ID}/providers/Microsoft.Network/virtualNetworks/myvnet/subnets/mysubnet", example="nestedResourceOutput"),
    case("resourceId", "resourceId('Microsoft.Storage/storageAccounts','examplestorage')",
         f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/examplestorage", example="sameRGOutput"),
    case("resourceId", "resourceId('otherResourceGroup', 'Microsoft.Storage/storageAccounts','examplestorage')",
         f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/otherResourceGroup/providers/"
         "Microsoft.Storage/storageAccounts/examplestorage", example="differentRGOutput"),
    case("resourceId", "resourceId('11111111-1111-1111-1111-111111111111', 'otherResourceGroup', "
                       "'Microsoft.Storage/storageAccounts','examplestorage')",
         "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/otherResourceGroup/providers/"
         "Microsoft.Storage/storageAccounts/examplestorage", example="differentSubOutput"),
    case("subscriptionResourceId", "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', "
                                   "'acdd72a7-3385-48ef-bd42-f606fba81ae7')",
         f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/"
         "acdd72a7-3385-48ef-bd42-f606fba81ae7", example="roleDefinitionId (Reader)", scope="subscription"),
    case("subscriptionResourceId", "subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg1')",
         f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg1", derived=True, scope="subscription"),
    case("subscriptionResourceId", "subscriptionResourceId('22222222-2222-2222-2222-222222222222', "
                                   "'Microsoft.Authorization/policyDefinitions', 'p')",
         "/subscriptions/22222222-2222-2222-2222-222222222222/providers/Microsoft.Authorization/policyDefinitions/p",
         derived=True),
    case("tenantResourceId", "tenantResourceId('Microsoft.Authorization/policyDefinitions', "
                             "'06a78e20-9358-41c9-923c-fb736d382a4d')",
         "/providers/Microsoft.Authorization/policyDefinitions/06a78e20-9358-41c9-923c-fb736d382a4d",
         example="policyDefinitionId (built-in policy)"),
    case("tenantResourceId", "tenantResourceId('Microsoft.Management/managementGroups', 'mg')",
         "/providers/Microsoft.Management/managementGroups/mg", derived=True),
    case("tenantResourceId", "tenantResourceId('Microsoft.Billing/billingAccounts/billingProfiles', 'a', 'b')",
         "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/b", derived=True),
    case("extensionResourceId", "extensionResourceId(resourceGroup().Id , 'Microsoft.Authorization/locks', 'rgLock')",
         f"{RG_ID}/providers/Microsoft.Authorization/locks/rgLock", example="lockResourceId"),
    case("extensionResourceId", "extensionResourceId(subscription().id, 'Microsoft.Authorization/policyAssignments', "
                                "'a')", f"/subscriptions/{SUBSCRIPTION_ID}/providers/"
                                        "Microsoft.Authorization/policyAssignments/a", derived=True),
    case("extensionResourceId", f"extensionResourceId({STORAGE}, 'Microsoft.Authorization/roleAssignments', 'r')",
         f"{STORAGE_ID}/providers/Microsoft.Authorization/roleAssignments/r", derived=True),
    case("managementGroupResourceId", "managementGroupResourceId('Microsoft.Authorization/policyDefinitions', "
                                      "'locationpolicy')",
         "/providers/Microsoft.Management/managementGroups/examplemg/providers/Microsoft.Authorization/"
         "policyDefinitions/locationpolicy", anchor="managementgroupresourceid", example="policyDefinitionId",
         scope="managementGroup"),
    case("managementGroupResourceId", "managementGroupResourceId('otherMg', 'Microsoft.Authorization/policyDefinitions', "
                                      "'p')", "/providers/Microsoft.Management/managementGroups/otherMg/providers/"
                                              "Microsoft.Authorization/policyDefinitions/p", derived=True,
         scope="managementGroup"),
    case("managementGroupResourceId", "managementGroupResourceId('Microsoft.Authorization/roleDefinitions', 'r')",
         "/providers/Microsoft.Management/managementGroups/examplemg/providers/Microsoft.Authorization/"
         "roleDefinitions/r", derived=True, scope="managementGroup"),
    case("reference", f"reference({STORAGE}, '2022-09-01').primaryEndpoints.blob",
         "https://examplestorage.blob.core.windows.net/", example="referenceOutput.primaryEndpoints.blob"),
    case("reference", f"reference({STORAGE}, '2022-09-01', 'Full').location", "southcentralus",
         example="fullReferenceOutput.location"),
    case("reference", f"reference({STORAGE}, '2022-09-01', 'Full').properties.statusOfPrimary", "available",
         example="fullReferenceOutput.properties.statusOfPrimary"),
    case("listKeys", f"listKeys({STORAGE}, '2022-09-01').keys[0].keyName", "key1", anchor="listkeys",
         example="referenceOutput.keys[0].keyName"),
    case("listKeys", f"length(listKeys({STORAGE}, '2022-09-01').keys)", 2, anchor="listkeys",
         example="referenceOutput.keys"),
    case("listKeys", f"listKeys({STORAGE}, '2022-09-01').keys[1].permissions", "Full", anchor="listkeys",
         example="referenceOutput.keys[1].permissions"),
    case("listAccountSas", f"startsWith(listAccountSas({STORAGE}, '2022-09-01', {SAS_BODY}).accountSasToken, 'sv=')",
         True, anchor="list", derived=True, note="the request body is the function's third argument"),
    case("listAccountSas", f"contains(listAccountSas({STORAGE}, '2022-09-01', {SAS_BODY}).accountSasToken, 'ss=b')",
         True, anchor="list", derived=True),
    case("listAccountSas", f"contains(listAccountSas({STORAGE}, '2022-09-01', {SAS_BODY}).accountSasToken, 'sp=r')",
         True, anchor="list", derived=True),
    case("listSecrets", f"listSecrets({STORAGE}, '2022-09-01').function", "listSecrets", anchor="list", derived=True,
         note="every list* function posts to {resourceId}/{functionName}"),
    case("listSecrets", f"listSecrets({STORAGE}, '2022-09-01').body", None, anchor="list", derived=True),
    case("listSecrets", f"listSecrets({STORAGE}, '2022-09-01', createObject('a', 1)).body", {"a": 1}, anchor="list",
         derived=True),
    case("pickZones", "pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')", ["1"], example="supported"),
    case("pickZones", "pickZones('Microsoft.Compute', 'virtualMachines', 'westus')", [], example="notSupportedRegion"),
    case("pickZones", "pickZones('Microsoft.Cdn', 'profiles', 'westus2')", [], example="notSupportedType"),
    case("pickZones", "pickZones('Microsoft.Compute', 'virtualMachines', 'westus2', 2, 1)", ["2", "3"],
         derived=True, note="numberOfZones and offset"),
    case("providers", "providers('Microsoft.Web', 'sites')", UnknownValue("providers"), derived=True,
         note="provider metadata is known only to Azure; offline the value is unknown"),
    case("providers", "providers('Microsoft.Web')", UnknownValue("providers"), derived=True),
    case("providers", "concat('x', string(providers('Microsoft.Web', 'sites')))", UnknownValue("providers"),
         derived=True),
    case("references", "references('storages')", UnknownValue("references"), derived=True,
         note="the states of a copy loop's resources are known only after deployment"),
    case("references", "references('storages', 'full')", UnknownValue("references"), derived=True),
    case("references", "length(references('storages'))", UnknownValue("references"), derived=True),
    case("listResourceIds", "listResourceIds('Microsoft.Storage/storageAccounts')", UnknownValue("listResourceIds"),
         derived=True, anchor="list"),
    case("listResourceIds", "listResourceIds('Microsoft.Storage/storageAccounts', 'rg')",
         UnknownValue("listResourceIds"), derived=True, anchor="list"),
    case("listResourceIds", "length(listResourceIds('Microsoft.Storage/storageAccounts'))",
         UnknownValue("listResourceIds"), derived=True, anchor="list"),
    case("flatten", "flatten(createArray(createArray('one', 'two'), createArray('three'), createArray('four', 'five')))",
         ["one", "two", "three", "four", "five"], anchor="flatten", example="flattenOutput", bicep=True),
    case("flatten", "flatten(createArray())", [], anchor="flatten", derived=True, bicep=True),
    case("flatten", "flatten(createArray(createArray(1), createArray()))", [1], anchor="flatten", derived=True,
         bicep=True),
]
