"""Azure Resource Manager's token-bucket throttling: one read and one write bucket per principal (or per
subscription), refilled continuously; an empty bucket gives 429 ``SubscriptionRequestsThrottled``."""

from __future__ import annotations

import math
import threading
import time

from localazure.error_catalogue import SUBSCRIPTION_REQUESTS_THROTTLED
from localazure.settings import ThrottlingSettings

READ_METHODS = ("GET", "HEAD")


class TokenBucket:
    __slots__ = ("capacity", "refill_per_second", "tokens", "updated")

    def __init__(self, capacity: float, refill_per_second: float, now: float):
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self.tokens = capacity
        self.updated = now

    def take(self, now: float) -> tuple[bool, float, float]:
        """(allowed, tokens left, seconds until one token is back)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.refill_per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True, self.tokens, 0.0
        wait = (1 - self.tokens) / self.refill_per_second if self.refill_per_second > 0 else 3600.0
        return False, self.tokens, wait


class Throttler:
    def __init__(self, settings: ThrottlingSettings):
        self.settings = settings
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def configure(self, settings: ThrottlingSettings) -> None:
        with self._lock:
            self.settings = settings
            self._buckets.clear()

    def check(self, method: str, subscription_id: str | None, principal_object_id: str) -> dict[str, str]:
        """Headers to add to the response; raises AzureError 429 when the bucket is empty."""
        settings = self.settings
        kind = "reads" if method in READ_METHODS else "writes"
        level = "subscription" if subscription_id else "tenant"
        header = f"x-ms-ratelimit-remaining-{level}-{kind}"
        if not settings.enabled:
            return {}
        key_owner = (
            subscription_id.lower() if (settings.scope == "subscription" and subscription_id) else principal_object_id
        )
        capacity = settings.read_capacity if kind == "reads" else settings.write_capacity
        refill = settings.read_refill_per_second if kind == "reads" else settings.write_refill_per_second
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get((key_owner, kind))
            if bucket is None:
                bucket = self._buckets[(key_owner, kind)] = TokenBucket(capacity, refill, now)
            allowed, left, wait = bucket.take(now)
        headers = {header: str(int(left))}
        if allowed:
            return headers
        retry_after = max(1, math.ceil(wait))
        scope_text = f"subscription '{subscription_id}'" if subscription_id else "tenant"
        raise SUBSCRIPTION_REQUESTS_THROTTLED(
            f"Number of '{kind[:-1]}' requests for {scope_text} actor '{principal_object_id}' exceeded. "
            f"Please try again after '{retry_after}' seconds after additional tokens are available. "
            "Refer to https://aka.ms/arm-throttling",
            headers={**headers, "Retry-After": str(retry_after)},
        )
