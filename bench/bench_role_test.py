#!/usr/bin/env python
"""Benchmark permission_probe: the whole matrix in one module run against one module run per row.

On an endpoint of its own (``--port 0``, a temporary state dir), ``ansible-playbook`` runs the same ``--rows`` rows
as the endpoint's ``model-developer-test`` principal two ways, interleaved ``--rounds`` times:

- batched: one ``it4ad.dlinfra.permission_probe`` task with ``rows`` (what ``roles/role_test`` does);
- per row: a loop of that task with a one-row ``rows`` per item (what the role did before: one module start, one
  credential and one token per row).

The rows read one resource group (created by the endpoint's deployer) as the principal, which holds no assignment
there, so Resource Manager refuses each (403); each row also reads the effective permissions, as most of the
matrix's rows do. Reports, as JSON, the wall time of each way (median
and spread), the ratio per row / batched of the medians and of the fastest rounds, and the outcomes of the batched
run (every row must have been answered). Exits 1 when a playbook fails. Stops the endpoint by its PID.

usage: bench/bench_role_test.py [--rows 40] [--rounds 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from tests.integration.localazure.endpoint_process import start_endpoint, stop_endpoint_process  # noqa: E402

COLLECTIONS = REPOSITORY / ".build" / "collections"
PRINCIPAL = "model-developer-test"
PLAYBOOK = """---
- name: Permission matrix, {way}
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/it4ad.dlinfra.azure: "{{{{ connection }}}}"
  tasks:
    - name: Run the rows
      it4ad.dlinfra.permission_probe:
        principal: "{{{{ principal }}}}"
        rows: {rows}
      {loop}register: probe

    - name: Write the outcomes
      ansible.builtin.copy:
        content: "{{{{ probe.results{per_run} | list | to_json }}}}"
        dest: "{{{{ outcomes_file }}}}"
        mode: "0600"
"""


GROUP = "rg-bench-role-test"


def rows(count: int, subscription_id: str) -> list[dict]:
    group = f"/subscriptions/{subscription_id}/resourceGroups/{GROUP}"
    return [
        {
            "name": f"read resource group {index}",
            "expect": "denied",
            "kind": "arm",
            "request": {"method": "GET", "path": group, "api_version": "2021-04-01"},
            "permission": {
                "scope": group,
                "action": "Microsoft.Resources/subscriptions/resourceGroups/read",
            },
        }
        for index in range(count)
    ]


def write_playbooks(folder: Path) -> dict[str, Path]:
    batched = PLAYBOOK.format(way="batched", rows='"{{ matrix }}"', loop="", per_run="")
    # A looped task's results are the runs; each run's own results hold its one row.
    per_row = PLAYBOOK.format(
        way="one module run per row",
        rows='["{{ item }}"]',
        loop='loop: "{{ matrix }}"\n      ',
        per_run=" | map(attribute='results') | flatten",
    )
    paths = {"batched": folder / "batched.yml", "per_row": folder / "per_row.yml"}
    paths["batched"].write_text(batched)
    paths["per_row"].write_text(per_row)
    return paths


def run_playbook(playbook: Path, variables: Path, outcomes: Path) -> float:
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_NOCOLOR": "1"}
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        str(playbook),
        "-i",
        "localhost,",
        "-e",
        f"@{variables}",
        "-e",
        f"outcomes_file={outcomes}",
        "-e",
        f"ansible_python_interpreter={sys.executable}",
    ]
    started = time.perf_counter()
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise RuntimeError(f"{playbook.name} failed:\n{run.stdout[-3000:]}\n{run.stderr[-2000:]}")
    return elapsed


def answer(result: dict) -> str:
    """What a row got, for the report: its detail, and the message of a row that could not run."""
    if result["detail"] == "the probe could not run":
        return f"could not run: {result['message'][:200]}"
    return result["detail"]


def summary(times: list[float]) -> dict:
    return {"median_s": round(statistics.median(times), 2), "spread_s": round(max(times) - min(times), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-role-test-") as scratch:
        folder = Path(scratch)
        endpoint = start_endpoint(folder / "state")
        try:
            connection = endpoint.connection
            group = endpoint.call(
                "PUT",
                f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}",
                api_version="2021-04-01",
                body={"location": "westeurope"},
            )
            if group.status_code not in (200, 201):
                raise RuntimeError(f"create the resource group {GROUP}: HTTP {group.status_code} {group.text}")
            principal = connection["principals"][PRINCIPAL]
            deployer = connection["principals"]["deployer"]
            variables = folder / "vars.json"
            variables.write_text(
                json.dumps(
                    {
                        "connection": {
                            "cloud": connection["metadata_url"],
                            "ca_bundle": connection["ca_bundle"],
                            "subscription_id": endpoint.subscription_id,
                            "client_id": deployer["client_id"],
                            "secret": deployer["client_secret"],
                            "tenant": deployer.get("tenant_id", endpoint.tenant_id),
                        },
                        "principal": {
                            "client_id": principal["client_id"],
                            "secret": principal["client_secret"],
                            "tenant": principal.get("tenant_id", endpoint.tenant_id),
                        },
                        "matrix": rows(args.rows, endpoint.subscription_id),
                    }
                )
            )
            playbooks = write_playbooks(folder)
            times: dict[str, list[float]] = {"batched": [], "per_row": []}
            outcomes: dict[str, Counter] = {}
            for dummy_round in range(args.rounds):
                for way, playbook in playbooks.items():  # interleaved: both ways see the same load
                    outcome_file = folder / f"{way}.json"
                    times[way].append(run_playbook(playbook, variables, outcome_file))
                    outcomes[way] = Counter(answer(result) for result in json.loads(outcome_file.read_text()))
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 1
        finally:
            stop_endpoint_process(endpoint.process.pid)
    report = {
        "rows": args.rows,
        "rounds": args.rounds,
        "cpu_count": os.cpu_count(),
        "batched": summary(times["batched"]),
        "per_row": summary(times["per_row"]),
        "ratio_per_row_to_batched_median": round(
            statistics.median(times["per_row"]) / statistics.median(times["batched"]), 2
        ),
        "ratio_per_row_to_batched_fastest": round(min(times["per_row"]) / min(times["batched"]), 2),
        "outcomes": {way: dict(counter) for way, counter in outcomes.items()},
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
