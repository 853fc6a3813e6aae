"""run_rows, the schedule of a permission matrix run: allowed rows first and retried while assignments propagate
(with an injected sleep, no real waiting), denied rows once afterwards, and a row that cannot run failing alone."""

from __future__ import annotations

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_probe import run_rows


def row(name, expect="allowed"):
    return {"name": name, "expect": expect, "kind": "arm"}


class Azure:
    """Answers rows from a script: ``passes_from[name]`` is the attempt (1-based) from which the row passes (never
    for None); ``broken`` rows raise DlinfraError. Records the order of the calls and the sleeps."""

    def __init__(self, passes_from=None, broken=()):
        self.passes_from = passes_from or {}
        self.broken = set(broken)
        self.calls: list[str] = []
        self.log: list[str] = []  # calls and sleeps, in order
        self.shared: list[dict] = []  # kept, so that no two rounds' dicts can be the same object

    def run(self, probe_row, shared):
        name = probe_row["name"]
        self.calls.append(name)
        self.log.append(name)
        self.shared.append(shared)
        if name in self.broken:
            raise DlinfraError(f"GET {name} failed: connection refused", status=None)
        attempt = self.calls.count(name)
        first = self.passes_from.get(name, 1)
        return {"name": name, "expect": probe_row["expect"], "passed": first is not None and attempt >= first}

    def sleep(self, seconds):
        self.log.append(f"sleep {seconds}")


def test_allowed_rows_run_first_and_results_keep_the_order_of_the_rows():
    rows = [row("deny a", "denied"), row("allow b"), row("deny c", "denied"), row("allow d")]
    azure = Azure()
    results = run_rows(rows, azure.run, retries=5, delay=10, sleep=azure.sleep)
    assert azure.log == ["allow b", "allow d", "deny a", "deny c"]
    assert [result["name"] for result in results] == ["deny a", "allow b", "deny c", "allow d"]
    assert all(result["passed"] and result["attempts"] == 1 for result in results)


def test_an_allowed_row_runs_again_until_it_passes_and_denied_rows_wait_for_it():
    rows = [row("write blob"), row("read blob"), row("delete workspace", "denied")]
    azure = Azure(passes_from={"write blob": 3})
    results = run_rows(rows, azure.run, retries=30, delay=10, sleep=azure.sleep)
    # The rows still waiting run again together, after one shared wait; the denied row runs last.
    assert azure.log == [
        "write blob",
        "read blob",
        "sleep 10",
        "write blob",
        "sleep 10",
        "write blob",
        "delete workspace",
    ]
    assert [(result["passed"], result["attempts"]) for result in results] == [(True, 3), (True, 1), (True, 1)]


def test_retries_run_out_and_the_row_fails_with_its_last_answer():
    rows = [row("push to staging"), row("push to healthy", "denied")]
    azure = Azure(passes_from={"push to staging": None, "push to healthy": None})
    results = run_rows(rows, azure.run, retries=2, delay=0.5, sleep=azure.sleep)
    assert azure.log == [
        "push to staging",
        "sleep 0.5",
        "push to staging",
        "sleep 0.5",
        "push to staging",
        "push to healthy",
    ]
    assert results[0]["passed"] is False and results[0]["attempts"] == 3
    # A denied row that does not hold is the role's fault: it runs once, never again.
    assert results[1]["passed"] is False and results[1]["attempts"] == 1


def test_without_retries_nothing_waits():
    azure = Azure(passes_from={"a": None})
    results = run_rows([row("a")], azure.run, retries=0, delay=10, sleep=azure.sleep)
    assert azure.log == ["a"] and results[0]["attempts"] == 1


def test_a_row_that_cannot_run_fails_alone_and_is_not_retried():
    rows = [row("a"), row("broken"), row("c"), row("d", "denied")]
    azure = Azure(passes_from={"c": 2}, broken={"broken"})
    results = run_rows(rows, azure.run, retries=3, delay=1, sleep=azure.sleep)
    assert azure.log == ["a", "broken", "c", "sleep 1", "c", "d"]
    broken = results[1]
    assert broken == {
        "name": "broken",
        "expect": "allowed",
        "outcome": "error",
        "status": None,
        "code": None,
        "message": "GET broken failed: connection refused",
        "permitted": None,
        "passed": False,
        "detail": "the probe could not run",
        "attempts": 1,
    }
    assert [result["passed"] for result in results] == [True, False, True, True]


def test_each_round_shares_one_fresh_dict():
    rows = [row("a"), row("b"), row("c", "denied")]
    azure = Azure(passes_from={"a": 2})
    run_rows(rows, azure.run, retries=1, delay=0, sleep=azure.sleep)
    first, same_round, retry, denied = azure.shared
    assert same_round is first
    assert retry is not first and denied is not first and denied is not retry


def test_other_exceptions_are_not_swallowed():
    def run(probe_row, shared):
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        run_rows([row("a")], run)
