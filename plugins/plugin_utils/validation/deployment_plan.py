# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``arm-templates/deployment_plan.yml``: the order of an environment's deployments and their wiring."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import (
    UnreadableFile,
    read_yaml,
)

PLAN_FILE = "arm-templates/deployment_plan.yml"
SCOPES = ("resourceGroup", "subscription")
REPETITIONS = ("environment", "work_package")


@dataclass(frozen=True)
class ValueOrigin:
    """Where Ansible takes a deploy-time parameter's value: an inventory variable or a work package key."""

    source: str  # "inventory" or "work_package"
    key: str

    def describe(self) -> str:
        if self.source == "inventory":
            return f"the inventory variable '{self.key}'"
        return f"the key '{self.key}' of each entry in dlinfra_work_packages"


@dataclass(frozen=True)
class OutputReference:
    template: str
    output: str

    def __str__(self) -> str:
        return f"{self.template}.{self.output}"


@dataclass
class PlannedDeployment:
    template: str
    scope: str = "resourceGroup"
    per: str = "environment"
    parameters_from_outputs: dict = field(default_factory=dict)  # parameter -> OutputReference
    index: int = 0

    @property
    def json_path(self) -> str:
        return f"$.deployments[{self.index}]"


@dataclass
class DeploymentPlan:
    deploy_time_parameters: dict  # parameter -> ValueOrigin
    deployments: list


def load_deployment_plan(repository_root: Path):
    """Return ``(DeploymentPlan or None, [Finding])``; the plan's own structure is checked here."""
    try:
        document = read_yaml(repository_root / PLAN_FILE, repository_root)
    except UnreadableFile as unreadable:
        return None, [unreadable.finding]
    if not isinstance(document, dict):
        return None, [
            Finding(
                PLAN_FILE,
                "$",
                "must be a mapping with deploy_time_parameters and deployments.",
                "restore the file's structure (see the comment at its top).",
            )
        ]
    findings = []
    origins = {}
    for name, origin in (document.get("deploy_time_parameters") or {}).items():
        if not (isinstance(origin, dict) and len(origin) == 1 and next(iter(origin)) in ("inventory", "work_package")):
            findings.append(
                Finding(
                    PLAN_FILE,
                    f"$.deploy_time_parameters.{name}",
                    "must name exactly one origin.",
                    "write {inventory: <variable>} or {work_package: <key>}.",
                )
            )
            continue
        ((source, key),) = origin.items()
        origins[name] = ValueOrigin(source, key)
    deployments: list = []
    for index, entry in enumerate(document.get("deployments") or []):
        deployment, entry_findings = _planned_deployment(index, entry, deployments)
        findings.extend(entry_findings)
        if deployment:
            deployments.append(deployment)
    if not deployments:
        findings.append(
            Finding(PLAN_FILE, "$.deployments", "lists no deployment.", "list the templates in the order they deploy.")
        )
    return DeploymentPlan(origins, deployments), findings


def _planned_deployment(index, entry, earlier):
    path = f"$.deployments[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("template"), str):
        return None, [
            Finding(
                PLAN_FILE,
                path,
                "must be a mapping with a 'template'.",
                "write {template: <folder under arm-templates/>}.",
            )
        ]
    findings = []
    deployment = PlannedDeployment(
        entry["template"], entry.get("scope", "resourceGroup"), entry.get("per", "environment"), index=index
    )
    if deployment.scope not in SCOPES:
        findings.append(
            Finding(
                PLAN_FILE,
                f"{path}.scope",
                f"'{deployment.scope}' is not a deployment scope.",
                f"use one of {', '.join(SCOPES)}.",
            )
        )
    if deployment.per not in REPETITIONS:
        findings.append(
            Finding(
                PLAN_FILE,
                f"{path}.per",
                f"'{deployment.per}' is not a repetition.",
                f"use one of {', '.join(REPETITIONS)}.",
            )
        )
    earlier_templates = {previous.template: previous for previous in earlier}
    for parameter, reference in (entry.get("parameters_from_outputs") or {}).items():
        template, dummy_separator, output = str(reference).partition(".")
        source = earlier_templates.get(template)
        if not output or source is None:
            findings.append(
                Finding(
                    PLAN_FILE,
                    f"{path}.parameters_from_outputs.{parameter}",
                    f"'{reference}' does not name an output of an earlier deployment.",
                    "write <template>.<output> of a deployment listed above this one.",
                )
            )
            continue
        if source.per == "work_package" and deployment.per != "work_package":
            findings.append(
                Finding(
                    PLAN_FILE,
                    f"{path}.parameters_from_outputs.{parameter}",
                    f"'{reference}' is a per-work-package output, but '{deployment.template}' runs once per environment.",
                    "take it from a per-environment deployment, or run this deployment per work package.",
                )
            )
            continue
        deployment.parameters_from_outputs[parameter] = OutputReference(template, output)
    return deployment, findings
