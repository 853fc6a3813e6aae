# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn what-if changes into ``changed``, a per-resource summary and a readable ``--diff``.

A change counts only if what-if says Create, Delete, Modify or Deploy; a Modify whose property changes are
all NoEffect (read-only or server-filled properties, what-if's best-known noise) counts as no change.
The diff lists, per resource, each changed property path with its value before and after, so Ansible's
unified diff shows ``-  properties.allowBlobPublicAccess: true`` / ``+  properties.allowBlobPublicAccess: false``.
"""

from __future__ import annotations

import json

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import (
    EFFECTIVE_CHANGE_TYPES,
    effective_change_type,
)

_MARKS = {"Create": "+", "Delete": "-", "Modify": "~", "Deploy": "!", "NoEffect": "x", "Array": "~"}


def resource_label(resource_id: str) -> str:
    """``Microsoft.Storage/storageAccounts/name`` of a resource id (the resource group for a group's id).

    An extension resource keeps the resource it extends, so the diagnostic settings and locks of different
    resources stay apart: ``Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/locks/do-not-delete``.
    """
    lowered = resource_id.lower()
    marker = lowered.find("/providers/")
    if marker >= 0:
        return resource_id[marker + len("/providers/") :]
    if "/resourcegroups/" in lowered:
        return "resourceGroups/" + resource_id.rstrip("/").rsplit("/", 1)[-1]
    return resource_id


def summarize(changes: list[dict]) -> dict:
    """``{"effective": [...], "noise": [...], "counts": {changeType: n}}`` of what-if changes."""
    effective: list = []
    noise: list = []
    counts: dict = {}
    for change in changes:
        kind = effective_change_type(change)
        counts[kind] = counts.get(kind, 0) + 1
        properties = property_changes(change.get("delta") or [])
        if kind == "Create":
            properties = created_properties(change.get("after"))
        entry = {
            "resource": resource_label(change.get("resourceId", "")),
            "resource_id": change.get("resourceId"),
            "change_type": kind,
            "properties": properties,
        }
        if kind in EFFECTIVE_CHANGE_TYPES:
            effective.append(entry)
        elif change.get("changeType") != kind:
            noise.append(entry)
    return {"effective": effective, "noise": noise, "counts": counts}


def property_changes(delta: list[dict], prefix: str = "") -> list[dict]:
    """Leaf property changes: ``{"path", "change", "before", "after"}``; NoEffect ones are left out."""
    leaves = []
    for entry in delta:
        path = _join(prefix, str(entry.get("path", "")))
        kind = entry.get("propertyChangeType")
        if kind == "NoEffect":
            continue
        if entry.get("children"):
            leaves.extend(property_changes(entry["children"], path))
            continue
        leaves.append({"path": path, "change": kind, "before": entry.get("before"), "after": entry.get("after")})
    return leaves


_BODY_KEYS = ("location", "kind", "sku", "identity", "properties", "tags", "zones")


def created_properties(body) -> list[dict]:
    """The leaf properties a new resource gets, as Create property changes."""
    leaves = []

    def walk(value, path):
        if isinstance(value, dict) and value:
            for key, item in value.items():
                walk(item, _join(path, str(key)))
        elif isinstance(value, list) and value and any(isinstance(item, (dict, list)) for item in value):
            for index, item in enumerate(value):
                walk(item, _join(path, str(index)))
        elif value is not None and not hasattr(value, "source"):  # UnknownValue: known after deployment
            leaves.append({"path": path, "change": "Create", "before": None, "after": value})

    for key in _BODY_KEYS:
        if isinstance(body, dict) and key in body:
            walk(body[key], key)
    return leaves


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return f"{prefix}[{path}]" if path.isdigit() else f"{prefix}.{path}"


def _value(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def render_diff(deployment_label: str, effective: list[dict]) -> dict:
    """Ansible's ``diff`` for the effective changes of one deployment."""
    before_lines, after_lines = [], []
    for entry in sorted(effective, key=lambda item: item["resource"].lower()):
        kind, resource = entry["change_type"], entry["resource"]
        if kind == "Create":
            after_lines.append(f"{resource}:  # Create")
            after_lines.extend(f"  {change['path']}: {_value(change['after'])}" for change in entry["properties"])
            continue
        if kind == "Delete":
            before_lines.append(f"{resource}:  # Delete")
            continue
        if kind == "Deploy" and not entry["properties"]:
            before_lines.append(f"{resource}:")
            after_lines.append(f"{resource}:  # Deploy (values known only after deployment)")
            continue
        before_lines.append(f"{resource}:")
        after_lines.append(f"{resource}:")
        for change in entry["properties"]:
            if change["change"] != "Create":
                before_lines.append(f"  {change['path']}: {_value(change['before'])}")
            if change["change"] != "Delete":
                after_lines.append(f"  {change['path']}: {_value(change['after'])}")
    return {
        "before_header": f"{deployment_label} (Azure now)",
        "after_header": f"{deployment_label} (after deployment, by ARM what-if)",
        "before": "\n".join(before_lines) + ("\n" if before_lines else ""),
        "after": "\n".join(after_lines) + ("\n" if after_lines else ""),
    }


def change_marks(effective: list[dict]) -> list[str]:
    """One line per effective change, as ``az deployment what-if`` marks them (for the module's ``changes``)."""
    return [
        f"{_MARKS.get(entry['change_type'], '?')} {entry['resource']} ({entry['change_type']})" for entry in effective
    ]
