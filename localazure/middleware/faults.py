"""Fault injection: failing the next N matching requests, added latency, and failed provisioning.

Rule shapes (JSON, at start in the config file or through ``/_admin/faults``):
- failure: ``{"method": "GET|PUT|...|*" (regex, default any), "path": "<regex searched in the path>",
  "count": N, "status": 429|500|503 or "drop", "retry_after": seconds (429/503, optional)}``
- latency: ``{"method": ..., "path": ..., "milliseconds": 200, "count": N (optional; default unlimited)}``
- provisioning failure: ``{"resource_id": "<id>", "code": "...", "message": "..."}``: the resource's next
  provisioning ends in ``Failed`` with that error.
"""

from __future__ import annotations

import itertools
import re
import threading

from localazure.errors import AzureError

_STATUS_ERRORS = {
    429: ("TooManyRequests", "The request was throttled by fault injection of the local endpoint."),
    500: (
        "InternalServerError",
        "Encountered internal server error. Diagnostic information: fault injected by the local endpoint.",
    ),
    503: (
        "ServiceUnavailable",
        "The server is currently unable to handle the request (fault injected by the local endpoint).",
    ),
}
DROP = "drop"


class Rule:
    _ids = itertools.count(1)

    def __init__(self, definition: dict, *, needs_outcome: bool):
        self.id = next(self._ids)
        self.method = re.compile(definition.get("method") or ".*", re.IGNORECASE)
        self.path = re.compile(definition.get("path") or "", re.IGNORECASE)
        count = definition.get("count")
        self.remaining = None if count is None else int(count)
        self.definition = dict(definition)
        if needs_outcome:
            status = definition.get("status", 503)
            if status != DROP and int(status) not in _STATUS_ERRORS:
                raise ValueError(f"fault status must be one of 429, 500, 503 or 'drop', not {status!r}")
            self.status = status if status == DROP else int(status)
        self.milliseconds = float(definition.get("milliseconds", 0))

    def matches(self, method: str, path: str) -> bool:
        return (
            (self.remaining is None or self.remaining > 0)
            and bool(self.method.fullmatch(method))
            and bool(self.path.search(path))
        )

    def public(self) -> dict:
        return {**self.definition, "id": self.id, "remaining": self.remaining}


class Faults:
    def __init__(self, failures=(), latency=(), provisioning_failures=()):
        self._lock = threading.Lock()
        self._failures: list[Rule] = []
        self._latency: list[Rule] = []
        self._provisioning: dict[str, dict] = {}
        for item in failures:
            self.add_failure(item)
        for item in latency:
            self.add_latency(item)
        for item in provisioning_failures:
            self.add_provisioning_failure(item)

    def add_failure(self, definition: dict) -> dict:
        if "count" not in definition:
            definition = {**definition, "count": 1}
        rule = Rule(definition, needs_outcome=True)
        with self._lock:
            self._failures.append(rule)
        return rule.public()

    def add_latency(self, definition: dict) -> dict:
        rule = Rule(definition, needs_outcome=False)
        with self._lock:
            self._latency.append(rule)
        return rule.public()

    def add_provisioning_failure(self, definition: dict) -> dict:
        resource_id = definition["resource_id"]
        error = {
            "code": definition.get("code", "ProvisioningFailed"),
            "message": definition.get(
                "message", f"Provisioning of resource '{resource_id}' failed (fault injected by the local endpoint)."
            ),
        }
        with self._lock:
            self._provisioning[resource_id.rstrip("/").lower()] = error
        return {"resource_id": resource_id, **error}

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._latency.clear()
            self._provisioning.clear()

    def describe(self) -> dict:
        with self._lock:
            return {
                "failures": [rule.public() for rule in self._failures],
                "latency": [rule.public() for rule in self._latency],
                "provisioning_failures": [{"resource_id": key, **value} for key, value in self._provisioning.items()],
            }

    def delay_seconds(self, method: str, path: str) -> float:
        total = 0.0
        with self._lock:
            for rule in self._latency:
                if rule.matches(method, path):
                    total += rule.milliseconds / 1000
                    if rule.remaining is not None:
                        rule.remaining -= 1
        return total

    def next_failure(self, method: str, path: str):
        """None, ``DROP``, or an AzureError to answer with. Consumes one use of the first matching rule."""
        with self._lock:
            for rule in self._failures:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    status = rule.status
                    retry_after = rule.definition.get("retry_after")
                    break
            else:
                return None
            self._failures = [item for item in self._failures if item.remaining is None or item.remaining > 0]
        if status == DROP:
            return DROP
        code, message = _STATUS_ERRORS[status]
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return AzureError(status, code, message, headers=headers)

    def provisioning_failure(self, resource_id: str) -> dict | None:
        """The error a resource's provisioning ends with (used once, then forgotten)."""
        with self._lock:
            return self._provisioning.pop(resource_id.rstrip("/").lower(), None)
