"""The walked form of an SDK model: what a request body may contain, independent of the SDK's model style.

A shape is built once per model class (see typespec_models and msrest_models) and then only read, so the
validator does no reflection per request.
"""

from dataclasses import dataclass, field
from typing import Optional

SCALAR_KINDS = frozenset(
    {"string", "integer", "number", "boolean", "datetime", "date", "time", "duration", "bytes", "any"}
)


@dataclass(frozen=True)
class Constraints:
    """Value constraints from msrest ``_validation`` (TypeSpec models do not carry them)."""

    pattern: str | None = None
    max_length: int | None = None
    min_length: int | None = None
    maximum: float | None = None
    minimum: float | None = None
    max_items: int | None = None
    min_items: int | None = None
    unique: bool = False

    def __bool__(self) -> bool:
        return any(value not in (None, False) for value in vars(self).values())


NO_CONSTRAINTS = Constraints()


@dataclass(frozen=True)
class ScalarShape:
    kind: str
    type_name: str

    def __post_init__(self):
        if self.kind not in SCALAR_KINDS:
            raise ValueError(f"unknown scalar kind {self.kind!r}")


@dataclass(frozen=True)
class EnumShape:
    type_name: str
    values: tuple

    @property
    def folded(self) -> dict:
        return {str(value).lower(): value for value in self.values}


@dataclass(frozen=True)
class ListShape:
    item: object


@dataclass(frozen=True)
class MapShape:
    value: object


@dataclass(frozen=True)
class UnionShape:
    options: tuple
    type_name: str


@dataclass
class Field:
    name: str
    shape: object
    required: bool = False
    read_only: bool = False
    constraints: Constraints = NO_CONSTRAINTS


@dataclass(eq=False)
class ObjectShape:
    """A JSON object with known members. Filled after creation, so recursive models can refer to themselves.

    ``discriminator`` names the member that selects a subtype; ``subtypes`` maps its values to shapes.
    """

    type_name: str
    fields: dict = field(default_factory=dict)
    discriminator: str | None = None
    subtypes: dict = field(default_factory=dict)
    _folded: dict | None = None

    def add(self, member: Field) -> None:
        self.fields[member.name] = member
        self._folded = None

    def member(self, name: str) -> Field | None:
        """The field for a member name; JSON member names match case-insensitively, as in .NET deserializers."""
        found = self.fields.get(name)
        if found is not None:
            return found
        if self._folded is None:
            self._folded = {key.lower(): value for key, value in self.fields.items()}
        return self._folded.get(name.lower())

    def subtype(self, value) -> Optional["ObjectShape"]:
        if not isinstance(value, str):
            return None
        found = self.subtypes.get(value)
        if found is not None:
            return found
        lowered = value.lower()
        return next((shape for key, shape in self.subtypes.items() if key.lower() == lowered), None)

    def with_extra_fields(self, extra: dict) -> "ObjectShape":
        """A copy with more members (members an older api-version had), sharing everything else."""
        copy = ObjectShape(self.type_name, dict(self.fields), self.discriminator, self.subtypes)
        for member in extra.values():
            copy.add(member)
        return copy


class CachedShapes:
    """Builds each model class's shape once; a shape under construction is cached first, so that recursive
    models (a class reachable from its own members) end in the same object instead of looping."""

    def __init__(self, models_module):
        self._models = models_module
        self._cache: dict = {}

    def object_shape(self, cls) -> ObjectShape:
        cached = self._cache.get(cls)
        if cached is not None:
            return cached
        shape = ObjectShape(cls.__name__)
        self._cache[cls] = shape
        self.fill_object_shape(cls, shape)
        return shape

    def fill_object_shape(self, cls, shape: ObjectShape) -> None:
        raise NotImplementedError
