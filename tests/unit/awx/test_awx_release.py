"""The AWX objects of awx/ (job templates and workflow of the release) mirror playbooks/release.yml.

The release role's stage list (roles/release/defaults/main.yml) is the reference: one job template per stage, with
the stage's playbook and inventory; and for every way a release can go (each stage failing in turn, pro confirmed
or not) the stages that AWX's workflow scheduler would run are exactly the stages release.yml runs, and the
workflow fails when the release fails. The scheduler's rules below are AWX's (awx/main/scheduler/dag_workflow.py:
mark_dnr_nodes, bfs_nodes_to_run, has_workflow_failed), written out. No secret is written in awx/, every task that
handles credentials has no_log, and every awx.awx task passes only options its module documents.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
AWX = ROOT / "awx"
PLAYBOOKS = ("configure.yml", "release_failed.yml")
SECRET_VARIABLES = ("dlinfra_awx_azure_credentials", "dlinfra_awx_role_test_principal")
CREDENTIAL_MODULES = ("awx.awx.credential", "awx.awx.credential_type", "awx.awx.credential_input_source")
EDGES = ("success_nodes", "failure_nodes", "always_nodes")
FAILED_PATH_NODE = "release_failed"
APPROVED, DENIED = "successful", "failed"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, plus Ansible's !unsafe (a string Ansible does not template)."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load(path: Path):
    return yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def awx_vars() -> dict:
    return {**load(AWX / "vars" / "settings.yml"), **load(AWX / "vars" / "release.yml")}


def tasks() -> list[dict]:
    return [task for name in PLAYBOOKS for play in load(AWX / name) for task in play.get("tasks", [])]


def module_of(task: dict) -> str:
    return next(key for key in task if "." in key)


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
    """One workflow job under AWX's scheduling rules; ``outcome`` gives each node's job status when it runs."""

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
        return all(self.reached(p, name) for p in self.parents[name] if p in self.status)

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
        failed = any(
            status == "failed" and not self.children(name, "failure_nodes", "always_nodes")
            for name, status in self.status.items()
        )
        return list(self.status), failed


def awx_workflow(failing: str | None, confirm_pro: bool) -> Workflow:
    def outcome(name: str) -> str:
        if "approval" in workflow()[name]:
            return APPROVED if confirm_pro else DENIED
        return "failed" if name in (failing, FAILED_PATH_NODE) else "successful"

    return Workflow(workflow(), outcome)


def awx_runs(failing: str | None, confirm_pro: bool) -> tuple[list[str], bool]:
    job = awx_workflow(failing, confirm_pro)
    ran, failed = job.run()
    order = [stage["name"] for stage in release_stages()]
    stages = sorted((name for name in ran if name in order), key=order.index)
    # one stage at a time, in release order: each starts after the one before it has finished
    batches = [job.batch[name] for name in stages]
    assert batches == sorted(set(batches)), f"stages overlap or run out of order: {job.batch}"
    return stages, failed


def release_outcome(failing: str | None, confirm_pro: bool) -> tuple[list[str], bool]:
    """The stages roles/release/tasks/stage.yml runs, and whether release.yml fails."""
    ran: list[str] = []
    for stage in release_stages():
        if "always_after" in stage:
            run = stage["always_after"] in ran
        else:
            run = failing not in ran and (confirm_pro or not stage.get("confirmation", False))
        if run:
            ran.append(stage["name"])
    return ran, failing in ran


@pytest.mark.parametrize("confirm_pro", [False, True])
@pytest.mark.parametrize("failing", [None] + [stage["name"] for stage in release_stages()])
def test_the_workflow_gates_like_the_release(failing, confirm_pro):
    expected, release_fails = release_outcome(failing, confirm_pro)
    ran, workflow_fails = awx_runs(failing, confirm_pro)
    assert ran == expected
    # AWX has no "skipped": a denied (or expired) pro approval fails the workflow where release.yml skips pro.
    denied = not confirm_pro and "deploy_dev" in ran and failing != "deploy_dev"
    assert workflow_fails == (release_fails or denied)


def test_the_workflow_holds_what_the_issue_asks():
    names = [stage["name"] for stage in release_stages()]
    assert awx_runs("validate_templates", True) == (["validate_templates"], True)
    assert awx_runs("validate_env", True) == (names[:3] + ["cleanup_int"], True)
    assert awx_runs("test_custom_role", True) == (names[:5], True)
    assert awx_runs(None, True) == (names, False)
    assert workflow()["deploy_dev"]["all_parents_must_converge"] is True
    assert "approval" in workflow()["approve_pro"] and workflow()["approve_pro"]["success_nodes"] == ["deploy_pro"]


def test_every_job_node_has_a_job_template_and_every_edge_a_node():
    nodes, templates = workflow(), job_templates()
    parents = Workflow(nodes, outcome=None).parents
    for position, (name, node) in enumerate(nodes.items()):
        assert set(parents[name]) <= set(list(nodes)[:position]), f"{name} is listed before a parent (keep topological)"
        assert "approval" in node or name in templates, f"node {name} has no job template of that name"
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
        assert task.get("no_log") is True, f"{task['name']} handles credentials without no_log"


# --- the awx.awx modules' own options ---------------------------------------------------------------------------


def test_every_awx_task_passes_documented_options():
    """ansible-lint does not check awx.awx's arguments, so this does, from ansible-doc of the installed modules."""
    modules = sorted({module_of(task) for task in tasks() if module_of(task).startswith("awx.awx.")})
    result = subprocess.run(
        ["ansible-doc", "-t", "module", "--json", *modules],
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
