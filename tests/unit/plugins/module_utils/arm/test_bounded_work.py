"""Bounded work: no template makes the engine build huge values or run without end.

ARM limits the expanded template to 4 MB (template-best-practices, error-job-size-exceeded); every value an
expression produces, and every deployment's total evaluation, is bounded, and a template that exceeds the
bounds is refused with InvalidTemplate naming the expression's path.
"""

import resource

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.errors import ArmTemplateError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.limits import MAX_VALUE_SIZE, STEP, WorkBudget
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template

# Memory the test process may grow by while evaluating one hostile template (the engine's own bounds keep
# it far below; before them a doubling template needed gigabytes).
GROWTH_LIMIT_KB = 300 * 1024


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def refused(template: dict, parameters=None) -> ArmTemplateError:
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [],
        **template,
    }
    before = _peak_kb()
    with pytest.raises(ArmTemplateError) as caught:
        evaluate_template(template, parameters or {})
    assert _peak_kb() - before < GROWTH_LIMIT_KB
    assert caught.value.code == "InvalidTemplate"
    return caught.value


def doubling(first: str, step: str, levels: int = 30) -> dict:
    variables = {"v0": first}
    for level in range(1, levels):
        variables[f"v{level}"] = step.replace("PREVIOUS", f"variables('v{level - 1}')")
    return {
        "variables": variables,
        "outputs": {"last": {"type": "object", "value": f"[createObject('x', variables('v{levels - 1}'))]"}},
    }


def test_pad_left_to_a_huge_width_is_refused_with_the_expression_path():
    error = refused({"outputs": {"o": {"type": "string", "value": "[padLeft('', 100000000)]"}}})
    assert error.target == "outputs.o.value"
    assert "padLeft" in error.message


def test_pad_left_within_the_limit_still_works():
    result = evaluate_template(
        {"resources": [], "outputs": {"o": {"type": "int", "value": "[length(padLeft('', 100000))]"}}}, {}
    )
    assert result.outputs == {"o": 100000}


@pytest.mark.parametrize(
    "first, step",
    [
        ("abcdefghijklmnop", "[concat(PREVIOUS, PREVIOUS)]"),
        ("[createArray('abcdefgh', 'ijklmnop')]", "[concat(PREVIOUS, PREVIOUS)]"),
        ("[createObject('a', 'abcdefgh')]", "[createObject('a', PREVIOUS, 'b', PREVIOUS)]"),
        ("[createArray(1)]", "[createArray(PREVIOUS, PREVIOUS)]"),
        ("abcdefghijklmnop", "[replace(PREVIOUS, 'a', PREVIOUS)]"),
        ("abcdefghijklmnop", "[format('{0}{0}{0}', PREVIOUS)]"),
        ("[createArray(1, 2)]", "[union(createArray(PREVIOUS), createArray(createArray(PREVIOUS)))]"),
        (
            "[createObject('a', 'abcdefgh')]",
            "[union(PREVIOUS, createObject(uniqueString(string(PREVIOUS)), PREVIOUS))]",
        ),
        ("abcdefghijklmnop", "[string(createArray(PREVIOUS, PREVIOUS))]"),
    ],
)
def test_doubling_variables_are_refused(first, step):
    error = refused(doubling(first, step))
    assert error.target.startswith("variables.v")


def test_a_value_just_under_the_limit_is_accepted():
    size = MAX_VALUE_SIZE // 2
    result = evaluate_template(
        {
            "resources": [],
            "outputs": {
                "o": {"type": "int", "value": f"[length(concat(padLeft('', {size}), padLeft('', {size - 10})))]"}
            },
        },
        {},
    )
    assert result.outputs == {"o": size * 2 - 10}


def test_range_is_bounded():
    error = refused({"outputs": {"o": {"type": "array", "value": "[range(0, 100001)]"}}})
    assert error.target == "outputs.o.value"


def test_range_results_nested_in_lambdas_exhaust_the_work_budget():
    error = refused(
        {"outputs": {"o": {"type": "array", "value": "[map(range(0, 10000), lambda('i', range(0, 10000)))]"}}}
    )
    assert error.target == "outputs.o.value"


def test_scanning_a_large_array_many_times_exhausts_the_work_budget():
    error = refused(
        {
            "variables": {"big": "[range(0, 10000)]"},
            "outputs": {
                "o": {
                    "type": "array",
                    "value": "[map(range(0, 10000), lambda('i', contains(variables('big'), lambdaVariables('i'))))]",
                }
            },
        }
    )
    assert error.target == "outputs.o.value"


def test_union_of_large_arrays_is_linear():
    budget = WorkBudget()
    result = evaluate_template(
        {
            "resources": [],
            "outputs": {
                "o": {"type": "int", "value": "[length(union(range(0, 10000), range(5000, 10000), range(0, 10000)))]"}
            },
        },
        {},
        budget=budget,
    )
    assert result.outputs == {"o": 15000}
    assert budget.used < budget.limit // 10


def test_copy_loops_of_a_large_value_are_refused():
    error = refused(
        {
            "variables": {"big": "[padLeft('', 1000000)]"},
            "resources": [
                {
                    "type": "Microsoft.Storage/storageAccounts",
                    "apiVersion": "2023-01-01",
                    "name": "[concat('sa', copyIndex())]",
                    "location": "westeurope",
                    "copy": {"name": "accounts", "count": 800},
                    "properties": {"copy": [{"name": "rules", "count": 800, "input": {"value": "[variables('big')]"}}]},
                }
            ],
        }
    )
    assert error.target.startswith("resources[0]")


def test_nested_property_copies_without_expressions_are_bounded():
    literal = {f"key{index}": "value" * 20 for index in range(200)}
    error = refused(
        {
            "variables": {
                "copy": [
                    {
                        "name": "many",
                        "count": 800,
                        "input": {"copy": [{"name": "inner", "count": 800, "input": literal}]},
                    }
                ]
            },
            "outputs": {"o": {"type": "int", "value": "[length(variables('many'))]"}},
        }
    )
    assert error.target.startswith("variables.")


def test_an_ordinary_template_uses_a_small_part_of_the_budget():
    budget = WorkBudget()
    evaluate_template(
        {
            "resources": [
                {
                    "type": "Microsoft.Storage/storageAccounts",
                    "apiVersion": "2023-01-01",
                    "name": "[concat('sa', uniqueString(resourceGroup().id, string(copyIndex())))]",
                    "location": "[resourceGroup().location]",
                    "copy": {"name": "accounts", "count": 800},
                    "properties": {"tags": "[createObject('index', copyIndex())]"},
                }
            ]
        },
        {},
        budget=budget,
    )
    assert 0 < budget.used < budget.limit // 20


def test_every_copy_iteration_and_function_call_counts_as_a_step():
    """Many steps that produce little (scalar copies, accessor calls) are counted by their number, so that a
    template cannot spend minutes of CPU inside the budget."""
    budget = WorkBudget()
    copies = [{"name": f"p{index}", "count": 800, "input": 1} for index in range(10)]
    every = ", ".join(f"variables('p{index}')" for index in range(10))
    evaluate_template(
        {
            "resources": [],
            "variables": {"copy": copies},
            "outputs": {"o": {"type": "int", "value": f"[length(concat({every}))]"}},
        },
        {},
        budget=budget,
    )
    assert budget.used >= 8000 * STEP + 2 * STEP


def test_copies_of_scalars_inside_resource_copies_are_refused():
    copies = [{"name": f"p{index}", "count": 800, "input": 1} for index in range(10)]
    error = refused(
        {
            "resources": [
                {
                    "type": "Microsoft.Storage/storageAccounts",
                    "apiVersion": "2023-01-01",
                    "name": "[concat('sa', copyIndex())]",
                    "copy": {"name": "c", "count": 800},
                    "properties": {"copy": copies},
                }
            ]
        }
    )
    assert "work limit" in error.message
