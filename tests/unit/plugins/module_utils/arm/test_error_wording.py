"""Every kind of engine error, in ARM's code and words, with the JSON path of the offending value.

Each expected message is a real Azure Resource Manager message with its template-specific names
replaced; the docstring of each test names where the real message is quoted. Older ARM messages
locate the problem with "at line 'L' and column 'C'"; the engine leaves that phrase out (as current
ARM messages do) and reports the JSON path as ``target`` and in ``additionalInfo`` (see errors.py).
"""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.errors import ArmTemplateError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template

CONTEXT = DeploymentContext(subscription_id="11111111-1111-1111-1111-111111111111", resource_group="rg1")
RG = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg1"
EXPRESSIONS_HELP = "Please see https://aka.ms/arm-template-expressions for usage details."


def account(name="sa1", **extra):
    return {
        "type": "Microsoft.Storage/storageAccounts",
        "apiVersion": "2023-01-01",
        "name": name,
        "location": "westeurope",
        **extra,
    }


def failure(template, values=None) -> ArmTemplateError:
    with pytest.raises(ArmTemplateError) as caught:
        evaluate_template({"resources": [], **template}, values or {}, CONTEXT)
    return caught.value


def test_unknown_function_in_a_resource():
    """Real: "Template validation failed: The template resource 'p1' at line '5' and column '15' is not valid:
    The template function 'environment' is not valid. Please see https://aka.ms/arm-template-expressions for
    usage details.. Please see https://aka.ms/arm-template-expressions for usage details."
    (https://github.com/microsoft/vscode-azurearmtools/issues/531)."""
    error = failure({"resources": [account(properties={"x": "[foo()]"})]})
    assert error.code == "InvalidTemplate"
    assert error.target == "resources[0].properties.x"
    assert error.message == (
        "Deployment template validation failed: 'The template resource 'sa1' is not valid: The template function "
        f"'foo' is not valid. {EXPRESSIONS_HELP}. {EXPRESSIONS_HELP}'."
    )


def test_error_in_a_resource_name_quotes_the_declared_name():
    error = failure({"resources": [account(name="[concat('sa', foo())]")]})
    assert error.target == "resources[0].name"
    assert error.message.startswith(
        "Deployment template validation failed: 'The template resource "
        "'[concat('sa', foo())]' is not valid: The template function 'foo' is not valid."
    )


def test_wrong_argument_count():
    """Real: "Unable to evaluate template language function 'base64ToString': function requires 1 argument(s)
    while 0 were provided. Please see https://aka.ms/arm-template-expressions/#base64ToString for usage
    details." (New-AzResourceGroupDeployment output quoted in KingslandConsulting/Kingsland.ArmLinter,
    src/Kingsland.ArmLinter.Tests/ArmExpressionEvaluatorTests_String.cs)."""
    error = failure({"resources": [account(tags={"a": "[base64ToString()]"})]})
    assert error.code == "InvalidTemplate" and error.target == "resources[0].tags.a"
    assert (
        "is not valid: Unable to evaluate template language function 'base64ToString': function requires 1 "
        "argument(s) while 0 were provided. Please see https://aka.ms/arm-template-expressions/#base64ToString "
        "for usage details.. "
    ) in error.message


def test_wrong_argument_count_for_a_range_of_counts():
    error = failure(
        {"variables": {"v": "[substring()]"}, "outputs": {"o": {"type": "string", "value": "[variables('v')]"}}}
    )
    assert "function 'substring': function requires 1 to 3 argument(s) while 0 were provided." in error.message


def test_wrong_argument_type_in_an_output():
    """Real: "The template output 'test-output' is not valid: The template language function 'base64' expects its
    parameter to be of type 'String'. The provided value is of type 'Integer'. Please see
    https://aka.ms/arm-template-expressions for usage details.." (Kingsland.ArmLinter, as above)."""
    error = failure({"outputs": {"test-output": {"type": "string", "value": "[base64(100)]"}}})
    assert error.target == "outputs.test-output.value"
    assert error.message.startswith(
        "The template output 'test-output' is not valid: The template language function 'base64' expects its parameter"
    )
    assert "to be of type 'String'. The provided value is of type 'Integer'." in error.message
    assert error.message.endswith("for usage details..")


def test_error_in_a_variable():
    """Real: "Deployment template validation failed: 'The template variable 'nodesPerStorageAccount' is not valid:
    Template language expression property 'Standard_A1' doesn't exist, available properties are 'Standard_D1,
    ...'..'." (https://github.com/elastic/azure-marketplace/issues/3); newer ARM: "The language expression
    property 'appId' doesn't exist, available properties are 'uniqueName, displayName, owners'."."""
    error = failure(
        {
            "variables": {"sizes": {"small": 1}, "n": "[variables('sizes').large]"},
            "resources": [account(tags={"n": "[string(variables('n'))]"})],
        }
    )
    assert error.target == "variables.n"
    assert error.message == (
        "Deployment template validation failed: 'The template variable 'n' is not valid: The language expression "
        f"property 'large' doesn't exist, available properties are 'small'.. {EXPRESSIONS_HELP}'."
    )


def test_error_in_a_parameter_default_is_reported_as_a_template_resource():
    """Real: "Deployment template validation failed: 'The template resource '_artifactsLocation' at line '96' and
    column '31' is not valid: The language expression property 'templateLink' doesn't exist, available
    properties are 'template, templateHash, parameters, mode, debugSetting, provisioningState'.. Please see
    https://aka.ms/arm-template-expressions for usage details.'." (azure-quickstart-templates docs on
    _artifactsLocation). ARM calls the parameter a "template resource"; so does the engine."""
    error = failure(
        {
            "parameters": {
                "_artifactsLocation": {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"}
            }
        }
    )
    assert error.target == "parameters._artifactsLocation.defaultValue"
    assert error.message.startswith(
        "Deployment template validation failed: 'The template resource '_artifactsLocation' is not valid: The "
        "language expression property 'templateLink' doesn't exist, available properties are 'template, "
        "templateHash, parameters, mode"
    )
    assert error.message.endswith(f"'.. {EXPRESSIONS_HELP}'.")


def test_undefined_dependency():
    """Real: "Deployment template validation failed: 'The resource 'Microsoft.Web/sites/func-xyz' is not defined in
    the template. Please see https://aka.ms/arm-template for usage details.'." (MicrosoftDocs azure-docs,
    articles/azure-functions/functions-infrastructure-as-code.md)."""
    error = failure({"resources": [account(dependsOn=["Microsoft.Web/sites/func-xyz"])]})
    assert error.code == "InvalidTemplate" and error.target == "resources[0].dependsOn[0]"
    assert error.message == (
        "Deployment template validation failed: 'The resource 'Microsoft.Web/sites/func-xyz' is "
        "not defined in the template. Please see https://aka.ms/arm-template for usage "
        "details.'."
    )


def test_circular_dependency():
    """Real: "InvalidTemplate ... Deployment template validation failed: 'Circular dependency detected on resource:
    '.../registries/<acr>/providers/Microsoft.Resources/tags/default'" (public pipeline post-mortems)."""
    error = failure({"resources": [account("a", dependsOn=["b"]), account("b", dependsOn=["a"])]})
    assert error.code == "InvalidTemplate" and error.target == "resources"
    assert error.message.startswith(
        "Deployment template validation failed: 'Circular dependency detected on "
        f"resource: '{RG}/providers/Microsoft.Storage/storageAccounts/"
    )


PARAMETERS = {
    "parameters": {
        "sku": {"type": "string", "allowedValues": ["Standard_D1_v2", "Standard_D2_v2"]},
        "nodes": {"type": "int", "minValue": 1, "maxValue": 8, "defaultValue": 1},
    }
}


def test_parameter_not_in_allowed_values():
    """Real: "Deployment template validation failed: 'The provided value 'Standard_232' for the template parameter
    'witnessVMSize' at line '39' and column '26' is not valid. The parameter value is not part of the allowed
    value(s): 'Standard_D1_v2,Standard_D2_v2'.'." (Azure/azure-quickstart-templates, SQL Server AlwaysOn README)."""
    error = failure(PARAMETERS, {"sku": "Standard_232"})
    assert error.code == "InvalidTemplate" and error.target == "parameters.sku"
    assert error.message == (
        "Deployment template validation failed: 'The provided value 'Standard_232' for the template parameter 'sku' "
        "is not valid. The parameter value is not part of the allowed value(s): 'Standard_D1_v2,Standard_D2_v2'.'."
    )


def test_parameter_of_the_wrong_type():
    """Real: "Deployment template validation failed: 'Template parameter JToken type is not valid. Expected
    'Boolean'. Actual 'String'. Please see https://aka.ms/resource-manager-parameter-files for usage
    details.'." (quoted in a public PowerShell deployment script and Azure/azure-powershell#12792 write-ups)."""
    error = failure(PARAMETERS, {"sku": "Standard_D1_v2", "nodes": True})
    assert error.code == "InvalidTemplate" and error.target == "parameters.nodes"
    assert error.message == (
        "Deployment template validation failed: 'Template parameter JToken type is not valid. Expected 'Integer'. "
        "Actual 'Boolean'. Please see https://aka.ms/resource-manager-parameter-files for usage details.'."
    )


def test_parameter_out_of_range():
    error = failure(PARAMETERS, {"sku": "Standard_D1_v2", "nodes": 9})
    assert error.code == "InvalidTemplate" and error.target == "parameters.nodes"
    assert error.message == (
        "Deployment template validation failed: 'The provided value '9' for the template "
        "parameter 'nodes' is not valid. The value must be less than or equal to '8'.'."
    )


def test_missing_required_parameter():
    """Real: "Deployment template validation failed: 'The value for the template parameter 'labId' at line '1' and
    column '266' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.'."
    (MicrosoftDocs azure-local troubleshooting for simplified machine provisioning)."""
    error = failure(PARAMETERS)
    assert error.code == "InvalidTemplate" and error.target == "parameters.sku"
    assert error.message == (
        "Deployment template validation failed: 'The value for the template parameter 'sku' is "
        "not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.'."
    )


def test_unknown_parameter():
    """Real: "Template validation failed: The template parameters 'extraParam' in the parameters file are not valid;
    they are not present in the original template and can therefore not be provided at deployment time. The only
    supported parameters for this template are 'intParam, stringParam'. Please see
    https://aka.ms/arm-deploy/#parameter-file for usage details." (microsoft/vscode-azurearmtools test
    expectations from ARM's validation)."""
    error = failure(PARAMETERS, {"sku": "Standard_D1_v2", "extraParam": 1})
    assert error.code == "InvalidTemplate" and error.target == "parameters.extraParam"
    assert error.message == (
        "Deployment template validation failed: 'The template parameters 'extraParam' in the parameters file are not "
        "valid; they are not present in the original template and can therefore not be provided at deployment time. "
        "The only supported parameters for this template are 'sku, nodes'. Please see "
        "https://aka.ms/arm-deploy/#parameter-file for usage details.'."
    )


def test_arm_error_body_carries_the_path_as_a_template_violation():
    """ARM's body: {"error": {"code": "InvalidTemplate", "message": ..., "additionalInfo": [{"type":
    "TemplateViolation", "info": {"lineNumber": 1, "linePosition": 266, "path":
    "properties.template.parameters.labId"}}]}} (hashicorp/terraform-provider-azurerm issue output)."""
    body = failure(PARAMETERS)._body()
    assert body["code"] == "InvalidTemplate" and body["target"] == "parameters.sku"
    assert body["additionalInfo"] == [
        {
            "type": "TemplateViolation",
            "info": {"lineNumber": 0, "linePosition": 0, "path": "properties.template.parameters.sku"},
        }
    ]


def test_error_in_a_nested_template_keeps_the_full_path():
    nested = {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": "inner",
        "properties": {
            "mode": "Incremental",
            "expressionEvaluationOptions": {"scope": "inner"},
            "template": {"resources": [account(tags={"t": "[foo()]"})]},
        },
    }
    error = failure({"resources": [nested]})
    assert error.target == "resources[0].properties.template.resources[0].tags.t"
    assert "The template resource 'sa1' is not valid: The template function 'foo' is not valid." in error.message
