# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an ARM template and its parameter file, merge Ansible's values, and check them offline.

Everything here runs before any request: a template that is not JSON, a parameter file that is not a
deploymentParameters document, a parameter the template does not declare, or a value ARM would reject
(type, allowedValues, lengths, ranges) fails with the file, the JSON path and the fix.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import (
    SECURE_TYPES,
    check_parameter_values,
    is_secure,
    placeholder_for,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError


@dataclass
class TemplateInput:
    template_file: str
    template: dict
    parameters: dict  # ARM body form: {name: {"value": ...} or {"reference": ...}}
    secure_values: list = field(default_factory=list, repr=False)

    @property
    def declared(self) -> dict:
        return self.template.get("parameters") or {}

    def parameter_type(self, name: str) -> str:
        return str((self.declared.get(name) or {}).get("type", "string")).lower()


def _read_json(path: str, what: str, fix: str):
    if not os.path.isfile(path):
        raise DlinfraError(f"{what} {path} does not exist. Fix: {fix}")
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        raise DlinfraError(f"{what} {path} is not valid JSON: {error}. Fix: correct the file.") from None


def read_template(template_file: str) -> dict:
    """The ARM template in ``template_file``, or a ``DlinfraError`` naming the file and the fix."""
    template = _read_json(template_file, "template", "give the path of an ARM template (.json).")
    if not isinstance(template, dict) or "resources" not in template or "$schema" not in template:
        raise DlinfraError(
            f'template {template_file} is not an ARM template: it needs "$schema" and '
            '"resources". Fix: point template at an ARM deployment template.'
        )
    return template


def load_template_input(
    template_file: str, parameters_file: str | None, values: dict | None, template: dict | None = None
) -> TemplateInput:
    """The template (``template`` when the caller has read it already), and its parameters: the file's, then
    ``values`` (Ansible's) on top."""
    template = read_template(template_file) if template is None else template
    declared = template.get("parameters") or {}
    declared_by_lower = {name.lower(): name for name in declared}
    parameters = {}
    if parameters_file:
        document = _read_json(
            parameters_file, "parameter file", "create it (deploymentParameters format), or leave parameters_file out."
        )
        file_parameters = document.get("parameters") if isinstance(document, dict) else None
        if not isinstance(file_parameters, dict):
            raise DlinfraError(
                f'parameter file {parameters_file} has no "parameters" object. Fix: write it in '
                'the deploymentParameters format ({"$schema": ..., "parameters": {"name": '
                '{"value": ...}}}).'
            )
        for name, entry in file_parameters.items():
            if not isinstance(entry, dict) or not ({"value", "reference"} & set(entry)):
                raise DlinfraError(
                    f'parameter file {parameters_file} $.parameters.{name} has neither "value" '
                    'nor "reference". Fix: write {"value": ...} or a Key Vault reference.'
                )
            parameters[_declared_name(name, declared_by_lower, parameters_file, template_file)] = entry
    for name, value in (values or {}).items():
        parameters[_declared_name(name, declared_by_lower, "the parameters option", template_file)] = {"value": value}
    source = TemplateInput(template_file, template, parameters)
    _check_offline(source, parameters_file)
    return source


def _declared_name(name: str, declared_by_lower: dict, origin: str, template_file: str) -> str:
    declared = declared_by_lower.get(str(name).lower())
    if declared is None:
        known = ", ".join(sorted(declared_by_lower.values())) or "none"
        raise DlinfraError(
            f"{origin} sets parameter '{name}', which {template_file} does not declare (declared: "
            f"{known}). Fix: remove it or correct its name."
        )
    return declared


def _check_offline(source: TemplateInput, parameters_file: str | None) -> None:
    values = {}
    template = source.template
    for name, entry in source.parameters.items():
        if "reference" in entry:
            # Azure resolves the value from Key Vault: only its declared type can be checked offline.
            values[name] = placeholder_for(source.parameter_type(name))
            template = dict(
                template,
                parameters=dict(
                    template.get("parameters") or {}, **{name: {"type": source.declared[name].get("type", "string")}}
                ),
            )
            continue
        values[name] = entry["value"]
        if source.parameter_type(name) in SECURE_TYPES and entry["value"] not in (None, "", {}):
            source.secure_values.append(entry["value"])
    errors = check_parameter_values(template, values)
    if errors:
        lines = [f"  - {error.target or 'parameters'}: {error.message}" for error in errors]
        origin = f"{parameters_file} or the parameters option" if parameters_file else "the parameters option"
        raise DlinfraError(
            f"the parameters of {source.template_file} would be rejected by Azure:\n"
            + "\n".join(lines)
            + f"\nFix: correct the values in {origin}."
        )


def secure_values_of(template: dict, values: dict | None) -> list:
    """The values of ``values`` that ``template`` declares secure (for no_log, before anything else can fail)."""
    declared = template.get("parameters") or {}
    secure = {
        name.lower()
        for name, declaration in declared.items()
        if isinstance(declaration, dict) and is_secure(declaration)
    }
    return [value for name, value in (values or {}).items() if str(name).lower() in secure]


def secure_strings(values) -> list[str]:
    """Every string inside secure parameter values, for the module's no_log list."""
    found = []
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and value:
            found.append(value)
        elif value is not None and not isinstance(value, bool):
            found.append(str(value))
    return found
