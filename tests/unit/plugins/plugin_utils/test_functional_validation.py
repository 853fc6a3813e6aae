"""The functional validation's pure steps: targets derived from what Azure returned, each test operator (pass and
fail), malformed check entries, and the JUnit XML and table they produce."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils import functional_validation as functional

SUB = "/subscriptions/s/resourceGroups/rg/providers"
ML_ACCOUNT = f"{SUB}/Microsoft.Storage/storageAccounts/mlst"
DATA_ACCOUNT = f"{SUB}/Microsoft.Storage/storageAccounts/datast"
REGISTRY = f"{SUB}/Microsoft.ContainerRegistry/registries/acrstaging"
WORKSPACE = f"{SUB}/Microsoft.MachineLearningServices/workspaces/ws-perception"
COMPUTE = f"{WORKSPACE}/computes/train"
DATASTORE = f"{WORKSPACE}/datastores/shared_datasets"
CHECKS_FILE = Path(__file__).resolve().parents[4] / "roles" / "validate" / "vars" / "functional_checks.yml"


def expectations() -> dict:
    resources = [
        (ML_ACCOUNT, "Microsoft.Storage/storageAccounts", None),
        (DATA_ACCOUNT, "Microsoft.Storage/storageAccounts", None),
        (REGISTRY, "Microsoft.ContainerRegistry/registries", None),
        (WORKSPACE, "Microsoft.MachineLearningServices/workspaces", "perception"),
        (COMPUTE, "Microsoft.MachineLearningServices/workspaces/computes", "perception"),
    ]
    return {
        "environment": "int",
        "subscription_id": "s",
        "resource_group": "rg",
        "inventory": {"dlinfra_compute_vm_size": "Standard_DS3_v2", "dlinfra_compute_max_nodes": 2},
        "shared": {"containerregistry": {"stagingRegistryId": REGISTRY}},
        "packages": {"perception": {"mlcompute": {"computeName": "train"}}},
        "storage_accounts": {"ml": {"id": ML_ACCOUNT, "name": "mlst"}, "data": {"id": DATA_ACCOUNT, "name": "datast"}},
        "resources": [
            {"id": item, "type": kind, "template": "t", "work_package": package} for item, kind, package in resources
        ],
        "datastores": [
            {
                "work_package": "perception",
                "workspace": "ws-perception",
                "name": "shared_datasets",
                "id": DATASTORE,
                "account_name": "datast",
                "container_name": "datasets",
            }
        ],
    }


def read(resource_id, resource):
    return {"id": resource_id, "found": resource is not None, "api_version": "v", "resource": resource}


def observed(**changes) -> list:
    bodies = {
        ML_ACCOUNT: {"properties": {"provisioningState": "Succeeded", "minimumTlsVersion": "TLS1_2"}},
        DATA_ACCOUNT: {"properties": {"provisioningState": "Succeeded", "minimumTlsVersion": "TLS1_2"}},
        REGISTRY: {"properties": {"provisioningState": "Succeeded", "adminUserEnabled": False}},
        WORKSPACE: {"properties": {"workspaceId": "guid-1", "containerRegistry": REGISTRY.upper()}},
        COMPUTE: {"properties": {"properties": {"vmSize": "STANDARD_DS3_V2", "scaleSettings": {"maxNodeCount": 2}}}},
        DATASTORE: {"properties": {"accountName": "datast", "containerName": "datasets"}},
        f"{ML_ACCOUNT}/blobServices/default/containers/azureml-blobstore-guid-1": {"properties": {}},
        f"{DATA_ACCOUNT}/blobServices/default/containers/datasets": {"properties": {}},
        f"{SUB}/Microsoft.Network/privateEndpoints/pe-acr": {
            "name": "pe-acr",
            "type": "Microsoft.Network/privateEndpoints",
            "properties": {
                "provisioningState": "Succeeded",
                "privateLinkServiceConnections": [
                    {"properties": {"privateLinkServiceId": REGISTRY, "groupIds": ["registry"]}}
                ],
            },
        },
    }
    bodies.update(changes)
    return [read(key, value) for key, value in bodies.items()]


def results_of(checks, observed_resources):
    return functional.evaluate_checks(checks, expectations(), observed_resources)


def outcome(results) -> list:
    return [(item["check"], item["target"], item["passed"]) for item in results]


def test_the_follow_up_reads_are_the_workspace_and_datastore_containers():
    first = [entry for entry in observed() if "/containers/" not in entry["id"]]
    assert functional.followup_ids(expectations(), first) == [
        f"{ML_ACCOUNT}/blobServices/default/containers/azureml-blobstore-guid-1",
        f"{DATA_ACCOUNT}/blobServices/default/containers/datasets",
    ]
    assert functional.followup_ids(expectations(), observed()) == []


def test_equals_one_of_and_equals_ref_pass_and_fail_with_a_detail():
    checks = [
        {
            "name": "tls",
            "targets": "resources",
            "types": ["Microsoft.Storage/storageAccounts"],
            "path": "properties.minimumTlsVersion",
            "equals": "TLS1_2",
        },
        {
            "name": "admin",
            "targets": "resources",
            "types": ["Microsoft.ContainerRegistry/registries"],
            "path": "properties.adminUserEnabled",
            "one_of": [False],
        },
        {
            "name": "registry_link",
            "targets": "resources",
            "types": ["Microsoft.MachineLearningServices/workspaces"],
            "path": "properties.containerRegistry",
            "equals_ref": "shared.containerregistry.stagingRegistryId",
            "ignore_case": True,
        },
        {
            "name": "vm",
            "targets": "resources",
            "types": ["Microsoft.MachineLearningServices/workspaces/computes"],
            "path": "properties.properties.vmSize",
            "equals_ref": "inventory.dlinfra_compute_vm_size",
            "ignore_case": True,
        },
    ]
    assert all(item["passed"] for item in results_of(checks, observed()))
    broken = observed(**{REGISTRY: {"properties": {"provisioningState": "Succeeded", "adminUserEnabled": True}}})
    failed = [item for item in results_of(checks, broken) if not item["passed"]]
    assert [(item["check"], item["target"]) for item in failed] == [("admin", "acrstaging")]
    assert failed[0]["detail"] == "properties.adminUserEnabled is true, expected one of [false]"
    case_sensitive = [dict(checks[2], ignore_case=False)]
    assert not results_of(case_sensitive, observed())[0]["passed"]


def test_a_missing_resource_or_property_fails_unless_missing_ok():
    check = {"name": "state", "targets": "resources", "path": "properties.provisioningState", "equals": "Succeeded"}
    gone = observed(**{REGISTRY: None})
    result = {item["target"]: item for item in results_of([check], gone)}
    assert result["acrstaging"]["detail"] == "not found" and not result["acrstaging"]["passed"]
    assert result["ws-perception"]["detail"] == "properties.provisioningState is not set"
    lenient = {item["target"]: item for item in results_of([dict(check, missing_ok=True)], gone)}
    assert lenient["ws-perception"]["passed"] and not lenient["acrstaging"]["passed"]


def test_derived_targets_fail_with_what_they_derive_from():
    checks = [
        {"name": "blobstore", "targets": "workspace_containers", "exists": True},
        {"name": "datastore", "targets": "datastores", "exists": True},
        {"name": "datastore_container", "targets": "datastore_containers", "exists": True},
    ]
    assert all(item["passed"] for item in results_of(checks, observed()))
    container = f"{ML_ACCOUNT}/blobServices/default/containers/azureml-blobstore-guid-1"
    missing_container = results_of(checks[:1], observed(**{container: None}))
    assert outcome(missing_container) == [("blobstore", "ws-perception: azureml-blobstore-guid-1", False)]
    no_workspace = results_of(checks, observed(**{WORKSPACE: None, DATASTORE: None}))
    details = {item["check"]: item["detail"] for item in no_workspace}
    assert details["blobstore"] == "workspace 'ws-perception' not found, so its blob container cannot be named"
    assert details["datastore"] == "not found"
    assert details["datastore_container"] == "datastore 'ws-perception/shared_datasets' not found"


def test_private_endpoint_needs_an_approved_connection_for_the_group():
    check = {
        "name": "pe",
        "targets": "resources",
        "types": ["Microsoft.ContainerRegistry/registries"],
        "private_endpoint": "registry",
    }
    assert results_of([check], observed())[0]["passed"]
    assert not results_of([dict(check, private_endpoint="vault")], observed())[0]["passed"]
    pending = observed(
        **{
            f"{SUB}/Microsoft.Network/privateEndpoints/pe-acr": {
                "name": "pe-acr",
                "type": "Microsoft.Network/privateEndpoints",
                "properties": {
                    "manualPrivateLinkServiceConnections": [
                        {
                            "properties": {
                                "privateLinkServiceId": REGISTRY,
                                "groupIds": ["registry"],
                                "privateLinkServiceConnectionState": {"status": "Pending"},
                            }
                        }
                    ]
                },
            }
        }
    )
    result = results_of([check], pending)[0]
    assert not result["passed"] and "pe-acr (registry, Pending)" in result["detail"]


def test_a_check_without_targets_fails_rather_than_passing_silently():
    check = {"name": "nothing", "targets": "resources", "types": ["Microsoft.Web/sites"], "exists": True}
    assert outcome(results_of([check], observed())) == [("nothing", "(none)", False)]


@pytest.mark.parametrize(
    ("check", "problem"),
    [
        ({"targets": "resources", "exists": True}, "needs a unique name"),
        ({"name": "x", "targets": "everything", "exists": True}, "targets must be one of"),
        ({"name": "x", "targets": "resources"}, "needs exactly one of"),
        ({"name": "x", "targets": "resources", "exists": True, "equals": 1, "path": "a"}, "needs exactly one of"),
        ({"name": "x", "targets": "resources", "equals": 1}, "need a path"),
    ],
)
def test_malformed_checks_are_refused_by_name(check, problem):
    with pytest.raises(functional.CheckDefinitionError, match=problem):
        results_of([check], observed())


def test_the_roles_checks_are_well_formed_and_cover_the_issue():
    checks = yaml.safe_load(CHECKS_FILE.read_text())["validate_functional_checks"]
    assert functional.check_definition_problems(checks) == []
    names = {check["name"] for check in checks}
    for required in (
        "resource_provisioned",
        "workspace_container_registry",
        "workspace_blob_container",
        "compute_no_public_ip",
        "compute_no_ssh",
        "datastore_container",
        "storage_tls_1_2",
        "storage_shared_key_access",
        "registry_admin_user_off",
        "key_vault_rbac",
    ):
        assert required in names


def test_junit_xml_has_one_testcase_per_check_and_target_and_a_failure_with_the_detail():
    check = {
        "name": "tls",
        "description": "TLS 1.2",
        "targets": "resources",
        "types": ["Microsoft.Storage/storageAccounts"],
        "path": "properties.minimumTlsVersion",
        "equals": "TLS1_2",
    }
    weak = observed(**{DATA_ACCOUNT: {"properties": {"minimumTlsVersion": "TLS1_0"}}})
    results = results_of([check], weak)
    root = ElementTree.fromstring(functional.junit_xml(results, "validate_env", "int").split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite.get("name") == "validate_env.int" and suite.get("tests") == "2" and suite.get("failures") == "1"
    failures = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    assert [case.get("name") for case in failures] == ["tls: datast"]
    assert failures[0].find("failure").get("message") == 'properties.minimumTlsVersion is "TLS1_0", expected "TLS1_2"'
    table = functional.result_table(results)
    assert table[0].split() == ["check", "target", "result", "detail"]
    assert "FAIL" in table[2] and table[-1] == "1 of 2 passed, 1 failed"
