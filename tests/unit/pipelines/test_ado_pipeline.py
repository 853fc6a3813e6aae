"""The Azure DevOps pipeline mirrors playbooks/release.yml, and every step runs something that exists.

The release role's stage list (roles/release/defaults/main.yml) is the reference: the pipeline has the same stages
in the same order, and for every way a release can go (each stage failing in turn, pro confirmed or not) the
stages that Azure DevOps would run under the pipeline's dependsOn and conditions are exactly the stages that
release.yml runs. Every template call passes parameters its template declares, every step's playbook and
inventory exist, and each stage uses its own environment's variable group, service connection and inventory.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PIPELINE = "ado-pipe-staged-infra-release.yml"
TEMPLATES = ("ado-template-mlenv.yml", "ado-template-mlenv-sharedinfra.yml", "ado-template-mlenv-workspace.yml")
RUNNER = "ado-template-mlenv.yml"
STAGE_ENVIRONMENTS = {"int": "int", "dev": "dev", "pro": "pro"}


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def release_stages() -> list[dict]:
    return yaml.safe_load((ROOT / "roles" / "release" / "defaults" / "main.yml").read_text())["release_stages"]


def pipeline_stages() -> list[dict]:
    return load(PIPELINE)["stages"]


def steps_of(stage: dict) -> list[dict]:
    steps = []
    for job in stage["jobs"]:
        if "deployment" in job:
            steps += job["strategy"]["runOnce"]["deploy"]["steps"]
        else:
            steps += job["steps"]
    return steps


def declared(template: str) -> dict:
    return {parameter["name"]: parameter for parameter in load(template)["parameters"]}


def runner_calls(steps: list[dict], bound: dict | None = None) -> list[dict]:
    """The parameters of every call of the runner template, following the partial templates' own calls."""
    calls = []
    for step in steps:
        if "template" not in step:
            continue
        arguments = {name: substitute(value, bound or {}) for name, value in (step.get("parameters") or {}).items()}
        if step["template"] == RUNNER:
            calls.append({"playbook": declared(RUNNER)["playbook"]["default"], **arguments})
        else:
            calls += runner_calls(load(step["template"])["steps"], arguments)
    return calls


def substitute(value, bound: dict):
    if isinstance(value, list):
        return [substitute(item, bound) for item in value]
    if isinstance(value, str):
        return re.sub(
            r"\$\{\{ parameters\.(\w+) \}\}", lambda match: str(bound.get(match.group(1), match.group(0))), value
        )
    return value


def test_the_pipeline_has_the_release_stages_in_order():
    assert [stage["stage"] for stage in pipeline_stages()] == [stage["name"] for stage in release_stages()]


def test_each_stage_runs_the_playbook_and_inventory_of_its_release_stage():
    for ado, release in zip(pipeline_stages(), release_stages(), strict=True):
        calls = runner_calls(steps_of(ado))
        assert [call["playbook"] for call in calls] == [f"playbooks/{release['playbook']}"], ado["stage"]
        environment = STAGE_ENVIRONMENTS[release["inventory"]]
        assert {call["inventory"] for call in calls} == {f"inventories/{environment}"}, ado["stage"]
        assert {call["environment"] for call in calls} == {environment}, ado["stage"]
        assert {call["serviceConnection"] for call in calls} == {f"sc-dlinfra-{environment}"}, ado["stage"]
        assert ado["variables"] == [{"group": f"dlinfra-{environment}"}], ado["stage"]
        for job in ado["jobs"]:
            if "deployment" in job:
                assert job["environment"] == f"dlinfra-{environment}", ado["stage"]


# --- the gates: Azure DevOps' stage semantics against the release role's --------------------------------------


def ado_runs(stages: list[dict], failing: str | None, confirm_pro: bool) -> list[str]:
    """The stages Azure DevOps runs when ``failing`` fails, for the condition forms the pipeline may use."""
    results: dict[str, str] = {}
    for stage in stages:
        depends = stage.get("dependsOn", [])
        condition = re.sub(r"\s+", "", stage.get("condition", "succeeded()"))
        succeeded = all(results[name] == "Succeeded" for name in depends)
        always = re.fullmatch(r"and\(always\(\),ne\(dependencies\.(\w+)\.result,'Skipped'\)\)", condition)
        confirmed = re.fullmatch(r"and\(succeeded\(\),eq\('\$\{\{parameters\.confirmPro\}\}','true'\)\)", condition)
        if condition == "succeeded()":
            run = succeeded
        elif always:
            assert always.group(1) in depends, f"{stage['stage']}: the condition reads a stage it does not depend on"
            run = results[always.group(1)] != "Skipped"
        elif confirmed:
            run = succeeded and confirm_pro
        else:
            pytest.fail(f"{stage['stage']}: condition {stage['condition']!r} is not one this test understands")
        results[stage["stage"]] = ("Failed" if stage["stage"] == failing else "Succeeded") if run else "Skipped"
    return [name for name, result in results.items() if result != "Skipped"]


def release_runs(stages: list[dict], failing: str | None, confirm_pro: bool) -> list[str]:
    """The stages roles/release/tasks/stage.yml runs (its decision, written out)."""
    ran, failed = [], []
    for stage in stages:
        if "always_after" in stage:
            run = stage["always_after"] in ran
        else:
            run = not failed and (confirm_pro or not stage.get("confirmation", False))
        if run:
            ran.append(stage["name"])
            if stage["name"] == failing:
                failed.append(stage["name"])
    return ran


@pytest.mark.parametrize("confirm_pro", [False, True])
@pytest.mark.parametrize("failing", [None] + [stage["name"] for stage in release_stages()])
def test_the_pipeline_gates_like_the_release(failing, confirm_pro):
    expected = release_runs(release_stages(), failing, confirm_pro)
    assert ado_runs(pipeline_stages(), failing, confirm_pro) == expected


def test_the_gates_hold_what_the_issue_asks():
    names = [stage["name"] for stage in release_stages()]
    # a broken template reaches nothing, not even the cleanup
    assert release_runs(release_stages(), "validate_templates", True) == ["validate_templates"]
    # a failed functional validation still cleans up int and never promotes
    assert release_runs(release_stages(), "validate_env", True) == names[:3] + ["cleanup_int"]
    # pro only with the confirmation
    assert "deploy_pro" not in release_runs(release_stages(), None, False)
    assert release_runs(release_stages(), None, True) == names


# --- steps and templates ----------------------------------------------------------------------------------------


def all_runner_calls() -> list[dict]:
    calls = [call for stage in pipeline_stages() for call in runner_calls(steps_of(stage))]
    for template in TEMPLATES[1:]:
        names = declared(template)
        calls += runner_calls(load(template)["steps"], {name: f"<{name}>" for name in names})
    return calls


def test_every_step_calls_a_playbook_and_inventory_that_exist():
    missing = set()
    for call in all_runner_calls():
        for path in (call["playbook"], call["inventory"]):
            if "<" not in path and not (ROOT / path).exists():
                missing.add(path)
    assert not missing, f"missing in the repository: {sorted(missing)}"


def template_calls() -> list[tuple[str, str, dict]]:
    """(caller, template, parameters) of every template call in the pipeline and the templates."""
    calls = [
        (stage["stage"], step["template"], step.get("parameters") or {})
        for stage in pipeline_stages()
        for step in steps_of(stage)
        if "template" in step
    ]
    for template in TEMPLATES:
        calls += [
            (template, step["template"], step.get("parameters") or {})
            for step in load(template)["steps"]
            if "template" in step
        ]
    return calls


def test_every_template_call_passes_declared_parameters_with_allowed_values():
    for caller, template, arguments in template_calls():
        assert template in TEMPLATES, f"{caller}: unknown template {template}"
        parameters = declared(template)
        assert set(arguments) <= set(parameters), (
            f"{caller} -> {template}: undeclared {set(arguments) - set(parameters)}"
        )
        required = {name for name, parameter in parameters.items() if "default" not in parameter}
        assert required <= set(arguments), f"{caller} -> {template}: missing {required - set(arguments)}"
        for name, value in arguments.items():
            allowed = parameters[name].get("values")
            if allowed and "${{" not in str(value):
                assert value in allowed, f"{caller} -> {template}: {name}={value!r} not in {allowed}"


def test_every_declared_template_parameter_is_used():
    for template in TEMPLATES:
        text = (ROOT / template).read_text()
        for name in declared(template):
            assert re.search(rf"\bparameters\.{name}\b", text), (
                f"{template}: parameter {name} is declared but never used"
            )
    pipeline = (ROOT / PIPELINE).read_text()
    for parameter in load(PIPELINE)["parameters"]:
        assert re.search(rf"\bparameters\.{parameter['name']}\b", pipeline), parameter["name"]


def test_the_runner_authenticates_with_workload_identity_federation():
    tasks = [step for step in load(RUNNER)["steps"] if step.get("task") == "AzureCLI@2"]
    assert len(tasks) == 1
    inputs = tasks[0]["inputs"]
    assert inputs["addSpnToEnvironment"] is True
    assert inputs["azureSubscription"] == "${{ parameters.serviceConnection }}"
    script = inputs["inlineScript"]
    assert "AZURE_FEDERATED_TOKEN_FILE" in script and "$idToken" in script and "$servicePrincipalId" in script
    assert "servicePrincipalKey" not in script  # no client secret: federation only
    assert all(value.startswith("$(") for value in tasks[0]["env"].values())  # secrets from the variable group
