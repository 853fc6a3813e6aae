"""Resource ids: ``{scope}/providers/{namespace}/{type}/{name}[/{childType}/{childName}...]``.

The scope is ``""`` (tenant), ``/subscriptions/{s}``, ``/subscriptions/{s}/resourceGroups/{rg}`` or, for an
extension resource, another resource's id. Ids compare case-insensitively; the original spelling is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The characters ARM allows in resource group and deployment names (^[-\w\._\(\)]+$ in azure-rest-api-specs;
# .NET's \w, like Python's, takes Unicode letters and digits).
_NAME_CHARACTER = re.compile(r"[-\w.()]")
_SCOPE = re.compile(r"\A/subscriptions/(?P<subscription>[^/]+)(?:/resourceGroups/(?P<group>[^/]+))?", re.IGNORECASE)


@dataclass(frozen=True)
class ResourcePath:
    scope: str
    namespace: str
    types: tuple[str, ...]  # type segments after the namespace
    names: tuple[str, ...]  # one per type segment, or one fewer for a collection path

    @property
    def is_collection(self) -> bool:
        return len(self.names) < len(self.types)

    @property
    def full_type(self) -> str:
        return "/".join((self.namespace,) + self.types)

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def id(self) -> str:
        segments = [self.scope, "providers", self.namespace]
        for index, type_segment in enumerate(self.types):
            segments.append(type_segment)
            if index < len(self.names):
                segments.append(self.names[index])
        return "/".join(segments)

    @property
    def parent_id(self) -> str:
        """The resource (or collection) this one lives in: the parent resource, else the scope."""
        if len(self.types) == 1:
            return self.scope
        return ResourcePath(self.scope, self.namespace, self.types[:-1], self.names[: len(self.types) - 1]).id

    @property
    def subscription_id(self) -> str | None:
        found = _SCOPE.match(self.scope)
        return found.group("subscription") if found else None

    @property
    def resource_group(self) -> str | None:
        found = _SCOPE.match(self.scope)
        return found.group("group") if found else None

    @property
    def resource_group_id(self) -> str | None:
        found = _SCOPE.match(self.scope)
        return found.group(0) if found and found.group("group") else None


def parse_resource_path(path: str) -> ResourcePath | None:
    """Split a path at its last ``/providers/``; None if it has no provider part or nothing after it."""
    path = path.rstrip("/")
    lowered = path.lower()
    position = lowered.rfind("/providers/")
    if position < 0:
        return None
    scope = path[:position]
    segments = path[position + len("/providers/") :].split("/")
    if len(segments) < 2 or any(not segment for segment in segments):
        return None
    namespace, rest = segments[0], segments[1:]
    types = tuple(rest[0::2])
    names = tuple(rest[1::2])
    return ResourcePath(scope, namespace, types, names)


def scope_parts(scope: str) -> tuple[str | None, str | None]:
    """(subscription id, resource group name) of any id or scope."""
    found = _SCOPE.match(scope)
    if not found:
        return None, None
    return found.group("subscription"), found.group("group")


def resource_group_id(subscription_id: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"


def invalid_name_characters(name: str) -> str:
    """The characters of a resource group or deployment name that ARM refuses, each once, sorted."""
    return "".join(sorted({character for character in name if not _NAME_CHARACTER.fullmatch(character)}))
