"""scripts/arm-eval as users run it: a subprocess, JSON on stdout, exit codes 0 and 1."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "arm-eval"
SECRET = "Sup3r-s3cret-value"
TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {"name": {"type": "string", "maxLength": 10}, "password": {"type": "securestring"}},
    "resources": [
        {
            "type": "Microsoft.KeyVault/vaults/secrets",
            "apiVersion": "2023-07-01",
            "name": "[concat('kv/', parameters('name'))]",
            "properties": {"value": "[parameters('password')]"},
        }
    ],
    "outputs": {
        "where": {
            "type": "object",
            "value": {
                "rg": "[resourceGroup().id]",
                "location": "[resourceGroup().location]",
                "tenant": "[tenant().tenantId]",
                "deployment": "[deployment().name]",
            },
        },
        "echo": {"type": "string", "value": "[parameters('password')]"},
    },
}


def run(tmp_path, template=None, parameters=None, context=None):
    template_file = tmp_path / "template.json"
    template_file.write_text(json.dumps(TEMPLATE if template is None else template))
    command = [sys.executable, str(SCRIPT), str(template_file)]
    if parameters is not None:
        parameters_file = tmp_path / "parameters.json"
        parameters_file.write_text(parameters if isinstance(parameters, str) else json.dumps(parameters))
        command += ["--parameters", str(parameters_file)]
    if context is not None:
        context_file = tmp_path / "context.json"
        context_file.write_text(json.dumps(context))
        command += ["--context", str(context_file)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    return completed


def parameters(**values):
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {name: {"value": value} for name, value in values.items()},
    }


def test_success_prints_outputs_and_resources_and_exits_0(tmp_path):
    completed = run(tmp_path, parameters=parameters(name="db", password=SECRET))
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert set(document) == {"outputs", "resources"}
    resource = document["resources"][0]
    assert resource["name"] == "kv/db" and resource["type"] == "Microsoft.KeyVault/vaults/secrets"
    assert resource["id"] == (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-local/"
        "providers/Microsoft.KeyVault/vaults/kv/secrets/db"
    )


def test_documented_context_defaults(tmp_path):
    completed = run(tmp_path, parameters=parameters(name="db", password=SECRET))
    where = json.loads(completed.stdout)["outputs"]["where"]
    assert where == {
        "rg": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-local",
        "location": "westeurope",
        "tenant": "00000000-0000-0000-0000-000000000000",
        "deployment": "deployment",
    }


def test_context_keys_override_the_defaults(tmp_path):
    context = {
        "subscriptionId": "22222222-2222-2222-2222-222222222222",
        "resourceGroup": "rg-dev",
        "location": "northeurope",
        "tenantId": "33333333-3333-3333-3333-333333333333",
        "deploymentName": "release-7",
    }
    completed = run(tmp_path, parameters=parameters(name="db", password=SECRET), context=context)
    assert completed.returncode == 0, completed.stderr
    where = json.loads(completed.stdout)["outputs"]["where"]
    assert where == {
        "rg": "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-dev",
        "location": "northeurope",
        "tenant": "33333333-3333-3333-3333-333333333333",
        "deployment": "release-7",
    }


def test_unknown_context_key_is_refused(tmp_path):
    completed = run(tmp_path, parameters=parameters(name="db", password=SECRET), context={"region": "x"})
    assert completed.returncode != 0 and "unknown context keys: region" in completed.stderr


def test_secure_parameters_are_never_printed(tmp_path):
    completed = run(tmp_path, parameters=parameters(name="db", password=SECRET))
    assert SECRET not in completed.stdout + completed.stderr
    document = json.loads(completed.stdout)
    assert document["outputs"]["echo"] == "*****"
    assert document["resources"][0]["properties"]["value"] == "*****"


def test_secure_parameter_in_an_error_is_not_printed(tmp_path):
    template = {**TEMPLATE, "outputs": {"bad": {"type": "int", "value": "[int(parameters('password'))]"}}}
    completed = run(tmp_path, template, parameters=parameters(name="db", password=SECRET))
    assert completed.returncode == 1
    assert SECRET not in completed.stdout + completed.stderr
    assert json.loads(completed.stdout)["error"]["code"] == "InvalidTemplate"


def test_invalid_template_prints_the_arm_error_shape_and_exits_1(tmp_path):
    template = {**TEMPLATE, "outputs": {"bad": {"type": "string", "value": "[notAFunction()]"}}}
    completed = run(tmp_path, template, parameters=parameters(name="db", password=SECRET))
    assert completed.returncode == 1
    error = json.loads(completed.stdout)["error"]
    assert error["code"] == "InvalidTemplate"
    assert "The template function 'notAFunction' is not valid" in error["message"]
    assert error["target"] == "outputs.bad.value"
    assert error["details"] == []


@pytest.mark.parametrize(
    "values, message",
    [
        (parameters(name="much-too-long-name", password=SECRET), "Length of the value should be less than or equal"),
        (parameters(name="db"), "The value for the template parameter 'password' is not provided"),
        (parameters(name="db", password=SECRET, extra=1), "The template parameters 'extra'"),
        (parameters(name=5, password=SECRET), "Expected 'String, Uri'. Actual 'Integer'"),
    ],
)
def test_invalid_parameters_print_the_arm_error_and_exit_1(tmp_path, values, message):
    completed = run(tmp_path, parameters=values)
    assert completed.returncode == 1
    error = json.loads(completed.stdout)["error"]
    assert error["code"] == "InvalidTemplate" and message in error["message"]
    assert SECRET not in completed.stdout


def test_malformed_parameters_file_exits_1(tmp_path):
    completed = run(tmp_path, parameters="{not json")
    assert completed.returncode == 1
    assert "cannot read the parameters file" in completed.stderr


def test_parameters_entry_without_value_is_an_arm_error(tmp_path):
    completed = run(tmp_path, parameters={"parameters": {"name": {"valu": "db"}}})
    assert completed.returncode == 1
    assert json.loads(completed.stdout)["error"]["target"] == "parameters.name"


def test_an_output_of_the_wrong_type_fails_as_arm_fails_it_after_deployment(tmp_path):
    template = {**TEMPLATE, "outputs": {"count": {"type": "int", "value": "[parameters('name')]"}}}
    completed = run(tmp_path, template, parameters=parameters(name="db", password=SECRET))
    assert completed.returncode == 1
    error = json.loads(completed.stdout)["error"]
    assert error["code"] == "DeploymentOutputEvaluationFailed"
    assert "Expected 'Integer'. Actual 'String'" in error["message"]
    assert error["target"] == "outputs.count"
