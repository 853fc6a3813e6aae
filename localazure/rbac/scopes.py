"""Azure scopes as RBAC compares them: case-insensitive paths, ancestors on segment boundaries."""

import re

ROOT_SCOPE = "/"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_guid(text):
    """True for the 8-4-4-4-12 hexadecimal form Azure uses for role definition and assignment names."""
    return isinstance(text, str) and bool(_GUID.match(text))


def normalize_scope(scope):
    """The scope without query, duplicate or trailing slashes, lower-cased for comparison."""
    path = scope.split("?", 1)[0]
    segments = [segment for segment in path.split("/") if segment]
    return ("/" + "/".join(segments)).lower()


def scope_covers(outer, inner):
    """True when ``outer`` is ``inner`` or one of its ancestors.

    The comparison is on whole path segments: ``/subscriptions/s/resourceGroups/rg`` covers
    ``/subscriptions/s/resourceGroups/rg/providers/...`` but not ``/subscriptions/s/resourceGroups/rg2``.
    """
    outer_path = normalize_scope(outer)
    inner_path = normalize_scope(inner)
    if outer_path == ROOT_SCOPE:
        return True
    return inner_path == outer_path or inner_path.startswith(outer_path + "/")
