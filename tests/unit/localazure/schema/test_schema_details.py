"""Discriminated subtypes, messages and positions, constraints, lazy imports and speed."""

import copy
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cases import valid_body

from localazure.schema import RequestBodyValidator

VALIDATOR = RequestBodyValidator()
DATASTORES = "Microsoft.MachineLearningServices/workspaces/datastores"
COMPUTES = "Microsoft.MachineLearningServices/workspaces/computes"
REPOSITORY_ROOT = Path(__file__).resolve().parents[4]


def test_datastore_credentials_subtype_decides_the_members():
    _version, body = valid_body(DATASTORES)
    account_key = copy.deepcopy(body)
    account_key["properties"]["credentials"] = {"credentialsType": "AccountKey"}
    problems = VALIDATOR.validate(DATASTORES, "2025-12-01", account_key)
    assert [problem.target for problem in problems] == ["properties.credentials.secrets"]
    account_key["properties"]["credentials"]["secrets"] = {"secretsType": "AccountKey", "key": "a2V5"}
    assert VALIDATOR.validate(DATASTORES, "2025-12-01", account_key) == []


def test_datastore_type_selects_the_subtype():
    _version, body = valid_body(DATASTORES)
    file_share = copy.deepcopy(body)
    file_share["properties"]["datastoreType"] = "AzureFile"
    problems = VALIDATOR.validate(DATASTORES, "2025-12-01", file_share)
    # an AzureFile datastore has fileShareName (required) and no containerName
    assert sorted(problem.target for problem in problems) == ["properties.containerName", "properties.fileShareName"]


def test_compute_members_of_another_compute_type_are_unknown():
    _version, body = valid_body(COMPUTES)
    instance = copy.deepcopy(body)
    instance["properties"]["computeType"] = "ComputeInstance"
    problems = VALIDATOR.validate(COMPUTES, "2025-12-01", instance)
    assert {problem.code for problem in problems} == {"UserError"}
    assert "properties.properties.scaleSettings" in {problem.target for problem in problems}


def test_unknown_member_message_is_the_deserializer_message_with_its_position():
    body = {
        "location": "westeurope",
        "properties": {
            "tenantId": "00000000-0000-0000-0000-000000000000",
            "sku": {"family": "A", "name": "standard"},
            "colour": "blue",
        },
    }
    [problem] = VALIDATOR.validate("Microsoft.KeyVault/vaults", "2026-05-15", body)
    text = json.dumps(body)
    position = text.index('"colour":') + len('"colour":')
    assert problem.message == (
        "The request content was invalid and could not be deserialized: 'Could not find member 'colour' on object "
        f"of type 'VaultProperties'. Path 'properties.colour', line 1, position {position}.'."
    )
    assert problem.to_error() == {
        "code": "InvalidRequestContent",
        "message": problem.message,
        "target": "properties.colour",
    }


def test_member_names_match_case_insensitively():
    body = {
        "Location": "westeurope",
        "Properties": {"TenantId": "00000000-0000-0000-0000-000000000000", "SKU": {"family": "A", "name": "standard"}},
    }
    assert VALIDATOR.validate("Microsoft.KeyVault/vaults", "2026-05-15", body) == []


def test_storage_names_the_invalid_parameter():
    body = {"location": "westeurope", "sku": {"name": "Standard_LRS"}, "kind": "StorageV3"}
    [problem] = VALIDATOR.validate("Microsoft.Storage/storageAccounts", "2026-09-01", body)
    assert (problem.code, problem.message) == (
        "InvalidValuesForRequestParameters",
        "Values for request parameters are invalid: kind.",
    )


def test_msrest_constraints_are_checked():
    # none of the supported msrest bodies declares a constraint, so the walker is probed with a built shape
    from localazure.schema.shapes import Constraints, Field, ObjectShape, ScalarShape
    from localazure.schema.walker import walk

    shape = ObjectShape("Probe")
    shape.add(Field("name", ScalarShape("string", "String"), constraints=Constraints(pattern="^[a-z]+$", max_length=5)))
    shape.add(Field("count", ScalarShape("integer", "Int32"), constraints=Constraints(minimum=1, maximum=3)))
    findings = walk(shape, {"name": "Abcdefg", "count": 0})
    assert [(finding.rule, finding.path) for finding in findings] == [
        ("max_length", ("name",)),
        ("pattern", ("name",)),
        ("minimum", ("count",)),
    ]
    assert walk(shape, {"name": "abc", "count": 2}) == []


def test_datetimes_and_durations_are_checked():
    _version, body = valid_body(COMPUTES)
    bad = copy.deepcopy(body)
    bad["properties"]["properties"]["scaleSettings"]["nodeIdleTimeBeforeScaleDown"] = "two minutes"
    assert [problem.target for problem in VALIDATOR.validate(COMPUTES, "2025-12-01", bad)] == [
        "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown"
    ]


def test_importing_the_package_imports_no_sdk():
    code = (
        "import sys; import localazure.schema as s; s.RequestBodyValidator(); "
        "print(sorted(m for m in sys.modules if m.startswith(('azure.mgmt', 'azure.ai'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPOSITORY_ROOT)},
    )
    assert result.stdout.strip() == "[]"


def test_validating_a_typical_body_takes_well_under_a_millisecond():
    version, body = valid_body("Microsoft.Storage/storageAccounts")
    VALIDATOR.validate("Microsoft.Storage/storageAccounts", version, body)  # warm-up: import and walk the models
    timings = []
    for _round in range(200):
        started = time.perf_counter()
        VALIDATOR.validate("Microsoft.Storage/storageAccounts", version, body)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.0005
