# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``arm-templates/deployment_plan.yml``: the order of an environment's deployments and their wiring."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import (
    UnreadableFile,
    read_json,
    read_yaml,
)

PLAN_FILE = "arm-templates/deployment_plan.yml"
TEMPLATES_FOLDER = "arm-templates"
SCOPES = ("resourceGroup", "subscription")
REPETITIONS = ("environment", "work_package")
ORIGIN_KINDS = ("inventory", "work_package", "file")
DATA_FILE_SUFFIXES = (".json", ".yml", ".yaml")


@dataclass(frozen=True)
class ValueOrigin:
    """Where Ansible takes a deploy-time parameter's value: an inventory variable, a work package key, or the
    parsed content of a data file under arm-templates/ (``key`` is then its path relative to arm-templates/)."""

    source: str  # "inventory", "work_package" or "file"
    key: str

    def describe(self) -> str:
        if self.source == "inventory":
            return f"the inventory variable '{self.key}'"
        if self.source == "file":
            return f"the data file {self.file}"
        return f"the key '{self.key}' of each entry in dlinfra_work_packages"

    @property
    def file(self) -> str:
        """The data file's path relative to the repository root (only for ``source == "file"``)."""
        return f"{TEMPLATES_FOLDER}/{self.key}"


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
    data_files: dict = field(default_factory=dict)  # ValueOrigin.key of a file origin -> its parsed content

    def file_value(self, origin: ValueOrigin):
        """The parsed content of a file origin's data file; None when it could not be read (a finding says why)."""
        return self.data_files.get(origin.key)


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
    data_files: dict = {}
    for name, origin in (document.get("deploy_time_parameters") or {}).items():
        if not (isinstance(origin, dict) and len(origin) == 1 and next(iter(origin)) in ORIGIN_KINDS):
            findings.append(
                Finding(
                    PLAN_FILE,
                    f"$.deploy_time_parameters.{name}",
                    "must name exactly one origin.",
                    "write {inventory: <variable>}, {work_package: <key>} or {file: <path under arm-templates/>}.",
                )
            )
            continue
        ((source, key),) = origin.items()
        origins[name] = ValueOrigin(source, str(key))
        if source == "file":
            content, problems = _read_data_file(repository_root, name, origins[name])
            findings.extend(problems)
            if not problems:
                data_files[origins[name].key] = content
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
    return DeploymentPlan(origins, deployments, data_files), findings


def _read_data_file(repository_root: Path, name: str, origin: ValueOrigin):
    """``(content, [Finding])`` of the data file a ``{file: <path>}`` origin names."""
    path = f"$.deploy_time_parameters.{name}.file"
    relative = Path(origin.key)
    templates_root = (repository_root / TEMPLATES_FOLDER).resolve()
    target = (templates_root / relative).resolve()
    if relative.is_absolute() or not target.is_relative_to(templates_root) or target == templates_root:
        return None, [
            Finding(
                PLAN_FILE,
                path,
                f"'{origin.key}' is not a path inside {TEMPLATES_FOLDER}/.",
                f"write the data file's path relative to {TEMPLATES_FOLDER}/, e.g. customrole/model_developer_role.json.",
            )
        ]
    if target.suffix.lower() not in DATA_FILE_SUFFIXES:
        return None, [
            Finding(
                PLAN_FILE,
                path,
                f"'{origin.key}' is neither JSON nor YAML, so parameter '{name}' cannot be read from it.",
                f"name a data file ending in {', '.join(DATA_FILE_SUFFIXES)}.",
            )
        ]
    if not target.is_file():
        return None, [
            Finding(
                origin.file,
                "$",
                f"is missing, but {PLAN_FILE} passes its content as the deploy-time parameter '{name}'.",
                f"create {origin.file}, or correct deploy_time_parameters.{name}.file in {PLAN_FILE}.",
            )
        ]
    try:
        reader = read_json if target.suffix.lower() == ".json" else read_yaml
        return reader(target, repository_root), []
    except UnreadableFile as unreadable:
        return None, [unreadable.finding]


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
