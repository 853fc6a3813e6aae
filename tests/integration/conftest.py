"""Integration-test fixtures: a local Azure endpoint (localazure/) per test module, on a free port in a temporary
state dir, started as a real process and stopped by its PID at the end."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "localazure"))
from endpoint_process import peak_resident_kb, start_endpoint, stop_endpoint_process  # noqa: E402

# The endpoint's resident memory stays under 500 MB through the whole test suite (issue 8).
MEMORY_LIMIT_KB = 500 * 1024
_PEAKS_KB: dict[str, int] = {}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, request):
    """A fresh endpoint for the test module; a module may set ``ENDPOINT_ARGS`` for extra serve flags.

    At the end, the module fails if the endpoint's peak resident memory (VmHWM) exceeded ``MEMORY_LIMIT_KB``."""
    extra = getattr(request.module, "ENDPOINT_ARGS", ())
    running = start_endpoint(tmp_path_factory.mktemp("localazure"), *extra)
    yield running
    peak = peak_resident_kb(running.process.pid)
    stop_endpoint_process(running.process.pid)
    running.process.wait(timeout=10)
    assert peak is not None, "the endpoint process was gone before the end of the module"
    _PEAKS_KB[request.module.__name__] = peak
    if peak > MEMORY_LIMIT_KB:
        pytest.fail(f"the endpoint's peak resident memory was {peak / 1024:.0f} MB, over "
                    f"{MEMORY_LIMIT_KB / 1024:.0f} MB")


def pytest_terminal_summary(terminalreporter):
    if _PEAKS_KB:
        module, peak = max(_PEAKS_KB.items(), key=lambda item: item[1])
        terminalreporter.write_line(f"localazure peak resident memory (VmHWM): {peak / 1024:.0f} MB in {module} "
                                    f"(limit {MEMORY_LIMIT_KB / 1024:.0f} MB, {len(_PEAKS_KB)} endpoints)")
