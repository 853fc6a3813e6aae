"""The localazure tests run against the endpoint in the test process (inprocess.py) unless a module sets
``ENDPOINT_PROCESS = True``: those are the process and TLS smoke suite, on a real process over HTTPS with real
tokens, started and stopped by PID (tests/integration/conftest.py)."""

from __future__ import annotations

import resource

import pytest

from endpoint_process import check_peak_memory, process_endpoint
from inprocess import InProcessEndpoint


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, request):
    """A fresh endpoint for the test module; a module may set ``ENDPOINT_ARGS`` for extra serve flags."""
    extra = getattr(request.module, "ENDPOINT_ARGS", ())
    if getattr(request.module, "ENDPOINT_PROCESS", False):
        with process_endpoint(tmp_path_factory.mktemp("localazure"), *extra, label=request.module.__name__) as running:
            yield running
        return
    in_process = InProcessEndpoint(tmp_path_factory.mktemp("localazure"), *extra)
    yield in_process
    in_process.stop()
    # In process, the endpoint shares the test process: its peak resident memory (ru_maxrss, KiB on Linux) bounds
    # the endpoint's from above, and must stay under the same limit as a process endpoint's.
    check_peak_memory(f"{request.module.__name__} (in process)", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
