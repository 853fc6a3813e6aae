"""Management locks (``Microsoft.Authorization/locks``): their enforcement (the type is ``types/locks.py``).

A lock is an extension resource at a subscription, a resource group or a resource:
``{scope}/providers/Microsoft.Authorization/locks/{name}`` with ``properties.level`` ``CanNotDelete`` or ``ReadOnly``
(azure-mgmt-resource-locks' ``ManagementLockObject``, api-version 2020-05-01). Writing one needs
``Microsoft.Authorization/locks/write`` (Owner and User Access Administrator have it; Contributor's NotActions
exclude ``Microsoft.Authorization/*/Write``), which the pipeline's RBAC step checks like any other action.

Enforcement (``check_locks``, a step of the request pipeline after authorization; Azure Resource Manager "Lock your
resources to protect your infrastructure"): a lock applies to its scope and everything below it.

- DELETE of a resource, resource group or subscription-scoped resource is refused while a lock of either level sits
  at the target, above it, or below it (a resource group holding a locked resource cannot be deleted);
- ``ReadOnly`` also refuses writes at or below its scope: PUT, PATCH and POST actions (``listKeys`` is a POST, so a
  read-only storage account does not list its keys, as the docs warn), except POSTs that only read.

The answer is 409 ``ScopeLocked``. Locks themselves are exempt: deleting the lock is the only way out.
"""

from __future__ import annotations

from localazure.error_catalogue import SCOPE_LOCKED
from localazure.rbac.scopes import scope_covers
from localazure.resource_types import MANAGEMENT_LOCKS, type_key

_LOCK_SEGMENT = f"/providers/{type_key(MANAGEMENT_LOCKS)}/"
# POST actions that change nothing, so a ReadOnly lock lets them through.
_READING_POSTS = frozenset(
    {"checknameavailability", "validate", "whatif", "calculatetemplatehash", "exporttemplate", "listavailablesizes"}
)
WRITE_METHODS = ("PUT", "PATCH", "POST", "DELETE")


def lock_scope(lock_id: str) -> str:
    """The scope a lock applies to: its id without ``/providers/Microsoft.Authorization/locks/{name}``."""
    position = lock_id.lower().rfind(_LOCK_SEGMENT)
    return lock_id[:position] if position >= 0 else lock_id


def scope_locked_message(target: str, operation: str, lock_scopes: list[str]) -> str:
    # Azure's words for delete (the contract of issue 9 quotes them); "write" for a ReadOnly lock's refusal of
    # other changes follows them (NOT VERIFIED: the verb Azure names for writes).
    return (
        f"The scope '{target}' cannot perform {operation} operation because following scope(s) are locked: "
        f"'{', '.join(lock_scopes)}'. Please remove the lock and try again."
    )


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("?", 1)[0].split("/") if segment]


def _target(method: str, path: str) -> str | None:
    """The scope a request changes, or None when locks do not apply (reads, lock writes, reading POSTs)."""
    if method not in WRITE_METHODS or _LOCK_SEGMENT in path.lower() + "/":
        return None
    segments = _segments(path)
    if not segments or segments[0].lower() != "subscriptions":
        return None
    if method == "POST":
        if segments[-1].lower() in _READING_POSTS:
            return None
        segments = segments[:-1]
    return "/" + "/".join(segments)


def check_locks(app, request) -> None:
    """409 ScopeLocked when a lock forbids the request (see the module docstring)."""
    target = _target(request.method, request.path)
    if target is None:
        return
    locks = app.store.resources_of_type(type_key(MANAGEMENT_LOCKS))
    if not locks:
        return
    deleting = request.method == "DELETE"
    blocking = []
    for lock in locks:
        scope = lock_scope(lock["id"])
        level = str((lock.get("properties") or {}).get("level", "")).lower()
        if scope_covers(scope, target) and (deleting or level == "readonly"):
            blocking.append(scope)
        elif deleting and scope_covers(target, scope):
            blocking.append(scope)
    if blocking:
        unique = list(dict.fromkeys(blocking))
        raise SCOPE_LOCKED(scope_locked_message(target, "delete" if deleting else "write", unique))
