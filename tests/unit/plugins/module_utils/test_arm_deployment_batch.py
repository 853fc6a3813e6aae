"""run_batch over the recording fake of test_arm_deployment_runner: dependency order, failures that skip only
their dependents, failures per group, and one resource group question per group."""

import pytest
from test_arm_deployment_runner import FACTORY, MODIFY, azure, request, succeeded  # noqa: F401 pylint: disable=unused-import

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_batch import combined_diff, run_batch
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError


def entry(key, group="shared", depends_on=(), resource_group="rg", location=None):
    return {
        "key": key,
        "group": group,
        "depends_on": list(depends_on),
        "request": request(key, resource_group, location),
    }


def call_index(azure, function, name):
    return azure.calls.index((function, name))


def test_a_dependent_starts_only_after_its_dependency_finished(azure):
    azure.groups.add("rg")
    azure.deploy_seconds = 0.05
    entries = [
        entry("network"),
        entry("workspace", "wp1", ["network"]),
        entry("compute", "wp1", ["workspace"]),
        entry("registry"),
    ]
    for item in entries:
        azure.changes[item["key"]] = MODIFY
    outcome = run_batch(FACTORY, entries, check_mode=False, max_workers=4)
    assert outcome["failures"] == {}
    assert sorted(azure.called("deploy")) == ["compute", "network", "registry", "workspace"]
    assert call_index(azure, "deploy", "workspace") > call_index(azure, "deployed", "network")
    assert call_index(azure, "deploy", "compute") > call_index(azure, "deployed", "workspace")


def test_a_failure_skips_only_its_dependents(azure):
    azure.groups.add("rg")
    azure.validate_errors["network"] = DlinfraError("validate network failed", code="InvalidTemplate")
    entries = [
        entry("network"),
        entry("workspace", "wp1", ["network"]),
        entry("compute", "wp1", ["workspace"]),
        entry("registry", "wp2"),
        entry("datastore", "wp2", ["outside-the-batch"]),
    ]
    for item in entries:
        azure.changes[item["key"]] = MODIFY
    outcome = run_batch(FACTORY, entries, check_mode=False, max_workers=2)
    results = outcome["results"]
    assert (results["network"]["failed"], results["network"]["error_code"]) == (True, "InvalidTemplate")
    assert results["workspace"]["skipped"] and results["workspace"]["msg"] == "not deployed: network failed"
    assert results["compute"]["msg"] == "not deployed: workspace failed"
    assert not results["registry"].get("failed") and not results["datastore"].get("failed")
    assert outcome["failures"] == {
        "shared": ["network: validate network failed"],
        "wp1": ["workspace: not deployed: network failed", "compute: not deployed: workspace failed"],
    }
    assert sorted(azure.called("deploy")) == ["datastore", "registry"]


def test_resource_group_asked_once_and_a_created_group_reported_by_the_first_deployment(azure):
    azure.groups.add("rg-b")
    entries = [
        entry("one", resource_group="rg-a", location="westeurope"),
        entry("two", resource_group="RG-A", location="westeurope"),
        entry("three", resource_group="rg-b"),
        entry("role", resource_group=None, location="westeurope"),
    ]
    for item in entries:
        azure.records[item["key"]] = succeeded()
    results = run_batch(FACTORY, entries, check_mode=False, max_workers=4)["results"]
    assert azure.called("get_resource_group") == ["rg-a", "rg-b"]
    assert azure.called("create_resource_group") == [("rg-a", "westeurope", None)]
    assert results["one"]["change_summary"] == ["+ resourceGroups/rg-a (Create)"] and results["one"]["changed"]
    assert results["two"]["change_summary"] == [] and not results["two"]["changed"]
    assert not results["three"]["changed"] and not results["role"]["changed"]


def test_check_mode_never_creates_a_missing_group(azure):
    entries = [
        entry("one", resource_group="rg-a", location="westeurope"),
        entry("two", resource_group="rg-a", location="westeurope"),
    ]
    results = run_batch(FACTORY, entries, check_mode=True, max_workers=2)["results"]
    assert azure.called("create_resource_group") == [] and azure.called("validate") == []
    assert [results[key]["change_summary"] for key in ("one", "two")] == [["+ resourceGroups/rg-a (Create)"]] * 2


@pytest.mark.parametrize(
    "results, before, after",
    [
        (
            {
                "a": {"diff": {"before": "x\n", "after": "y\n"}},
                "b": {"diff": {"before": "", "after": ""}},
                "c": {"failed": True},
            },
            "# a\nx\n",
            "# a\ny\n",
        ),
        (
            {"b": {"diff": {"before": "", "after": "new\n"}}, "a": {"diff": {"before": "old\n", "after": ""}}},
            "# a\nold\n# b\n",
            "# a\n# b\nnew\n",
        ),
    ],
)
def test_combined_diff_in_plan_order(results, before, after):
    entries = [{"key": key} for key in ("a", "b", "c")]
    diff = combined_diff(entries, results)
    assert (diff["before"], diff["after"]) == (before, after)
