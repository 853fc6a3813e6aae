"""Start and stop a local Azure endpoint (localazure/) as a real process, and talk to it.

Used by tests/integration/conftest.py's ``endpoint`` fixture and imported by the test modules next to it.
``Endpoint`` is also the base of the in-process endpoint (inprocess.py): the same helpers, another transport.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
# The endpoint's resident memory stays under 500 MB through the whole test suite (issue 8).
MEMORY_LIMIT_KB = 500 * 1024
PEAKS_KB: dict[str, int] = {}  # the peak of each endpoint process, by the test module that used it
READY_TIMEOUT_SECONDS = 30  # a loaded 2-core machine (parallel test runs) takes over 10 s to start one


class Endpoint:
    """A running endpoint: its connection.json, admin access and SDK helpers."""

    def __init__(self, state_dir: Path, process: subprocess.Popen, started_in: float):
        self.state_dir = state_dir
        self.process = process
        self.started_in = started_in
        self.connection = json.loads((state_dir / "connection.json").read_text())
        self.arm = self.connection["arm_endpoint"]
        self.ca = self.connection["ca_bundle"]
        self.subscription_id = self.connection["subscription_id"]
        self.tenant_id = self.connection["tenant_id"]
        self.admin_secret = (state_dir / "admin-secret").read_text().strip()
        # verify= on every request: requests prefers REQUESTS_CA_BUNDLE from the environment over session.verify.
        self.session = requests.Session()

    # -- admin -------------------------------------------------------------------------------------
    def admin(self, verb: str, route: str, body=None, **params):
        response = self.session.request(
            verb,
            f"{self.arm}/_admin/{route}",
            json=body,
            params=params,
            headers={"x-localazure-admin": self.admin_secret},
            timeout=10,
            verify=self.ca,
        )
        assert response.status_code < 300, f"admin {verb} {route}: {response.status_code} {response.text}"
        return response.json()

    def requests_log(self, **filters) -> list[dict]:
        return self.admin("GET", "requests", **filters)["value"]

    # -- identity and clients ------------------------------------------------------------------------
    def client_options(self) -> dict:
        """Keyword arguments that connect an azure-core client (SDK or credential) to this endpoint."""
        return {"connection_verify": self.ca}

    def principal(self, name: str = "deployer") -> dict:
        return self.connection["principals"][name]

    def credential(self, name: str = "deployer", tenant_id: str | None = None):
        from azure.identity import ClientSecretCredential

        principal = self.principal(name)
        return ClientSecretCredential(
            tenant_id or principal.get("tenant_id", self.tenant_id),
            principal["client_id"],
            principal["client_secret"],
            authority=self.connection["authority_host"],
            disable_instance_discovery=True,
            **self.client_options(),
        )

    def token(self, name: str = "deployer", scope: str | None = None) -> str:
        return self.credential(name).get_token(scope or f"{self.arm}/.default").token

    def mgmt_client(self, client_class, principal: str = "deployer", **kwargs):
        """An unmodified azure-mgmt client for ``principal``, pointed at this endpoint; fast polling by default."""
        kwargs.setdefault("polling_interval", 0.01)
        return client_class(
            self.credential(principal),
            self.subscription_id,
            base_url=self.arm,
            credential_scopes=[f"{self.arm}/.default"],
            **self.client_options(),
            **kwargs,
        )

    def resource_client(self, name: str = "deployer", **kwargs):
        from azure.mgmt.resource.resources import ResourceManagementClient

        return self.mgmt_client(ResourceManagementClient, name, **kwargs)

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        api_version: str | None = "2025-04-01",
        body=None,
        headers: dict | None = None,
    ) -> requests.Response:
        """A raw ARM request with the deployer's token (or the given one)."""
        params = {"api-version": api_version} if api_version else {}
        all_headers = {"Authorization": f"Bearer {token or self.token()}", **(headers or {})}
        return self.session.request(
            method, f"{self.arm}{path}", params=params, json=body, headers=all_headers, timeout=30, verify=self.ca
        )


def start_endpoint(state_dir: Path, *extra_args: str) -> Endpoint:
    state_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(state_dir / "server.log", "ab") as log:  # the process keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "localazure", "serve", "--state-dir", str(state_dir), "--port", "0", *extra_args],
            cwd=REPOSITORY_ROOT,
            stdout=log,
            stderr=log,
        )
    deadline = started + READY_TIMEOUT_SECONDS
    connection = state_dir / "connection.json"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"localazure exited with {process.returncode}: {(state_dir / 'server.log').read_text()}"
            )
        if connection.exists():
            endpoint = Endpoint(state_dir, process, 0.0)
            try:
                endpoint.session.get(
                    f"{endpoint.arm}/metadata/endpoints?api-version=2019-05-01", timeout=2, verify=endpoint.ca
                )
            except requests.RequestException:
                time.sleep(0.02)
                continue
            endpoint.started_in = time.monotonic() - started
            return endpoint
        time.sleep(0.02)
    stop_endpoint_process(process.pid)
    process.wait(timeout=10)
    raise AssertionError(f"localazure not ready within {READY_TIMEOUT_SECONDS} s")


def peak_resident_kb(pid: int) -> int | None:
    """The process's peak resident set size so far (VmHWM in /proc/<pid>/status), in KiB; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


@contextlib.contextmanager
def process_endpoint(state_dir: Path, *extra_args: str, label: str = ""):
    """A started endpoint for the ``with`` block, stopped by its PID afterwards.

    Afterwards the block fails if the process was gone before its end or its peak resident memory (VmHWM)
    exceeded ``MEMORY_LIMIT_KB``: the endpoint's memory stays under 500 MB through the whole suite (issue 8)."""
    running = start_endpoint(state_dir, *extra_args)
    try:
        yield running
    finally:
        peak = peak_resident_kb(running.process.pid)
        stop_endpoint_process(running.process.pid)
        running.process.wait(timeout=10)
    check_peak_memory(label or state_dir.name, peak)


def check_peak_memory(label: str, peak: int | None) -> None:
    assert peak is not None, "the endpoint process was gone before the end of the module"
    PEAKS_KB[label] = peak
    if peak > MEMORY_LIMIT_KB:
        raise AssertionError(
            f"the endpoint's peak resident memory was {peak / 1024:.0f} MB, over {MEMORY_LIMIT_KB / 1024:.0f} MB"
        )


def stop_endpoint_process(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for dummy_attempt in range(200):
        try:
            os.waitpid(pid, os.WNOHANG)
            os.kill(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


DEPLOYMENT_TERMINAL_STATES = ("Succeeded", "Failed", "Canceled")


def terminal_deployment(endpoint: Endpoint, path: str, *, token: str | None = None, polls: int = 600) -> dict:
    """The deployment record at ``path`` once it is Succeeded, Failed or Canceled (or after ``polls`` GETs)."""
    for dummy_poll in range(polls):
        record = endpoint.call("GET", path, token=token, api_version="2025-04-01").json()
        if record.get("properties", {}).get("provisioningState") in DEPLOYMENT_TERMINAL_STATES:
            break
        time.sleep(0.05)
    return record
