"""load_template_input on temporary template and parameter files: offline refusals with the file and the fix,
parameter merging and the secure values kept for no_log."""

import json

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_template_files import (
    load_template_input,
    secure_strings,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {
        "location": {"type": "string"},
        "nodeCount": {"type": "int", "minValue": 1, "defaultValue": 1},
        "tier": {"type": "string", "allowedValues": ["Basic", "Standard"], "defaultValue": "Basic"},
        "adminPassword": {"type": "securestring", "minLength": 12},
        "connection": {"type": "secureObject", "defaultValue": {}},
        "apiToken": {"type": "securestring", "defaultValue": ""},
    },
    "resources": [],
}
VAULT_REFERENCE = {
    "reference": {
        "keyVault": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"},
        "secretName": "admin",
    }
}
PASSWORD = "correct-horse-battery"


def write_json(path, document):
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def parameter_document(**entries):
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "parameters": entries,
    }


@pytest.fixture
def template(tmp_path):
    return write_json(tmp_path / "app.json", TEMPLATE)


@pytest.fixture
def parameter_file(tmp_path):
    """Writes the given parameter entries to a parameter file and returns its path."""
    return lambda **entries: write_json(tmp_path / "app.parameters.dev.json", parameter_document(**entries))


def test_missing_template_file(tmp_path):
    with pytest.raises(DlinfraError, match=r"template .*nothere.json does not exist\. Fix: give the path"):
        load_template_input(str(tmp_path / "nothere.json"), None, None)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "is not valid JSON"),
        ({"resources": []}, "is not an ARM template"),
        ({"$schema": "x"}, "is not an ARM template"),
        (["a list"], "is not an ARM template"),
    ],
)
def test_template_that_is_not_an_arm_template(tmp_path, content, message):
    with pytest.raises(DlinfraError, match=message):
        load_template_input(write_json(tmp_path / "bad.json", content), None, None)


@pytest.mark.parametrize(
    "content, message",
    [
        ({"$schema": "x", "values": {}}, 'has no "parameters" object'),
        (["not an object"], 'has no "parameters" object'),
        (parameter_document(location="westeurope"), r'\$\.parameters\.location has neither "value" nor "reference"'),
        (parameter_document(location={"val": "westeurope"}), r"\$\.parameters\.location has neither"),
        ("[", "parameter file .* is not valid JSON"),
    ],
)
def test_broken_parameter_file(template, tmp_path, content, message):
    with pytest.raises(DlinfraError, match=message):
        load_template_input(template, write_json(tmp_path / "p.json", content), {"location": "westeurope"})


def test_missing_parameter_file_is_named(template, tmp_path):
    with pytest.raises(DlinfraError, match=r"parameter file .*absent.json does not exist"):
        load_template_input(template, str(tmp_path / "absent.json"), None)


def test_undeclared_parameter_in_the_file_names_the_file_and_the_declared_ones(template, parameter_file):
    path = parameter_file(locaton={"value": "westeurope"})
    with pytest.raises(DlinfraError) as raised:
        load_template_input(template, path, None)
    assert raised.value.message.startswith(
        f"{path} sets parameter 'locaton', which {template} does not declare "
        "(declared: adminPassword, apiToken, connection, location, nodeCount, tier)"
    )


def test_undeclared_parameter_in_the_option(template):
    with pytest.raises(DlinfraError, match="the parameters option sets parameter 'sku'"):
        load_template_input(template, None, {"location": "westeurope", "adminPassword": PASSWORD, "sku": "S"})


def test_names_match_case_insensitively_and_options_override_the_file(template, parameter_file):
    path = parameter_file(LOCATION={"value": "northeurope"}, NodeCount={"value": 2}, adminpassword={"value": PASSWORD})
    source = load_template_input(template, path, {"Location": "westeurope", "TIER": "Standard"})
    assert source.parameters == {
        "location": {"value": "westeurope"},
        "nodeCount": {"value": 2},
        "adminPassword": {"value": PASSWORD},
        "tier": {"value": "Standard"},
    }
    assert source.parameter_type("adminPassword") == "securestring"


def test_key_vault_reference_passes_the_offline_check_and_is_passed_on(template, parameter_file):
    path = parameter_file(apiToken=VAULT_REFERENCE)
    source = load_template_input(template, path, {"location": "westeurope", "adminPassword": PASSWORD})
    assert source.parameters["apiToken"] == VAULT_REFERENCE
    assert source.secure_values == [PASSWORD]


def test_a_key_vault_reference_skips_the_value_constraints_azure_checks_after_resolving_it(template, parameter_file):
    path = parameter_file(adminPassword=VAULT_REFERENCE)
    source = load_template_input(template, path, {"location": "westeurope"})
    assert source.parameters["adminPassword"] == VAULT_REFERENCE
    assert source.secure_values == []


@pytest.mark.parametrize(
    "values, problem",
    [
        ({"nodeCount": "three"}, "nodeCount"),
        ({"tier": "Premium"}, "tier"),
        ({"nodeCount": 0}, "nodeCount"),
    ],
)
def test_values_azure_would_reject_are_refused_naming_the_origin(template, parameter_file, values, problem):
    path = parameter_file(adminPassword={"value": PASSWORD})
    with pytest.raises(DlinfraError) as raised:
        load_template_input(template, path, {"location": "westeurope", **values})
    message = raised.value.message
    assert message.startswith(f"the parameters of {template} would be rejected by Azure:\n")
    assert problem in message.splitlines()[1]
    assert message.endswith(f"Fix: correct the values in {path} or the parameters option.")


def test_rejection_without_a_parameter_file_names_only_the_option(template):
    with pytest.raises(DlinfraError, match="Fix: correct the values in the parameters option.$"):
        load_template_input(template, None, {"location": "westeurope", "adminPassword": "short"})


def test_secure_values_are_collected_and_never_in_the_rejection(template):
    connection = {"user": "svc", "key": "k3y-value", "port": 5432, "tls": True, "hosts": ["db1", None]}
    source = load_template_input(
        template, None, {"location": "westeurope", "adminPassword": PASSWORD, "connection": connection}
    )
    assert source.secure_values == [PASSWORD, connection]
    assert sorted(secure_strings(source.secure_values)) == sorted([PASSWORD, "svc", "k3y-value", "5432", "db1"])
    with pytest.raises(DlinfraError) as raised:
        load_template_input(template, None, {"location": "westeurope", "adminPassword": "too-short"})
    assert "too-short" not in raised.value.message
