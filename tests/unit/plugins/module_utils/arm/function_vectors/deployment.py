"""template-functions-deployment (stored text ms.date 03/10/2022; example templates from
Azure/azure-docs-json-samples functions/deployment). Context values come from the fixed
DeploymentContext in ``fakes``, whose deployment is named 'deployment' like the page's example."""

from .vector_records import vectors_for

case = vectors_for("deployment")

PARAMETERS_EXAMPLE = {
    "stringParameter": "option 1",
    "intParameter": 1,
    "objectParameter": {"one": "a", "two": "b"},
    "arrayParameter": [1, 2, 3],
}
VARIABLES_EXAMPLE = {
    "var1": "myVariable",
    "var2": [1, 2, 3, 4],
    "var3": "[ variables('var1') ]",
    "var4": {"property1": "value1", "property2": "value2"},
}

VECTORS = [
    case("deployment", "deployment().name", "deployment", example="deploymentOutput.name"),
    case("deployment", "deployment().properties.mode", "Incremental", example="deploymentOutput.properties.mode"),
    case("deployment", "contains(deployment(), 'properties')", True, example="deploymentOutput (shape)"),
    case("environment", "environment().name", "AzureCloud", example="environmentOutput.name"),
    case(
        "environment",
        "environment().resourceManager",
        "https://management.azure.com/",
        example="environmentOutput.resourceManager",
    ),
    case(
        "environment",
        "environment().suffixes.storage",
        "core.windows.net",
        example="environmentOutput.suffixes.storage",
    ),
    case(
        "environment",
        "environment().authentication.loginEndpoint",
        "https://login.microsoftonline.com/",
        example="environmentOutput.authentication.loginEndpoint",
    ),
    case(
        "environment",
        "environment().suffixes.keyvaultDns",
        ".vault.azure.net",
        example="environmentOutput.suffixes.keyvaultDns",
    ),
    case(
        "environment",
        "environment().authentication.audiences",
        ["https://management.core.windows.net/", "https://management.azure.com/"],
        example="environmentOutput.authentication.audiences",
    ),
    case(
        "parameters", "parameters('stringParameter')", "option 1", example="stringOutput", parameters=PARAMETERS_EXAMPLE
    ),
    case("parameters", "parameters('intParameter')", 1, example="intOutput", parameters=PARAMETERS_EXAMPLE),
    case(
        "parameters",
        "parameters('objectParameter')",
        {"one": "a", "two": "b"},
        example="objectOutput",
        parameters=PARAMETERS_EXAMPLE,
    ),
    case("parameters", "parameters('arrayParameter')", [1, 2, 3], example="arrayOutput", parameters=PARAMETERS_EXAMPLE),
    case("variables", "variables('var1')", "myVariable", example="exampleOutput1", variables=VARIABLES_EXAMPLE),
    case("variables", "variables('var2')", [1, 2, 3, 4], example="exampleOutput2", variables=VARIABLES_EXAMPLE),
    case("variables", "variables('var3')", "myVariable", example="exampleOutput3", variables=VARIABLES_EXAMPLE),
    case(
        "variables",
        "variables('var4')",
        {"property1": "value1", "property2": "value2"},
        example="exampleOutput4",
        variables=VARIABLES_EXAMPLE,
    ),
]
