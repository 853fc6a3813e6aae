"""The request log: one entry per request (method, path, api-version, principal, status, duration), buffered in
memory and written to SQLite in batches so that logging does not slow GETs down; reads flush first."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

WRITE_METHODS = ("PUT", "PATCH", "POST", "DELETE")


class RequestLog:
    def __init__(self, store, flush_interval: float = 0.2):
        self.store = store
        self._pending: list[tuple] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(flush_interval,), name="localazure-request-log",
                                        daemon=True)
        self._thread.start()

    def record(self, method: str, path: str, api_version: str | None, principal, status: int,
               duration_ms: float, request_id: str) -> None:
        entry = (datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z"), method, path,
                 api_version, principal.object_id if principal else None, principal.name if principal else None,
                 status, round(duration_ms, 3), request_id)
        with self._lock:
            self._pending.append(entry)

    def flush(self) -> None:
        with self._flush_lock:
            with self._lock:
                pending, self._pending = self._pending, []
            if pending:
                with self.store.transaction() as db:
                    db.executemany("INSERT INTO request_log (time, method, path, api_version, principal_object_id,"
                                   " principal_name, status, duration_ms, request_id) VALUES (?,?,?,?,?,?,?,?,?)",
                                   pending)

    def query(self, *, since: str | None = None, method: str | None = None, path: str | None = None,
              kind: str | None = None, limit: int = 10000) -> list[dict]:
        """Entries in order. ``since``: a sequence number (entries after it) or an ISO time (entries at or after).
        ``method``: comma-separated methods. ``kind``: "write" or "read". ``path``: substring, case-insensitive."""
        self.flush()
        sql, parameters = "SELECT * FROM request_log WHERE 1=1", []
        if since:
            if since.isdigit():
                sql += " AND seq > ?"
                parameters.append(int(since))
            else:
                sql += " AND time >= ?"
                parameters.append(since)
        if method:
            methods = [item.strip().upper() for item in method.split(",") if item.strip()]
            sql += f" AND method IN ({','.join('?' * len(methods))})"
            parameters.extend(methods)
        if kind in ("write", "read"):
            sql += f" AND method {'IN' if kind == 'write' else 'NOT IN'} ({','.join('?' * len(WRITE_METHODS))})"
            parameters.extend(WRITE_METHODS)
        if path:
            sql += " AND instr(lower(path), lower(?)) > 0"
            parameters.append(path)
        sql += " ORDER BY seq LIMIT ?"
        parameters.append(limit)
        return [{"seq": row["seq"], "time": row["time"], "method": row["method"], "path": row["path"],
                 "api_version": row["api_version"],
                 "principal": {"object_id": row["principal_object_id"], "name": row["principal_name"]},
                 "status": row["status"], "duration_ms": row["duration_ms"], "request_id": row["request_id"]}
                for row in self.store.db.execute(sql, parameters)]

    def clear(self) -> None:
        self.flush()
        with self.store.transaction() as db:
            db.execute("DELETE FROM request_log")

    def _run(self, interval: float) -> None:
        while not self._stopped.wait(interval):
            try:
                self.flush()
            except Exception as error:  # noqa: BLE001 - keep logging; a later flush retries the next batch
                print(f"localazure: request log flush failed: {error!r}", flush=True)

    def stop(self) -> None:
        self._stopped.set()
        self.flush()
