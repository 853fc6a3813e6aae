"""Lambda functions (template-functions-lambda): filter, map, reduce, sort, toObject, groupBy, mapValues."""

from __future__ import annotations

import functools

from ..errors import ArmTemplateError
from ..values import UnknownValue
from .conversions import to_string
from .registry import UNLIMITED, expect, fail, function


class Lambda:
    """``lambda('a', 'b', body)``: parameter names plus the unevaluated body."""

    def __init__(self, evaluator, names: list[str], body):
        self.evaluator = evaluator
        self.names = names
        self.body = body

    def __call__(self, *values):
        scope = {name.lower(): value for name, value in zip(self.names, values, strict=False)}
        self.evaluator.scope.lambda_scopes.append(scope)
        try:
            return self.evaluator.eval_node(self.body)
        finally:
            self.evaluator.scope.lambda_scopes.pop()


@function("lambda", 1, UNLIMITED, lazy=True)
def _lambda(ev, nodes):
    names = [expect("lambda", ev.eval_node(node), str) for node in nodes[:-1]]
    return Lambda(ev, names, nodes[-1])


@function("lambdaVariables", 1, 1)
def _lambda_variables(ev, args):
    name = expect("lambdaVariables", args[0], str).lower()
    for scope in reversed(ev.scope.lambda_scopes):
        if name in scope:
            return scope[name]
    raise ArmTemplateError(f"The lambda variable '{args[0]}' is not defined at this location.")


def _lambda_arg(function_name: str, value, arities: tuple[int, ...]) -> Lambda:
    if not isinstance(value, Lambda):
        raise fail(function_name, "the last argument must be a lambda function.")
    if len(value.names) not in arities:
        allowed = " or ".join(str(arity) for arity in arities)
        raise fail(function_name, f"the lambda function must take {allowed} parameter(s).")
    return value


def _call(function: Lambda, item, index):
    return function(item, index) if len(function.names) == 2 else function(item)


@function("filter", 2, 2)
def _filter(ev, args):
    array = expect("filter", args[0], list)
    predicate = _lambda_arg("filter", args[1], (1, 2))
    result = []
    for index, item in enumerate(array):
        keep = _call(predicate, item, index)
        if isinstance(keep, UnknownValue):
            return keep
        if expect("filter", keep, bool):
            result.append(item)
    return result


@function("map", 2, 2)
def _map(ev, args):
    array = expect("map", args[0], list)
    mapper = _lambda_arg("map", args[1], (1, 2))
    return [_call(mapper, item, index) for index, item in enumerate(array)]


@function("reduce", 3, 3)
def _reduce(ev, args):
    array = expect("reduce", args[0], list)
    reducer = _lambda_arg("reduce", args[2], (2, 3))
    accumulator = args[1]
    for index, item in enumerate(array):
        accumulator = reducer(accumulator, item, index) if len(reducer.names) == 3 else reducer(accumulator, item)
    return accumulator


@function("sort", 2, 2)
def _sort(ev, args):
    array = expect("sort", args[0], list)
    before = _lambda_arg("sort", args[1], (2,))

    def compare(left, right):
        if expect("sort", before(left, right), bool):
            return -1
        if expect("sort", before(right, left), bool):
            return 1
        return 0

    return sorted(array, key=functools.cmp_to_key(compare))


def _key(function_name: str, value) -> str:
    return to_string(expect(function_name, value, str, int, bool))


@function("toObject", 2, 3)
def _to_object(ev, args):
    array = expect("toObject", args[0], list)
    key_of = _lambda_arg("toObject", args[1], (1,))
    value_of = _lambda_arg("toObject", args[2], (1,)) if len(args) > 2 else None
    result = {}
    for item in array:
        result[_key("toObject", key_of(item))] = value_of(item) if value_of else item
    return result


@function("groupBy", 2, 2)
def _group_by(ev, args):
    array = expect("groupBy", args[0], list)
    key_of = _lambda_arg("groupBy", args[1], (1,))
    result: dict = {}
    for item in array:
        result.setdefault(_key("groupBy", key_of(item)), []).append(item)
    return result


@function("mapValues", 2, 2)
def _map_values(ev, args):
    source = expect("mapValues", args[0], dict)
    mapper = _lambda_arg("mapValues", args[1], (1,))
    return {key: mapper(value) for key, value in source.items()}
