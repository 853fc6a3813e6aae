"""RequestBodyValidator: check PUT bodies of the supported resource types against the SDKs' models.

Building a validator is cheap. An SDK models module is imported the first time a type/api-version needs
it, its shapes are walked once and kept, and later validations only walk the body.
"""

import datetime
import importlib
import threading

from . import catalog
from .msrest_models import MsrestShapes
from .problems import problems_from
from .shapes import Field, ObjectShape, ScalarShape
from .typespec_models import TypeSpecShapes
from .walker import read_only_paths, strip_read_only, walk


class UnsupportedApiVersion(ValueError):
    """The type has no such api-version; ``error`` is ARM's NoRegisteredProviderFound-style body."""

    def __init__(self, resource_type: str, api_version: str, supported: list):
        self.error = {
            "code": "NoRegisteredProviderFound",
            "message": f"No registered resource provider found for location 'westeurope' and API version "
            f"'{api_version}' for type '{resource_type.split('/', 1)[1]}'. The supported "
            f"api-versions are '{', '.join(supported)}'.",
        }
        super().__init__(self.error["message"])


class UnsupportedResourceType(KeyError):
    pass


class RequestBodyValidator:
    def __init__(self):
        self._lock = threading.Lock()
        self._roots: dict = {}
        self._builders: dict = {}

    # -- versions ---------------------------------------------------------------------------------
    def api_versions(self, resource_type: str) -> list:
        """Every api-version the type accepts here: installed models plus published versions."""
        known = self._type(resource_type)
        return sorted(set(catalog.installed_versions(known)) | set(catalog.PUBLISHED[known]))

    def default_api_version(self, resource_type: str) -> str:
        known = self._type(resource_type)
        if known in catalog.MSREST_DEFAULTS:
            return catalog.MSREST_DEFAULTS[known]
        return max(catalog.installed_versions(known))

    def model_version(self, resource_type: str, api_version: str) -> str:
        """The installed api-version whose models judge a body sent with ``api_version``."""
        known = self._type(resource_type)
        installed = catalog.installed_versions(known)
        exact = {version.lower(): version for version in installed}
        if api_version.lower() in exact:
            return exact[api_version.lower()]
        if api_version.lower() not in {version.lower() for version in catalog.PUBLISHED[known]}:
            raise UnsupportedApiVersion(known, api_version, self.api_versions(known))
        return min(
            installed, key=lambda version: (_distance(version, api_version), _date(version) < _date(api_version))
        )

    # -- bodies -----------------------------------------------------------------------------------
    def validate(self, resource_type: str, api_version: str, body) -> list:
        """The problems Azure would report for this PUT body, in body order; empty when it is accepted."""
        known = self._type(resource_type)
        findings = walk(self._root(known, api_version), body)
        judged_by_other_version = self.model_version(known, api_version).lower() != api_version.lower()
        if known in catalog.IGNORES_UNKNOWN_MEMBERS or judged_by_other_version:
            # A member the nearest installed model lacks may well exist in the requested version (members are
            # removed over time: azure-ai-ml sends softDeleteEnabled at 2023-08-01-preview, gone at 2025-12-01),
            # so only exact models reject unknown members; types, enums and required members are still checked.
            findings = [finding for finding in findings if finding.kind != "unknown_member"]
        return problems_from(findings, body, catalog.MODELS[known].dialect)

    def read_only_paths(self, resource_type: str, api_version: str) -> set:
        return read_only_paths(self._root(self._type(resource_type), api_version))

    def strip_read_only(self, resource_type: str, api_version: str, body):
        return strip_read_only(self._root(self._type(resource_type), api_version), body)

    def model_shape(self, resource_type: str, api_version: str, class_name: str | None = None) -> ObjectShape:
        """The walked PUT body model of the type, or of another class of the same models (a GET model)."""
        known = self._type(resource_type)
        if class_name is None:
            return self._root(known, api_version)
        with self._lock:
            builder = self._builder(known, self.model_version(known, api_version))
            return builder.object_shape(getattr(builder._models, class_name))

    # -- shapes -----------------------------------------------------------------------------------
    def _type(self, resource_type: str) -> str:
        known = catalog.canonical_type(resource_type)
        if known is None:
            raise UnsupportedResourceType(resource_type)
        return known

    def _root(self, known: str, api_version: str) -> ObjectShape:
        key = (known, api_version.lower())
        root = self._roots.get(key)
        if root is not None:
            return root
        with self._lock:
            root = self._roots.get(key)
            if root is None:
                root = self._build_root(known, api_version)
                self._roots[key] = root
        return root

    def _build_root(self, known: str, api_version: str) -> ObjectShape:
        builder = self._builder(known, self.model_version(known, api_version))
        root = builder.object_shape(getattr(builder._models, catalog.MODELS[known].class_name))
        return _with_legacy_members(root, known, api_version)

    def _builder(self, known: str, model_version: str):
        module_name = catalog.installed_versions(known)[model_version]
        builder = self._builders.get(module_name)
        if builder is None:
            module = importlib.import_module(module_name)
            style = catalog.MODELS[known].style
            builder = TypeSpecShapes(module) if style == "typespec" else MsrestShapes(module)
            self._builders[module_name] = builder
        return builder


def _with_legacy_members(root: ObjectShape, known: str, api_version: str) -> ObjectShape:
    legacy = [member for member in catalog.LEGACY_MEMBERS.get(known, ()) if _date(api_version) < _date(member.before)]
    if not legacy:
        return root
    for parent in {member.parent for member in legacy}:
        extra = {
            member.name: Field(member.name, ScalarShape(member.kind, member.kind.title()))
            for member in legacy
            if member.parent == parent
        }
        root = _replace_at(root, parent, extra)
    return root


def _replace_at(shape: ObjectShape, path: tuple, extra: dict) -> ObjectShape:
    if not path:
        return shape.with_extra_fields(extra)
    member = shape.member(path[0])
    replaced = _replace_at(member.shape, path[1:], extra)
    copy = shape.with_extra_fields({})
    copy.add(Field(member.name, replaced, member.required, member.read_only, member.constraints))
    return copy


def _date(api_version: str) -> datetime.date:
    return datetime.date.fromisoformat(api_version[:10])


def _distance(version: str, requested: str) -> int:
    return abs((_date(version) - _date(requested)).days)
