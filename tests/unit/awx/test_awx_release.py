"""The AWX objects of awx/ (job templates and workflow of the release) mirror playbooks/release.yml.

The release role's stage list (roles/release/defaults/main.yml) is the reference: one job template per stage, with
the stage's playbook and inventory; and for every combination of job results (successful, failed, error, canceled;
the pro approval given or denied) the stages that AWX's workflow scheduler would run are exactly the stages
release.yml runs, and the workflow fails when the release fails. The scheduler's rules below are AWX's
(awx/main/scheduler/dag_workflow.py: mark_dnr_nodes, bfs_nodes_to_run, _all_parents_met_convergence_criteria,
has_workflow_failed), written out. No secret is written in awx/, every task that handles credentials has no_log
(but the key check, run here to show it prints no value), and every awx.awx task passes only options its module
documents.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
AWX = ROOT / "awx"
PLAYBOOKS = ("configure.yml", "release_failed.yml")
SECRET_VARIABLES = ("dlinfra_awx_azure_credentials", "dlinfra_awx_role_test_principal")
CREDENTIAL_MODULES = ("awx.awx.credential", "awx.awx.credential_type", "awx.awx.credential_input_source")
# The one task that reads the secret variables without no_log: it compares key names and prints only those.
KEY_CHECK = "Check that the Azure credential of every environment and the role test principal have their keys"
EDGES = ("success_nodes", "failure_nodes", "always_nodes")
FAILED_PATH_NODE = "release_failed"
APPROVAL = "approve_pro"
APPROVED, DENIED = "successful", "failed"
# A job's results in AWX. For edges, AWX treats error and canceled like failed; all_parents_must_converge only
# weighs parents that succeeded or failed (awx/main/scheduler/dag_workflow.py).
STATUSES = ("successful", "failed", "error", "canceled")
NOT_SUCCESSFUL = STATUSES[1:]
CONVERGENCE_COUNTED = STATUSES[:2]
# release.yml deploys dev only after these stages all succeeded.
GATES_OF_DEV = ("validate_env", "test_custom_role", "cleanup_int")


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, plus Ansible's !unsafe (a string Ansible does not template)."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load(path: Path):
    return yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


@functools.cache
def awx_vars() -> dict:
    return {**load(AWX / "vars" / "settings.yml"), **load(AWX / "vars" / "release.yml")}


def tasks() -> list[dict]:
    return [task for name in PLAYBOOKS for play in load(AWX / name) for task in play.get("tasks", [])]


def module_of(task: dict) -> str:
    return next(key for key in task if "." in key)


@functools.cache
def release_stages() -> list[dict]:
    return load(ROOT / "roles" / "release" / "defaults" / "main.yml")["release_stages"]


def job_templates() -> dict[str, dict]:
    return {template["stage"]: template for template in awx_vars()["dlinfra_awx_job_templates"]}


def workflow() -> dict[str, dict]:
    return {node["identifier"]: node for node in awx_vars()["dlinfra_awx_workflow_nodes"]}


# --- job templates ------------------------------------------------------------------------------------------------


def test_one_job_template_per_stage_in_release_order():
    stages = [name for name in job_templates() if name != FAILED_PATH_NODE]
    assert stages == [stage["name"] for stage in release_stages()]


def test_each_job_template_runs_its_stages_playbook_on_its_inventory():
    templates = job_templates()
    for stage in release_stages():
        template = templates[stage["name"]]
        assert template["playbook"] == f"playbooks/{stage['playbook']}", stage["name"]
        assert template["environment"] == stage["inventory"], stage["name"]
        assert template.get("confirm_pro", False) == stage.get("confirmation", False), stage["name"]
        assert template.get("azure", True), f"{stage['name']} needs its environment's Azure credential"
    for template in templates.values():
        assert (ROOT / template["playbook"]).is_file(), template["playbook"]
    assert templates[FAILED_PATH_NODE].get("azure") is False, "release_failed touches nothing, it needs no credential"


def test_the_inventories_come_from_the_project_folders():
    environments = awx_vars()["dlinfra_awx_environments"]
    assert {template["environment"] for template in job_templates().values()} <= set(environments)
    for environment in environments:
        assert (ROOT / "inventories" / environment / "hosts.yml").is_file(), environment
    source = next(task for task in tasks() if module_of(task) == "awx.awx.inventory_source")["awx.awx.inventory_source"]
    assert (source["source"], source["source_path"]) == ("scm", "inventories/{{ item }}")


def test_only_the_role_test_gets_the_role_test_principal():
    with_principal = [name for name, template in job_templates().items() if template.get("role_test_principal")]
    assert with_principal == [
        stage["name"] for stage in release_stages() if stage["playbook"] == "test_custom_role.yml"
    ]


def test_pro_needs_the_confirmation_variable_in_its_survey():
    survey = awx_vars()["dlinfra_awx_confirm_pro_survey"]
    [question] = survey["spec"]
    assert question["variable"] == "dlinfra_release_confirm_pro"
    assert question["required"] is True and question["choices"] == ["true"] and not question["default"]
    assert workflow()["deploy_pro"]["extra_data"] == {"dlinfra_release_confirm_pro": "true"}


def test_the_role_test_credential_type_injects_what_the_int_inventory_reads():
    read = re.findall(
        r"lookup\('ansible\.builtin\.env', '(\w+)'\)",
        (ROOT / "inventories" / "int" / "group_vars" / "all" / "role_test.yml").read_text(),
    )
    credential_type = awx_vars()["dlinfra_awx_role_test_credential_type"]
    fields = {field["id"]: field for field in credential_type["inputs"]["fields"]}
    injected = credential_type["injectors"]["env"]
    assert sorted(injected) == sorted(read) and len(read) == 4
    for variable, template in injected.items():
        field = re.fullmatch(r"\{\{ (\w+) \}\}", template)
        assert field and field.group(1) in fields, f"{variable}: {template!r} is not one of the type's fields"
    assert set(credential_type["inputs"]["required"]) == set(fields)
    assert [name for name, field in fields.items() if field.get("secret")] == ["secret"]
    assert "!unsafe" in (AWX / "vars" / "release.yml").read_text(), "injector templates must stay unrendered"


# --- the workflow: AWX's scheduler against release.yml ----------------------------------------------------------


class Workflow:
    """One workflow job under AWX's scheduling rules; ``outcome`` gives each node's job status when it runs.

    AWX follows a node's failure edges when its job failed, errored or was canceled (bfs_nodes_to_run,
    _should_mark_node_dnr); a canceled node job does not stop the workflow (only canceling the workflow job does,
    task_manager.py). An all_parents_must_converge node only checks parents whose job succeeded or failed
    (_all_parents_met_convergence_criteria): an errored or canceled parent counts as met.
    """

    def __init__(self, nodes: dict[str, dict], outcome):
        self.nodes, self.outcome = nodes, outcome
        self.status: dict[str, str] = {}
        self.batch: dict[str, int] = {}
        self.dnr: set[str] = set()
        self.parents = {
            name: [p for p, node in nodes.items() if any(name in node.get(e, []) for e in EDGES)] for name in nodes
        }

    def children(self, name: str, *edges: str) -> list[str]:
        return [child for edge in edges for child in self.nodes[name].get(edge, [])]

    def followed(self, name: str) -> list[str]:
        """The children a finished node leads to: by its result's edges and its always edges."""
        edge = "success_nodes" if self.status[name] == "successful" else "failure_nodes"
        return self.children(name, edge, "always_nodes")

    def reached(self, parent: str, child: str) -> bool:
        return child in self.followed(parent)

    def parents_finished(self, name: str) -> bool:
        return all(p in self.dnr or p in self.status for p in self.parents[name])

    def converged(self, name: str) -> bool:
        return all(self.reached(p, name) for p in self.parents[name] if self.status.get(p) in CONVERGENCE_COUNTED)

    def mark_dnr(self) -> None:
        for name, node in self.nodes.items():  # the data lists the nodes in topological order
            if name in self.dnr or name in self.status or not self.parents[name]:
                continue
            if node.get("all_parents_must_converge"):
                if any(p in self.dnr for p in self.parents[name]) or not self.converged(name):
                    self.dnr.add(name)
            elif self.parents_finished(name) and not any(
                p in self.status and self.reached(p, name) for p in self.parents[name]
            ):
                self.dnr.add(name)

    def nodes_to_run(self) -> list[str]:
        queue, found, seen = [name for name in self.nodes if not self.parents[name]], [], set()
        for name in queue:
            if name in seen or name in self.dnr:
                continue
            seen.add(name)
            if name in self.status:
                queue += self.followed(name)
            elif self.parents_finished(name) and (
                not self.nodes[name].get("all_parents_must_converge") or self.converged(name)
            ):
                found.append(name)
        return found

    def run(self) -> tuple[list[str], bool]:
        while True:
            self.mark_dnr()
            ready = self.nodes_to_run()
            if not ready:
                break
            self.status.update({name: self.outcome(name) for name in ready})
            self.batch.update(dict.fromkeys(ready, len(set(self.batch.values()))))
        undecided = set(self.nodes) - self.dnr - set(self.status)
        assert not undecided, f"the workflow job would never finish, waiting for {undecided}: {self.status}"
        failed = any(
            status in NOT_SUCCESSFUL and not self.children(name, "failure_nodes", "always_nodes")
            for name, status in self.status.items()
        )
        return list(self.status), failed


class Undecided(Exception):
    """A model asked for a result that the combination being checked has not chosen yet."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def results_of(key: str) -> tuple[str, ...]:
    """What a job (by stage), the approval, or release_failed (whose playbook always fails) can end as."""
    if key == APPROVAL:
        return (APPROVED, DENIED)
    return NOT_SUCCESSFUL if key == FAILED_PATH_NODE else STATUSES


def stage_of(node: str) -> str:
    """The stage whose job template a node runs (the approval node: itself)."""
    return workflow()[node].get("job_template", node)


def result(results: dict[str, str], key: str) -> str:
    if key not in results:
        raise Undecided(key)
    return results[key]


def awx_runs(results: dict[str, str]) -> tuple[list[str], bool, Workflow]:
    """The stages AWX runs when each stage's job ends as ``results`` says, and whether the workflow fails."""
    job = Workflow(workflow(), lambda node: result(results, stage_of(node)))
    ran, failed = job.run()
    order = [stage["name"] for stage in release_stages()]
    stage_nodes = sorted(
        (node for node in ran if stage_of(node) in order), key=lambda node: order.index(stage_of(node))
    )
    stages = [stage_of(node) for node in stage_nodes]
    assert len(stages) == len(set(stages)), f"a stage ran twice: {ran}"
    # one stage at a time, in release order: each starts after the one before it has finished
    batches = [job.batch[node] for node in stage_nodes]
    assert batches == sorted(set(batches)), f"stages overlap or run out of order: {job.batch}"
    return stages, failed, job


def release_outcome(results: dict[str, str]) -> tuple[list[str], bool]:
    """The stages roles/release/tasks/stage.yml runs, and whether release.yml fails (the approval stands for
    -e dlinfra_release_confirm_pro=true: asked only when the release gets to pro)."""
    ran: list[str] = []
    for stage in release_stages():
        if "always_after" in stage:
            run = stage["always_after"] in ran
        else:
            run = all(result(results, name) == "successful" for name in ran) and (
                not stage.get("confirmation", False) or result(results, APPROVAL) == APPROVED
            )
        if run:
            ran.append(stage["name"])
    return ran, any(result(results, name) != "successful" for name in ran)


def every_combination():
    """Every combination of results of the jobs that run, in AWX or in release.yml: a depth-first walk that
    branches wherever either model asks for a result not chosen yet."""
    pending: list[dict[str, str]] = [{}]
    while pending:
        results = pending.pop()
        try:
            awx_stages, workflow_fails, job = awx_runs(results)
            release_stages_run, release_fails = release_outcome(results)
        except Undecided as undecided:
            pending += [{**results, undecided.key: status} for status in results_of(undecided.key)]
            continue
        yield results, (awx_stages, workflow_fails, job), (release_stages_run, release_fails)


def test_the_workflow_gates_like_the_release_whatever_each_job_ends_as():
    seen: set[tuple[str, str]] = set()
    count = 0
    for results, (ran, workflow_fails, job), (expected, release_fails) in every_combination():
        count += 1
        seen |= {(stage_of(node), status) for node, status in job.status.items()}
        assert ran == expected, results
        if "deploy_dev" in ran:
            assert all(results[stage] == "successful" for stage in GATES_OF_DEV), results
        # AWX has no "skipped": a denied (or expired) pro approval fails the workflow where release.yml skips pro.
        denied = job.status.get(APPROVAL) == DENIED
        assert workflow_fails == (release_fails or denied), results
    # every job ended every way it can somewhere in the walk
    stages = [stage["name"] for stage in release_stages()]
    assert {(stage, status) for stage in stages for status in STATUSES} <= seen, sorted(seen)
    assert {(FAILED_PATH_NODE, status) for status in NOT_SUCCESSFUL} <= seen
    assert count > len(stages) * len(STATUSES)


def test_the_workflow_holds_what_the_issue_and_the_review_ask():
    names = [stage["name"] for stage in release_stages()]

    def runs(**results: str) -> tuple[list[str], bool]:
        defaults = {name: "successful" for name in names} | {APPROVAL: APPROVED, FAILED_PATH_NODE: "failed"}
        stages, fails, _ = awx_runs(defaults | results)
        return stages, fails

    assert runs(validate_templates="failed") == (["validate_templates"], True)
    assert runs(validate_env="failed") == (names[:3] + ["cleanup_int"], True)
    assert runs(test_custom_role="failed") == (names[:5], True)
    assert runs() == (names, False)
    # the review: an errored or canceled role test or cleanup never lets dev run
    for status in ("error", "canceled"):
        assert runs(test_custom_role=status) == (names[:5], True), status
        assert runs(cleanup_int=status) == (names[:5], True), status
        assert runs(deploy_int=status) == (names[:2] + ["cleanup_int"], True), status
    # AWX ignores errored or canceled parents for all_parents_must_converge, so no node relies on it
    assert not [name for name, node in workflow().items() if node.get("all_parents_must_converge")]
    assert "approval" in workflow()[APPROVAL] and workflow()[APPROVAL]["success_nodes"] == ["deploy_pro"]
    # both cleanup nodes run the one cleanup job template
    assert [node for node in workflow() if stage_of(node) == "cleanup_int"] == [
        "cleanup_int",
        "cleanup_int_after_failure",
    ]


def test_the_model_follows_awx_for_errored_and_canceled_jobs():
    """AWX's rules the workflow is built around, on a small graph: a canceled job takes the failure edges (the
    workflow goes on), and an all_parents_must_converge node runs after a canceled parent."""
    nodes = {
        "a": {"success_nodes": ["c"], "failure_nodes": ["handler"]},
        "b": {"success_nodes": ["c"]},
        "c": {"all_parents_must_converge": True},
        "handler": {},
    }
    results = {"a": "canceled", "b": "successful", "c": "successful", "handler": "successful"}
    ran, failed = Workflow(nodes, results.get).run()
    assert sorted(ran) == ["a", "b", "c", "handler"] and not failed
    ran, failed = Workflow(nodes, ({**results, "a": "error", "handler": "error"}).get).run()
    assert sorted(ran) == ["a", "b", "c", "handler"] and failed
    ran, failed = Workflow(nodes, ({**results, "a": "failed"}).get).run()
    assert sorted(ran) == ["a", "b", "handler"] and not failed


def test_every_job_node_has_a_job_template_and_every_edge_a_node():
    nodes, templates = workflow(), job_templates()
    parents = Workflow(nodes, outcome=None).parents
    for position, (name, node) in enumerate(nodes.items()):
        assert set(parents[name]) <= set(list(nodes)[:position]), f"{name} is listed before a parent (keep topological)"
        assert "approval" in node or stage_of(name) in templates, f"node {name} has no job template of that name"
        for edge in EDGES:
            assert set(node.get(edge, [])) <= set(nodes), f"{name}.{edge} points at no node"


# --- secrets ------------------------------------------------------------------------------------------------------


def strings(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")
    else:
        yield path, value


def test_no_literal_secret_in_awx():
    documents = {str(path.relative_to(ROOT)): load(path) for path in sorted(AWX.rglob("*.yml"))}
    for name, document in documents.items():
        for path, value in strings(document):
            if re.search(r"(secret|password|token|client)$", path.split(".")[-1], re.IGNORECASE):
                assert isinstance(value, bool) or "{{" in str(value), f"{name}{path}: literal {value!r}"
        if isinstance(document, dict):
            assert not set(SECRET_VARIABLES) & set(document), f"{name} defines a secret variable; use a vault"
    for task in tasks():
        module = module_of(task)
        for path, value in strings(task[module].get("inputs", {}) if module == "awx.awx.credential" else {}):
            assert "{{" in str(value), f"{task['name']}: input {path} is literal"


def test_every_task_that_handles_credentials_has_no_log():
    handling = [
        task
        for task in tasks()
        if module_of(task) in CREDENTIAL_MODULES or any(variable in str(task) for variable in SECRET_VARIABLES)
    ]
    assert len(handling) >= 4
    for task in handling:
        if task["name"] == KEY_CHECK:
            continue  # prints key names only: test_the_input_checks_name_missing_keys_and_print_no_value
        assert task.get("no_log") is True, f"{task['name']} handles credentials without no_log"


# --- the awx.awx modules' own options ---------------------------------------------------------------------------


def test_every_awx_task_passes_documented_options():
    """ansible-lint does not check awx.awx's arguments, so this does, from ansible-doc of the installed modules."""
    modules = sorted({module_of(task) for task in tasks() if module_of(task).startswith("awx.awx.")})
    result = subprocess.run(
        [sys.executable, "-m", "ansible.cli.doc", "-t", "module", "--json", *modules],
        capture_output=True,
        text=True,
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections")},
        check=False,
    )
    assert result.returncode == 0, f"awx.awx not installed? run make setup\n{result.stderr}"
    docs = {name: doc["doc"]["options"] for name, doc in json.loads(result.stdout).items()}
    for task in tasks():
        module = module_of(task)
        if module not in docs:
            continue
        options = docs[module]
        known = set(options) | {alias for option in options.values() for alias in option.get("aliases", [])}
        assert set(task[module]) <= known, f"{task['name']}: {set(task[module]) - known} not options of {module}"
        required = {name for name, option in options.items() if option.get("required")}
        assert required <= set(task[module]), f"{task['name']}: {module} needs {required - set(task[module])}"


# --- configure.yml's input checks, run (they fail before anything reaches AWX) --------------------------------------

CANARY = "canary-secret-5d1e"
AZURE = {"subscription": "s", "client": "c", "secret": CANARY, "tenant": "t"}
PRINCIPAL = {"client_id": "c", "secret": CANARY, "tenant_id": "t", "object_id": "o"}


def configure(tmp_path: Path, **inputs) -> str:
    """Run awx/configure.yml with ``inputs`` (as a vars file, like a vault file); it must fail. Its output."""
    (tmp_path / "inputs.json").write_text(
        json.dumps({"dlinfra_awx_scm_url": "u", "dlinfra_awx_ee_image": "i", **inputs})
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ansible.cli.playbook",
            str(AWX / "configure.yml"),
            "-e",
            f"@{tmp_path / 'inputs.json'}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
            "CONTROLLER_HOST": "https://127.0.0.1:9",  # nothing listens: a check that let bad inputs through fails too
            "ANSIBLE_NOCOLOR": "1",
        },
        check=False,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    ("inputs", "missing"),
    [
        (
            {
                "dlinfra_awx_azure_credentials": {"int": AZURE, "dev": {**AZURE, "tenant": None}},
                "dlinfra_awx_role_test_principal": {k: v for k, v in PRINCIPAL.items() if k != "object_id"},
            },
            [
                "dlinfra_awx_azure_credentials.pro.subscription",
                "dlinfra_awx_azure_credentials.pro.tenant",
                "dlinfra_awx_role_test_principal.object_id",
            ],
        ),
        (
            {
                "dlinfra_awx_azure_credentials": {
                    env: {k: v for k, v in AZURE.items() if k != "client"} for env in ("int", "dev", "pro")
                }
            },
            [
                "dlinfra_awx_azure_credentials.int.client",
                "dlinfra_awx_azure_credentials.pro.client",
                "dlinfra_awx_role_test_principal.secret",
            ],
        ),
    ],
)
def test_the_input_checks_name_missing_keys_and_print_no_value(tmp_path, inputs, missing):
    output = configure(tmp_path, **inputs)
    assert KEY_CHECK in output and "Missing from the vault file" in output, output
    for name in missing:
        assert name in output, output
    assert "dlinfra_awx_azure_credentials.int.secret" not in output, "a key that is there is reported missing"
    assert CANARY not in output


def test_the_value_checks_say_which_variable_has_an_empty_value_and_print_none(tmp_path):
    azure = {env: AZURE for env in ("int", "dev", "pro")} | {"dev": {**AZURE, "tenant": ""}}
    output = configure(tmp_path, dlinfra_awx_azure_credentials=azure, dlinfra_awx_role_test_principal=PRINCIPAL)
    assert "Check that no value of dlinfra_awx_azure_credentials is empty" in output and "FAILED" in output, output
    assert CANARY not in output
    output = configure(
        tmp_path,
        dlinfra_awx_azure_credentials={env: AZURE for env in ("int", "dev", "pro")},
        dlinfra_awx_role_test_principal={**PRINCIPAL, "object_id": ""},
    )
    assert "Check that no value of dlinfra_awx_role_test_principal is empty" in output and "FAILED" in output, output
    assert CANARY not in output
