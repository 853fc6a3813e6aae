"""Comparison, logical and numeric functions."""

from __future__ import annotations

import math

from ..values import UnknownValue
from .conversions import deep_equals
from .registry import UNLIMITED, expect, fail, function

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


# --- comparison -----------------------------------------------------------------------------------
@function("equals", 2, 2)
def _equals(ev, args):
    return deep_equals(args[0], args[1])


@function("coalesce", 1, UNLIMITED, lazy=True)
def _coalesce(ev, nodes):
    for node in nodes:
        value = ev.eval_node(node)
        if value is not None:
            return value
    return None


def _ordered(function_name: str, args):
    left, right = args
    if isinstance(left, str) and isinstance(right, str):
        return _culture_key(left), _culture_key(right)
    expect(function_name, left, int, float)
    expect(function_name, right, int, float)
    return left, right


def _culture_key(text: str):
    """Culture-like ordering: case-insensitive first, then lowercase before uppercase."""
    return (text.casefold(), text.swapcase())


@function("greater", 2, 2)
def _greater(ev, args):
    left, right = _ordered("greater", args)
    return left > right


@function("greaterOrEquals", 2, 2)
def _greater_or_equals(ev, args):
    left, right = _ordered("greaterOrEquals", args)
    return left >= right


@function("less", 2, 2)
def _less(ev, args):
    left, right = _ordered("less", args)
    return left < right


@function("lessOrEquals", 2, 2)
def _less_or_equals(ev, args):
    left, right = _ordered("lessOrEquals", args)
    return left <= right


# --- logical ------------------------------------------------------------------------------------
@function("and", 2, UNLIMITED, lazy=True)
def _and(ev, nodes):
    unknown = None
    for position, node in enumerate(nodes):
        value = ev.eval_node(node)
        if isinstance(value, UnknownValue):
            unknown = value
        elif not expect("and", value, bool, position=position + 1):
            return False
    return unknown if unknown is not None else True


@function("or", 2, UNLIMITED, lazy=True)
def _or(ev, nodes):
    unknown = None
    for position, node in enumerate(nodes):
        value = ev.eval_node(node)
        if isinstance(value, UnknownValue):
            unknown = value
        elif expect("or", value, bool, position=position + 1):
            return True
    return unknown if unknown is not None else False


@function("not", 1, 1)
def _not(ev, args):
    return not expect("not", args[0], bool)


@function("if", 3, 3, lazy=True)
def _if(ev, nodes):
    condition = ev.eval_node(nodes[0])
    if isinstance(condition, UnknownValue):
        return condition
    return ev.eval_node(nodes[1] if expect("if", condition, bool, position=1) else nodes[2])


@function("bool", 1, 1)
def _bool(ev, args):
    value = args[0]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value) != 0
    raise fail("bool", f"the value '{value}' cannot be converted to a boolean.")


@function("true", 0, 0)
def _true(ev, args):
    return True


@function("false", 0, 0)
def _false(ev, args):
    return False


# --- numeric ------------------------------------------------------------------------------------
def _int64(function_name: str, value: int) -> int:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise fail(function_name, "the result is outside the range of a 64-bit integer.")
    return value


def _ints(function_name: str, args):
    return [expect(function_name, arg, int, position=index + 1) for index, arg in enumerate(args)]


@function("add", 2, 2)
def _add(ev, args):
    left, right = _ints("add", args)
    return _int64("add", left + right)


@function("sub", 2, 2)
def _sub(ev, args):
    left, right = _ints("sub", args)
    return _int64("sub", left - right)


@function("mul", 2, 2)
def _mul(ev, args):
    left, right = _ints("mul", args)
    return _int64("mul", left * right)


def _truncating_division(left: int, right: int) -> int:
    quotient = abs(left) // abs(right)
    return quotient if (left >= 0) == (right >= 0) else -quotient


@function("div", 2, 2)
def _div(ev, args):
    left, right = _ints("div", args)
    if right == 0:
        raise fail("div", "the divisor must not be zero.")
    return _truncating_division(left, right)


@function("mod", 2, 2)
def _mod(ev, args):
    left, right = _ints("mod", args)
    if right == 0:
        raise fail("mod", "the divisor must not be zero.")
    return left - right * _truncating_division(left, right)


@function("int", 1, 1)
def _int(ev, args):
    value = args[0]
    if isinstance(value, bool):
        raise fail("int", "a boolean cannot be converted to an integer.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return _int64("int", int(value.strip()))
        except ValueError:
            raise fail("int", f"the value '{value}' cannot be converted to an integer.") from None
    raise fail("int", "the value must be a string or an integer.")


@function("float", 1, 1)
def _float(ev, args):
    value = args[0]
    if isinstance(value, bool):
        raise fail("float", "a boolean cannot be converted to a float.")
    try:
        number = float(expect("float", value, str, int, float))
    except (ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number):  # NaN and infinities are no JSON numbers: nothing could store the result
        raise fail("float", f"the value '{value}' cannot be converted to a float.")
    return number


def _extreme(function_name: str, args, pick):
    values = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    if not values:
        raise fail(function_name, "the array must not be empty.")
    if all(isinstance(value, str) for value in values):
        return pick(values, key=_culture_key)
    return pick(expect(function_name, value, int, float) for value in values)


@function("max", 1, UNLIMITED)
def _max(ev, args):
    return _extreme("max", args, max)


@function("min", 1, UNLIMITED)
def _min(ev, args):
    return _extreme("min", args, min)
