"""The request log: one entry per request (method, path, api-version, principal, status, duration), buffered in
memory and written to SQLite in batches so that logging does not slow GETs down; reads flush first."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

WRITE_METHODS = ("PUT", "PATCH", "POST", "DELETE")


class RequestLog:
    def __init__(self, store, flush_interval: float = 0.2):
        self.store = store
        self._pending: list[tuple] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(flush_interval,), name="localazure-request-log", daemon=True
        )
        self._thread.start()

    def record(
        self,
        method: str,
        path: str,
        api_version: str | None,
        principal,
        status: int,
        duration_ms: float,
        request_id: str,
    ) -> None:
        entry = (
            datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
            method,
            path,
            api_version,
            principal.object_id if principal else None,
            principal.name if principal else None,
            status,
            round(duration_ms, 3),
            request_id,
        )
        with self._lock:
            self._pending.append(entry)

    def flush(self) -> None:
        with self._flush_lock:
            with self._lock:
                pending, self._pending = self._pending, []
            if pending:
                self.store.append_request_log(pending)

    def query(
        self,
        *,
        since: str | None = None,
        method: str | None = None,
        path: str | None = None,
        kind: str | None = None,
        limit: int = 10000,
    ) -> list[dict]:
        """Entries in order. ``since``: a sequence number (entries after it) or an ISO time (entries at or after).
        ``method``: comma-separated methods. ``kind``: "write" or "read". ``path``: substring, case-insensitive."""
        self.flush()
        methods = [item.strip().upper() for item in (method or "").split(",") if item.strip()]
        if kind == "write":
            methods = [item for item in methods if item in WRITE_METHODS] if methods else list(WRITE_METHODS)
            if not methods:
                return []
        rows = self.store.request_log(
            after_seq=int(since) if since and since.isdigit() else None,
            since_time=since if since and not since.isdigit() else None,
            methods=methods or None,
            excluded_methods=list(WRITE_METHODS) if kind == "read" else None,
            path_part=path or None,
            limit=limit,
        )
        return [
            {
                "seq": row["seq"],
                "time": row["time"],
                "method": row["method"],
                "path": row["path"],
                "api_version": row["api_version"],
                "principal": {"object_id": row["principal_object_id"], "name": row["principal_name"]},
                "status": row["status"],
                "duration_ms": row["duration_ms"],
                "request_id": row["request_id"],
            }
            for row in rows
        ]

    def clear(self) -> None:
        self.flush()
        self.store.clear_request_log()

    def _run(self, interval: float) -> None:
        while not self._stopped.wait(interval):
            try:
                self.flush()
            except Exception as error:  # noqa: BLE001 - keep logging; a later flush retries the next batch
                print(f"localazure: request log flush failed: {error!r}", flush=True)

    def stop(self) -> None:
        self._stopped.set()
        self.flush()
