"""What-if: compare a resource's current body with the desired one, in ARM's what-if change shape.

``resource_change(resource_id, current, desired)`` returns the REST ``WhatIfChange`` shape
(Microsoft.Resources ``resources.json``): ``{"resourceId", "changeType", "before", "after", "delta"}``
(plus ``unsupportedReason`` for Unsupported) where ``changeType`` is one of Create, Delete, Ignore,
Deploy, NoChange, Modify, Unsupported, and each ``delta`` entry is a ``WhatIfPropertyChange``
``{"path", "propertyChangeType", "before", "after", "children"?}`` with ``propertyChangeType`` one of
Create, Delete, Modify, Array, NoEffect.

As in deploy-what-if.md's example, a removed object is reported leaf by leaf (``- tags.Owner``), and
arrays are compared by content: items kept in place are not changes, a removed item is a Delete at its
old index, an added one a Create at its new index, a replaced scalar a Delete and a Create at the same
index, and a replaced object a Modify (with children) at its index.

Noise that real what-if also hides does not count as a change:
* read-only and generated properties (``provisioningState``, ``etag``, generated ids, timestamps, ...);
  when the template sets one of them to a different value, the change is ``NoEffect``;
* properties the server filled in that the template does not mention (server defaults);
* differences in letter case of resource ids and locations.
"""
from __future__ import annotations

from .values import UnknownValue, contains_unknown

CREATE, DELETE, MODIFY, NO_CHANGE, IGNORE, DEPLOY = "Create", "Delete", "Modify", "NoChange", "Ignore", "Deploy"
UNSUPPORTED = "Unsupported"
ARRAY, NO_EFFECT = "Array", "NoEffect"

READ_ONLY_PROPERTIES = frozenset(name.lower() for name in (
    "provisioningState", "etag", "resourceGuid", "uniqueId", "createdTime", "creationTime", "createdOn",
    "createdAt", "lastModifiedTime", "lastModifiedAt", "lastModifiedOn", "changedTime", "systemData",
    "principalId", "clientId", "primaryEndpoints", "secondaryEndpoints", "statusOfPrimary",
    "statusOfSecondary", "workspaceId", "discoveryUrl", "mlFlowTrackingUri", "notebookInfo",
    "serviceProvisionedResourceGroup", "privateLinkCount", "loginServer", "vaultUri", "hbiWorkspace",
    "storageHnsEnabled", "tenantId", "lastModifiedBy", "createdBy", "allocationState", "currentNodeCount",
    "targetNodeCount", "nodeStateCounts", "allocationStateTransitionTime", "errors",
))
_TOP_LEVEL_KEYS = ("location", "tags", "sku", "kind", "identity", "properties", "zones", "plan", "managedBy")


def resource_change(resource_id: str, current: dict | None, desired: dict | None, *,
                    mode: str = "Incremental", unsupported_reason: str | None = None) -> dict:
    """The what-if change for one resource (``None`` means absent on that side).

    ``unsupported_reason`` marks a resource what-if cannot predict (changeType Unsupported).
    """
    change = {"resourceId": resource_id, "before": current, "after": desired, "delta": []}
    if current is None and desired is None:
        raise ValueError("a resource must exist on at least one side")
    if unsupported_reason:
        change.update(changeType=UNSUPPORTED, unsupportedReason=unsupported_reason)
        return change
    if current is None:
        change["changeType"] = CREATE
        return change
    if desired is None:
        change["changeType"] = DELETE if mode.lower() == "complete" else IGNORE
        return change
    comparable_desired = {key: value for key, value in desired.items() if key in _TOP_LEVEL_KEYS}
    comparable_current = {key: value for key, value in current.items() if key in _TOP_LEVEL_KEYS}
    delta = diff_values(comparable_current, comparable_desired)
    if contains_unknown(desired):
        change["changeType"] = DEPLOY
    elif any(_effective(entry) for entry in delta):
        change["changeType"] = MODIFY
    else:
        change["changeType"] = NO_CHANGE
    change["delta"] = delta
    return change


def _effective(entry: dict) -> bool:
    """A property change the resource provider will apply (NoEffect ones, also nested in arrays, do not)."""
    if entry["propertyChangeType"] == NO_EFFECT:
        return False
    if "children" in entry:
        return any(_effective(child) for child in entry["children"])
    return True


def diff_values(before, after, path: str = "") -> list[dict]:
    """Property changes turning ``before`` into ``after`` (objects recurse, arrays compare by index)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return _diff_objects(before, after, path)
    if isinstance(before, list) and isinstance(after, list):
        children = _diff_arrays(before, after)
        return [{"path": path, "propertyChangeType": ARRAY, "before": before, "after": after,
                 "children": children}] if children else []
    if _same(before, after):
        return []
    return [{"path": path, "propertyChangeType": MODIFY, "before": before, "after": after}]


def _diff_objects(before: dict, after: dict, path: str) -> list[dict]:
    changes = []
    before_by_lower = {key.lower(): key for key in before}
    for key, desired in after.items():
        child_path = f"{path}.{key}" if path else key
        read_only = key.lower() in READ_ONLY_PROPERTIES
        if key.lower() not in before_by_lower:
            if desired is None:
                continue
            changes.append({"path": child_path, "propertyChangeType": NO_EFFECT if read_only else CREATE,
                            "after": desired})
            continue
        current = before[before_by_lower[key.lower()]]
        if isinstance(desired, UnknownValue):
            continue
        if desired is None and current is not None and not read_only:
            changes.extend(_deleted_leaves(current, child_path))
            continue
        if key.lower() == "location" and isinstance(current, str) and isinstance(desired, str) \
                and _normalized_location(current) == _normalized_location(desired):
            continue
        nested = diff_values(current, desired, child_path)
        if read_only:
            nested = [{**entry, "propertyChangeType": NO_EFFECT} for entry in nested]
        changes.extend(nested)
    return changes


def _deleted_leaves(value, path: str) -> list[dict]:
    """A removed value as what-if shows it: each leaf of a removed object is its own Delete."""
    if isinstance(value, dict) and value:
        return [entry for key, item in value.items() for entry in _deleted_leaves(item, f"{path}.{key}")]
    return [{"path": path, "propertyChangeType": DELETE, "before": value}]


def _diff_arrays(before: list, after: list) -> list[dict]:
    children = []
    kept = _kept_pairs(before, after)
    previous_before = previous_after = 0
    for before_index, after_index in kept + [(len(before), len(after))]:
        children.extend(_diff_gap(before, after, range(previous_before, before_index),
                                  range(previous_after, after_index)))
        previous_before, previous_after = before_index + 1, after_index + 1
    return children


def _kept_pairs(before: list, after: list) -> list[tuple[int, int]]:
    """Index pairs of the longest common subsequence of equal items (the items what-if leaves alone)."""
    lengths = [[0] * (len(after) + 1) for _index in range(len(before) + 1)]
    for i in range(len(before) - 1, -1, -1):
        for j in range(len(after) - 1, -1, -1):
            if _equal_items(before[i], after[j]):
                lengths[i][j] = lengths[i + 1][j + 1] + 1
            else:
                lengths[i][j] = max(lengths[i + 1][j], lengths[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < len(before) and j < len(after):
        if _equal_items(before[i], after[j]):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _diff_gap(before: list, after: list, removed: range, added: range) -> list[dict]:
    """Changes between two kept items: objects replaced in place are Modify, the rest Delete and Create."""
    children = []
    paired = min(len(removed), len(added))
    for offset in range(paired):
        old, new, index = before[removed[offset]], after[added[offset]], added[offset]
        if isinstance(old, dict) and isinstance(new, dict):
            nested = _diff_objects(old, new, "")
            if nested:
                kind = NO_EFFECT if all(entry["propertyChangeType"] == NO_EFFECT for entry in nested) else MODIFY
                children.append({"path": str(index), "propertyChangeType": kind, "before": old, "after": new,
                                 "children": nested})
        else:
            children.append({"path": str(removed[offset]), "propertyChangeType": DELETE, "before": old})
            children.append({"path": str(index), "propertyChangeType": CREATE, "after": new})
    children.extend({"path": str(index), "propertyChangeType": DELETE, "before": before[index]}
                    for index in removed[paired:])
    children.extend({"path": str(index), "propertyChangeType": CREATE, "after": after[index]}
                    for index in added[paired:])
    return children


def _equal_items(before, after) -> bool:
    if isinstance(before, dict) and isinstance(after, dict):
        return not _diff_objects(before, after, "")
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(_equal_items(old, new) for old, new in zip(before, after))
    return _same(before, after)


def _same(before, after) -> bool:
    if isinstance(before, bool) or isinstance(after, bool):
        return before is after or (isinstance(before, bool) and isinstance(after, bool) and before == after)
    if isinstance(before, str) and isinstance(after, str):
        if before.lower().startswith(("/subscriptions/", "/providers/")):
            return before.lower() == after.lower()
        return before == after
    return before == after


def _normalized_location(text: str) -> str:
    return text.replace(" ", "").lower()
