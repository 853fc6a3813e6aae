"""languageVersion 2.0 user-defined types: ``definitions`` with ``$ref``, ``nullable`` and ``discriminator``.

``type_problems(value, schema, definitions)`` lists where ``value`` breaks a type schema, as
``(json path inside the value, problem)`` pairs; an empty list means the value conforms.
"""

from __future__ import annotations

from .functions.conversions import deep_equals
from .values import UnknownValue, contains_unknown, type_name

_PRIMITIVES = {
    "string": "String",
    "securestring": "String",
    "int": "Integer",
    "bool": "Boolean",
    "object": "Object",
    "secureobject": "Object",
    "array": "Array",
}
_MAX_DEPTH = 64


def resolve_reference(schema: dict, definitions: dict) -> dict:
    """Follow ``$ref: '#/definitions/<name>'`` chains; sibling keys (e.g. ``nullable``) are kept."""
    seen = set()
    while isinstance(schema, dict) and "$ref" in schema:
        reference = str(schema["$ref"])
        prefix = "#/definitions/"
        if not reference.startswith(prefix) or reference[len(prefix) :] not in definitions:
            raise KeyError(reference)
        if reference in seen:
            raise KeyError(f"{reference} (circular)")
        seen.add(reference)
        siblings = {key: item for key, item in schema.items() if key != "$ref"}
        schema = {**definitions[reference[len(prefix) :]], **siblings}
    return schema


def type_problems(value, schema: dict, definitions: dict, path: str = "", depth: int = 0) -> list[tuple[str, str]]:
    if isinstance(value, UnknownValue) or depth > _MAX_DEPTH:
        return []
    try:
        schema = resolve_reference(schema, definitions)
    except KeyError as missing:
        return [(path, f"the type reference '{missing.args[0]}' is not defined in the template 'definitions'")]
    if value is None:
        return [] if schema.get("nullable") else [(path, "a value is required but null was provided")]
    declared = str(schema.get("type", "")).lower()
    expected = _PRIMITIVES.get(declared)
    if expected is not None and type_name(value) != expected:
        return [(path, f"expected a value of type '{expected}' but the provided value is of type '{type_name(value)}'")]
    problems = _constraint_problems(value, schema, path)
    if isinstance(value, dict):
        problems += _object_problems(value, schema, definitions, path, depth)
    elif isinstance(value, list):
        problems += _array_problems(value, schema, definitions, path, depth)
    return problems


def _constraint_problems(value, schema: dict, path: str) -> list[tuple[str, str]]:
    problems = []
    allowed = schema.get("allowedValues")
    if isinstance(allowed, list) and not contains_unknown(value):
        candidates = value if isinstance(value, list) else [value]
        if not all(any(deep_equals(candidate, option) for option in allowed) for candidate in candidates):
            problems.append((path, "the value is not part of the allowed value(s)"))
    if isinstance(value, int) and not isinstance(value, bool):
        if "minValue" in schema and value < schema["minValue"]:
            problems.append((path, f"the value must be greater than or equal to '{schema['minValue']}'"))
        if "maxValue" in schema and value > schema["maxValue"]:
            problems.append((path, f"the value must be less than or equal to '{schema['maxValue']}'"))
    if isinstance(value, (str, list)):
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append((path, f"the length of the value must be greater than or equal to '{schema['minLength']}'"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append((path, f"the length of the value must be less than or equal to '{schema['maxLength']}'"))
    return problems


def _object_problems(value: dict, schema: dict, definitions: dict, path: str, depth: int):
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, dict):
        return _discriminated_problems(value, discriminator, definitions, path, depth)
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        additional = schema.get("additionalProperties")
        if isinstance(additional, dict):
            return [
                problem
                for key, item in value.items()
                for problem in type_problems(item, additional, definitions, f"{path}.{key}", depth + 1)
            ]
        return []
    problems = []
    by_lower = {key.lower(): key for key in value}
    for name, property_schema in properties.items():
        key = by_lower.get(name.lower())
        if key is None:
            if not resolve_reference(property_schema, definitions).get("nullable"):
                problems.append((f"{path}.{name}", "the required property is missing"))
            continue
        problems += type_problems(value[key], property_schema, definitions, f"{path}.{name}", depth + 1)
    declared = {name.lower() for name in properties}
    extra = [key for key in value if key.lower() not in declared]
    additional = schema.get("additionalProperties")
    for key in extra:
        if isinstance(additional, dict):
            problems += type_problems(value[key], additional, definitions, f"{path}.{key}", depth + 1)
        elif additional is not True:
            problems.append((f"{path}.{key}", "the property is not allowed by the type"))
    return problems


def _discriminated_problems(value: dict, discriminator: dict, definitions: dict, path: str, depth: int):
    name = discriminator.get("propertyName")
    mapping = discriminator.get("mapping") or {}
    tag = next((item for key, item in value.items() if isinstance(name, str) and key.lower() == name.lower()), None)
    if tag is None:
        return [(f"{path}.{name}", "the discriminator property is missing")]
    if tag not in mapping:
        return [(f"{path}.{name}", f"the discriminator value '{tag}' is not one of '{', '.join(mapping)}'")]
    variant = resolve_reference(mapping[tag], definitions)
    properties = dict(variant.get("properties") or {})
    properties.setdefault(name, {"type": "string"})
    return _object_problems(value, {**variant, "properties": properties}, definitions, path, depth)


def _array_problems(value: list, schema: dict, definitions: dict, path: str, depth: int):
    problems = []
    prefix = schema.get("prefixItems")
    prefix = prefix if isinstance(prefix, list) else []
    for index, item_schema in enumerate(prefix):
        if index >= len(value):
            problems.append((f"{path}[{index}]", "the array is shorter than its 'prefixItems'"))
            break
        problems += type_problems(value[index], item_schema, definitions, f"{path}[{index}]", depth + 1)
    items = schema.get("items")
    for index in range(len(prefix), len(value)):
        if isinstance(items, dict):
            problems += type_problems(value[index], items, definitions, f"{path}[{index}]", depth + 1)
        elif items is False:
            problems.append((f"{path}[{index}]", "the array has more items than its 'prefixItems' allow"))
    return problems


def is_user_defined(schema: dict) -> bool:
    """True if a declaration uses anything beyond the classic parameter keywords."""
    return any(
        key in schema for key in ("$ref", "properties", "additionalProperties", "items", "prefixItems", "discriminator")
    )
