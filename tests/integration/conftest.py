"""Integration-test fixtures: a local Azure endpoint (localazure/) per test module, on a free port in a temporary
state dir, started as a real process and stopped by its PID at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from endpoint_process import MEMORY_LIMIT_KB, PEAKS_KB, process_endpoint

# Every test here runs ansible-playbook or Ansible modules as separate processes: seconds to a minute each.
SLOW_FOLDERS = ("playbooks", "modules")


def pytest_collection_modifyitems(items):
    slow_folders = {Path(__file__).resolve().parent / folder for folder in SLOW_FOLDERS}
    for item in items:
        if slow_folders & set(item.path.resolve().parents):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, request):
    """A fresh endpoint for the test module; a module may set ``ENDPOINT_ARGS`` for extra serve flags.

    At the end, the module fails if the endpoint's peak resident memory (VmHWM) exceeded ``MEMORY_LIMIT_KB``."""
    extra = getattr(request.module, "ENDPOINT_ARGS", ())
    with process_endpoint(tmp_path_factory.mktemp("localazure"), *extra, label=request.module.__name__) as running:
        yield running


def pytest_terminal_summary(terminalreporter):
    if PEAKS_KB:
        label, peak = max(PEAKS_KB.items(), key=lambda item: item[1])
        terminalreporter.write_line(
            f"localazure peak resident memory (VmHWM): {peak / 1024:.0f} MB in {label} "
            f"(limit {MEMORY_LIMIT_KB / 1024:.0f} MB, {len(PEAKS_KB)} endpoint processes)"
        )
