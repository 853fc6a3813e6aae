"""Parameter validation: one test per kind of invalid input, asserting ARM's code, target and message."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.errors import ArmTemplateError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.parameters import check_parameter_values
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template

TEMPLATE = {
    "parameters": {
        "computeMaxNodes": {"type": "int", "minValue": 1, "maxValue": 8, "defaultValue": 2},
        "sku": {"type": "string", "allowedValues": ["basic", "enterprise"], "defaultValue": "basic"},
        "prefix": {"type": "string", "minLength": 3, "maxLength": 5},
        "adminPassword": {"type": "secureString", "minLength": 12},
        "tags": {"type": "object", "defaultValue": {}},
    },
    "resources": [],
}


def only_error(values):
    errors = check_parameter_values(TEMPLATE, values)
    assert len(errors) == 1, [error.message for error in errors]
    assert errors[0].code == "InvalidTemplate"
    return errors[0]


VALID = {"prefix": "dl", "adminPassword": "correct horse battery"}


def test_valid_values_have_no_problems():
    assert check_parameter_values(TEMPLATE, {"prefix": "dlx", "adminPassword": "correct horse battery"}) == []


def test_wrong_type():
    error = only_error({"prefix": "dlx", "adminPassword": "correct horse battery", "computeMaxNodes": "4"})
    assert error.target == "parameters.computeMaxNodes"
    assert "Template parameter JToken type is not valid. Expected 'Integer'. Actual 'String'." in error.message


def test_boolean_is_not_an_integer():
    error = only_error({"prefix": "dlx", "adminPassword": "correct horse battery", "computeMaxNodes": True})
    assert "Expected 'Integer'. Actual 'Boolean'." in error.message


def test_not_in_allowed_values():
    error = only_error({"prefix": "dlx", "adminPassword": "correct horse battery", "sku": "premium"})
    assert error.target == "parameters.sku"
    assert (
        "The provided value 'premium' for the template parameter 'sku' is not valid. The parameter value is "
        "not part of the allowed value(s): 'basic,enterprise'."
    ) in error.message


@pytest.mark.parametrize("value, bound", [(0, "greater than or equal to '1'"), (9, "less than or equal to '8'")])
def test_out_of_range(value, bound):
    error = only_error({"prefix": "dlx", "adminPassword": "correct horse battery", "computeMaxNodes": value})
    assert error.target == "parameters.computeMaxNodes"
    assert f"The provided value '{value}' for the template parameter 'computeMaxNodes' is not valid." in error.message
    assert f"The value must be {bound}." in error.message


@pytest.mark.parametrize(
    "value, bound", [("ab", "greater than or equal to '3'"), ("abcdef", "less than or equal to '5'")]
)
def test_length_out_of_range(value, bound):
    error = only_error({"prefix": value, "adminPassword": "correct horse battery"})
    assert error.target == "parameters.prefix"
    assert f"Length of the value should be {bound}." in error.message


def test_missing_required():
    error = only_error({"prefix": "dlx"})
    assert error.target == "parameters.adminPassword"
    assert "The value for the template parameter 'adminPassword' is not provided." in error.message


def test_unknown_parameter():
    error = only_error({"prefix": "dlx", "adminPassword": "correct horse battery", "computeMinNodes": 0})
    assert error.target == "parameters.computeMinNodes"
    assert "The template parameters 'computeMinNodes' in the parameters file are not valid" in error.message
    assert (
        "The only supported parameters for this template are 'computeMaxNodes, sku, prefix, adminPassword, tags'"
        in error.message
    )


def test_all_problems_are_reported_not_only_the_first():
    errors = check_parameter_values(TEMPLATE, {"computeMaxNodes": 99, "sku": "x", "prefix": 5, "other": 1})
    targets = sorted(error.target for error in errors)
    assert targets == [
        "parameters.adminPassword",
        "parameters.computeMaxNodes",
        "parameters.other",
        "parameters.prefix",
        "parameters.sku",
    ]


def test_names_match_case_insensitively():
    assert check_parameter_values(TEMPLATE, {"PREFIX": "dlx", "adminpassword": "correct horse battery"}) == []


def test_secure_value_never_appears_in_errors():
    secret = "hunter2"  # shorter than minLength
    errors = check_parameter_values(TEMPLATE, {"prefix": "dlx", "adminPassword": secret})
    assert len(errors) == 1
    assert secret not in str(errors[0].to_arm_error())


def test_evaluate_template_raises_first_problem_with_the_rest_as_details():
    with pytest.raises(ArmTemplateError) as caught:
        evaluate_template(TEMPLATE, {"prefix": "a", "sku": "x"}, None)
    body = caught.value.to_arm_error()["error"]
    assert body["code"] == "InvalidTemplate"
    assert body["target"].startswith("parameters.")
    assert len(body["details"]) == 2


def test_default_values_may_be_expressions_over_other_parameters():
    template = {
        "parameters": {
            "name": {"type": "string"},
            "storage": {"type": "string", "defaultValue": "[concat('sa', parameters('name'))]"},
        },
        "resources": [],
        "outputs": {"storage": {"type": "string", "value": "[parameters('storage')]"}},
    }
    assert evaluate_template(template, {"name": "x"}, None).outputs == {"storage": "sax"}


def test_default_value_breaking_a_constraint_is_reported():
    template = {"parameters": {"n": {"type": "int", "defaultValue": "[add(5, 5)]", "maxValue": 8}}, "resources": []}
    with pytest.raises(ArmTemplateError, match="less than or equal to '8'"):
        evaluate_template(template, {}, None)


def test_a_null_value_counts_as_not_provided_so_the_default_applies():
    template = {
        "parameters": {"runtime": {"type": "string", "defaultValue": "3.4"}, "required": {"type": "string"}},
        "resources": [],
        "outputs": {"runtime": {"type": "string", "value": "[parameters('runtime')]"}},
    }
    assert check_parameter_values(template, {"runtime": None, "required": "x"}) == []
    assert evaluate_template(template, {"runtime": None, "required": "x"}).outputs == {"runtime": "3.4"}
    problems = check_parameter_values(template, {"runtime": "3.5", "required": None})
    assert [problem.target for problem in problems] == ["parameters.required"]
    assert "is not provided" in problems[0].message
