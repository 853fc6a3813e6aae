# -*- coding: utf-8 -*-
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run many deployments concurrently in dependency order, with a bounded worker pool.

A deployment starts once every deployment it waits for (``depends_on``, keys within the batch) succeeded; keys
outside the batch count as done. When one fails, only the deployments waiting for it are skipped, so one broken
work package does not stop the others; the summary lists the failures per group.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_runner import (
    GROUP_CREATED,
    GROUP_EXISTS,
    ensure_resource_group,
    run_deployment,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError


def run_batch(factory, entries: list[dict], check_mode: bool, max_workers: int) -> dict:
    """``entries``: ``{"key", "group", "depends_on", "request"}``. Returns results by key and failures by group."""
    keys = {entry["key"] for entry in entries}
    waiting = {entry["key"]: {key for key in entry["depends_on"] if key in keys} for entry in entries}
    by_key = {entry["key"]: entry for entry in entries}
    results, failed = {}, set()
    pending = [entry["key"] for entry in entries]
    group_states = _resource_group_states(factory, entries, check_mode)
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        running = {}
        while pending or running:
            for key in list(pending):
                blockers = waiting[key]
                if blockers & failed:
                    pending.remove(key)
                    failed.add(key)
                    results[key] = {"failed": True, "skipped": True, "changed": False,
                                    "msg": f"not deployed: {', '.join(sorted(blockers & failed))} failed"}
                elif not blockers - set(results):
                    pending.remove(key)
                    running[pool.submit(run_deployment, factory, by_key[key]["request"], check_mode,
                                        group_states.get(key))] = key
            if not running:
                continue
            done, dummy = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                key = running.pop(future)
                try:
                    results[key] = future.result()
                except DlinfraError as error:
                    failed.add(key)
                    results[key] = {"failed": True, "changed": False, "msg": error.message,
                                    "error_code": error.code}
    return {"results": results, "failures": _failures_by_group(entries, results)}


def _resource_group_states(factory, entries: list[dict], check_mode: bool) -> dict:
    """Each entry's resource group state, asked once per group before the pool starts (no two creates race);
    a group created now is reported by the first deployment into it only."""
    states, seen = {}, {}
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
    failures = {}
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
    return {"before_header": "Azure now", "after_header": "after deployment, by ARM what-if",
            "before": "".join(before), "after": "".join(after)}
