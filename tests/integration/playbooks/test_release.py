"""End to end: playbooks/release.yml runs the stages in order against the local endpoint, gated.

The int stages use the local inventory (int's templates and parameter files), dev and pro their own inventories
on the seeded dev and pro subscriptions. Stage playbooks that other parts of the collection provide
(validate_env.yml, test_custom_role.yml, cleanup.yml) are replaced by small recording playbooks in the scratch
copy only where the project has none yet, or where a test injects a failure; each appends its name to a file,
so the order in which the stages really ran is read back independently of the release's own summary.
Results are checked by plain REST reads of the endpoint and by its request log.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playbook_runs import REPOSITORY_ROOT, copy_project, run_playbook
from test_mlenv_environments import connection_vars

SEED = Path(__file__).resolve().parent / "seeds" / "dev_and_pro.yml"
ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05", "--seed", str(SEED))
INT_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555"
DEV_SUBSCRIPTION = "3f1e6a2c-8d4b-4c1e-9a7f-2b5d0c9e1a01"
PRO_SUBSCRIPTION = "9c4e1a7b-3d5f-4a2c-b8e0-6f1d3b5a9e03"
STAGES = [
    "validate_templates",
    "deploy_int",
    "validate_env",
    "test_custom_role",
    "cleanup_int",
    "deploy_dev",
    "deploy_pro",
]
PLACEHOLDER_STAGES = {
    "validate_env.yml": "validate_env",
    "test_custom_role.yml": "test_custom_role",
    "cleanup.yml": "cleanup_int",
}


def recording_playbook(stage: str, fail: bool = False) -> str:
    """A stage playbook that appends its name to $DLINFRA_TEST_STAGE_RECORD and optionally fails."""
    tasks = [
        {
            "name": "Record that the stage ran",
            "ansible.builtin.lineinfile": {
                "path": "{{ lookup('ansible.builtin.env', 'DLINFRA_TEST_STAGE_RECORD') }}",
                "line": f"{stage} {{{{ dlinfra_environment }}}}",
                "create": True,
                "mode": "0644",
            },
        }
    ]
    if fail:
        tasks.append({"name": "Fail as a broken environment would", "ansible.builtin.fail": {"msg": "injected"}})
    return json.dumps([{"name": f"Recording stage {stage}", "hosts": "mlenv", "gather_facts": False, "tasks": tasks}])


def make_project(destination: Path, failing: tuple[str, ...] = ()) -> Path:
    """A scratch copy; with ``failing``, every placeholder stage records (and those named fail) even where the
    project has its own playbook, so that the test is about the release's gating alone."""
    project = copy_project(destination)
    for playbook, stage in PLACEHOLDER_STAGES.items():
        path = project / "playbooks" / playbook
        if failing or not path.exists():
            path.write_text(recording_playbook(stage, fail=stage in failing))
    return project


def recorded_by_placeholder(project: Path) -> set[str]:
    """The stages whose playbook in ``project`` is a recording placeholder."""
    return {
        stage
        for playbook, stage in PLACEHOLDER_STAGES.items()
        if "DLINFRA_TEST_STAGE_RECORD" in (project / "playbooks" / playbook).read_text()
    }


def run_release(project: Path, endpoint, *, check: bool = False, extra_vars: dict | None = None):
    record = project / "stages-ran.txt"
    record.unlink(missing_ok=True)
    stage_vars = {
        **connection_vars(endpoint),
        "localazure_polling_interval": 0.05,
        "dlinfra_validate_script": str(REPOSITORY_ROOT / "scripts" / "dlinfra-validate"),
    }
    run = run_playbook(
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
        environment={"DLINFRA_TEST_STAGE_RECORD": str(record)},
    )
    recorded = record.read_text().split("\n") if record.exists() else []
    return run, [line for line in recorded if line]


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


def subscription_writes(run, subscription: str) -> list[str]:
    return [entry["path"] for entry in run.writes if entry["path"].startswith(f"/subscriptions/{subscription}")]


def requests_to(run, subscription: str) -> list[str]:
    return [entry["path"] for entry in run.requests if entry["path"].startswith(f"/subscriptions/{subscription}")]


def group_exists(endpoint, subscription: str, group: str) -> bool:
    response = endpoint.call("GET", f"/subscriptions/{subscription}/resourcegroups/{group}", api_version="2024-11-01")
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


@pytest.fixture(scope="module")
def released(tmp_path_factory, endpoint):
    project = make_project(tmp_path_factory.mktemp("project"))
    run, recorded = run_release(project, endpoint)
    return project, run, recorded


def test_release_runs_every_stage_in_order_and_reports_them(released):
    project, run, recorded = released
    assert run.returncode == 0, run.explain()
    assert junit_results(project) == [(stage, "passed") for stage in STAGES[:-1]] + [("deploy_pro", "skipped")]
    summary = run.output[run.output.index("Release summary") :]
    assert [line.split()[0] for line in summary.split("\n")[2:9]] == [f'"{stage}' for stage in STAGES], summary
    placeholders = [stage for stage in STAGES if stage in recorded_by_placeholder(project)]
    assert [line.split()[0] for line in recorded] == placeholders, recorded
    assert "needs -e dlinfra_release_confirm_pro=true" in summary


def test_release_deploys_int_before_dev_and_never_pro(released, endpoint):
    _project, run, _recorded = released
    int_writes = [
        entry["seq"] for entry in run.writes if entry["path"].startswith(f"/subscriptions/{INT_SUBSCRIPTION}")
    ]
    dev_writes = [
        entry["seq"] for entry in run.writes if entry["path"].startswith(f"/subscriptions/{DEV_SUBSCRIPTION}")
    ]
    assert int_writes and dev_writes, run.written_paths()
    assert max(int_writes) < min(dev_writes), "dev was written before int was done"
    assert group_exists(endpoint, DEV_SUBSCRIPTION, "rg-it4ad-dl-dev")
    assert requests_to(run, PRO_SUBSCRIPTION) == []
    assert not group_exists(endpoint, PRO_SUBSCRIPTION, "rg-it4ad-dl-pro")


def test_validate_templates_stage_wrote_nothing_and_summarized_every_deployment(released):
    project, run, _recorded = released
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


def test_a_failed_stage_stops_promotion_yet_int_is_cleaned_up(tmp_path_factory, endpoint):
    project = make_project(tmp_path_factory.mktemp("failing"), failing=("validate_env",))
    # The first release above left dev deployed; this one must not touch dev (nor pro) at all.
    run, recorded = run_release(project, endpoint)
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
    assert [line.split()[0] for line in recorded][-2:] == ["validate_env", "cleanup_int"], recorded
    assert requests_to(run, DEV_SUBSCRIPTION) == [] and requests_to(run, PRO_SUBSCRIPTION) == []
    assert "The release failed in stage(s) validate_env" in run.output
    assert "injected" in run.output  # the end of the failed stage's output is shown


def test_a_broken_template_stops_the_release_at_stage_one_without_a_request(tmp_path_factory, endpoint):
    project = make_project(tmp_path_factory.mktemp("broken"))
    template = project / "arm-templates" / "keyvault" / "keyvault.json"
    document = json.loads(template.read_text())
    document["outputs"]["brokenOutput"] = {"type": "string", "value": "[parameters('noSuchParameter')]"}
    template.write_text(json.dumps(document, indent=2))
    run, recorded = run_release(project, endpoint)
    assert run.returncode != 0, run.explain()
    assert junit_results(project) == [("validate_templates", "failed")] + [(stage, "skipped") for stage in STAGES[1:]]
    assert recorded == []
    assert run.requests == [], [entry["path"] for entry in run.requests]
    assert "noSuchParameter" in run.output


def test_check_mode_lists_the_commands_and_runs_no_stage(tmp_path_factory, endpoint):
    project = make_project(tmp_path_factory.mktemp("check"))
    run, recorded = run_release(project, endpoint, check=True, extra_vars={"dlinfra_release_confirm_pro": True})
    assert run.returncode == 0, run.explain()
    assert recorded == [] and run.requests == []
    assert junit_results(project) == [(stage, "skipped") for stage in STAGES]
    assert str(project / "playbooks" / "mlenv.yml") + " -i " + str(project / "inventories" / "pro") in run.output


def test_a_missing_stage_playbook_fails_before_any_stage(tmp_path_factory, endpoint):
    project = make_project(tmp_path_factory.mktemp("missing"))
    (project / "playbooks" / "cleanup.yml").unlink()
    run, recorded = run_release(project, endpoint)
    assert run.returncode != 0
    assert "The release cannot start, missing: " + str(project / "playbooks" / "cleanup.yml") in run.output
    assert recorded == [] and run.requests == []


def test_validate_templates_alone_writes_nothing_and_summarizes_each_deployment(tmp_path_factory, endpoint):
    project = make_project(tmp_path_factory.mktemp("stage1"))
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


def test_a_confirmed_release_deploys_pro_after_dev(tmp_path_factory, endpoint):
    project = make_project(tmp_path_factory.mktemp("confirmed"))
    run, _recorded = run_release(project, endpoint, extra_vars={"dlinfra_release_confirm_pro": True})
    assert run.returncode == 0, run.explain()
    assert junit_results(project) == [(stage, "passed") for stage in STAGES]
    dev_writes = [
        entry["seq"] for entry in run.writes if entry["path"].startswith(f"/subscriptions/{DEV_SUBSCRIPTION}")
    ]
    pro_writes = [
        entry["seq"] for entry in run.writes if entry["path"].startswith(f"/subscriptions/{PRO_SUBSCRIPTION}")
    ]
    assert pro_writes, run.written_paths()
    assert not dev_writes or max(dev_writes) < min(pro_writes), "pro was written before dev was done"
    assert group_exists(endpoint, PRO_SUBSCRIPTION, "rg-it4ad-dl-pro")
