"""Shapes from msrest-style (AutoRest) SDK models: ``_attribute_map``, ``_validation`` and ``_subtype_map``.

``_attribute_map`` gives each attribute its wire key (dotted keys such as ``properties.roleName`` are
flattened members of a nested object) and its msrest type name (``str``, ``[Permission]``, ``{str}``, a
model class name ...). ``_validation`` marks members ``required`` / ``readonly`` and carries constraints
(pattern, max_length, min_length, maximum, minimum, max_items, min_items, unique). msrest types enums as
``str``; the enum class comes from the ``__init__`` annotation (``Union[str, "_models.PrincipalType"]``).
"""

import enum
import re
import sys
import typing

from .annotations import MSREST_SCALARS
from .shapes import CachedShapes, Constraints, EnumShape, Field, ListShape, MapShape, ObjectShape, ScalarShape

_UNESCAPED_DOT = re.compile(r"(?<!\\)\.")
_CONSTRAINT_NAMES = ("pattern", "max_length", "min_length", "maximum", "minimum", "max_items", "min_items")


def is_msrest_model(cls) -> bool:
    return isinstance(getattr(cls, "_attribute_map", None), dict) and not hasattr(cls, "_attr_to_rest_field")


class MsrestShapes(CachedShapes):
    """Builds and caches the shapes of one msrest models package's classes."""

    def fill_object_shape(self, cls, shape: ObjectShape) -> None:
        validation = getattr(cls, "_validation", {}) or {}
        enum_hints = self._enum_hints(cls)
        for attribute, mapping in cls._attribute_map.items():
            rules = validation.get(attribute, {})
            member_shape = self._shape_of_type_name(mapping["type"], enum_hints.get(attribute))
            constraints = Constraints(
                **{name: rules[name] for name in _CONSTRAINT_NAMES if name in rules}, unique=bool(rules.get("unique"))
            )
            path = [part.replace("\\.", ".") for part in _UNESCAPED_DOT.split(mapping["key"])]
            leaf = Field(
                path[-1],
                member_shape,
                required=bool(rules.get("required")) and not rules.get("readonly"),
                read_only=bool(rules.get("readonly")),
                constraints=constraints,
            )
            _place(shape, path, leaf)
        for attribute, values in (getattr(cls, "_subtype_map", None) or {}).items():
            shape.discriminator = cls._attribute_map[attribute]["key"]
            for value, class_name in values.items():
                subclass = getattr(self._models, class_name, None)
                if subclass is not None:
                    shape.subtypes[value] = self.object_shape(subclass)

    def _shape_of_type_name(self, type_name: str, enum_class=None):
        if type_name.startswith("[") and type_name.endswith("]"):
            return ListShape(self._shape_of_type_name(type_name[1:-1], enum_class))
        if type_name.startswith("{") and type_name.endswith("}"):
            return MapShape(self._shape_of_type_name(type_name[1:-1], enum_class))
        if enum_class is not None and type_name == "str":
            return EnumShape(enum_class.__name__, tuple(member.value for member in enum_class))
        if type_name in MSREST_SCALARS:
            return MSREST_SCALARS[type_name]
        named = getattr(self._models, type_name, None)
        if isinstance(named, type) and issubclass(named, enum.Enum):
            return EnumShape(named.__name__, tuple(member.value for member in named))
        if isinstance(named, type) and is_msrest_model(named):
            return self.object_shape(named)
        return ScalarShape("any", type_name)

    def _enum_hints(self, cls) -> dict:
        """attribute -> enum class, from the ``__init__`` keyword annotations."""
        init = cls.__dict__.get("__init__")
        raw = getattr(init, "__annotations__", {}) if init else {}
        names = dict(vars(sys.modules.get(cls.__module__, self._models)))
        found = {}
        for attribute, annotation in raw.items():
            enum_class = _enum_in(annotation, names, self._models)
            if enum_class is not None:
                found[attribute] = enum_class
        for base in cls.__mro__[1:]:
            if is_msrest_model(base):
                for attribute, enum_class in self._enum_hints(base).items():
                    found.setdefault(attribute, enum_class)
                break
        return found


def _enum_in(annotation, module_names, models_module):
    text = annotation if isinstance(annotation, str) else repr(annotation)
    for match in re.finditer(r"_models\.(\w+)", text):
        candidate = getattr(models_module, match.group(1), None)
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    if not isinstance(annotation, str):
        for argument in typing.get_args(annotation):
            if isinstance(argument, type) and issubclass(argument, enum.Enum):
                return argument
    del module_names
    return None


def _place(root: ObjectShape, path: list, leaf: Field) -> None:
    """Put a (possibly flattened) member into the nested objects its wire key names."""
    container = root
    for part in path[:-1]:
        existing = container.member(part)
        if existing is None or not isinstance(existing.shape, ObjectShape):
            existing = Field(part, ObjectShape(f"{root.type_name}{part[:1].upper()}{part[1:]}"))
            container.add(existing)
        if leaf.required:
            existing.required = True
        container = existing.shape
    container.add(leaf)
