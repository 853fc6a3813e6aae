"""End to end: release stage 4, `ansible-playbook playbooks/test_custom_role.yml -i inventories/local`.

After `playbooks/mlenv.yml` has deployed the environment, the stage grants the endpoint's `model-developer-test`
principal the developer group's access, runs the permission matrix as that principal and removes the grants.
Checked independently: the JUnit XML lists every row (issue 10's rows, every deniedActions entry of the role's data
file, every data container), the requests were made by the principal, and no assignment of it remains. A role made
too broad (workspaces/write allowed) fails the stage, naming the matrix row, and its assignments are removed too.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from playbook_runs import REPOSITORY_ROOT, deployed_project, run_playbook

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")
DEVELOPER = "model-developer-test"
ROLE_DATA = Path("arm-templates") / "customrole" / "model_developer_role.json"
DATASTORE_CONFIG = REPOSITORY_ROOT / "arm-templates" / "mlworkspace" / "datastore_config.json"
MATRIX = REPOSITORY_ROOT / "roles" / "role_test" / "vars" / "permission_matrix.yml"
WORKSPACE_WRITE = "Microsoft.MachineLearningServices/workspaces/write"
ROLE_NAME = "it4adloc model developer (int)"


@pytest.fixture(scope="module")
def project(tmp_path_factory, endpoint):
    return deployed_project(tmp_path_factory.mktemp("project"), endpoint)


def run_role_test(project: Path, endpoint, junit_dir: Path, check: bool = False):
    return run_playbook(
        project,
        endpoint,
        playbook="test_custom_role.yml",
        check=check,
        extra_vars={"dlinfra_junit_dir": str(junit_dir)},
    )


def junit_cases(junit_dir: Path) -> dict[str, str]:
    """Row name -> pass, failure or skipped, read from the JUnit XML the stage wrote."""
    root = ElementTree.parse(junit_dir / "role_test.xml").getroot()
    cases = {}
    for case in root.iter("testcase"):
        if case.find("failure") is not None:
            cases[case.get("name")] = "failure"
        elif case.find("skipped") is not None:
            cases[case.get("name")] = "skipped"
        else:
            cases[case.get("name")] = "pass"
    return cases


def expected_rows(project: Path) -> set[str]:
    static = {row["name"] for row in yaml.safe_load(MATRIX.read_text())["role_test_permission_matrix"]}
    role = json.loads((project / ROLE_DATA).read_text())
    denied = {
        "role data denies " + entry["action"].removeprefix("Microsoft.MachineLearningServices/")
        for entry in role["deniedActions"]
    }
    containers = set()
    for datastore in json.loads(DATASTORE_CONFIG.read_text())["datastores"]:
        if {"*", "perception"} & set(datastore["workspaces"]):
            kind = "read-only" if datastore.get("readOnly") else "writable"
            containers.add(f"write a blob into the {kind} container it4adlocintdatast/{datastore['container']}")
    return static | denied | containers


def assignments_of(endpoint, principal_id: str) -> list[dict]:
    response = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/roleAssignments",
        api_version="2022-04-01",
    )
    assert response.status_code == 200, response.text
    return [item for item in response.json()["value"] if item["properties"]["principalId"] == principal_id]


def developer_object_id(endpoint) -> str:
    return endpoint.connection["principals"][DEVELOPER]["object_id"]


def test_check_mode_predicts_the_grants_and_writes_nothing(project, endpoint, tmp_path):
    run = run_role_test(project, endpoint, tmp_path / "junit", check=True)
    assert run.returncode == 0, run.explain()
    assert run.writes == [], f"check mode wrote: {run.written_paths()}"
    assert assignments_of(endpoint, developer_object_id(endpoint)) == []


def test_the_stage_passes_every_row_as_the_principal_and_removes_its_assignments(project, endpoint, tmp_path):
    junit_dir = tmp_path / "junit"
    run = run_role_test(project, endpoint, junit_dir)
    assert run.returncode == 0, run.explain()
    cases = junit_cases(junit_dir)
    missing = expected_rows(project) - set(cases)
    assert not missing, f"rows missing from the JUnit XML: {sorted(missing)}"
    failed = sorted(name for name, result in cases.items() if result == "failure")
    assert not failed, f"rows failed: {failed}\n{run.explain()}"
    assert "skipped" not in cases.values()
    # The registry rows ran the token exchange for real, as the principal, with an ACR-audience token: the
    # registries refuse ARM-audience tokens (azureADAuthenticationAsArmPolicy disabled).
    exchanges = [entry for entry in run.requests if entry["path"].endswith("/oauth2/exchange")]
    assert len(exchanges) == 3, exchanges
    assert {(entry["status"], (entry.get("principal") or {}).get("name")) for entry in exchanges} == {
        (200, DEVELOPER)
    }, exchanges
    for name in expected_rows(project):
        assert name in run.output, f"the printed table does not list '{name}'"
    # The rows ran as the principal, with its own token: its requests reached Resource Manager and were refused.
    developer = [entry for entry in run.requests if (entry.get("principal") or {}).get("name") == DEVELOPER]
    assert {entry["status"] for entry in developer} >= {200, 403}, "no request was made as the test principal"
    grants = [entry for entry in run.requests if "/roleAssignments/" in entry["path"] and entry["method"] == "PUT"]
    assert grants and all(entry["status"] in (200, 201) for entry in grants if entry["principal"]["name"] != DEVELOPER)
    assert assignments_of(endpoint, developer_object_id(endpoint)) == [], "the test principal kept an assignment"
    workspace = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-it4ad-dl-local/providers/"
        "Microsoft.MachineLearningServices/workspaces/it4adloc-perception-int"
    )
    assert endpoint.call("GET", workspace, api_version="2024-10-01-preview").status_code == 200
    computes = endpoint.call("GET", f"{workspace}/computes", api_version="2024-10-01-preview").json()["value"]
    assert [item["name"] for item in computes] == ["train-cluster"], "a denied row changed the computes"


def test_a_role_made_too_broad_fails_the_stage_naming_the_row(project, endpoint, tmp_path):
    """The offline validation refuses a role file without workspaces/write in deniedActions, so the role is made too
    broad where the validation cannot see it: in Azure, by a PUT of its definition (as a drifted role would be)."""
    run = run_playbook(project, endpoint, playbook="customrole.yml")
    assert run.returncode == 0, run.explain()
    definitions = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/roleDefinitions",
        api_version="2022-04-01",
    ).json()["value"]
    role_id = next(item["id"] for item in definitions if item["properties"]["roleName"] == ROLE_NAME)
    role = endpoint.call("GET", role_id, api_version="2022-04-01").json()
    permissions = role["properties"]["permissions"][0]
    permissions["actions"].append(WORKSPACE_WRITE)
    permissions["notActions"] = [action for action in permissions["notActions"] if action != WORKSPACE_WRITE]
    body = {
        "properties": {
            key: role["properties"][key]
            for key in ("roleName", "description", "type", "permissions", "assignableScopes")
        }
    }
    broadened = endpoint.call("PUT", role_id, api_version="2022-04-01", body=body)
    assert broadened.status_code in (200, 201), broadened.text
    try:
        junit_dir = tmp_path / "junit"
        run = run_role_test(project, endpoint, junit_dir)
        assert run.returncode != 0, "the stage passed with a role that allows workspaces/write"
        message = "The custom role test failed on 2 row(s) of the permission matrix: reconfigure the workspace; role data denies workspaces/write."
        assert message in " ".join(run.output.split()), run.explain()
        cases = junit_cases(junit_dir)
        failed = {name for name, result in cases.items() if result == "failure"}
        assert failed == {"reconfigure the workspace", "role data denies workspaces/write"}, run.explain()
        # The wrongly allowed writes were guarded: they failed with 412 and changed nothing.
        workspace_writes = [
            entry
            for entry in run.requests
            if entry["method"] in ("PUT", "PATCH") and entry["path"].endswith("it4adloc-perception-int")
        ]
        assert workspace_writes and {entry["status"] for entry in workspace_writes} == {412}, workspace_writes
        assert assignments_of(endpoint, developer_object_id(endpoint)) == [], "the assignments stayed after a failure"
    finally:
        restore = run_playbook(project, endpoint, playbook="customrole.yml")
        assert restore.returncode == 0, restore.explain()
        restored = endpoint.call("GET", role_id, api_version="2022-04-01").json()["properties"]["permissions"][0]
        assert WORKSPACE_WRITE in restored["notActions"], "customrole.yml did not restore the role"
