# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run many deployments concurrently, with a bounded worker pool, writing in dependency order.

Phase 1 predicts every deployment at once (validate and what-if only read), so an unchanged environment costs
one round of what-if whatever its shape. Phase 2 deploys, in dependency order, only what has a real change: a
deployment starts once every deployment it waits for (``depends_on``, keys within the batch) succeeded, and one
whose dependency was just deployed is predicted again first, since the state it was predicted against changed.
Keys outside the batch count as done. When one fails, only the deployments waiting for it are skipped, so one
broken work package does not stop the others; the summary lists the failures per group.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_runner import (
    GROUP_CREATED,
    GROUP_EXISTS,
    apply,
    ensure_resource_group,
    predict,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError


def _failure(error: DlinfraError) -> dict:
    return {"failed": True, "changed": False, "msg": error.message, "error_code": error.code}


def run_batch(factory, entries: list[dict], check_mode: bool, max_workers: int) -> dict:
    """``entries``: ``{"key", "group", "depends_on", "request"}``. Returns results by key and failures by group."""
    keys = {entry["key"] for entry in entries}
    waiting = {entry["key"]: {key for key in entry["depends_on"] if key in keys} for entry in entries}
    by_key = {entry["key"]: entry for entry in entries}
    group_states = _resource_group_states(factory, entries, check_mode)
    results: dict = {}
    failed: set = set()
    deployed: set = set()
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        predicted = {
            pool.submit(
                predict,
                factory,
                entry["request"],
                check_mode,
                group_states.get(entry["key"]),
                bool(waiting[entry["key"]]),
            ): entry["key"]
            for entry in entries
        }
        predictions = {}
        for prediction in list(predicted):
            key = predicted[prediction]
            try:
                predictions[key] = prediction.result()
            except DlinfraError as error:
                failed.add(key)
                results[key] = _failure(error)
        pending = [entry["key"] for entry in entries if entry["key"] not in failed]
        running: dict = {}
        while pending or running:
            for key in list(pending):
                blockers = waiting[key]
                if blockers & failed:
                    pending.remove(key)
                    failed.add(key)
                    results[key] = {
                        "failed": True,
                        "skipped": True,
                        "changed": False,
                        "msg": f"not deployed: {', '.join(sorted(blockers & failed))} failed",
                    }
                elif not blockers - (set(results) - failed):
                    pending.remove(key)
                    stale = bool(blockers & deployed) or predictions[key].deferred is not None
                    if check_mode or not (stale or predictions[key].needs_deploy):
                        results[key] = predictions[key].result
                        continue
                    running[
                        pool.submit(
                            _settle, factory, by_key[key]["request"], predictions[key], stale, group_states.get(key)
                        )
                    ] = key
            if not running:
                if pending and not any(waiting[key] - (set(results) - failed) == set() for key in pending):
                    for key in pending:  # a dependency cycle: nothing can ever start
                        failed.add(key)
                        results[key] = {
                            "failed": True,
                            "changed": False,
                            "msg": f"not deployed: its depends_on forms a cycle ({', '.join(pending)})",
                        }
                    pending = []
                continue
            done, dummy = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                key = running.pop(future)
                try:
                    results[key] = future.result()
                except DlinfraError as error:
                    failed.add(key)
                    results[key] = _failure(error)
                    continue
                if results[key].get("deployed"):
                    deployed.add(key)
    return {"results": results, "failures": _failures_by_group(entries, results)}


def _settle(factory, request, prediction, stale: bool, group_state: str | None) -> dict:
    """Deploy one predicted deployment; predict it again first when what it depends on was just deployed."""
    if stale:
        prediction = predict(factory, request, False, group_state)
    return apply(factory, request, prediction)


def _resource_group_states(factory, entries: list[dict], check_mode: bool) -> dict:
    """Each entry's resource group state, asked once per group before the pool starts (no two creates race);
    a group created now is reported by the first deployment into it only."""
    states: dict = {}
    seen: dict = {}
    for entry in entries:
        request = entry["request"]
        group = (request.target.resource_group or "").lower()
        if not group:
            continue
        if group in seen:
            states[entry["key"]] = GROUP_EXISTS if seen[group] == GROUP_CREATED else seen[group]
            continue
        seen[group] = states[entry["key"]] = ensure_resource_group(factory, request, check_mode)
    return states


def _failures_by_group(entries: list[dict], results: dict) -> dict:
    failures: dict = {}
    for entry in entries:
        outcome = results.get(entry["key"]) or {}
        if outcome.get("failed"):
            failures.setdefault(entry["group"], []).append(f"{entry['key']}: {outcome['msg']}")
    return failures


def combined_diff(entries: list[dict], results: dict) -> dict:
    """One ``diff`` for the batch: each changed deployment's what-if section, in plan order."""
    before, after = [], []
    for entry in entries:
        diff = (results.get(entry["key"]) or {}).get("diff") or {}
        if not (diff.get("before") or diff.get("after")):
            continue
        before.append(f"# {entry['key']}\n{diff.get('before', '')}")
        after.append(f"# {entry['key']}\n{diff.get('after', '')}")
    return {
        "before_header": "Azure now",
        "after_header": "after deployment, by ARM what-if",
        "before": "".join(before),
        "after": "".join(after),
    }
