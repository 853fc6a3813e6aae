"""Integration-test fixtures: a local Azure endpoint (localazure/) per test module, on a free port in a temporary
state dir, started as a real process and stopped by its PID at the end."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "localazure"))
from endpoint_process import process_endpoint  # noqa: E402

# Every test here runs ansible-playbook or Ansible modules as separate processes: seconds to a minute each.
SLOW_FOLDERS = ("playbooks", "modules")


def pytest_collection_modifyitems(items):
    slow_folders = {Path(__file__).resolve().parent / folder for folder in SLOW_FOLDERS}
    for item in items:
        if slow_folders & set(item.path.resolve().parents):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, request):
    """A fresh endpoint for the test module; a module may set ``ENDPOINT_ARGS`` for extra serve flags."""
    extra = getattr(request.module, "ENDPOINT_ARGS", ())
    with process_endpoint(tmp_path_factory.mktemp("localazure"), *extra) as running:
        yield running
