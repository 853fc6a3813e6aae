"""Value markers shared by the evaluator and the functions."""

from __future__ import annotations

import copy

# An ARM parameter or output type (lower-cased) and the Python type of its values.
PYTHON_TYPES = {
    "string": str,
    "securestring": str,
    "int": int,
    "bool": bool,
    "object": dict,
    "secureobject": dict,
    "array": list,
}
# A value of each ARM type, for offline checks that know a value's type but not the value (a Key Vault reference).
_PLACEHOLDERS = {
    "string": "",
    "securestring": "",
    "int": 0,
    "bool": False,
    "object": {},
    "secureobject": {},
    "array": [],
}


def placeholder_for(declared_type: str):
    """A value of the declared ARM type (a string for an unknown type), fresh for each call."""
    return copy.deepcopy(_PLACEHOLDERS.get(str(declared_type).lower(), ""))


class UnknownValue:
    """A value known only after deployment, such as ``reference()`` without a resolver.

    Any function that receives an unknown value returns an unknown value, so an offline evaluation
    completes instead of failing. ``source`` says where the unknown came from, for humans. An unknown
    that stands for a resource also says so in fields a program may read (``for_resource``): ``kind``
    (``reference``, ``existing`` or ``list``), ``resource_id`` and ``function`` (``reference``,
    ``existing`` or the list function's name, e.g. ``listKeys``); otherwise they are None.
    """

    __slots__ = ("source", "kind", "resource_id", "function")

    def __init__(
        self,
        source: str = "reference",
        *,
        kind: str | None = None,
        resource_id: str | None = None,
        function: str | None = None,
    ):
        self.source = source
        self.kind = kind
        self.resource_id = resource_id
        self.function = function

    @classmethod
    def for_resource(cls, kind: str, resource_id: str, function: str | None = None) -> UnknownValue:
        """The unknown answer of ``reference()``, ``existing`` or a ``list*()`` function for ``resource_id``."""
        function = function or kind
        return cls(f"{function}({resource_id})", kind=kind, resource_id=resource_id, function=function)

    def __repr__(self) -> str:
        return f"UnknownValue({self.source!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, UnknownValue)

    def __hash__(self) -> int:
        return hash(UnknownValue)

    def __bool__(self) -> bool:
        raise TypeError("the value is known only after deployment")

    # Property access and indexing on an unknown value stay unknown.
    def get(self, _key, _default=None) -> UnknownValue:
        return self


def contains_unknown(value) -> bool:
    """True if ``value`` or anything nested in it is unknown."""
    if isinstance(value, UnknownValue):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    return False


def type_name(value) -> str:
    """ARM's name for the JSON type of ``value`` (as used in its error messages)."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if value is None:
        return "Null"
    if isinstance(value, UnknownValue):
        return "Unknown"
    return type(value).__name__
