# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ARM templates under ``arm-templates/`` and their per-environment parameter files.

Layout: ``arm-templates/<kind>/<kind>.json`` with ``<kind>.parameters.{dev,int,pro}.json`` beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import (
    UnreadableFile,
    read_json,
    relative_name,
)

ENVIRONMENT_NAMES = ("dev", "int", "pro")
TEMPLATES_FOLDER = "arm-templates"
PARAMETER_FILE_NAME = re.compile(r"^(?P<kind>[^.]+)\.parameters\.(?P<environment>[^.]+)\.json$")
PARAMETERS_SCHEMA_URL = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
EMPTY_PARAMETER_FILE = '{"$schema": "' + PARAMETERS_SCHEMA_URL + '", "contentVersion": "1.0.0.0", "parameters": {}}'


@dataclass
class TemplateSource:
    """One template with the parameter values each environment's parameter file sets."""

    kind: str
    template_file: str
    template: dict
    parameter_files: dict = field(default_factory=dict)  # environment -> relative file name
    parameter_values: dict = field(default_factory=dict)  # environment -> {parameter name: value}
    # environment -> names whose value is a Key Vault reference, resolved by Azure at deploy time
    key_vault_references: dict = field(default_factory=dict)
    # environments whose parameter file has problems of its own; nothing is rendered from it until fixed
    broken_parameter_files: set = field(default_factory=set)

    def renders_for(self, environment: str) -> bool:
        return environment in self.parameter_values and environment not in self.broken_parameter_files

    @property
    def declared_parameters(self) -> dict:
        return self.template.get("parameters") or {}

    def declared_name(self, name: str) -> str | None:
        """The declared spelling of a parameter; ARM compares parameter names case-insensitively."""
        for declared in self.declared_parameters:
            if declared.lower() == name.lower():
                return declared
        return None


def load_template_set(repository_root: Path, deploy_time_parameters: dict):
    """Return ``({kind: TemplateSource}, [Finding])`` for every template folder."""
    findings = []
    templates = {}
    templates_root = repository_root / TEMPLATES_FOLDER
    for folder in sorted(path for path in templates_root.iterdir() if path.is_dir()):
        template_path = folder / f"{folder.name}.json"
        if not template_path.is_file():
            findings.append(
                Finding(
                    relative_name(folder, repository_root),
                    "$",
                    f"holds no template: '{template_path.name}' is missing.",
                    f"add {template_path.name}, or remove the folder.",
                )
            )
            continue
        try:
            template = read_json(template_path, repository_root)
        except UnreadableFile as unreadable:
            findings.append(unreadable.finding)
            continue
        source = TemplateSource(folder.name, relative_name(template_path, repository_root), template)
        findings.extend(_check_template_shape(source))
        findings.extend(_load_parameter_files(source, folder, repository_root, deploy_time_parameters))
        templates[folder.name] = source
    return templates, findings


def _check_template_shape(source: TemplateSource):
    template = source.template
    if not isinstance(template, dict):
        return [
            Finding(
                source.template_file,
                "$",
                "is not a JSON object.",
                "write the template as an object with $schema, contentVersion, parameters and resources.",
            )
        ]
    findings = []
    for key, example in (
        ("$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"),
        ("contentVersion", "1.0.0.0"),
    ):
        if not isinstance(template.get(key), str):
            findings.append(
                Finding(
                    source.template_file,
                    f"$['{key}']" if key.startswith("$") else f"$.{key}",
                    f"the template has no '{key}'.",
                    f'add "{key}": "{example}".',
                )
            )
    if not isinstance(template.get("parameters", {}), dict):
        findings.append(
            Finding(
                source.template_file,
                "$.parameters",
                "must be an object of parameter declarations.",
                'write parameters as {"name": {"type": ...}}.',
            )
        )
        template["parameters"] = {}
    return findings


def _load_parameter_files(source, folder, repository_root, deploy_time_parameters):
    findings = []
    for path in sorted(folder.glob(f"{source.kind}.parameters.*.json")):
        match = PARAMETER_FILE_NAME.match(path.name)
        environment = match.group("environment") if match else None
        if environment not in ENVIRONMENT_NAMES:
            findings.append(
                Finding(
                    relative_name(path, repository_root),
                    "$",
                    f"is for an unknown environment '{environment}'; the environments are {', '.join(ENVIRONMENT_NAMES)}.",
                    f"rename it to {source.kind}.parameters.<dev|int|pro>.json or remove it.",
                )
            )
            continue
        file_name = relative_name(path, repository_root)
        source.parameter_files[environment] = file_name
        try:
            document = read_json(path, repository_root)
        except UnreadableFile as unreadable:
            findings.append(unreadable.finding)
            source.broken_parameter_files.add(environment)
            continue
        values, file_findings = _parameter_values(source, file_name, document, deploy_time_parameters)
        if file_findings:
            source.broken_parameter_files.add(environment)
        source.parameter_values[environment] = values
        source.key_vault_references[environment] = {
            source.declared_name(name)
            for name, entry in (document.get("parameters") or {}).items()
            if isinstance(entry, dict) and "reference" in entry and source.declared_name(name)
        }
        findings.extend(file_findings)
    for environment in ENVIRONMENT_NAMES:
        if environment not in source.parameter_files:
            expected = f"{TEMPLATES_FOLDER}/{source.kind}/{source.kind}.parameters.{environment}.json"
            findings.append(
                Finding(
                    expected,
                    "$",
                    f"is missing: every template needs a parameter file for each of {', '.join(ENVIRONMENT_NAMES)}.",
                    f"create it; with nothing to set it holds {EMPTY_PARAMETER_FILE}.",
                )
            )
    return findings


def _parameter_values(source, file_name, document, deploy_time_parameters):
    """Check one parameter file's shape and names; return its plain values and the findings."""
    findings = []
    if not isinstance(document, dict):
        return {}, [Finding(file_name, "$", "is not a JSON object.", f"write it as {EMPTY_PARAMETER_FILE}.")]
    if document.get("$schema") != PARAMETERS_SCHEMA_URL:
        findings.append(
            Finding(
                file_name,
                "$['$schema']",
                f"is {document.get('$schema')!r}, not the deploymentParameters schema.",
                f'set "$schema": "{PARAMETERS_SCHEMA_URL}".',
            )
        )
    if not isinstance(document.get("contentVersion"), str):
        findings.append(Finding(file_name, "$.contentVersion", "is missing.", 'add "contentVersion": "1.0.0.0".'))
    unknown_keys = sorted(set(document) - {"$schema", "contentVersion", "parameters"})
    for key in unknown_keys:
        findings.append(
            Finding(
                file_name,
                f"$.{key}",
                f"'{key}' is not part of a parameter file.",
                "remove it; a parameter file holds only $schema, contentVersion and parameters.",
            )
        )
    entries = document.get("parameters")
    if not isinstance(entries, dict):
        findings.append(
            Finding(file_name, "$.parameters", "must be an object.", 'write "parameters": {"name": {"value": ...}}.')
        )
        return {}, findings
    declared = sorted(source.declared_parameters)
    values = {}
    for name, entry in entries.items():
        path = f"$.parameters.{name}"
        declared_name = source.declared_name(name)
        deploy_time_name = next((key for key in deploy_time_parameters if key.lower() == name.lower()), None)
        if deploy_time_name:
            origin = deploy_time_parameters[deploy_time_name]
            findings.append(
                Finding(
                    file_name,
                    path,
                    f"sets '{name}', which Ansible passes at deploy time from {origin.describe()}; "
                    "a value lives in exactly one place.",
                    f"remove it here and set {origin.describe()} instead.",
                )
            )
            continue
        if declared_name is None:
            findings.append(
                Finding(
                    file_name,
                    path,
                    f"sets parameter '{name}', which {source.template_file} does not declare "
                    f"(it declares: {', '.join(declared) or 'none'}).",
                    "remove it, correct its spelling, or declare it in the template.",
                )
            )
            continue
        if not isinstance(entry, dict) or set(entry) not in ({"value"}, {"reference"}):
            findings.append(
                Finding(
                    file_name,
                    path,
                    "must be an object with exactly one of 'value' or 'reference'.",
                    f'write "{name}": {{"value": ...}} (or a Key Vault "reference" for a secret).',
                )
            )
            continue
        if "reference" in entry:
            reference = entry["reference"]
            if not (
                isinstance(reference, dict)
                and isinstance(reference.get("secretName"), str)
                and isinstance((reference.get("keyVault") or {}).get("id"), str)
            ):
                findings.append(
                    Finding(
                        file_name,
                        f"{path}.reference",
                        "a Key Vault reference needs keyVault.id and secretName.",
                        'write {"keyVault": {"id": "<vault resource id>"}, "secretName": "<name>"}.',
                    )
                )
            continue
        values[declared_name] = entry["value"]
    return values, findings
