"""Shapes from TypeSpec-generated SDK models (``azure/mgmt/<x>/_utils/model_base.py`` style).

Such a model declares each member with ``rest_field(name=..., visibility=[...])`` (or ``rest_discriminator``)
and types it with a class annotation. A member is read-only when its visibility allows neither ``create``
nor ``update``; it is required when its annotation is not ``Optional``. Subtypes register in the base
class's ``__mapping__`` under their discriminator value.
"""

import enum
import sys
import typing

from .annotations import scalar_or_none
from .shapes import CachedShapes, EnumShape, Field, ListShape, MapShape, ObjectShape, ScalarShape, UnionShape

_WRITABLE = frozenset({"create", "update"})


def is_typespec_model(cls) -> bool:
    return any(base.__name__ == "Model" and base.__module__.endswith("_utils.model_base") for base in cls.__mro__)


class TypeSpecShapes(CachedShapes):
    """Builds and caches the shapes of one SDK models package's classes."""

    def fill_object_shape(self, cls, shape: ObjectShape) -> None:
        rest_fields = _rest_fields(cls)
        hints = self._type_hints(cls)
        for attribute, rest_field in rest_fields.items():
            annotation = hints.get(attribute, typing.Any)
            visibility = rest_field._visibility
            read_only = visibility is not None and not (_WRITABLE & set(visibility))
            required = not _is_optional(annotation) and not read_only
            shape.add(
                Field(
                    rest_field._rest_name,
                    self.shape_of(_strip_optional(annotation)),
                    required=required,
                    read_only=read_only,
                )
            )
            if rest_field._is_discriminator and "__mapping__" in cls.__dict__:
                shape.discriminator = rest_field._rest_name
        if shape.discriminator:
            for value, subclass in cls.__dict__["__mapping__"].items():
                shape.subtypes[value] = self.object_shape(subclass)

    def shape_of(self, annotation):
        annotation = self._resolve(annotation)
        scalar = scalar_or_none(annotation)
        if scalar is not None:
            return scalar
        origin = typing.get_origin(annotation)
        arguments = typing.get_args(annotation)
        if origin is typing.Literal:
            return EnumShape(_enum_name(arguments), tuple(_plain(value) for value in arguments))
        if origin in (list, list, tuple, set):
            return ListShape(self.shape_of(arguments[0] if arguments else typing.Any))
        if origin in (dict, dict):
            return MapShape(self.shape_of(arguments[1] if len(arguments) == 2 else typing.Any))
        if origin is typing.Union:
            return self._union(arguments)
        if isinstance(annotation, type):
            if issubclass(annotation, enum.Enum):
                return EnumShape(annotation.__name__, tuple(member.value for member in annotation))
            if is_typespec_model(annotation):
                return self.object_shape(annotation)
        return ScalarShape("any", getattr(annotation, "__name__", str(annotation)))

    def _union(self, arguments):
        options = [self._resolve(argument) for argument in arguments if argument is not type(None)]
        enums = [option for option in options if isinstance(option, type) and issubclass(option, enum.Enum)]
        if enums and all(option is str or option in enums for option in options):
            # Union[str, SomeEnum]: the SDK's "known values" enum; the service checks the value.
            return self.shape_of(enums[0])
        if len(options) == 1:
            return self.shape_of(options[0])
        shapes = tuple(self.shape_of(option) for option in options)
        return UnionShape(shapes, " or ".join(getattr(shape, "type_name", "value") for shape in shapes))

    def _resolve(self, annotation):
        if isinstance(annotation, typing.ForwardRef):
            annotation = annotation.__forward_arg__
        if isinstance(annotation, str):  # list["_models.Subnet"] keeps its argument as a plain string
            return _evaluate(annotation, vars(self._models), {"_models": self._models})
        return annotation

    def _type_hints(self, cls) -> dict:
        local_names = {"_models": self._models}
        hints = {}
        for klass in reversed(cls.__mro__):
            module_names = vars(sys.modules.get(klass.__module__, self._models))
            for name, raw in klass.__dict__.get("__annotations__", {}).items():
                hints[name] = _evaluate(raw, module_names, local_names)
        return hints


def _rest_fields(cls) -> dict:
    """The class's rest fields by attribute name, collected the way the SDK's Model.__new__ does."""
    fields = {}
    for klass in reversed(cls.__mro__):
        for name, value in klass.__dict__.items():
            if name[0] != "_" and hasattr(value, "_rest_name_input") and hasattr(value, "_visibility"):
                fields[name] = value
    for name, value in fields.items():
        if value._rest_name_input is None:
            value._rest_name_input = name
    return fields


def _evaluate(raw, module_names, local_names):
    if not isinstance(raw, str):
        return raw
    try:
        return eval(raw, dict(module_names), local_names)  # noqa: S307 - annotations of installed SDK models
    except Exception:  # an annotation the models module cannot resolve is validated as "any"
        return typing.Any


def _is_optional(annotation) -> bool:
    return typing.get_origin(annotation) is typing.Union and type(None) in typing.get_args(annotation)


def _strip_optional(annotation):
    if not _is_optional(annotation):
        return annotation
    options = tuple(argument for argument in typing.get_args(annotation) if argument is not type(None))
    return options[0] if len(options) == 1 else typing.Union[options]  # noqa: UP007 - built from a runtime tuple


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def _enum_name(arguments) -> str:
    first = arguments[0] if arguments else None
    return type(first).__name__ if isinstance(first, enum.Enum) else "String"
