"""Array and object functions (template-functions-array, template-functions-object)."""

from __future__ import annotations

from ..errors import ArmTemplateError
from ..values import UnknownValue, type_name
from .conversions import deep_equals, equality_key, to_string
from .registry import UNLIMITED, expect, fail, function


def _sequence(function_name: str, value):
    """Arrays and strings are both sequences for take/skip/first/last/length."""
    return expect(function_name, value, list, str)


@function("array", 1, 1)
def _array(ev, args):
    return list(args[0]) if isinstance(args[0], list) else [args[0]]


@function("createArray", 0, UNLIMITED, accepts_unknown=True)
def _create_array(ev, args):
    return list(args)


@function("createObject", 0, UNLIMITED, accepts_unknown=True)
def _create_object(ev, args):
    if len(args) % 2:
        raise fail("createObject", "the function requires an even number of arguments (name, value pairs).")
    result = {}
    for index in range(0, len(args), 2):
        key = args[index]
        if isinstance(key, UnknownValue):
            return UnknownValue("createObject")
        result[expect("createObject", key, str, position=index + 1)] = args[index + 1]
    return result


@function("contains", 2, 2)
def _contains(ev, args):
    container, item = args
    if isinstance(container, str):
        return to_string(expect("contains", item, str, int, bool)) in container
    if isinstance(container, list):
        return any(deep_equals(element, item) for element in container)
    if isinstance(container, dict):
        lowered = to_string(expect("contains", item, str, int)).lower()
        return any(key.lower() == lowered for key in container)
    raise _type_error("contains", container, "Array, Object or String")


@function("empty", 1, 1)
def _empty(ev, args):
    value = args[0]
    if value is None:
        return True
    if isinstance(value, (str, list, dict)):
        return len(value) == 0
    raise _type_error("empty", value, "Array, Object, String or Null")


@function("first", 1, 1)
def _first(ev, args):
    value = _sequence("first", args[0])
    if isinstance(value, str):
        return value[:1]
    return value[0] if value else None


@function("last", 1, 1)
def _last(ev, args):
    value = _sequence("last", args[0])
    if isinstance(value, str):
        return value[-1:]
    return value[-1] if value else None


@function("length", 1, 1)
def _length(ev, args):
    value = args[0]
    if isinstance(value, (str, list, dict)):
        return len(value)
    raise _type_error("length", value, "Array, Object or String")


@function("take", 2, 2)
def _take(ev, args):
    value = _sequence("take", args[0])
    count = max(0, expect("take", args[1], int))
    return value[:count]


@function("skip", 2, 2)
def _skip(ev, args):
    value = _sequence("skip", args[0])
    count = max(0, expect("skip", args[1], int))
    return value[count:]


@function("range", 2, 2)
def _range(ev, args):
    start = expect("range", args[0], int)
    count = expect("range", args[1], int)
    if count < 0 or count > 10000:
        raise fail("range", f"the count '{count}' must be between 0 and 10000.")
    if start + count > 2147483647:
        raise fail("range", "the sum of start index and count must be less than or equal to 2147483647.")
    return list(range(start, start + count))


@function("flatten", 1, 1)
def _flatten(ev, args):
    outer = expect("flatten", args[0], list)
    result = []
    for item in outer:
        result.extend(expect("flatten", item, list))
    return result


@function("intersection", 2, UNLIMITED)
def _intersection(ev, args):
    if all(isinstance(arg, dict) for arg in args):
        first, rest = args[0], args[1:]
        return {
            key: value
            for key, value in first.items()
            if all(key in other and deep_equals(other[key], value) for other in rest)
        }
    if all(isinstance(arg, list) for arg in args):
        others = [{equality_key(item) for item in arg} for arg in args[1:]]
        result, kept = [], set()
        for item in args[0]:
            key = equality_key(item)
            if key not in kept and all(key in other for other in others):
                kept.add(key)
                result.append(item)
        return result
    raise fail("intersection", "the arguments must be all arrays or all objects.")


def _merge_objects(base: dict, extra: dict) -> dict:
    result = dict(base)
    for key, value in extra.items():
        if key in result and isinstance(result[key], dict) and isinstance(value, dict):
            result[key] = _merge_objects(result[key], value)
        else:  # nested arrays are replaced, not merged (documented for union)
            result[key] = value
    return result


def _union_arrays(arrays: list) -> list:
    result, kept = [], set()
    for array in arrays:
        for item in array:
            key = equality_key(item)
            if key not in kept:
                kept.add(key)
                result.append(item)
    return result


@function("union", 1, UNLIMITED)
def _union(ev, args):
    present = [arg for arg in args if arg is not None]
    if present and all(isinstance(arg, dict) for arg in present):
        result: dict = {}
        for arg in present:
            result = _merge_objects(result, arg)
        return result
    if all(isinstance(arg, list) for arg in present):
        return _union_arrays(present)
    raise fail("union", "the arguments must be all arrays or all objects.")


@function("shallowMerge", 1, 1)
def _shallow_merge(ev, args):
    result = {}
    for item in expect("shallowMerge", args[0], list):
        result.update(expect("shallowMerge", item, dict))
    return result


@function("items", 1, 1)
def _items(ev, args):
    value = expect("items", args[0], dict)
    return [{"key": key, "value": value[key]} for key in sorted(value, key=str.lower)]


@function("objectKeys", 1, 1)
def _object_keys(ev, args):
    return list(expect("objectKeys", args[0], dict))


@function("null", 0, 0)
def _null(ev, args):
    return None


@function("tryGet", 2, UNLIMITED, accepts_unknown=True)
def _try_get(ev, args):
    current = args[0]
    for key in args[1:]:
        if isinstance(current, UnknownValue) or isinstance(key, UnknownValue):
            return UnknownValue("tryGet")
        if isinstance(current, dict) and isinstance(key, str):
            match = next((name for name in current if name.lower() == key.lower()), None)
            current = current.get(match) if match is not None else None
        elif isinstance(current, list) and isinstance(key, int) and not isinstance(key, bool):
            current = current[key] if 0 <= key < len(current) else None
        else:
            return None
        if current is None:
            return None
    return current


@function("tryIndexFromEnd", 2, 2)
def _try_index_from_end(ev, args):
    array = expect("tryIndexFromEnd", args[0], list)
    index = expect("tryIndexFromEnd", args[1], int)
    return array[-index] if 0 < index <= len(array) else None


@function("indexFromEnd", 2, 2)
def _index_from_end(ev, args):
    array = expect("indexFromEnd", args[0], list)
    index = expect("indexFromEnd", args[1], int)
    if not 0 < index <= len(array):
        raise fail("indexFromEnd", f"the index '{index}' is out of bounds for an array of length '{len(array)}'.")
    return array[-index]


def _type_error(function_name: str, value, expected: str) -> ArmTemplateError:
    return ArmTemplateError(
        f"The template language function '{function_name}' expects its parameter to be of type '{expected}'. "
        f"The provided value is of type '{type_name(value)}'. Please see https://aka.ms/arm-functions for usage "
        "details."
    )
