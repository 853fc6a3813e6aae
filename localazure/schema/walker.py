"""Walk a request body against a shape: find what Azure would reject, and what it would ignore.

The walk reports findings (kind, path, details) in body order; ``problems`` turns them into Azure's error
codes and words. Read-only members are skipped without a finding: on PUT Azure ignores them.
Member names match case-insensitively and enum values compare case-insensitively, as Azure's .NET
deserializers do.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

from localazure.resource_types import UNMODELLED_MEMBERS

from .shapes import EnumShape, ListShape, MapShape, ObjectShape, ScalarShape, UnionShape

_ISO_DURATION = re.compile(
    r"^-?P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
_TIMESPAN = re.compile(r"^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?$")
# The top-level members of Resource Manager's resource envelope (resource_types.UNMODELLED_MEMBERS). ARM accepts
# them on every type and hands the provider only what it models: azure-ai-ml's own workspace template sends
# "kind" on a Log Analytics workspace, whose model has no such member, and Azure deploys it.


@dataclass(frozen=True)
class Finding:
    kind: str  # unknown_member, wrong_type, invalid_enum, missing_required, constraint
    path: tuple  # member names and list indexes from the body's root
    type_name: str = ""  # the .NET-like type the value should have had (or the object lacking a member)
    value: Any = None
    allowed: tuple = ()
    rule: str = ""  # for constraint findings: pattern, max_length, ...
    limit: Any = None


@dataclass
class _Walk:
    findings: list = field(default_factory=list)

    def value(self, shape, value, path: tuple, constraints=None) -> None:
        if value is None:
            return
        if isinstance(shape, ObjectShape):
            self.object(shape, value, path)
        elif isinstance(shape, ListShape):
            self.sequence(shape, value, path)
        elif isinstance(shape, MapShape):
            self.mapping(shape, value, path)
        elif isinstance(shape, EnumShape):
            self.enum(shape, value, path)
        elif isinstance(shape, UnionShape):
            self.union(shape, value, path)
        elif not _scalar_fits(shape, value):
            self.findings.append(Finding("wrong_type", path, shape.type_name, value))
            return
        if constraints:
            self.constraints(constraints, value, path)

    def object(self, shape: ObjectShape, value, path: tuple) -> None:
        if not isinstance(value, dict):
            self.findings.append(Finding("wrong_type", path, shape.type_name, value))
            return
        shape = self.concrete(shape, value, path)
        if shape is None:
            return
        present = set()
        for name, item in value.items():
            member = shape.member(name)
            if member is None:
                if not path and name.lower() in UNMODELLED_MEMBERS:
                    continue  # Resource Manager's own envelope: accepted on every type, used or not by the provider
                self.findings.append(Finding("unknown_member", path + (name,), shape.type_name, item))
                continue
            present.add(member.name)
            if member.read_only:
                continue
            self.value(member.shape, item, path + (name,), member.constraints)
            if item is None and member.required:
                present.discard(member.name)
        for member in shape.fields.values():
            if member.required and member.name not in present:
                self.findings.append(Finding("missing_required", path + (member.name,), shape.type_name))

    def concrete(self, shape: ObjectShape, value: dict, path: tuple):
        """The subtype a discriminated object names, or None when the discriminator is missing or unknown."""
        while shape.discriminator and shape.subtypes:
            key = next((name for name in value if name.lower() == shape.discriminator.lower()), None)
            if key is None or value[key] is None:
                self.findings.append(Finding("missing_required", path + (shape.discriminator,), shape.type_name))
                return None
            subtype = shape.subtype(value[key])
            if subtype is None:
                self.findings.append(
                    Finding("invalid_enum", path + (key,), shape.type_name, value[key], tuple(shape.subtypes))
                )
                return None
            if subtype is shape:
                break
            shape = subtype
        return shape

    def sequence(self, shape: ListShape, value, path: tuple) -> None:
        if not isinstance(value, list):
            self.findings.append(Finding("wrong_type", path, _list_type_name(shape), value))
            return
        for index, item in enumerate(value):
            self.value(shape.item, item, path + (index,))

    def mapping(self, shape: MapShape, value, path: tuple) -> None:
        if not isinstance(value, dict):
            self.findings.append(Finding("wrong_type", path, "Dictionary`2", value))
            return
        for key, item in value.items():
            self.value(shape.value, item, path + (key,))

    def enum(self, shape: EnumShape, value, path: tuple) -> None:
        if isinstance(value, str):
            # Most Azure enums are extensible strings (x-ms-enum modelAsString) and an empty one means "unset":
            # azure-ai-ml's workspace template sends systemDatastoresAuthMode "" and Azure deploys it.
            if value.lower() in shape.folded or value == "":
                return
        elif not isinstance(value, bool) and value in shape.values:
            return
        self.findings.append(Finding("invalid_enum", path, shape.type_name, value, shape.values))

    def union(self, shape: UnionShape, value, path: tuple) -> None:
        for option in shape.options:
            trial = _Walk()
            trial.value(option, value, path)
            if not trial.findings:
                return
        self.findings.append(Finding("wrong_type", path, shape.type_name, value))

    def constraints(self, rules, value, path: tuple) -> None:
        for rule, limit, broken in _broken_rules(rules, value):
            if broken:
                self.findings.append(Finding("constraint", path, "", value, rule=rule, limit=limit))


def _broken_rules(rules, value):
    if isinstance(value, str):
        yield "max_length", rules.max_length, rules.max_length is not None and len(value) > rules.max_length
        yield "min_length", rules.min_length, rules.min_length is not None and len(value) < rules.min_length
        yield "pattern", rules.pattern, rules.pattern is not None and re.search(rules.pattern, value) is None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield "maximum", rules.maximum, rules.maximum is not None and value > rules.maximum
        yield "minimum", rules.minimum, rules.minimum is not None and value < rules.minimum
    elif isinstance(value, list):
        yield "max_items", rules.max_items, rules.max_items is not None and len(value) > rules.max_items
        yield "min_items", rules.min_items, rules.min_items is not None and len(value) < rules.min_items
        yield "unique", True, rules.unique and len({json.dumps(item, sort_keys=True) for item in value}) < len(value)


def _scalar_fits(shape: ScalarShape, value) -> bool:
    """Whether Azure's deserializer (Json.NET) can read ``value`` as the shape's scalar.

    Json.NET converts between primitives: any primitive into a string, "true"/"false" (any case) and integers
    into a boolean, numeric strings into numbers. Templates rely on it (azure-ai-ml's workspace template passes
    hbiWorkspace as the string "false"); objects and arrays never convert.
    """
    kind = shape.kind
    if kind == "any":
        return True
    if isinstance(value, (dict, list)):
        return False
    if kind == "string":
        return True
    if kind == "boolean":
        return (isinstance(value, (bool, int)) and not isinstance(value, float)) or (
            isinstance(value, str) and value.strip().lower() in ("true", "false")
        )
    if isinstance(value, bool):
        return False
    if kind == "integer":
        number = _number(value)
        return number is not None and float(number).is_integer()
    if kind == "number":
        return _number(value) is not None
    if not isinstance(value, str):
        return False
    if kind in ("datetime", "date"):
        return _is_iso_datetime(value)
    if kind == "duration":
        return bool(_ISO_DURATION.match(value) or _TIMESPAN.match(value))
    return True  # time, bytes: any string


def _number(value):
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def _is_iso_datetime(text: str) -> bool:
    try:
        datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return False
    return True


def _list_type_name(shape: ListShape) -> str:
    return f"List`1[{getattr(shape.item, 'type_name', 'Object')}]"


def walk(shape: ObjectShape, body) -> list:
    """Every finding for the body, in body order."""
    state = _Walk()
    state.value(shape, body, ())
    return state.findings


def strip_read_only(shape, value):
    """A copy of the value without the members the shape marks read-only."""
    if isinstance(shape, ObjectShape) and isinstance(value, dict):
        probe = _Walk()
        concrete = probe.concrete(shape, value, ()) or shape
        kept = {}
        for name, item in value.items():
            member = concrete.member(name)
            if member is None:
                kept[name] = item
            elif not member.read_only:
                kept[name] = strip_read_only(member.shape, item)
        return kept
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [strip_read_only(shape.item, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: strip_read_only(shape.value, item) for key, item in value.items()}
    return value


def read_only_paths(shape: ObjectShape, max_depth: int = 6) -> set:
    """Dotted paths of read-only members (``[*]`` for list items, ``{*}`` for map values), to max_depth."""
    found: set = set()
    _collect(shape, "", found, (), max_depth)
    return found


def path_steps(path: str) -> tuple:
    """The steps of a ``read_only_paths`` path: member names, ``[*]`` (a list item) and ``{*}`` (a map value)."""
    steps = []
    for part in path.split("."):
        name = part.split("[*]", 1)[0]
        if name:
            steps.append(name)
        steps.extend(["[*]"] * part.count("[*]"))
    return tuple(steps)


def writable_at(shape, steps: tuple) -> bool:
    """Whether a body may set a value at the path (``path_steps``): some route to it, through any subtype, passes
    no read-only member. A free-form (``any``) value takes every path below it."""
    if not steps:
        return True
    head, rest = steps[0], steps[1:]
    if isinstance(shape, ListShape):
        return head == "[*]" and writable_at(shape.item, rest)
    if isinstance(shape, MapShape):
        return head == "{*}" and writable_at(shape.value, rest)
    if isinstance(shape, UnionShape):
        return any(writable_at(option, steps) for option in shape.options)
    if isinstance(shape, ObjectShape):
        members = (concrete.member(head) for concrete in (shape, *shape.subtypes.values()))
        return any(
            member is not None and not member.read_only and writable_at(member.shape, rest) for member in members
        )
    return isinstance(shape, ScalarShape) and shape.kind == "any"


def _collect(shape, prefix: str, found: set, seen: tuple, depth: int) -> None:
    if depth <= 0:
        return
    if isinstance(shape, ListShape):
        _collect(shape.item, prefix + "[*]", found, seen, depth)
    elif isinstance(shape, MapShape):
        _collect(shape.value, prefix + ".{*}" if prefix else "{*}", found, seen, depth)
    elif isinstance(shape, ObjectShape) and shape not in seen:
        shapes = [shape, *shape.subtypes.values()]
        for concrete in shapes:
            for member in concrete.fields.values():
                path = f"{prefix}.{member.name}" if prefix else member.name
                if member.read_only:
                    found.add(path)
                else:
                    _collect(member.shape, path, found, seen + (shape,), depth - 1)
