"""Long-running operations: records in SQLite, advanced by polls or by time, finished by a completion handler.

An operation moves ``Accepted`` -> ``Running`` -> terminal (``Succeeded``/``Failed``/``Canceled``). Each poll of
its status or result URL moves it one step, and so does each ``long_running.step_seconds`` of wall time
(a background sweeper finishes operations nobody polls). Completion handlers are registered per ``kind``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from localazure.store import TERMINAL_OPERATION_STATES, resource_key

TERMINAL = TERMINAL_OPERATION_STATES
STEP_STATES = ("Accepted", "Running")

# A completion handler gets (app, operation dict) and returns None for success or an error object
# ({"code", "message", ...}) for failure.
Completion = Callable[[object, dict], "dict | None"]
# A progress handler gets (app, operation dict, state) when a non-terminal step is reached.
Progress = Callable[[object, dict, str], None]


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")


def lro_headers(app, operation: dict, resource_type, subscription_id: str, location: str, api_version: str) -> dict:
    """The headers of an accepted long-running PUT or DELETE: where to poll its status and its result."""
    base = (
        f"{app.arm_endpoint}/subscriptions/{subscription_id}/providers/{resource_type.namespace}/locations/"
        f"{location or 'global'}"
    )
    identifier = operation["operation_id"]
    return {
        "Azure-AsyncOperation": f"{base}/{resource_type.status_segment}/{identifier}?api-version={api_version}",
        "Location": f"{base}/{resource_type.result_segment}/{identifier}?api-version={api_version}",
        "Retry-After": app.retry_after_header(),
    }


class Operations:
    def __init__(self, app):
        self.app = app
        self._completions: dict[str, Completion] = {}
        self._progress: dict[str, Progress] = {}
        self._pending_keys: set[str] = set()
        self._lock = threading.Lock()
        self._pending_keys.update(app.store.unfinished_operation_keys())

    def register_kind(self, kind: str, completion: Completion, progress: Progress | None = None) -> None:
        self._completions[kind] = completion
        if progress:
            self._progress[kind] = progress

    def start(
        self, kind: str, subscription_id: str, resource_id: str, data: dict | None = None, *, steps: int | None = None
    ) -> dict:
        operation_id = str(uuid.uuid4())
        payload = dict(data or {})
        payload.setdefault("steps", self.app.settings.long_running.steps if steps is None else steps)
        self.app.store.add_operation(operation_id, subscription_id, kind, resource_id, time.time(), payload)
        with self._lock:
            self._pending_keys.add(resource_key(resource_id))
        return self.get(operation_id)

    def get(self, operation_id: str) -> dict | None:
        return self.app.store.operation(operation_id)

    def poll(self, operation_id: str) -> dict | None:
        """One client poll: counts as a step, then settles."""
        with self.app.store.transaction():
            self.app.store.count_operation_poll(operation_id)
            return self._settle(operation_id)

    def settle_resource(self, resource_id: str) -> None:
        """Let time-due operations on this resource advance (called before reads of it)."""
        key = resource_key(resource_id)
        if key not in self._pending_keys:
            return
        for operation_id in self.app.store.unfinished_operation_ids(key):
            with self.app.store.transaction():
                self._settle(operation_id)

    def settle_all(self) -> None:
        for operation_id in self.app.store.unfinished_operation_ids():
            with self.app.store.transaction():
                self._settle(operation_id)

    def _settle(self, operation_id: str) -> dict | None:
        operation = self.get(operation_id)
        if operation is None or operation["status"] in TERMINAL:
            return operation
        steps = operation["data"]["steps"]
        step_seconds = self.app.settings.long_running.step_seconds
        elapsed_steps = int((time.time() - operation["started_at"]) / step_seconds) if step_seconds > 0 else 0
        index = max(operation["polls"], elapsed_steps)
        if index < steps:
            state = STEP_STATES[min(index, len(STEP_STATES) - 1)]
            if state != operation["status"]:
                self.app.store.set_operation_status(operation["operation_id"], state)
                progress = self._progress.get(operation["kind"])
                if progress:
                    progress(self.app, operation, state)
            return self.get(operation_id)
        completion = self._completions.get(operation["kind"])
        error = completion(self.app, operation) if completion else None
        status = "Failed" if error else "Succeeded"
        self.app.store.end_operation(operation["operation_id"], status, error, time.time())
        self._forget_if_done(operation_id, operation["resource_key"])
        return self.get(operation_id)

    def _forget_if_done(self, operation_id: str, key: str | None = None) -> None:
        operation = self.get(operation_id)
        key = key or (operation and operation["resource_key"])
        if not key:
            return
        if not self.app.store.unfinished_operation_ids(key):
            with self._lock:
                self._pending_keys.discard(key)

    def status_body(self, operation: dict, status_url_path: str) -> dict:
        body = {
            "id": status_url_path,
            "name": operation["operation_id"],
            "status": operation["status"],
            "startTime": iso(operation["started_at"]),
        }
        if operation["ended_at"]:
            body["endTime"] = iso(operation["ended_at"])
        if operation["error"]:
            body["error"] = operation["error"]
        return body


class Sweeper(threading.Thread):
    """Finishes operations by time so that nobody has to poll them."""

    def __init__(self, operations: Operations, interval: float = 0.25):
        super().__init__(name="localazure-lro-sweeper", daemon=True)
        self.operations = operations
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            if self.operations._pending_keys:
                try:
                    self.operations.settle_all()
                except Exception as error:  # noqa: BLE001 - keep sweeping; the next request will report it
                    print(f"localazure: operation sweeper: {error!r}", flush=True)
