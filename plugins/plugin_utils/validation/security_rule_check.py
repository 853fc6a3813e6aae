# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security rules checked on one rendered environment: each violation is a Finding naming the template file,
the JSON path of the resource's declaration, the rule and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.naming_rules import leaf_name
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_locator import Locator
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_model import (
    RULES_FILE,
    Check,
    Rule,
    is_reference,
    shown,
)


def security_rule_findings(rules: list, templates: dict, rendered_environment) -> list:
    """Every violation of ``rules`` in one rendered environment (``RenderedEnvironment``)."""
    settings = rendered_environment.settings
    placed = [
        (resource, deployment)
        for deployment in rendered_environment.deployments
        for resource in deployment.resources
        if isinstance(resource.get("id"), str)
    ]
    locator = Locator(templates)
    findings: list = []
    for rule in rules:
        if not rule.applies_to_inventory(settings):
            continue
        try:
            expected = _expected_values(rule, settings)
        except _UnsetVariable as unset:
            findings.append(unset.finding)
            continue
        for resource, deployment in placed:
            if not rule.selects(resource):
                continue
            context = _Context(rule, expected, settings, locator, _subject(resource, deployment))
            if rule.check is not None:
                findings.extend(_property_findings(context, resource, deployment))
            else:
                findings.extend(_extension_findings(context, resource, deployment, placed))
    unique: list = []
    for finding in findings:
        if finding not in unique:
            unique.append(finding)
    return unique


class _UnsetVariable(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.render())
        self.finding = finding


@dataclass(frozen=True)
class _Context:
    """One rule applied in one inventory to one selected resource."""

    rule: Rule
    expected: dict  # Check -> the expected value in this inventory
    settings: Any  # InventorySettings
    locator: Locator
    subject: str  # the selected resource, for humans

    def finding(self, template: str, resource: dict, json_suffix: str, detail: str) -> Finding:
        """A violation found at ``resource`` (the selected one or its extension), declared in ``template``."""
        file_name, declaration_path = self.locator.locate(template, resource)
        return Finding(
            file_name,
            declaration_path + json_suffix,
            f"{self.subject} breaks security rule '{self.rule.id}' ({self.rule.description}): {detail}.",
            self.rule.fix,
            self.settings.name,
        )


def _expected_values(rule: Rule, settings) -> dict:
    """The expected value of each check of ``rule``, inventory references resolved for this inventory."""
    expected = {}
    for check in ((rule.check,) if rule.check else ()) + rule.extension_checks:
        value = check.expectation.value
        if is_reference(value):
            name = value["from_inventory"]
            if name not in settings.variables:
                raise _UnsetVariable(
                    Finding(
                        settings.file_of(name),
                        "$",
                        f"security rule '{rule.id}' ({RULES_FILE} {check.expectation.json_path}) compares with the "
                        f"inventory variable {name}, which {settings.folder} does not set.",
                        f"set {name} in {settings.folder}/group_vars/all/, or correct the variable name in "
                        f"{RULES_FILE}.",
                        settings.name,
                    )
                )
            value = settings.variables[name]
        expected[check] = value
    return expected


def _violation(check: Check, expected, document) -> str | None:
    """``None`` when ``document`` meets ``check``, else what is wrong."""
    actual = check.path.read(document)
    ok, lacking = check.expectation.holds(actual, expected)
    if ok:
        return None
    detail = f"{check.path.text} is {shown(actual)}, expected {check.expectation.describe(expected)}"
    return detail + (f"; it lacks {shown(lacking)}" if lacking else "")


def _property_findings(context: _Context, resource: dict, deployment) -> list:
    check = context.rule.check
    if check is None:  # an extension rule has no property check of its own
        return []
    violation = _violation(check, context.expected[check], resource)
    if violation is None:
        return []
    return [context.finding(deployment.template, resource, check.path.json_suffix(), violation)]


def _extension_findings(context: _Context, resource: dict, deployment, placed: list) -> list:
    rule = context.rule
    target = resource["id"] + (f"/{rule.extension_child}" if rule.extension_child else "")
    prefix = f"{target}/providers/{rule.extension_type}/".lower()
    extensions = [
        (extension, home)
        for extension, home in placed
        if str(extension.get("type", "")).lower() == str(rule.extension_type).lower()
        and extension["id"].lower().startswith(prefix)
    ]
    on_child = f" on {rule.extension_child}" if rule.extension_child else ""
    if not rule.extension_exists:
        return [
            context.finding(
                home.template,
                extension,
                "",
                f"it has the {extension['type']} '{leaf_name(extension['name'])}'{on_child}, which this environment "
                "must not have",
            )
            for extension, home in extensions
        ]
    if not extensions:
        return [
            context.finding(
                deployment.template,
                resource,
                "",
                f"it has no {rule.extension_type} extension resource{on_child} (one whose scope is {target})",
            )
        ]
    findings: list = []
    for extension, home in extensions:
        violations = [(check, _violation(check, context.expected[check], extension)) for check in rule.extension_checks]
        failed = [(check, violation) for check, violation in violations if violation is not None]
        if not failed:
            return []  # one extension that meets every check is enough
        findings.extend(
            context.finding(
                home.template,
                extension,
                check.path.json_suffix(),
                f"its {extension['type']} '{leaf_name(extension['name'])}'{on_child} has {violation}",
            )
            for check, violation in failed
        )
    return findings


def _subject(resource: dict, deployment) -> str:
    package = f" (work package '{deployment.work_package}')" if deployment.work_package else ""
    return f"{resource['type']} '{leaf_name(str(resource.get('name')))}'{package}"
