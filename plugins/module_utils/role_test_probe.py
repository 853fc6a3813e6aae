# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the custom role test: which request asks Azure for an action, how Azure's role evaluation
matches an action, and whether the answer a principal got is the one a matrix row expects.

No SDK here: the permission_probe module makes the requests and passes plain values in; ``run_rows`` schedules
them (allowed rows first, retried while role assignments propagate, then denied rows).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

PROBE_NAME = "dlinfra-role-test-probe"
# An ETag no resource ever has: a write or delete that Azure wrongly authorizes then fails with 412 instead
# of changing the workspace (If-Match on a resource that does not match, or does not exist).
GUARD_ETAG = '"dlinfra-role-test-never-matches"'
_VERB_METHODS = {"action": "POST", "write": "PUT", "delete": "DELETE", "read": "GET"}
# What a data plane answers when it refuses a caller that authenticated: ARM, the blob service.
DENIAL_CODES = ("AuthorizationFailed", "AuthorizationPermissionMismatch")


def action_pattern(pattern: str):
    """Azure's match of an action pattern: case-insensitive, ``*`` matches any characters (also ``/``)."""
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$", re.IGNORECASE)


def matches_any(patterns, action: str) -> bool:
    return any(action_pattern(pattern).match(action) for pattern in patterns or [])


def concrete_action(action: str) -> str:
    """One concrete action a wildcard row stands for (``computes/*/write`` -> ``computes/<probe>/write``)."""
    return action.replace("*", PROBE_NAME)


def permitted(permissions: list, action: str, data_action: bool = False) -> bool:
    """Whether the ``value`` of ``GET {scope}/providers/Microsoft.Authorization/permissions`` grants ``action``:
    the union over its entries of actions minus notActions (dataActions minus notDataActions)."""
    allowed, excluded = ("dataActions", "notDataActions") if data_action else ("actions", "notActions")
    wanted = concrete_action(action)
    return any(
        matches_any(entry.get(allowed), wanted) and not matches_any(entry.get(excluded), wanted)
        for entry in permissions or []
    )


def request_for_action(action: str, resource_id: str, resource_type: str) -> tuple[str, str] | None:
    """``(method, path)`` of the request that asks Resource Manager for ``action`` on ``resource_id`` (of type
    ``resource_type``): a probe-named child of each child type, the operation's name for ``/action``. None for an
    action of another type, or a wildcard (it names no single request)."""
    prefix = resource_type.rstrip("/") + "/"
    if "*" in action or not action.lower().startswith(prefix.lower()):
        return None
    *segments, verb = action[len(prefix) :].split("/")
    if verb.lower() not in _VERB_METHODS:
        return None
    operation = None
    if verb.lower() == "action":
        if not segments:
            return None
        *segments, operation = segments
    path = resource_id.rstrip("/")
    if segments[:1] == ["providers"]:  # an extension type, e.g. providers/Microsoft.Insights/diagnosticSettings
        if len(segments) < 3:
            return None
        path += f"/providers/{segments[1]}"
        segments = segments[2:]
    for segment in segments:
        path += f"/{segment}/{PROBE_NAME}"
    if operation:
        path += f"/{operation}"
    return _VERB_METHODS[verb.lower()], path


def decode_jwt_claims(token: str) -> dict:
    """The claims of a JWT, unverified: the registry's own token says what it grants."""
    import jwt  # PyJWT, installed with azure-identity (msal); imported only by the rows that need it

    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise ValueError(f"the registry returned an access token that is not a JWT ({error})") from None


def granted_registry_actions(claims: dict, repository: str) -> list[str]:
    """The actions a registry access token grants on ``repository`` (its ``access`` claim)."""
    actions: set[str] = set()
    for entry in claims.get("access") or []:
        if entry.get("type") == "repository" and entry.get("name") == repository:
            actions.update(entry.get("actions") or [])
    return sorted(actions)


def outcome_of(status: int | None, code: str | None) -> str:
    """``allowed`` for a success, ``denied`` for Azure's refusal (403 with a refusal code), else ``error``."""
    if status is not None and 200 <= status < 300:
        return "allowed"
    if status == 403 and code in DENIAL_CODES:
        return "denied"
    return "error"


def could_not_run(row: dict, error: DlinfraError) -> dict:
    """The result of a row whose request could not be made (transport, a token for the row): a failure, by name."""
    return {
        "name": row["name"],
        "expect": row["expect"],
        "outcome": "error",
        "status": error.status,
        "code": error.code,
        "message": error.message,
        "permitted": None,
        "passed": False,
        "detail": "the probe could not run",
    }


def run_rows(
    rows: list,
    run_row: Callable[[dict, dict], dict],
    retries: int = 0,
    delay: float = 0,
    sleep: Callable[[float], object] = time.sleep,
) -> list[dict]:
    """Run every row with ``run_row(row, shared)``, which returns the row's result (with ``passed``); return the
    results in the order of ``rows``, each with ``attempts``.

    Allowed rows run first, in their order. Role assignments take effect after a while, so an allowed row that
    does not pass runs again, ``delay`` seconds later, at most ``retries`` more times; the rows still waiting run
    again together, so they share the waits. Denied rows run once, after every allowed row: a denial is then the
    role's, not a late assignment's. ``shared`` is a dict the rows of one round share (answers that cannot change
    within a round). A row that raises ``DlinfraError`` could not run: it fails, is not retried, and the other rows
    still run.
    """
    results: list[dict] = [{} for dummy_row in rows]
    attempts = [0] * len(rows)
    pending = [index for index, row in enumerate(rows) if row["expect"] == "allowed"]
    for attempt in range(max(int(retries), 0) + 1):
        if attempt:
            sleep(delay)
        pending = _run_round(rows, pending, run_row, results, attempts)
        if not pending:
            break
    denied = [index for index, row in enumerate(rows) if row["expect"] != "allowed"]
    _run_round(rows, denied, run_row, results, attempts)
    return [{**result, "attempts": count} for result, count in zip(results, attempts, strict=True)]


def _run_round(rows: list, indexes: list, run_row, results: list, attempts: list) -> list[int]:
    """Run the rows of ``indexes``; return those that did not pass and may run again."""
    shared: dict = {}
    again = []
    for index in indexes:
        attempts[index] += 1
        try:
            results[index] = run_row(rows[index], shared)
        except DlinfraError as error:
            results[index] = could_not_run(rows[index], error)
            continue
        if results[index].get("passed") is False:
            again.append(index)
    return again
