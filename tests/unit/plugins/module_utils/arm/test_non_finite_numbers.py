"""NaN and infinities are not JSON: no template function may produce one, or a deployment would store a value
that every later GET and list sends back as invalid JSON (issue 8). ``json()`` and ``float()`` refuse them."""

import json

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import ArmTemplateError, evaluate_template

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def output_of(expression: str):
    template = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "resources": [],
        "outputs": {"value": {"type": "object", "value": {"x": expression}}},
    }
    return evaluate_template(template, {}).outputs["value"]["x"]


@pytest.mark.parametrize(
    "expression",
    [
        "[json('NaN')]",
        "[json('Infinity')]",
        "[json('-Infinity')]",
        "[json('1e999')]",
        "[json('[1, NaN]')]",
        "[json('{\"a\": -1e400}')]",
        "[float('NaN')]",
        "[float('inf')]",
        "[float('-Infinity')]",
        "[float('1e999')]",
    ],
)
def test_non_finite_numbers_are_refused(expression):
    with pytest.raises(ArmTemplateError) as caught:
        output_of(expression)
    assert caught.value.code == "InvalidTemplate"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[json('1.5')]", 1.5),
        ("[json('[1e300]')]", [1e300]),
        ("[float('2.25')]", 2.25),
        ("[float(3)]", 3.0),
    ],
)
def test_finite_numbers_still_convert(expression, expected):
    value = output_of(expression)
    assert value == expected
    json.dumps(value, allow_nan=False)
