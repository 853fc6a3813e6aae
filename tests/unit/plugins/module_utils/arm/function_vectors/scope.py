"""template-functions-scope (stored text ms.date 11/23/2021); the returned objects have the documented
shape, filled from the fixed context in ``fakes`` (resource group 'examplegroup' in 'southcentralus',
as in the page's resourceGroup example)."""

from .fakes import RESOURCE_GROUP, SUBSCRIPTION_ID, TENANT_ID
from .vector_records import vectors_for

case = vectors_for("scope")

RG_ID = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"
MG_INFO = {"mgInfo": "[managementGroup()]"}
TENANT_INFO = {"tenantInfo": "[tenant()]"}

VECTORS = [
    case("resourceGroup", "resourceGroup().id", RG_ID, example="resourceGroupOutput.id"),
    case("resourceGroup", "resourceGroup().name", "examplegroup", example="resourceGroupOutput.name"),
    case(
        "resourceGroup",
        "resourceGroup().type",
        "Microsoft.Resources/resourceGroups",
        example="resourceGroupOutput.type",
    ),
    case(
        "resourceGroup",
        "resourceGroup().properties.provisioningState",
        "Succeeded",
        example="resourceGroupOutput.properties.provisioningState",
    ),
    case("resourceGroup", "resourceGroup().location", "southcentralus", example="resourceGroupOutput.location"),
    case(
        "subscription",
        "subscription().id",
        f"/subscriptions/{SUBSCRIPTION_ID}",
        example="subscriptionOutput.id",
        note="the page gives the format '/subscriptions/{subscription-id}'",
    ),
    case("subscription", "subscription().subscriptionId", SUBSCRIPTION_ID, example="subscriptionOutput.subscriptionId"),
    case("subscription", "subscription().tenantId", TENANT_ID, example="subscriptionOutput.tenantId"),
    case(
        "subscription",
        "subscription().displayName",
        "Example Subscription",
        example="subscriptionOutput.displayName",
        note="'{name-of-subscription}': the fixed context's name",
    ),
    case(
        "tenant",
        "variables('tenantInfo').id",
        f"/tenants/{TENANT_ID}",
        example="tenantResult.id",
        variables=TENANT_INFO,
    ),
    case("tenant", "tenant().tenantId", TENANT_ID, example="tenantResult.tenantId"),
    case(
        "tenant",
        "sort(objectKeys(tenant()), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))",
        ["countryCode", "displayName", "id", "tenantId"],
        example="tenantResult (properties)",
    ),
    case(
        "managementGroup",
        "variables('mgInfo').id",
        "/providers/Microsoft.Management/managementGroups/examplemg",
        example="mgResult.id",
        scope="managementGroup",
        variables=MG_INFO,
    ),
    case(
        "managementGroup",
        "variables('mgInfo').name",
        "examplemg",
        example="mgResult.name",
        scope="managementGroup",
        variables=MG_INFO,
    ),
    case(
        "managementGroup",
        "managementGroup().type",
        "/providers/Microsoft.Management/managementGroups",
        example="mgResult.type",
        scope="managementGroup",
    ),
    case(
        "managementGroup",
        "managementGroup().properties.tenantId",
        TENANT_ID,
        example="mgResult.properties.tenantId",
        scope="managementGroup",
    ),
    case(
        "managementGroup",
        "managementGroup('otherMg').id",
        "/providers/Microsoft.Management/managementGroups/otherMg",
        derived=True,
        scope="managementGroup",
    ),
]
