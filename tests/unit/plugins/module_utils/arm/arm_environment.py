"""Evaluate every deployment of one environment, the way deployment_plan.yml wires them (test/bench helper)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.parameters import plain_parameter_values
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue

REPOSITORY = Path(__file__).resolve().parents[5]
TEMPLATES = REPOSITORY / "arm-templates"


def load_inventory(environment: str) -> dict:
    variables = {}
    for path in sorted((REPOSITORY / "inventories" / environment / "group_vars" / "all").glob("*.yml")):
        variables.update(yaml.safe_load(path.read_text()) or {})
    return variables


def load_plan() -> dict:
    return yaml.safe_load((TEMPLATES / "deployment_plan.yml").read_text())


def _work_package_value(work_package: dict, key: str):
    return work_package.get(key, f"{key}-placeholder")


def evaluate_environment(environment: str, work_packages: list[dict] | None = None):
    """Yield (deployment name, work package name or None, TemplateResult) in plan order."""
    plan, inventory = load_plan(), load_inventory(environment)
    work_packages = work_packages if work_packages is not None else inventory["dlinfra_work_packages"]
    context = DeploymentContext(resource_group=inventory["dlinfra_resource_group"],
                                location=inventory["dlinfra_location"])
    templates = {}
    shared_outputs: dict = {}
    for deployment in plan["deployments"]:
        name = deployment["template"]
        if name not in templates:
            templates[name] = json.loads((TEMPLATES / name / f"{name}.json").read_text())
            templates[f"{name}.params"] = plain_parameter_values(
                json.loads((TEMPLATES / name / f"{name}.parameters.{environment}.json").read_text()))
        for work_package in (work_packages if deployment.get("per") == "work_package" else [None]):
            outputs = shared_outputs if work_package is None else shared_outputs.setdefault(
                ("wp", work_package["name"]), dict(shared_outputs))
            declared = templates[name].get("parameters", {})
            values = dict(templates[f"{name}.params"])
            for parameter, source in plan["deploy_time_parameters"].items():
                if parameter not in declared:
                    continue
                if "inventory" in source:
                    values[parameter] = inventory[source["inventory"]]
                elif work_package is not None:
                    values[parameter] = _work_package_value(work_package, source["work_package"])
            for parameter, reference in (deployment.get("parameters_from_outputs") or {}).items():
                value = outputs.get(reference)
                values[parameter] = f"<{reference}>" if value is None or isinstance(value, UnknownValue) else value
            scope = deployment.get("scope", "resourceGroup")
            deployment_name = name if work_package is None else f"{name}-{work_package['name']}"
            result = evaluate_template(copy.deepcopy(templates[name]), values,
                                       context.replace(scope=scope, deployment_name=deployment_name))
            for output, value in result.outputs.items():
                outputs[f"{name}.{output}"] = value
            yield name, (work_package or {}).get("name"), result
