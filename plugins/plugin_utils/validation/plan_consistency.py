# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks that the deployment plan and the templates agree, independent of any environment."""

from __future__ import annotations

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.deployment_plan import PLAN_FILE
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding


def plan_findings(plan, templates: dict) -> list:
    findings = []
    planned = {deployment.template for deployment in plan.deployments}
    for kind, source in templates.items():
        if kind not in planned:
            findings.append(
                Finding(
                    source.template_file,
                    "$",
                    f"template '{kind}' is never deployed.",
                    f"add it to the deployments in {PLAN_FILE}, or remove its folder.",
                )
            )
    for deployment in plan.deployments:
        source = templates.get(deployment.template)
        if source is None:
            findings.append(
                Finding(
                    PLAN_FILE,
                    f"{deployment.json_path}.template",
                    f"names template '{deployment.template}', which has no "
                    f"arm-templates/{deployment.template}/{deployment.template}.json.",
                    "correct the name or add the template.",
                )
            )
            continue
        findings.extend(_wiring_findings(deployment, source, templates))
        findings.extend(_repetition_findings(deployment, source, plan))
    return findings


def _wiring_findings(deployment, source, templates):
    findings = []
    for parameter, reference in deployment.parameters_from_outputs.items():
        path = f"{deployment.json_path}.parameters_from_outputs.{parameter}"
        if source.declared_name(parameter) is None:
            findings.append(
                Finding(
                    PLAN_FILE,
                    path,
                    f"template '{deployment.template}' declares no parameter '{parameter}'.",
                    f"declare it in {source.template_file} or remove the line.",
                )
            )
        upstream = templates.get(reference.template)
        outputs = (upstream.template.get("outputs") or {}) if upstream else {}
        if upstream and reference.output.lower() not in {name.lower() for name in outputs}:
            findings.append(
                Finding(
                    PLAN_FILE,
                    path,
                    f"template '{reference.template}' has no output "
                    f"'{reference.output}' (it has: {', '.join(sorted(outputs)) or 'none'}).",
                    f"name one of its outputs, or add the output to {upstream.template_file}.",
                )
            )
    return findings


def _repetition_findings(deployment, source, plan):
    if deployment.per == "work_package":
        return []
    return [
        Finding(
            PLAN_FILE,
            deployment.json_path,
            f"template '{deployment.template}' takes '{name}' from each work package, but runs once per environment.",
            "add 'per: work_package' to this deployment, or remove the parameter.",
        )
        for name, origin in plan.deploy_time_parameters.items()
        if origin.source == "work_package" and source.declared_name(name) is not None
    ]
