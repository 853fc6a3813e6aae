# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole offline validation: templates, parameter files, plan, inventories, datastores, checkov."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation import datastore_config
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.checkov_scan import checkov_findings
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.deployment_plan import load_deployment_plan
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import render_environment
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.inventory_settings import (
    discover_inventories,
    load_inventory_settings,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.naming_rules import leaf_name, rule_for
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.plan_consistency import plan_findings
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_check import security_rule_findings
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rules import load_security_rules
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.template_set import load_template_set


@dataclass
class ValidationReport:
    findings: list = field(default_factory=list)
    environments: list = field(default_factory=list)  # RenderedEnvironment, one per inventory
    datastore_config: dict | None = None

    @property
    def passed(self) -> bool:
        return not self.findings


def validate_repository(
    repository_root: Path, inventories=None, run_checkov: bool = True, check_security_rules: bool = True
) -> ValidationReport:
    """Validate everything offline; ``inventories`` limits the environments (default: all of them).

    ``check_security_rules=False`` leaves out ``arm-templates/security_rules.yml``, for tests of the other checks
    on fixture templates that are not meant to be secure.
    """
    report = ValidationReport()
    plan, findings = load_deployment_plan(repository_root)
    report.findings.extend(findings)
    if plan is None:
        return report
    templates, findings = load_template_set(repository_root, plan.deploy_time_parameters)
    report.findings.extend(findings)
    report.findings.extend(plan_findings(plan, templates))
    config, findings = datastore_config.load_datastore_config(repository_root)
    report.findings.extend(findings)
    report.datastore_config = config
    rules: list = []
    if check_security_rules:
        rules, findings = load_security_rules(repository_root)
        report.findings.extend(findings)
    for inventory_name in inventories or discover_inventories(repository_root):
        settings, findings = load_inventory_settings(repository_root, inventory_name)
        report.findings.extend(findings)
        if settings is None or findings:
            continue
        rendered, findings = render_environment(plan, templates, settings)
        report.findings.extend(findings)
        report.environments.append(rendered)
        if config is not None:
            report.findings.extend(datastore_config.environment_findings(config, rendered))
        report.findings.extend(security_rule_findings(rules or [], templates, rendered))
    report.findings.extend(_global_name_findings(report.environments))
    if run_checkov:
        report.findings.extend(checkov_findings(repository_root))
    return report


class EnvironmentUnreadable(Exception):
    """The plan, the templates or the inventory cannot be read; the message lists the findings."""


def load_environment_inputs(repository_root: Path, inventory_name: str, work_packages=None):
    """``(plan, templates, settings)`` of one inventory, read as the validator reads them.

    ``work_packages`` replaces the inventory's list (benchmarks generate many). Raises ``EnvironmentUnreadable``
    when the plan or the inventory cannot be read.
    """
    plan, findings = load_deployment_plan(repository_root)
    if plan is None:
        raise EnvironmentUnreadable("; ".join(finding.render() for finding in findings))
    templates = load_template_set(repository_root, plan.deploy_time_parameters)[0]
    settings, findings = load_inventory_settings(repository_root, inventory_name)
    if settings is None:
        raise EnvironmentUnreadable("; ".join(finding.render() for finding in findings))
    if work_packages is not None:
        settings = replace(settings, variables={**settings.variables, "dlinfra_work_packages": work_packages})
    return plan, templates, settings


def _global_name_findings(environments) -> list:
    """Storage accounts, registries and vaults share one namespace across all of Azure."""
    owners: dict = {}
    findings = []
    for environment in environments:
        for deployment in environment.deployments:
            for resource in deployment.resources:
                rule = rule_for(str(resource.get("type", "")))
                if not (rule and rule.globally_unique and isinstance(resource.get("name"), str)):
                    continue
                key = (resource["type"].lower(), leaf_name(resource["name"]).lower())
                first = owners.setdefault(key, environment.settings)
                if first is not environment.settings:
                    findings.append(
                        Finding(
                            environment.settings.file_of("dlinfra_name_prefix"),
                            "$.dlinfra_name_prefix",
                            f"{resource['type']} name '{key[1]}' is also rendered for {first.folder}; the name "
                            "must be unique across Azure.",
                            "give the inventories different dlinfra_name_prefix or dlinfra_environment values.",
                            environment.settings.name,
                        )
                    )
    return findings
