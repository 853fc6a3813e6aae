"""Azure Policy's ``modify`` effect: assignments that change what a create or update request asks for.

Azure evaluates ``modify`` policies on PUT and PATCH requests before the resource provider sees them: when the
rule's ``if`` matches, its ``operations`` add, replace or remove properties of the request content, and the
resource is stored as modified (Azure Policy docs, "Azure Policy definitions modify effect"). So an environment can
differ from what its templates deployed, which is what functional validation must catch.

An assignment (through ``/_admin/policy-assignments``, or the seed file's ``policy_assignments``)::

    {"name": "registry-admin-user-on", "scope": "/subscriptions/<id>[/resourceGroups/<group>]",
     "policy_rule": {"if": {"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
                     "then": {"effect": "modify", "details": {"operations": [
                         {"operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/adminUserEnabled",
                          "value": true}]}}}}

Served subset: conditions ``{field: type|name|location, equals|notEquals}`` combined with ``allOf``/``anyOf``/
``not``; operations ``addOrReplace`` and ``remove`` on aliases ``<type>/<property path>`` (a property under
``properties``, dots for nesting) and on ``tags['<name>']``. Anything else is refused when the assignment is added.
"""

from __future__ import annotations

import copy
import re
import threading

from localazure.rbac.scopes import normalize_scope, scope_covers

_CONDITION_FIELDS = ("type", "name", "location")
_TAG_FIELD = re.compile(r"^tags\['([^']+)'\]$")


class PolicyError(ValueError):
    """An assignment the endpoint does not serve; the message says what is wrong."""


def _check_condition(condition) -> None:
    if not isinstance(condition, dict) or len(condition) == 0:
        raise PolicyError(f"a policy condition must be an object, not {condition!r}")
    for operator in ("allOf", "anyOf"):
        if operator in condition:
            if not isinstance(condition[operator], list) or not condition[operator]:
                raise PolicyError(f"'{operator}' takes a non-empty list of conditions")
            for item in condition[operator]:
                _check_condition(item)
            return
    if "not" in condition:
        _check_condition(condition["not"])
        return
    if condition.get("field") not in _CONDITION_FIELDS:
        raise PolicyError(
            f"condition field must be one of {', '.join(_CONDITION_FIELDS)}, not {condition.get('field')!r}"
        )
    if not ({"equals", "notEquals"} & set(condition)):
        raise PolicyError("a condition needs 'equals' or 'notEquals'")


def _check_operation(operation) -> None:
    if not isinstance(operation, dict):
        raise PolicyError(f"a modify operation must be an object, not {operation!r}")
    if operation.get("operation") not in ("addOrReplace", "remove"):
        raise PolicyError(f"operation must be addOrReplace or remove, not {operation.get('operation')!r}")
    field = operation.get("field")
    if not isinstance(field, str) or not (_TAG_FIELD.match(field) or field.count("/") >= 2):
        raise PolicyError(f"field must be an alias '<provider>/<type>/<property>' or tags['<name>'], not {field!r}")
    if operation["operation"] == "addOrReplace" and "value" not in operation:
        raise PolicyError("addOrReplace needs a value")


def check_assignment(assignment) -> dict:
    """The assignment, checked; PolicyError names what the endpoint does not serve."""
    if not isinstance(assignment, dict):
        raise PolicyError("a policy assignment must be a JSON object")
    for key in ("name", "scope", "policy_rule"):
        if key not in assignment:
            raise PolicyError(f"a policy assignment needs '{key}'")
    rule = assignment["policy_rule"]
    if not isinstance(rule, dict) or "if" not in rule or "then" not in rule:
        raise PolicyError("policy_rule needs 'if' and 'then'")
    _check_condition(rule["if"])
    then = rule["then"]
    if not isinstance(then, dict) or str(then.get("effect", "")).lower() != "modify":
        raise PolicyError(
            f"only the modify effect is served, not {then.get('effect') if isinstance(then, dict) else then!r}"
        )
    operations = (then.get("details") or {}).get("operations")
    if not isinstance(operations, list) or not operations:
        raise PolicyError("a modify effect needs details.operations")
    for operation in operations:
        _check_operation(operation)
    return copy.deepcopy(assignment)


def _matches(condition: dict, facts: dict) -> bool:
    if "allOf" in condition:
        return all(_matches(item, facts) for item in condition["allOf"])
    if "anyOf" in condition:
        return any(_matches(item, facts) for item in condition["anyOf"])
    if "not" in condition:
        return not _matches(condition["not"], facts)
    value = str(facts.get(condition["field"]) or "").lower()
    if "equals" in condition:
        return value == str(condition["equals"]).lower()
    return value != str(condition["notEquals"]).lower()


def _property_path(field: str, resource_type: str) -> list[str] | None:
    """``["tags", name]`` or ``["properties", ...]`` for an alias of ``resource_type``; None for another type's."""
    tag = _TAG_FIELD.match(field)
    if tag:
        return ["tags", tag.group(1)]
    prefix = resource_type.rstrip("/") + "/"
    if not field.lower().startswith(prefix.lower()):
        return None
    return ["properties", *field[len(prefix) :].split(".")]


def _apply(body: dict, operation: dict, resource_type: str) -> None:
    path = _property_path(operation["field"], resource_type)
    if path is None:
        return
    target = body
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            if operation["operation"] == "remove":
                return
            target[key] = {}
        target = target[key]
    if operation["operation"] == "remove":
        target.pop(path[-1], None)
    else:
        target[path[-1]] = copy.deepcopy(operation["value"])


class PolicyAssignments:
    """The modify assignments in effect; ``modify`` applies them to one request's content."""

    def __init__(self, assignments=()):
        self._lock = threading.Lock()
        self._assignments: list[dict] = []
        for assignment in assignments:
            self.add(assignment)

    def add(self, assignment) -> dict:
        checked = check_assignment(assignment)
        with self._lock:
            self._assignments = [item for item in self._assignments if item["name"] != checked["name"]]
            self._assignments.append(checked)
        return checked

    def clear(self) -> None:
        with self._lock:
            self._assignments.clear()

    def describe(self) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._assignments)

    def modify(self, resource_id: str, resource_type: str, body):
        """``body`` as the assignments whose scope covers ``resource_id`` and whose rule matches modify it."""
        if not isinstance(body, dict):
            return body
        with self._lock:
            assignments = list(self._assignments)
        facts = {
            "type": resource_type,
            "name": resource_id.rstrip("/").rsplit("/", 1)[-1],
            "location": body.get("location"),
        }
        modified = body
        for assignment in assignments:
            if not scope_covers(normalize_scope(assignment["scope"]), normalize_scope(resource_id)):
                continue
            if not _matches(assignment["policy_rule"]["if"], facts):
                continue
            if modified is body:
                modified = copy.deepcopy(body)
            for operation in assignment["policy_rule"]["then"]["details"]["operations"]:
                _apply(modified, operation, resource_type)
        return modified
