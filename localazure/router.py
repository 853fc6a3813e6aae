"""Method + path-pattern routing. Patterns are regular expressions matched case-insensitively against the path."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from localazure.error_catalogue import METHOD_NOT_ALLOWED, NOT_FOUND

Handler = Callable[..., object]


@dataclass
class Route:
    methods: frozenset[str]
    pattern: re.Pattern
    handler: Handler
    kind: str  # "arm" (token + api-version + throttling), "public" (no token), "admin" (admin secret)
    name: str


class Router:
    """Routes are tried in order of ``priority`` (lower first), then of registration."""

    def __init__(self):
        self._routes: list[tuple[int, int, Route]] = []

    def add(
        self,
        methods: str | list[str],
        pattern: str,
        handler: Handler,
        *,
        kind: str = "arm",
        priority: int = 50,
        name: str | None = None,
    ) -> None:
        if isinstance(methods, str):
            methods = [methods]
        route = Route(
            frozenset(m.upper() for m in methods),
            re.compile(pattern + r"/?\Z", re.IGNORECASE),
            handler,
            kind,
            name or getattr(handler, "__name__", pattern),
        )
        self._routes.append((priority, len(self._routes), route))
        self._routes.sort(key=lambda item: (item[0], item[1]))

    def match(self, method: str, path: str, *, after: int | None = None) -> tuple[Route, dict[str, str]]:
        """The first route for ``method`` and ``path``; ``after``: only routes of a priority above it (a handler
        that finds the path is not its own passes it on)."""
        path_matched = False
        for priority, dummy_order, route in self._routes:
            if after is not None and priority <= after:
                continue
            found = route.pattern.match(path)
            if not found:
                continue
            path_matched = True
            if method in route.methods:
                return route, found.groupdict()
        if path_matched:
            raise METHOD_NOT_ALLOWED(f"The requested resource does not support http method '{method}'.")
        raise NOT_FOUND(f"The requested path '{path}' was not found.")
