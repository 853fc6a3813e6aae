"""End to end: playbooks/release.yml runs the real stages in order against the local endpoint, gated.

The int stages use the local inventory (int's templates and parameter files), dev and pro their own inventories
on the seeded dev and pro subscriptions. Every stage is the project's own playbook. Results are checked
independently of the release's own summary: by plain REST reads of the endpoint, by its request log (the order in
which the stages' requests reached Azure) and by the stages' JUnit reports. A failure is injected by changing the
environment, never the stages: an Azure Policy modify assignment turns the registries' admin user on as they are
deployed, which functional validation must catch.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playbook_runs import REPOSITORY_ROOT, copy_project, run_playbook
from test_custom_role_playbook import expected_rows, junit_cases
from test_mlenv_environments import connection_vars

SEED = Path(__file__).resolve().parent / "seeds" / "dev_and_pro.yml"
ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05", "--seed", str(SEED))
INT_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555"
DEV_SUBSCRIPTION = "3f1e6a2c-8d4b-4c1e-9a7f-2b5d0c9e1a01"
PRO_SUBSCRIPTION = "9c4e1a7b-3d5f-4a2c-b8e0-6f1d3b5a9e03"
INT_GROUP = f"/subscriptions/{INT_SUBSCRIPTION}/resourceGroups/rg-it4ad-dl-local"
INT_WORKSPACES = ("it4adloc-perception-int", "it4adloc-planning-int")
INT_VAULT = "it4adloc-int-kv"
KEY_VAULT_API = "2023-07-01"
ML_API = "2024-10-01"
DEVELOPER = "model-developer-test"
STAGES = [
    "validate_templates",
    "deploy_int",
    "validate_env",
    "test_custom_role",
    "cleanup_int",
    "deploy_dev",
    "deploy_pro",
]
REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries"
# Drift as an organisation's Azure Policy would cause it: every registry in the int group gets its admin user on.
ADMIN_USER_POLICY = {
    "name": "int-registries-admin-user-on",
    "scope": INT_GROUP,
    "policy_rule": {
        "if": {"field": "type", "equals": REGISTRY_TYPE},
        "then": {
            "effect": "modify",
            "details": {
                "operations": [
                    {"operation": "addOrReplace", "field": f"{REGISTRY_TYPE}/adminUserEnabled", "value": True}
                ]
            },
        },
    },
}


def run_release(project: Path, endpoint, *, check: bool = False, extra_vars: dict | None = None):
    stage_vars = {
        **connection_vars(endpoint),
        "localazure_polling_interval": 0.05,
        "dlinfra_validate_script": str(REPOSITORY_ROOT / "scripts" / "dlinfra-validate"),
    }
    return run_playbook(
        project,
        endpoint,
        playbook="release.yml",
        inventory="local",
        check=check,
        extra_vars={
            "dlinfra_release_inventories": {
                "int": str(project / "inventories" / "local"),
                "dev": str(project / "inventories" / "dev"),
                "pro": str(project / "inventories" / "pro"),
            },
            "dlinfra_release_stage_extra_vars": stage_vars,
            "dlinfra_junit_dir": str(project / "junit"),
            **(extra_vars or {}),
        },
    )


def junit_results(project: Path) -> list[tuple[str, str]]:
    """(stage, result) from the release's JUnit report, in report order."""
    suite = ET.parse(project / "junit" / "release.xml").getroot().find("testsuite")
    results = []
    for case in suite.findall("testcase"):
        result = (
            "failed"
            if case.find("failure") is not None
            else "skipped"
            if case.find("skipped") is not None
            else "passed"
        )
        results.append((case.get("name"), result))
    return results


def requests_to(run, subscription: str) -> list[str]:
    return [entry["path"] for entry in run.requests if entry["path"].startswith(f"/subscriptions/{subscription}")]


def sequence_numbers(entries: list, subscription: str) -> list[int]:
    """Request-log sequence numbers of ``entries`` (a run's requests or writes) into ``subscription``."""
    return [entry["seq"] for entry in entries if entry["path"].startswith(f"/subscriptions/{subscription}")]


def group_exists(endpoint, subscription: str, group: str) -> bool:
    response = endpoint.call("GET", f"/subscriptions/{subscription}/resourcegroups/{group}", api_version="2024-11-01")
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


def first_seq(run, predicate) -> int:
    matching = [entry["seq"] for entry in run.requests if predicate(entry)]
    assert matching, "no request of the kind looked for"
    return min(matching)


def is_int_deployment_put(entry) -> bool:
    """A deployment the client PUT into the int subscription (not a resource the deployment engine wrote)."""
    return (
        entry["method"] == "PUT"
        and entry["path"].startswith(f"/subscriptions/{INT_SUBSCRIPTION}")
        and re.search(r"/providers/Microsoft\.Resources/deployments/[^/]+$", entry["path"]) is not None
    )


def by_principal(entry, name: str) -> bool:
    return (entry.get("principal") or {}).get("name") == name


def int_environment_is_gone(endpoint) -> None:
    """The int group, its workspaces, and the soft-deleted workspaces and vault are all gone (names reusable)."""
    assert not group_exists(endpoint, INT_SUBSCRIPTION, "rg-it4ad-dl-local"), "the int group is still there"
    soft_deleted = endpoint.admin("GET", "machine-learning/deleted-workspaces", subscription=INT_SUBSCRIPTION)["value"]
    assert [entry["id"] for entry in soft_deleted] == [], "a workspace is still soft-deleted"
    deleted_vaults = endpoint.call(
        "GET",
        f"/subscriptions/{INT_SUBSCRIPTION}/providers/Microsoft.KeyVault/deletedVaults",
        api_version=KEY_VAULT_API,
    )
    assert deleted_vaults.status_code == 200, deleted_vaults.text
    assert [vault["name"] for vault in deleted_vaults.json()["value"]] == [], "the vault is still soft-deleted"


@pytest.fixture(scope="module")
def released(tmp_path_factory, endpoint):
    project = copy_project(tmp_path_factory.mktemp("project"))
    return project, run_release(project, endpoint)


def test_release_runs_every_stage_in_order_and_reports_them(released):
    project, run = released
    assert run.returncode == 0, run.explain()
    assert junit_results(project) == [(stage, "passed") for stage in STAGES[:-1]] + [("deploy_pro", "skipped")]
    summary = run.output[run.output.index("Release summary") :]
    assert [line.split()[0] for line in summary.split("\n")[2:9]] == [f'"{stage}' for stage in STAGES], summary
    assert "needs -e dlinfra_release_confirm_pro=true" in summary
    # The order in which the stages' requests reached Azure, read from the endpoint's request log. Functional
    # validation is the only stage that reads a workspace's own blob container.
    what_if = first_seq(run, lambda entry: entry["path"].endswith("/whatIf"))
    deploy_int = first_seq(run, is_int_deployment_put)
    last_deploy_int = max(entry["seq"] for entry in run.requests if is_int_deployment_put(entry))
    validate_env = first_seq(
        run, lambda entry: entry["method"] == "GET" and "/containers/azureml-blobstore-" in entry["path"]
    )
    as_developer = first_seq(run, lambda entry: by_principal(entry, DEVELOPER))
    cleanup = first_seq(run, lambda entry: entry["method"] == "DELETE" and entry["path"].lower() == INT_GROUP.lower())
    deploy_dev = first_seq(
        run, lambda entry: entry["method"] == "PUT" and entry["path"].startswith(f"/subscriptions/{DEV_SUBSCRIPTION}")
    )
    assert what_if < deploy_int <= last_deploy_int < validate_env < as_developer < cleanup < deploy_dev
    checks = list(ET.parse(project / "junit" / "validate_env.xml").getroot().iter("testcase"))
    assert len(checks) >= 26 and not [case for case in checks if case.find("failure") is not None]


def test_release_ran_every_row_of_the_permission_matrix_as_the_principal(released):
    project, run = released
    cases = junit_cases(project / "junit")
    missing = expected_rows(project) - set(cases)
    assert not missing, f"rows missing from the role test's JUnit XML: {sorted(missing)}"
    assert set(cases.values()) == {"pass"}, {name: result for name, result in cases.items() if result != "pass"}
    exchanges = [entry for entry in run.requests if entry["path"].endswith("/oauth2/exchange")]
    assert exchanges and {(entry["status"], by_principal(entry, DEVELOPER)) for entry in exchanges} == {(200, True)}


def test_release_cleans_int_up_deploys_dev_and_never_pro(released, endpoint):
    _project, run = released
    int_environment_is_gone(endpoint)
    assert group_exists(endpoint, DEV_SUBSCRIPTION, "rg-it4ad-dl-dev")
    int_writes = sequence_numbers(run.writes, INT_SUBSCRIPTION)
    dev_writes = sequence_numbers(run.writes, DEV_SUBSCRIPTION)
    assert int_writes and dev_writes, run.written_paths()
    assert max(int_writes) < min(dev_writes), "dev was written before int was done"
    assert requests_to(run, PRO_SUBSCRIPTION) == []
    assert not group_exists(endpoint, PRO_SUBSCRIPTION, "rg-it4ad-dl-pro")


def test_validate_templates_stage_wrote_nothing_and_summarized_every_deployment(released):
    project, run = released
    first_write = min(entry["seq"] for entry in run.writes)
    before = [
        entry for entry in run.requests if entry["seq"] < first_write and entry["path"].startswith("/subscriptions")
    ]
    assert any(entry["path"].endswith("/whatIf") for entry in before), "validate_templates made no what-if"
    assert any(entry["path"].endswith("/validate") for entry in before), "validate_templates made no validate"
    report = ET.parse(project / "junit" / "validate_templates-local.xml").getroot().find("testsuite")
    names = {case.get("name") for case in report.findall("testcase")}
    assert {"dlinfra-keyvault", "dlinfra-mlworkspace-perception", "dlinfra-mlcompute-planning"} <= names, names
    assert report.get("failures") == "0"
    log = (project / ".build" / "release" / "validate_templates.log").read_text()
    assert "dlinfra-mlworkspace-planning: changes" in log
    assert "Offline validation valid" in log


def test_drift_that_breaks_the_environment_stops_promotion_yet_int_is_cleaned_up(tmp_path_factory, endpoint):
    """Evidence 2: the environment, not a stage, is changed. The release after the first one (which left dev
    deployed) must fail functional validation, never touch dev or pro, and still clean int up."""
    project = copy_project(tmp_path_factory.mktemp("drifted"))
    endpoint.admin("POST", "policy-assignments", ADMIN_USER_POLICY)
    try:
        run = run_release(project, endpoint)
    finally:
        endpoint.admin("DELETE", "policy-assignments")
    assert run.returncode != 0, run.explain()
    assert junit_results(project) == [
        ("validate_templates", "passed"),
        ("deploy_int", "passed"),
        ("validate_env", "failed"),
        ("test_custom_role", "skipped"),
        ("cleanup_int", "passed"),
        ("deploy_dev", "skipped"),
        ("deploy_pro", "skipped"),
    ]
    failed_checks = {
        case.get("name")
        for case in ET.parse(project / "junit" / "validate_env.xml").getroot().iter("testcase")
        if case.find("failure") is not None
    }
    assert failed_checks and all("registry_admin_user_off" in name for name in failed_checks), failed_checks
    assert "registry_admin_user_off" in run.output  # the end of the failed stage's output is shown
    assert "The release failed in stage(s) validate_env" in run.output
    assert requests_to(run, DEV_SUBSCRIPTION) == [] and requests_to(run, PRO_SUBSCRIPTION) == []
    assert not [entry for entry in run.requests if by_principal(entry, DEVELOPER)], "the role test ran"
    int_environment_is_gone(endpoint)


def test_a_broken_template_stops_the_release_at_stage_one_without_a_request(tmp_path_factory, endpoint):
    project = copy_project(tmp_path_factory.mktemp("broken"))
    template = project / "arm-templates" / "keyvault" / "keyvault.json"
    document = json.loads(template.read_text())
    document["outputs"]["brokenOutput"] = {"type": "string", "value": "[parameters('noSuchParameter')]"}
    template.write_text(json.dumps(document, indent=2))
    run = run_release(project, endpoint)
    assert run.returncode != 0, run.explain()
    assert junit_results(project) == [("validate_templates", "failed")] + [(stage, "skipped") for stage in STAGES[1:]]
    assert run.requests == [], [entry["path"] for entry in run.requests]
    assert "noSuchParameter" in run.output


def test_check_mode_lists_the_commands_and_runs_no_stage(tmp_path_factory, endpoint):
    project = copy_project(tmp_path_factory.mktemp("check"))
    run = run_release(project, endpoint, check=True, extra_vars={"dlinfra_release_confirm_pro": True})
    assert run.returncode == 0, run.explain()
    assert run.requests == []
    assert junit_results(project) == [(stage, "skipped") for stage in STAGES]
    assert str(project / "playbooks" / "mlenv.yml") + " -i " + str(project / "inventories" / "pro") in run.output


def test_a_missing_stage_playbook_fails_before_any_stage(tmp_path_factory, endpoint):
    project = copy_project(tmp_path_factory.mktemp("missing"))
    (project / "playbooks" / "cleanup.yml").unlink()
    run = run_release(project, endpoint)
    assert run.returncode != 0
    assert "The release cannot start, missing: " + str(project / "playbooks" / "cleanup.yml") in run.output
    assert run.requests == []


def test_validate_templates_alone_writes_nothing_and_summarizes_each_deployment(tmp_path_factory, endpoint):
    project = copy_project(tmp_path_factory.mktemp("stage1"))
    run = run_playbook(
        project,
        endpoint,
        playbook="validate_templates.yml",
        extra_vars={
            "dlinfra_validate_script": str(REPOSITORY_ROOT / "scripts" / "dlinfra-validate"),
            "dlinfra_validate_checkov": False,
        },
    )
    assert run.returncode == 0, run.explain()
    assert run.writes == [], run.written_paths()
    whatifs = {
        entry["path"].split("/deployments/")[1].split("/")[0]
        for entry in run.requests
        if entry["path"].endswith("/whatIf")
    }
    assert "dlinfra-customrole" in whatifs, whatifs  # subscription scope: ARM checks it even on an empty subscription
    report = ET.parse(project / ".build" / "junit" / "validate_templates-local.xml").getroot().find("testsuite")
    names = [case.get("name") for case in report.findall("testcase")]
    assert len(names) == 13 and set(whatifs) <= set(names), names  # 7 shared, 3 for each of 2 work packages
    for name in names:
        checked_by = "ARM validate and what-if" if name in whatifs else "template engine: "
        assert re.search(rf'"{name}: (changes \(\d+\)|no change) \[{checked_by}', run.output), name


PROMOTION_STAGES = [
    {"name": "deploy_dev", "playbook": "mlenv.yml", "inventory": "dev"},
    {"name": "deploy_pro", "playbook": "mlenv.yml", "inventory": "pro", "confirmation": True},
]


def test_a_plain_release_cannot_reach_pro(tmp_path_factory, endpoint):
    """Only the promotion stages (the int stages are shown above), without the confirmation."""
    project = copy_project(tmp_path_factory.mktemp("unconfirmed"))
    run = run_release(project, endpoint, extra_vars={"release_stages": PROMOTION_STAGES})
    assert run.returncode == 0, run.explain()
    assert junit_results(project) == [("deploy_dev", "passed"), ("deploy_pro", "skipped")]
    assert requests_to(run, PRO_SUBSCRIPTION) == []


def test_a_confirmed_release_deploys_pro_after_dev(tmp_path_factory, endpoint):
    project = copy_project(tmp_path_factory.mktemp("confirmed"))
    run = run_release(
        project, endpoint, extra_vars={"release_stages": PROMOTION_STAGES, "dlinfra_release_confirm_pro": True}
    )
    assert run.returncode == 0, run.explain()
    assert junit_results(project) == [("deploy_dev", "passed"), ("deploy_pro", "passed")]
    dev_requests = sequence_numbers(run.requests, DEV_SUBSCRIPTION)
    pro_writes = sequence_numbers(run.writes, PRO_SUBSCRIPTION)
    assert dev_requests and pro_writes, run.written_paths()
    assert max(dev_requests) < min(pro_writes), "pro was written before dev was done"
    assert group_exists(endpoint, PRO_SUBSCRIPTION, "rg-it4ad-dl-pro")
