"""What-if: compare a resource's current body with the desired one, in ARM's what-if change shape.

``resource_change(resource_id, current, desired)`` returns
``{"resourceId", "changeType", "before", "after", "delta"}`` where ``changeType`` is one of
Create, Delete, Modify, NoChange, Ignore, Deploy and each ``delta`` entry is
``{"path", "propertyChangeType", "before", "after", "children"?}`` with ``propertyChangeType`` one of
Create, Delete, Modify, Array, NoEffect.

Noise that real what-if also hides does not count as a change:
* read-only and generated properties (``provisioningState``, ``etag``, generated ids, timestamps, ...);
  when the template sets one of them to a different value, the change is ``NoEffect``;
* properties the server filled in that the template does not mention (server defaults);
* differences in letter case of resource ids and locations.
"""
from __future__ import annotations

from .values import UnknownValue, contains_unknown

CREATE, DELETE, MODIFY, NO_CHANGE, IGNORE, DEPLOY = "Create", "Delete", "Modify", "NoChange", "Ignore", "Deploy"
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
                    mode: str = "Incremental") -> dict:
    """The what-if change for one resource (``None`` means absent on that side)."""
    change = {"resourceId": resource_id, "before": current, "after": desired, "delta": []}
    if current is None and desired is None:
        raise ValueError("a resource must exist on at least one side")
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
            changes.append({"path": child_path, "propertyChangeType": DELETE, "before": current})
            continue
        if key.lower() == "location" and isinstance(current, str) and isinstance(desired, str) \
                and _normalized_location(current) == _normalized_location(desired):
            continue
        nested = diff_values(current, desired, child_path)
        if read_only:
            nested = [{**entry, "propertyChangeType": NO_EFFECT} for entry in nested]
        changes.extend(nested)
    return changes


def _diff_arrays(before: list, after: list) -> list[dict]:
    children = []
    for index in range(max(len(before), len(after))):
        if index >= len(before):
            children.append({"path": str(index), "propertyChangeType": CREATE, "after": after[index]})
        elif index >= len(after):
            children.append({"path": str(index), "propertyChangeType": DELETE, "before": before[index]})
        elif isinstance(before[index], dict) and isinstance(after[index], dict):
            nested = _diff_objects(before[index], after[index], "")
            if nested:
                kind = NO_EFFECT if all(entry["propertyChangeType"] == NO_EFFECT for entry in nested) else MODIFY
                children.append({"path": str(index), "propertyChangeType": kind, "before": before[index],
                                 "after": after[index], "children": nested})
        else:
            children.extend(diff_values(before[index], after[index], str(index)))
    return children


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
