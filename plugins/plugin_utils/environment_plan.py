# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole environment's deployments, computed and checked on the controller before anything touches Azure.

``plan_environment`` runs the offline validation on the variables Ansible really has (inventory, group_vars,
extra vars), renders the environment with the template engine, checks the rendered resources against the security
rules (``arm-templates/security_rules.yml``), and returns every deployment in plan order with
its template, parameter file, deterministic name, the values Ansible passes (deploy-time values and earlier
outputs, assembled by the validator's ``deployment_parameter_values`` so the wiring lives in one place) and the
deployments it waits for. It also returns the datastores ``datastore_config.json`` attaches to each workspace.
"""

from __future__ import annotations

import json
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import contains_unknown
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation import datastore_config
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.deployment_plan import load_deployment_plan
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import (
    deployment_parameter_values,
    render_environment,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.inventory_settings import (
    VARIABLE_PREFIX,
    InventorySettings,
    settings_findings,
    variable_files_of,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import relative_name
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.plan_consistency import plan_findings
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_check import security_rule_findings
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rules import load_security_rules
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.template_set import load_template_set

SHARED_GROUP = "shared"
STORAGE_OUTPUT = {"data": ("datastorage", "storageAccountName"), "ml": ("mlstorage", "storageAccountName")}


class PlanRefused(Exception):
    """The desired state is invalid; ``findings`` say where and how to fix it."""

    def __init__(self, findings: list):
        super().__init__("\n".join(finding.render() for finding in findings))
        self.findings = findings


def deployment_name(template: str, work_package: str | None) -> str:
    return f"dlinfra-{template}" + (f"-{work_package}" if work_package else "")


def inventory_settings_from(variables: dict, repository_root: Path, inventory_dir: str | None) -> InventorySettings:
    """The settings of the variables Ansible resolved; findings point at the inventory files that set them."""
    folder = Path(inventory_dir) if inventory_dir else repository_root / "inventories"
    files, findings = variable_files_of(folder, repository_root) if inventory_dir else ({}, [])
    if findings:
        raise PlanRefused(findings)
    # A JSON round trip turns Ansible's tagged values into plain ones, as the template engine expects.
    ours = json.loads(
        json.dumps({name: value for name, value in variables.items() if name.startswith(VARIABLE_PREFIX)})
    )
    return InventorySettings(folder.name, relative_name(folder, repository_root), ours, files)


def plan_environment(repository_root: Path, settings: InventorySettings, work_package: str | None = None) -> dict:
    """The checked plan (see the module docstring); raises ``PlanRefused`` with every finding."""
    findings = settings_findings(settings, repository_root)
    plan, plan_problems = load_deployment_plan(repository_root)
    findings.extend(plan_problems)
    if plan is None or findings:
        raise PlanRefused(findings)
    templates, template_problems = load_template_set(repository_root, plan.deploy_time_parameters)
    findings.extend(template_problems + plan_findings(plan, templates))
    config, config_problems = datastore_config.load_datastore_config(repository_root)
    findings.extend(config_problems)
    if findings:
        raise PlanRefused(findings)
    rendered, render_problems = render_environment(plan, templates, settings)
    findings.extend(render_problems + datastore_config.environment_findings(config, rendered))
    # The security rules (arm-templates/security_rules.yml) hold for what would be deployed, or nothing is.
    rules, rule_problems = load_security_rules(repository_root)
    findings.extend(rule_problems + security_rule_findings(rules, templates, rendered))
    names = [package["name"] for package in settings.work_packages]
    if work_package is not None and work_package not in names:
        findings.append(
            Finding(
                settings.file_of("dlinfra_work_packages"),
                "$.dlinfra_work_packages",
                f"work package '{work_package}' is not in this inventory (it has: {', '.join(names)}).",
                "pass -e work_package=<one of them>.",
                settings.name,
            )
        )
    if findings:
        raise PlanRefused(findings)
    outputs = {
        (deployment.template, deployment.work_package): deployment.outputs for deployment in rendered.deployments
    }
    deployments = []
    for planned in plan.deployments:
        source = templates[planned.template]
        packages = settings.work_packages if planned.per == "work_package" else [None]
        for index, package in enumerate(packages):
            package_name = package["name"] if package else None
            if work_package is not None and package_name not in (None, work_package):
                continue
            deployments.append(
                _deployment_entry(repository_root, plan, planned, source, settings, outputs, package, index)
            )
    planned_packages = [name for name in names if work_package in (None, name)]
    return {
        "deployments": deployments,
        "groups": [SHARED_GROUP] + planned_packages,
        "datastores": _datastores(config, outputs, settings, work_package),
    }


def _deployment_entry(repository_root, plan, planned, source, settings, outputs, package, index) -> dict:
    package_name = package["name"] if package else None
    values = deployment_parameter_values(plan, planned, source, settings, outputs, package, index)
    ansible_decided = {source.declared_name(name) for name in plan.deploy_time_parameters}
    ansible_decided |= {source.declared_name(name) or name for name in planned.parameters_from_outputs}
    parameters = {name: value for name, value in (values or {}).items() if name in ansible_decided}
    unknown = sorted(name for name, value in parameters.items() if contains_unknown(value))
    if values is None or unknown:
        raise PlanRefused(
            [
                Finding(
                    "arm-templates/deployment_plan.yml",
                    planned.json_path,
                    f"the parameters {', '.join(unknown) or '(wired)'} of '{planned.template}' come from outputs that are "
                    "known only after deployment, so the plan cannot be computed before deploying.",
                    "wire only outputs that the template engine can compute offline (ids and names).",
                    settings.name,
                )
            ]
        )
    upstream = sorted({reference.template for reference in planned.parameters_from_outputs.values()})
    key = deployment_name(planned.template, package_name)
    depends_on = [
        deployment_name(template, package_name if _per_package(plan, template) else None) for template in upstream
    ]
    scope = "subscription" if planned.scope == "subscription" else "resource_group"
    return {
        "key": key,
        "template_name": planned.template,
        "group": package_name or SHARED_GROUP,
        "scope": scope,
        # exactly the options of it4ad.dlinfra.arm_deployments' deployments[] entries
        "arguments": {
            "key": key,
            "name": key,
            "group": package_name or SHARED_GROUP,
            "depends_on": depends_on,
            "template": str(repository_root / source.template_file),
            "parameters_file": str(repository_root / source.parameter_files[settings.environment]),
            "parameters": parameters,
            "scope": scope,
            "resource_group": None if scope == "subscription" else settings.variables["dlinfra_resource_group"],
            "location": settings.variables["dlinfra_location"],
        },
    }


def _per_package(plan, template: str) -> bool:
    return any(entry.template == template and entry.per == "work_package" for entry in plan.deployments)


def _datastores(config: dict, outputs: dict, settings: InventorySettings, work_package: str | None) -> dict:
    """Work package name -> its workspace and the datastores it gets, as ``ml_datastore``'s ``workspaces[]``."""
    attached = {}
    for package in settings.work_packages:
        name = package["name"]
        if work_package not in (None, name):
            continue
        workspace = outputs.get(("mlworkspace", name), {}).get("workspaceName")
        entries = []
        for datastore in datastore_config.datastores_for(config, name):
            template, output = STORAGE_OUTPUT[datastore["storageAccount"]]
            entries.append(
                {
                    "name": datastore["name"],
                    "account_name": outputs[(template, None)][output],
                    "container_name": datastore["container"],
                    "description": datastore.get("description"),
                    "tags": {"readOnly": str(bool(datastore.get("readOnly", False))).lower()},
                }
            )
        attached[name] = {"name": workspace, "datastores": entries}
    return attached
