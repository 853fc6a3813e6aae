#!/usr/bin/env python
"""Benchmark the security rules (arm-templates/security_rules.yml) that every plan and `make validate` check.

For each inventory (``--inventories local,pro``): the offline render of the environment (the baseline, which
the plan step does anyway) and, in the same run, loading and checking the security rules on that render. Each is
timed ``--rounds`` times, interleaved; prints the medians, the spread and the ratio rules/render as JSON.

usage: bench/bench_security_rules.py [--inventories local,pro] [--rounds 20]
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import render_environment
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    load_environment_inputs,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_check import security_rule_findings
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rules import load_security_rules

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def bench_inventory(inventory: str, rounds: int) -> dict:
    plan, templates, settings = load_environment_inputs(REPOSITORY_ROOT, inventory)
    render_times, rule_times = [], []
    resources = findings = 0
    for _ in range(rounds):
        seconds, (rendered, _problems) = timed(lambda: render_environment(plan, templates, settings))
        render_times.append(seconds)

        def check_rules(rendered=rendered):
            rules, problems = load_security_rules(REPOSITORY_ROOT)
            return len(rules), problems + security_rule_findings(rules, templates, rendered)

        seconds, (rule_count, found) = timed(check_rules)
        rule_times.append(seconds)
        resources = sum(len(deployment.resources) for deployment in rendered.deployments)
        findings = len(found)
    render_median, rules_median = statistics.median(render_times), statistics.median(rule_times)
    return {
        "inventory": inventory,
        "rounds": rounds,
        "rules": rule_count,
        "rendered_resources": resources,
        "findings": findings,
        "render_ms": {"median": round(render_median * 1000, 1), "min": round(min(render_times) * 1000, 1)},
        "rules_ms": {"median": round(rules_median * 1000, 1), "min": round(min(rule_times) * 1000, 1)},
        "rules_vs_render": round(rules_median / render_median, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventories", default="local,pro")
    parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args()
    report = [bench_inventory(name, arguments.rounds) for name in arguments.inventories.split(",")]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
