"""End to end: `ansible-playbook playbooks/validate_env.yml -i inventories/local` (issue 10, stage 3).

`playbooks/mlenv.yml` deploys the local environment; validate_env then reads it (check mode and a real run, with
no write either way), passes, and writes JUnit XML with one testcase per check and target and no failure. Then the
ENVIRONMENT is changed behind the collection's back, through plain Resource Manager requests (a registry gets its
admin user switched on; a workspace's blob container is deleted), and validate_env fails, naming the check and the
target in its output and as the only failure of the JUnit XML. Each test restores what it changed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
import yaml
from playbook_runs import REPOSITORY_ROOT, deployed_project, run_playbook

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")
RESOURCE_GROUP = "rg-it4ad-dl-local"
REGISTRY_API = "2025-11-01"
STORAGE_API = "2025-08-01"
ML_API = "2024-10-01-preview"
CHECKS_FILE = REPOSITORY_ROOT / "roles" / "validate" / "vars" / "functional_checks.yml"
WORK_PACKAGES = ("perception", "planning")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, endpoint):
    return deployed_project(tmp_path_factory.mktemp("project"), endpoint)


def validate(project, endpoint, junit_dir, *, check: bool = False):
    return run_playbook(
        project,
        endpoint,
        playbook="validate_env.yml",
        check=check,
        extra_vars={"dlinfra_junit_dir": str(junit_dir)},
    )


def junit_cases(junit_dir) -> list[dict]:
    """Every testcase of the JUnit XML, parsed independently of the role: class, name and failure message."""
    root = ElementTree.parse(junit_dir / "validate_env.xml").getroot()
    assert root.tag == "testsuites", root.tag
    cases = []
    for suite in root.iter("testsuite"):
        listed = suite.findall("testcase")
        assert int(suite.get("tests")) == len(listed)
        assert int(suite.get("failures")) == sum(1 for case in listed if case.find("failure") is not None)
        for case in listed:
            failure = case.find("failure")
            cases.append(
                {
                    "check": case.get("classname").rsplit(".", 1)[-1],
                    "name": case.get("name"),
                    "failure": None if failure is None else failure.get("message"),
                }
            )
    return cases


def resource_path(endpoint, provider_path: str) -> str:
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/providers/{provider_path}"


def test_a_deployed_environment_passes_in_check_mode_and_for_real_without_a_write(deployed, endpoint, tmp_path):
    checks = yaml.safe_load(CHECKS_FILE.read_text())["validate_functional_checks"]
    for check_mode in (True, False):
        junit_dir = tmp_path / ("check" if check_mode else "real")
        run = validate(deployed, endpoint, junit_dir, check=check_mode)
        assert run.returncode == 0, run.explain()
        assert run.writes == [], run.written_paths()
        assert run.recap["failed"] == 0 and run.recap["changed"] == 0, run.recap
        cases = junit_cases(junit_dir)
        assert [case for case in cases if case["failure"]] == []
        assert f"{len(cases)} of {len(cases)} passed, 0 failed" in run.output
        # every check of the role's data ran, on at least one target, and each case is one check and target
        assert {case["check"] for case in cases} == {check["name"] for check in checks}
        assert len({case["name"] for case in cases}) == len(cases)
        by_check: dict = {}
        for case in cases:
            by_check.setdefault(case["check"], []).append(case["name"])
        assert len(by_check["workspace_blob_container"]) == len(WORK_PACKAGES)
        assert len(by_check["compute_no_ssh"]) == len(WORK_PACKAGES)
        assert len(by_check["registry_admin_user_off"]) == 2  # staging and healthy
        assert len(by_check["storage_shared_key_access"]) == 2  # ML and data accounts
        # the datastores of datastore_config.json: all three go to both work packages
        assert len(by_check["datastore_container"]) == 3 * len(WORK_PACKAGES)
    # the reads really happened (GETs of the resources, not a cached plan)
    reads = [entry for entry in run.requests if entry["method"] == "GET" and "/computes/" in entry["path"]]
    assert len(reads) >= len(WORK_PACKAGES)


def test_a_registry_with_its_admin_user_on_fails_the_stage_naming_the_check(deployed, endpoint, tmp_path):
    registry = resource_path(endpoint, "Microsoft.ContainerRegistry/registries/it4adlocintacr")
    changed = endpoint.call(
        "PATCH", registry, api_version=REGISTRY_API, body={"properties": {"adminUserEnabled": True}}
    )
    assert changed.status_code in (200, 201, 202), changed.text
    try:
        read = endpoint.call("GET", registry, api_version=REGISTRY_API).json()
        assert read["properties"]["adminUserEnabled"] is True, read
        run = validate(deployed, endpoint, tmp_path)
        assert run.returncode != 0, run.explain()
        assert run.writes == [], run.written_paths()
        assert "registry_admin_user_off" in run.output and "FAIL" in run.output, run.explain()
        failed = [case for case in junit_cases(tmp_path) if case["failure"]]
        assert [(case["check"], case["name"]) for case in failed] == [
            ("registry_admin_user_off", "registry_admin_user_off: it4adlocintacr")
        ], failed
        assert "adminUserEnabled is true" in failed[0]["failure"]
    finally:
        restored = endpoint.call(
            "PATCH", registry, api_version=REGISTRY_API, body={"properties": {"adminUserEnabled": False}}
        )
        assert restored.status_code in (200, 201, 202), restored.text


def test_a_missing_workspace_blob_container_fails_the_stage_naming_the_workspace(deployed, endpoint, tmp_path):
    workspace = endpoint.call(
        "GET",
        resource_path(endpoint, "Microsoft.MachineLearningServices/workspaces/it4adloc-planning-int"),
        api_version=ML_API,
    )
    assert workspace.status_code == 200, workspace.text
    container_name = "azureml-blobstore-" + workspace.json()["properties"]["workspaceId"]
    container = resource_path(
        endpoint, f"Microsoft.Storage/storageAccounts/it4adlocintmlst/blobServices/default/containers/{container_name}"
    )
    before = endpoint.call("GET", container, api_version=STORAGE_API)
    assert before.status_code == 200, before.text
    deleted = endpoint.call("DELETE", container, api_version=STORAGE_API)
    assert deleted.status_code in (200, 202, 204), deleted.text
    assert endpoint.call("GET", container, api_version=STORAGE_API).status_code == 404
    try:
        run = validate(deployed, endpoint, tmp_path)
        assert run.returncode != 0, run.explain()
        assert run.writes == [], run.written_paths()
        assert "workspace_blob_container" in run.output, run.explain()
        failed = [case for case in junit_cases(tmp_path) if case["failure"]]
        assert [case["check"] for case in failed] == ["workspace_blob_container"], failed
        assert "it4adloc-planning-int" in failed[0]["name"] and container_name in failed[0]["name"]
        assert failed[0]["failure"] == "not found"
    finally:
        restored = endpoint.call("PUT", container, api_version=STORAGE_API, body={"properties": {}})
        assert restored.status_code in (200, 201), restored.text
