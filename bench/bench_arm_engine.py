#!/usr/bin/env python
"""Benchmark the pure-Python ARM template engine.

Reports the evaluation time of the largest template in the corpus (the azure-ai-ml workspace template,
about 26 KB), of a synthetic 40 KB template, and of a whole environment with 20 work packages.
Targets: under 50 ms for a 40 KB template, under 1 s for the whole environment. Each case also
reports its ratio to a baseline timed in the same run (a deep copy of the same template data).

usage: bench/bench_arm_engine.py [--environment dev] [--work-packages 20] [--repeat 20]
"""

import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path

# The venv's python finds the collection through the path `make setup` writes.
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import evaluate_template, plain_parameter_values
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.expressions import parse_expression
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import render_environment
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    EnvironmentUnreadable,
    load_environment_inputs,
)

REPOSITORY = Path(__file__).resolve().parents[1]
REFERENCE = REPOSITORY / "tests" / "fixtures" / "reference-arm-templates"


def timed(action, repeat: int) -> tuple[float, float]:
    samples = []
    for dummy_round in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, max(samples) * 1000


def measured(action, baseline, repeat: int) -> dict:
    """Median and worst time of ``action``, and its ratio to ``baseline`` timed in the same run.

    The baseline is a deep copy of the same template data: a pure-Python walk over the same JSON, so
    the ratio says how much the engine costs beyond touching every value once, on any machine.
    """
    median, worst = timed(action, repeat)
    baseline_median = timed(baseline, repeat)[0]
    return {
        "median_ms": round(median, 2),
        "max_ms": round(worst, 2),
        "baseline_deepcopy_ms": round(baseline_median, 3),
        "ratio_to_baseline": round(median / baseline_median, 1),
    }


def largest_corpus_template():
    candidates = [
        path
        for path in REFERENCE.rglob("*.json")
        if "parameters" not in path.name and path.name != "workspace_param.json"
    ]
    path = max(candidates, key=lambda candidate: candidate.stat().st_size)
    values = {}
    if path.name == "workspace_base.json":
        values = plain_parameter_values(json.loads((path.parent / "workspace_param.json").read_text()))
        values.update(
            workspaceName="ws",
            resourceGroupName="rg",
            location="westeurope",
            storageAccountName="sa",
            keyVaultName="kv",
            applicationInsightsName="ai",
        )
    return path, json.loads(path.read_text()), values


def synthetic_template(target_bytes: int) -> dict:
    """Real-world shaped resources (storage, containers with copy, role assignments) up to the size."""
    resources = []
    index = 0
    template = {
        "parameters": {"prefix": {"type": "string", "defaultValue": "dl"}},
        "variables": {"tags": {"env": "[toUpper('dev')]", "owner": "[concat(parameters('prefix'), '-team')]"}},
        "resources": resources,
    }
    while len(json.dumps(template)) < target_bytes:
        name = f"[concat(parameters('prefix'), 'sa{index}', take(uniqueString(resourceGroup().id, '{index}'), 6))]"
        resources.append(
            {
                "type": "Microsoft.Storage/storageAccounts",
                "apiVersion": "2023-01-01",
                "name": name,
                "location": "[resourceGroup().location]",
                "tags": "[variables('tags')]",
                "sku": {"name": "Standard_LRS"},
                "kind": "StorageV2",
                "properties": {
                    "minimumTlsVersion": "TLS1_2",
                    "allowBlobPublicAccess": False,
                    "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
                    "encryption": {
                        "keySource": "Microsoft.Storage",
                        "services": {"blob": {"enabled": "[equals(parameters('prefix'), 'dl')]"}},
                    },
                },
            }
        )
        resources.append(
            {
                "type": "Microsoft.Authorization/roleAssignments",
                "apiVersion": "2022-04-01",
                "name": f"[guid(resourceGroup().id, 'ra{index}')]",
                "dependsOn": [
                    f"[resourceId('Microsoft.Storage/storageAccounts', "
                    f"concat(parameters('prefix'), 'sa{index}', take(uniqueString(resourceGroup().id, '{index}'), 6)))]"
                ],
                "properties": {
                    "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/"
                    "roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')]",
                    "principalId": "00000000-0000-0000-0000-000000000001",
                    "principalType": "Group",
                },
            }
        )
        index += 1
    return template


def environment_with_work_packages(environment: str, count: int):
    """The validator's plan, templates and the inventory's settings, with ``count`` generated work packages."""
    work_packages = [
        {"name": f"wp{index:02d}", "developer_group_object_id": f"00000000-0000-0000-0000-{index:012d}"}
        for index in range(count)
    ]
    try:
        return load_environment_inputs(REPOSITORY, environment, work_packages)
    except EnvironmentUnreadable as error:
        raise SystemExit(f"inventory {environment} unreadable: {error}") from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--environment", default="dev")
    parser.add_argument("--work-packages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    report = {}
    path, template, values = largest_corpus_template()
    evaluate_template(template, values)  # warm the parse cache once, as a long-lived process would
    report["largest_corpus_template"] = {
        "path": str(path.relative_to(REFERENCE)),
        "bytes": path.stat().st_size,
        **measured(lambda: evaluate_template(template, values), lambda: copy.deepcopy(template), args.repeat),
    }

    synthetic = synthetic_template(40 * 1024)
    parse_expression.cache_clear()
    cold = timed(lambda: evaluate_template(synthetic, {}), 1)[0]
    report["synthetic_40kb_template"] = {
        "bytes": len(json.dumps(synthetic)),
        "resources": len(synthetic["resources"]),
        "cold_ms": round(cold, 2),
        **measured(lambda: evaluate_template(synthetic, {}), lambda: copy.deepcopy(synthetic), args.repeat),
        "target_ms": 50,
    }

    plan, templates, settings = environment_with_work_packages(args.environment, args.work_packages)
    counts = {}

    def whole_environment():
        rendered, findings = render_environment(plan, templates, settings)
        if findings:
            raise SystemExit(f"the environment does not render: {[finding.problem for finding in findings]}")
        counts["deployments"] = len(rendered.deployments)

    every_template = [source.template for source in templates.values()]
    report["whole_environment"] = {
        "environment": args.environment,
        "work_packages": args.work_packages,
        **measured(whole_environment, lambda: copy.deepcopy(every_template), max(3, args.repeat // 4)),
        "deployments": counts["deployments"],
        "target_ms": 1000,
    }
    print(json.dumps(report, indent=2))
    ok = report["synthetic_40kb_template"]["median_ms"] < 50 and report["whole_environment"]["median_ms"] < 1000
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
