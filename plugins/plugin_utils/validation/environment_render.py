# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render one inventory's whole environment offline, deployment by deployment, as Azure would.

Each planned deployment gets the values Ansible would pass (parameter file, inventory, work package,
earlier outputs); the ARM engine checks them against the template's declarations and evaluates the
template. Every problem becomes a finding that names the file the bad value came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import (
    ArmTemplateError,
    DeploymentContext,
    check_parameter_values,
    evaluate_template,
    placeholder_for,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.deployment_plan import PLAN_FILE
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.naming_rules import leaf_name, rule_for

_PARAMETER_TARGET = re.compile(r"^parameters\.(?P<name>[^.\[]+)")


@dataclass
class RenderedDeployment:
    template: str
    scope: str
    work_package: str | None
    resources: list
    outputs: dict


@dataclass
class RenderedEnvironment:
    settings: object  # InventorySettings
    deployments: list = field(default_factory=list)

    def resources_of(self, template: str, work_package: str | None = None) -> list:
        return [
            resource
            for deployment in self.deployments
            if deployment.template == template and deployment.work_package == work_package
            for resource in deployment.resources
        ]


@dataclass(frozen=True)
class _ValueOrigin:
    """Where one parameter value came from, to point a finding at the right file."""

    file: str
    json_path: str
    fix: str


def render_environment(plan, templates: dict, settings):
    """Return ``(RenderedEnvironment, [Finding])`` for one inventory."""
    rendered = RenderedEnvironment(settings)
    findings = []
    outputs: dict = {}  # (template, work package or None) -> outputs
    for deployment in plan.deployments:
        source = templates.get(deployment.template)
        if source is None or not source.renders_for(settings.environment):
            continue  # reported by the plan and template-set checks
        packages = settings.work_packages if deployment.per == "work_package" else [None]
        for index, package in enumerate(packages):
            package_name = package.get("name") if package else None
            values, origins, wiring_complete = _assemble_values(
                deployment, source, settings, plan, outputs, package, index
            )
            if not wiring_complete:
                continue  # an upstream deployment failed; its own finding explains
            result, deployment_findings = _evaluate(deployment, source, settings, values, origins, package_name)
            findings.extend(deployment_findings)
            if result is None:
                continue
            outputs[(deployment.template, package_name)] = result.outputs
            # A resource whose condition is false is skipped by Azure, so it is not part of the environment.
            deployed = [resource for resource in result.resources if resource.get("condition", True) is not False]
            rendered.deployments.append(
                RenderedDeployment(deployment.template, deployment.scope, package_name, deployed, result.outputs)
            )
            findings.extend(_naming_findings(source, settings, deployed))
    return rendered, findings


def deployment_parameter_values(
    plan, deployment, source, settings, outputs: dict, package: dict | None = None, package_index: int = 0
) -> dict | None:
    """The parameter values one planned deployment gets, as ``render_environment`` assembles them.

    ``outputs`` maps ``(template, work package name or None)`` to an earlier deployment's outputs as plain values
    (``{name: value}``), so live deployment outputs can stand in for rendered ones. Returns None when an upstream
    deployment's output is missing.
    """
    values, dummy_origins, wiring_complete = _assemble_values(
        deployment, source, settings, plan, outputs, package, package_index
    )
    return values if wiring_complete else None


def _assemble_values(deployment, source, settings, plan, outputs, package, package_index):
    environment = settings.environment
    parameter_file = source.parameter_files[environment]
    values = dict(source.parameter_values[environment])
    origins: dict[str, _ValueOrigin | None] = {
        name: _ValueOrigin(parameter_file, f"$.parameters.{name}.value", f"correct the value in {parameter_file}.")
        for name in values
    }
    for name in source.key_vault_references.get(environment, ()):
        declared_type = str(source.declared_parameters[name].get("type", "string")).lower()
        values[name] = placeholder_for(declared_type)
        origins[name] = None  # resolved by Azure from the vault; nothing to check offline
    for name, origin in plan.deploy_time_parameters.items():
        declared = source.declared_name(name)
        if declared is None:
            continue
        if origin.source == "inventory":
            if origin.key in settings.variables:
                values[declared] = settings.variables[origin.key]
                origins[declared] = _ValueOrigin(
                    settings.file_of(origin.key),
                    f"$.{origin.key}",
                    f"correct {origin.key} in {settings.file_of(origin.key)}.",
                )
        elif origin.source == "file":
            content = plan.file_value(origin)
            if content is not None:  # an unreadable data file has its own finding
                values[declared] = content
                origins[declared] = _ValueOrigin(origin.file, "$", f"correct {origin.file}.")
        elif package is not None and origin.key in package:
            values[declared] = package[origin.key]
            json_path = f"$.dlinfra_work_packages[{package_index}].{origin.key}"
            origins[declared] = _ValueOrigin(
                settings.file_of("dlinfra_work_packages"), json_path, f"correct {origin.key} of this work package."
            )
    for name, reference in deployment.parameters_from_outputs.items():
        upstream = outputs.get((reference.template, package.get("name") if package else None)) or outputs.get(
            (reference.template, None)
        )
        if upstream is None:
            return values, origins, False
        output_name = next((key for key in upstream if key.lower() == reference.output.lower()), None)
        if output_name is None:
            return values, origins, False  # reported by the plan check
        declared = source.declared_name(name) or name
        values[declared] = upstream[output_name]
        origins[declared] = _ValueOrigin(
            PLAN_FILE,
            f"{deployment.json_path}.parameters_from_outputs.{name}",
            f"wire a matching output of '{reference.template}' to '{name}'.",
        )
    return values, origins, True


def _evaluate(deployment, source, settings, values, origins, package_name):
    template_file = source.template_file
    parameter_errors = check_parameter_values(source.template, values)
    if parameter_errors:
        return None, [_parameter_finding(error, source, settings, origins, package_name) for error in parameter_errors]
    context = DeploymentContext(
        subscription_id=settings.variables.get("dlinfra_subscription_id"),
        resource_group=settings.variables.get("dlinfra_resource_group"),
        location=settings.variables.get("dlinfra_location"),
        deployment_name=f"dlinfra-{deployment.template}" + (f"-{package_name}" if package_name else ""),
        scope=deployment.scope,
    )
    try:
        return evaluate_template(source.template, values, context), []
    except ArmTemplateError as error:
        target = error.target or ""
        json_path = "$" + ("" if target.startswith("[") or not target else ".") + target
        scope = f" (work package '{package_name}')" if package_name else ""
        return None, [
            Finding(
                template_file,
                json_path,
                f"Azure would reject this template{scope}: {error.code}: {error.message}",
                "correct the template at this path.",
                settings.name,
            )
        ]


def _parameter_finding(error, source, settings, origins, package_name):
    match = _PARAMETER_TARGET.match(error.target or "")
    name = match.group("name") if match else None
    origin = origins.get(name) if name else None
    scope = f" (work package '{package_name}')" if package_name else ""
    problem = f"parameter '{name}' of {source.template_file}{scope}: {error.message}"
    if origin is not None:
        return Finding(origin.file, origin.json_path, problem, origin.fix, settings.name)
    parameter_file = source.parameter_files[settings.environment]
    return Finding(
        parameter_file,
        f"$.parameters.{name}" if name else "$.parameters",
        problem,
        f'set "{name}": {{"value": ...}} in {parameter_file}, or give the parameter a '
        f"defaultValue in {source.template_file}.",
        settings.name,
    )


def _naming_findings(source, settings, resources):
    findings = []
    for resource in resources:
        name = resource.get("name")
        rule = rule_for(str(resource.get("type", "")))
        if rule is None or not isinstance(name, str):
            continue
        own_name = leaf_name(name)
        if rule.accepts(own_name):
            continue
        findings.append(
            Finding(
                source.template_file,
                _resource_path(source.template, resource),
                f"renders the {resource['type']} name '{own_name}' ({len(own_name)} characters), which breaks "
                f"Azure's naming rule: {rule.explanation}.",
                "shorten or correct the values the name is built from (dlinfra_name_prefix, the work package "
                f"name, in {settings.folder}), or the name expression in the template.",
                settings.name,
            )
        )
    return findings


def _resource_path(template: dict, resource: dict) -> str:
    wanted = str(resource.get("type", "")).lower()
    declared = template.get("resources")
    if isinstance(declared, dict):  # languageVersion 2.0: symbolic names
        for symbolic_name, body in declared.items():
            if str(body.get("type", "")).lower() == wanted:
                return f"$.resources.{symbolic_name}.name"
    for index, body in enumerate(declared or []):
        if isinstance(body, dict) and str(body.get("type", "")).lower() == wanted:
            return f"$.resources[{index}].name"
    return "$.resources"
