"""The table of built-in template functions and the helpers their implementations share."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..errors import ArmTemplateError
from ..values import UnknownValue, type_name

UNLIMITED = None


@dataclasses.dataclass(frozen=True)
class FunctionSpec:
    """One built-in function.

    ``impl(evaluator, args)`` receives evaluated arguments, or the argument AST nodes when ``lazy``.
    Unless ``accepts_unknown``, a call with an unknown argument returns an unknown value unevaluated.
    """

    name: str
    impl: Callable
    min_args: int
    max_args: int | None
    lazy: bool = False
    accepts_unknown: bool = False


FUNCTIONS: dict[str, FunctionSpec] = {}


def function(
    name: str, min_args: int = 0, max_args: int | None = 0, *, lazy: bool = False, accepts_unknown: bool = False
):
    """Register a built-in under its documented (camelCase) name."""

    def register(impl):
        FUNCTIONS[name.lower()] = FunctionSpec(name, impl, min_args, max_args, lazy, accepts_unknown)
        return impl

    return register


def fail(function_name: str, message: str) -> ArmTemplateError:
    return ArmTemplateError(f"Unable to evaluate template language function '{function_name}': {message}")


def expect(function_name: str, value, *types, position: int | None = None):
    """Return ``value`` if it has one of ``types`` (bool is never an int), else raise ARM's type error."""
    if isinstance(value, UnknownValue):
        return value
    ok = any(isinstance(value, kind) and not (kind is int and isinstance(value, bool)) for kind in types)
    if not ok:
        expected = " or ".join(_TYPE_WORDS.get(kind, kind.__name__) for kind in types)
        where = "" if position is None else f" at position '{position}'"
        raise ArmTemplateError(
            f"The template language function '{function_name}' expects its parameter{where} to be of type "
            f"'{expected}'. The provided value is of type '{type_name(value)}'. "
            "Please see https://aka.ms/arm-template-expressions for usage details."
        )
    return value


_TYPE_WORDS = {str: "String", int: "Integer", bool: "Boolean", list: "Array", dict: "Object", float: "Float"}
