"""template-functions-scope; the returned objects have the documented shape, filled from ``fakes``."""
from . import vectors_for
from .fakes import RESOURCE_GROUP, SUBSCRIPTION_ID, TENANT_ID

case = vectors_for("scope")

RG_ID = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"

VECTORS = [
    case("resourceGroup", "resourceGroup().id", RG_ID, example="resourceGroupOutput.id"),
    case("resourceGroup", "resourceGroup().name", RESOURCE_GROUP, example="resourceGroupOutput.name"),
    case("resourceGroup", "resourceGroup().type", "Microsoft.Resources/resourceGroups",
         example="resourceGroupOutput.type"),
    case("resourceGroup", "resourceGroup().properties.provisioningState", "Succeeded",
         example="resourceGroupOutput.properties.provisioningState"),
    case("resourceGroup", "resourceGroup().location", "westus", example="resourceGroupOutput.location"),
    case("subscription", "subscription().id", f"/subscriptions/{SUBSCRIPTION_ID}", example="subscriptionOutput.id"),
    case("subscription", "subscription().subscriptionId", SUBSCRIPTION_ID,
         example="subscriptionOutput.subscriptionId"),
    case("subscription", "subscription().tenantId", TENANT_ID, example="subscriptionOutput.tenantId"),
    case("subscription", "subscription().displayName", "Example Subscription",
         example="subscriptionOutput.displayName"),
    case("tenant", "tenant().id", f"/tenants/{TENANT_ID}", example="tenantOutput.id"),
    case("tenant", "tenant().tenantId", TENANT_ID, example="tenantOutput.tenantId"),
    case("tenant", "sort(objectKeys(tenant()), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))",
         ["countryCode", "displayName", "id", "tenantId"], example="tenantOutput (properties)"),
    case("managementGroup", "managementGroup().id", "/providers/Microsoft.Management/managementGroups/examplemg",
         example="mgInfo.id", scope="managementGroup"),
    case("managementGroup", "managementGroup().name", "examplemg", example="mgInfo.name", scope="managementGroup"),
    case("managementGroup", "managementGroup().type", "Microsoft.Management/managementGroups",
         example="mgInfo.type", scope="managementGroup"),
    case("managementGroup", "managementGroup('otherMg').id", "/providers/Microsoft.Management/managementGroups/otherMg",
         derived=True, scope="managementGroup"),
]
