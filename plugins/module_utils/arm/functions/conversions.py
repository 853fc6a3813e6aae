"""Value conversions shared by several function groups (ARM's string and JSON forms)."""

from __future__ import annotations

import json

from ..values import UnknownValue


def to_json_text(value) -> str:
    """Compact JSON as ARM writes it (no spaces, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_unknown_to_text)


def _unknown_to_text(value):
    if isinstance(value, UnknownValue):
        return f"<{value.source}>"
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_string(value) -> str:
    """ARM's ``string()``: strings unchanged, booleans ``True``/``False``, others as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return to_json_text(value)


def deep_equals(left, right) -> bool:
    """ARM equality: same type and value (strings case-sensitive, objects key-wise, arrays in order)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        if len(left) != len(right):
            return False
        lowered = {key.lower(): value for key, value in right.items()}
        return all(key.lower() in lowered and deep_equals(value, lowered[key.lower()]) for key, value in left.items())
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(deep_equals(a, b) for a, b in zip(left, right, strict=True))
    if type(left) is not type(right) and not (isinstance(left, (int, float)) and isinstance(right, (int, float))):
        return False
    return left == right


def equality_key(value):
    """A hashable key with ``equality_key(a) == equality_key(b)`` exactly when ``deep_equals(a, b)``.

    Lets union() and intersection() find duplicates in linear time instead of comparing every pair.
    """
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(equality_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((str(key).lower(), equality_key(item)) for key, item in value.items()))
    if isinstance(value, UnknownValue):
        return ("unknown",)
    return ("other", repr(value))
