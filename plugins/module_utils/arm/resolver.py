"""How ``reference()``, ``list*()`` and ``existing`` resources reach real state.

A resolver is any object with the methods of ``Resolver``. The local Azure endpoint supplies one that reads
its own store; offline (``OfflineResolver``), every answer is an ``UnknownValue``.
"""

from __future__ import annotations

from typing import Any, Protocol

from .values import UnknownValue


class Resolver(Protocol):
    """Live state for an evaluation; every method may answer an ``UnknownValue`` for "known only later"."""

    def reference(self, resource_id: str, api_version: str | None = None, full: bool = False) -> Any:
        """The resource's ``properties`` (with ``full``, its whole body)."""

    def list(self, function_name: str, resource_id: str, api_version: str | None = None, body: Any = None) -> Any:
        """The response of POST ``{resource_id}/{function_name}``, e.g. ``listKeys``."""

    def existing(self, resource_id: str, api_version: str | None = None) -> Any:
        """The full body of an ``existing`` resource (languageVersion 2.0)."""

    def linked_template(self, location: str) -> Any:
        """The template a ``templateLink`` names (its ``uri`` or ``relativePath``)."""


class OfflineResolver:
    """Answers "known only after deployment" for everything; an unknown resource says which one it is
    (``UnknownValue.for_resource``), a linked template is an unknown that names its location."""

    def reference(self, resource_id: str, api_version: str | None = None, full: bool = False):
        return UnknownValue.for_resource("reference", resource_id)

    def list(self, function_name: str, resource_id: str, api_version: str | None = None, body=None):
        return UnknownValue.for_resource("list", resource_id, function_name)

    def existing(self, resource_id: str, api_version: str | None = None):
        return UnknownValue.for_resource("existing", resource_id)

    def linked_template(self, location: str):
        return UnknownValue(f"linkedTemplate({location})")
