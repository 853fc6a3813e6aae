"""template-functions-resource (stored text ms.date 03/18/2024; example templates from
Azure/azure-docs-json-samples functions/resource). reference() and list*() read the fake resolver in
``fakes``, which serves the page's storage account outputs. Where a page example prints no output, the
expected id follows the page's "Return value" format and the vector names that format."""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue

from .fakes import RESOURCE_GROUP, STORAGE_ID, SUBSCRIPTION_ID
from .vector_records import vectors_for

case = vectors_for("resource")

RG_ID = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"
STORAGE = "resourceId('Microsoft.Storage/storageAccounts', 'examplestorage')"
SAS_BODY = (
    "createObject('signedServices', 'b', 'signedPermission', 'r', 'signedExpiry', '2030-01-01T00:00:00Z', "
    "'signedResourceTypes', 's')"
)
ROLE_VARIABLES = {
    "Owner": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', "
    "'8e3af657-a8ff-443c-a75c-2fe8c4bcb635')]",
    "Reader": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', "
    "'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
}
BUILT_IN_POLICY = {"policyDefinitionID": "0a914e76-4921-4c19-b460-a2d36003525a"}
MG_POLICY = {"policyDefinitionName": "LocationRestriction"}

VECTORS = [
    case(
        "resourceId",
        "resourceId('Microsoft.Storage/storageAccounts','examplestorage')",
        f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/examplestorage",
        example="sameRGOutput",
    ),
    case(
        "resourceId",
        "resourceId('otherResourceGroup', 'Microsoft.Storage/storageAccounts','examplestorage')",
        f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/otherResourceGroup/providers/"
        "Microsoft.Storage/storageAccounts/examplestorage",
        example="differentRGOutput",
    ),
    case(
        "resourceId",
        "resourceId('11111111-1111-1111-1111-111111111111', 'otherResourceGroup', "
        "'Microsoft.Storage/storageAccounts','examplestorage')",
        "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/otherResourceGroup/providers/"
        "Microsoft.Storage/storageAccounts/examplestorage",
        example="differentSubOutput",
    ),
    case(
        "resourceId",
        "resourceId('Microsoft.SQL/servers/databases', 'serverName', 'databaseName')",
        f"{RG_ID}/providers/Microsoft.SQL/servers/serverName/databases/databaseName",
        example="nestedResourceOutput",
    ),
    case(
        "resourceId",
        "resourceId('Microsoft.ServiceBus/namespaces/queues/authorizationRules', 'namespace1', 'queue1', 'auth1')",
        f"{RG_ID}/providers/Microsoft.ServiceBus/namespaces/namespace1/queues/queue1/authorizationRules/auth1",
        derived=True,
        note="the page's child-resource remark, which prints no output",
    ),
    case(
        "subscriptionResourceId",
        "variables('Reader')",
        f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/"
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        variables=ROLE_VARIABLES,
        scope="subscription",
        example="variables('Reader') (return value format /subscriptions/{subscriptionId}/providers/...)",
    ),
    case(
        "subscriptionResourceId",
        "variables('Owner')",
        f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/"
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        variables=ROLE_VARIABLES,
        example="variables('Owner') deployed to a resource group (return value format)",
    ),
    case(
        "subscriptionResourceId",
        "subscriptionResourceId('Microsoft.Resources/resourceGroups', resourceGroup().name)",
        RG_ID,
        derived=True,
        anchor="tenantResourceId",
        note="the tenantResourceId example's policy assignment scope; the page does not print it, and a resource "
        "group id has no '/providers/Microsoft.Resources' segment",
    ),
    case(
        "subscriptionResourceId",
        "subscriptionResourceId('22222222-2222-2222-2222-222222222222', "
        "'Microsoft.Authorization/policyDefinitions', 'p')",
        "/subscriptions/22222222-2222-2222-2222-222222222222/providers/Microsoft.Authorization/policyDefinitions/p",
        derived=True,
    ),
    case(
        "tenantResourceId",
        "tenantResourceId('Microsoft.Authorization/policyDefinitions', parameters('policyDefinitionID'))",
        "/providers/Microsoft.Authorization/policyDefinitions/0a914e76-4921-4c19-b460-a2d36003525a",
        parameters=BUILT_IN_POLICY,
        example="policyDefinitionId (built-in policy; return value format)",
    ),
    case(
        "tenantResourceId",
        "tenantResourceId('Microsoft.Management/managementGroups', parameters('targetMG'))",
        "/providers/Microsoft.Management/managementGroups/mg",
        anchor="managementGroupResourceId",
        parameters={"targetMG": "mg"},
        scope="managementGroup",
        example="variables('mgScope') of the managementGroupResourceId example (return value format)",
    ),
    case(
        "tenantResourceId",
        "tenantResourceId('Microsoft.Billing/billingAccounts/billingProfiles', 'a', 'b')",
        "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/b",
        derived=True,
    ),
    case(
        "extensionResourceId",
        "extensionResourceId(resourceGroup().Id , 'Microsoft.Authorization/locks', parameters('lockName'))",
        f"{RG_ID}/providers/Microsoft.Authorization/locks/rgLock",
        parameters={"lockName": "rgLock"},
        example="lockResourceId (return value format for a resource group)",
    ),
    case(
        "extensionResourceId",
        "extensionResourceId(subscription().id, 'Microsoft.Authorization/policyAssignments', 'a')",
        f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/policyAssignments/a",
        derived=True,
        note="the page's subscription format, without an example",
    ),
    case(
        "extensionResourceId",
        f"extensionResourceId({STORAGE}, 'Microsoft.Authorization/roleAssignments', 'r')",
        f"{STORAGE_ID}/providers/Microsoft.Authorization/roleAssignments/r",
        derived=True,
        note="the page's resource format, without an example",
    ),
    case(
        "managementGroupResourceId",
        "managementGroupResourceId('Microsoft.Authorization/policyDefinitions', variables('policyDefinitionName'))",
        "/providers/Microsoft.Management/managementGroups/examplemg/providers/Microsoft.Authorization/"
        "policyDefinitions/LocationRestriction",
        anchor="managementgroupresourceid",
        variables=MG_POLICY,
        example="policyDefinitionId of the location_lock assignment (return value format)",
        scope="managementGroup",
    ),
    case(
        "managementGroupResourceId",
        "managementGroupResourceId('otherMg', 'Microsoft.Authorization/policyDefinitions', 'p')",
        "/providers/Microsoft.Management/managementGroups/otherMg/providers/"
        "Microsoft.Authorization/policyDefinitions/p",
        derived=True,
        scope="managementGroup",
    ),
    case(
        "managementGroupResourceId",
        "managementGroupResourceId('Microsoft.Authorization/roleDefinitions', 'r')",
        "/providers/Microsoft.Management/managementGroups/examplemg/providers/Microsoft.Authorization/"
        "roleDefinitions/r",
        derived=True,
        scope="managementGroup",
    ),
    # The page's referenceOutput/fullReferenceOutput name the resource deployed in the same template; these
    # name it by id with an apiVersion, the page's form for a resource outside the template.
    case(
        "reference",
        f"reference({STORAGE}, '2022-09-01').primaryEndpoints.blob",
        "https://examplestorage.blob.core.windows.net/",
        example="referenceOutput.primaryEndpoints.blob",
    ),
    case(
        "reference",
        f"reference({STORAGE}, '2022-09-01', 'Full').location",
        "southcentralus",
        example="fullReferenceOutput.location",
    ),
    case(
        "reference",
        f"reference({STORAGE}, '2022-09-01', 'Full').properties.statusOfPrimary",
        "available",
        example="fullReferenceOutput.properties.statusOfPrimary",
    ),
    case(
        "listKeys",
        f"listKeys({STORAGE}, '2022-09-01').keys[0].keyName",
        "key1",
        anchor="listkeys",
        example="the listKeys return value for a storage account: keys[0].keyName",
    ),
    case(
        "listKeys",
        f"length(listKeys({STORAGE}, '2022-09-01').keys)",
        2,
        anchor="listkeys",
        example="the listKeys return value for a storage account: keys",
    ),
    case(
        "listKeys",
        f"listKeys({STORAGE}, '2022-09-01').keys[1].permissions",
        "Full",
        anchor="listkeys",
        example="the listKeys return value for a storage account: keys[1].permissions",
    ),
    case(
        "listAccountSas",
        f"startsWith(listAccountSas({STORAGE}, '2022-09-01', {SAS_BODY}).accountSasToken, 'sv=')",
        True,
        anchor="list",
        derived=True,
        note="the request body is the function's third argument",
    ),
    case(
        "listAccountSas",
        f"contains(listAccountSas({STORAGE}, '2022-09-01', {SAS_BODY}).accountSasToken, 'ss=b')",
        True,
        anchor="list",
        derived=True,
    ),
    case(
        "listAccountSas",
        f"contains(listAccountSas({STORAGE}, '2022-09-01', {SAS_BODY}).accountSasToken, 'sp=r')",
        True,
        anchor="list",
        derived=True,
    ),
    case(
        "listSecrets",
        f"listSecrets({STORAGE}, '2022-09-01').function",
        "listSecrets",
        anchor="list",
        derived=True,
        note="every list* function posts to {resourceId}/{functionName}",
    ),
    case("listSecrets", f"listSecrets({STORAGE}, '2022-09-01').body", None, anchor="list", derived=True),
    case(
        "listSecrets",
        f"listSecrets({STORAGE}, '2022-09-01', createObject('a', 1)).body",
        {"a": 1},
        anchor="list",
        derived=True,
    ),
    case("pickZones", "pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')", ["1"], example="supported"),
    case("pickZones", "pickZones('Microsoft.Compute', 'virtualMachines', 'westus')", [], example="notSupportedRegion"),
    case("pickZones", "pickZones('Microsoft.Cdn', 'profiles', 'westus2')", [], example="notSupportedType"),
    case(
        "pickZones",
        "pickZones('Microsoft.Compute', 'virtualMachines', 'westus2', 3)",
        ["1", "2", "3"],
        example="return value 'When the numberOfZones parameter is set to 3'",
    ),
    case(
        "pickZones",
        "pickZones('Microsoft.Compute', 'virtualMachines', 'westus2', 2, 1)",
        ["2", "3"],
        derived=True,
        note="numberOfZones and offset",
    ),
    case(
        "providers",
        "providers('Microsoft.Web', 'sites')",
        UnknownValue("providers"),
        derived=True,
        note="provider metadata is known only to Azure; offline the value is unknown",
    ),
    case("providers", "providers('Microsoft.Web')", UnknownValue("providers"), derived=True),
    case(
        "providers", "concat('x', string(providers('Microsoft.Web', 'sites')))", UnknownValue("providers"), derived=True
    ),
    case(
        "references",
        "references('storages')",
        UnknownValue("references"),
        derived=True,
        note="the states of a copy loop's resources are known only after deployment",
    ),
    case("references", "references('storages', 'full')", UnknownValue("references"), derived=True),
    case("references", "length(references('storages'))", UnknownValue("references"), derived=True),
    case(
        "listResourceIds",
        "listResourceIds('Microsoft.Storage/storageAccounts')",
        UnknownValue("listResourceIds"),
        derived=True,
        anchor="list",
    ),
    case(
        "listResourceIds",
        "listResourceIds('Microsoft.Storage/storageAccounts', 'rg')",
        UnknownValue("listResourceIds"),
        derived=True,
        anchor="list",
    ),
    case(
        "listResourceIds",
        "length(listResourceIds('Microsoft.Storage/storageAccounts'))",
        UnknownValue("listResourceIds"),
        derived=True,
        anchor="list",
    ),
]
