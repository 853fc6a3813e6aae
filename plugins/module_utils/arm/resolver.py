"""How ``reference()``, ``list*()`` and ``existing`` resources reach real state.

A resolver is any object with these methods (``OfflineResolver`` documents the contract). The local
Azure endpoint supplies one that reads its own store; offline, every answer is an ``UnknownValue``.
"""
from __future__ import annotations

from .values import UnknownValue


class OfflineResolver:
    """Answers "known only after deployment" for everything."""

    def reference(self, resource_id: str, api_version: str | None = None, full: bool = False):
        """The resource's ``properties`` (or, with ``full``, the whole resource body)."""
        return UnknownValue(f"reference({resource_id})")

    def list(self, function_name: str, resource_id: str, api_version: str | None = None, body=None):
        """The response of POST ``{resource_id}/{function_name}``, e.g. ``listKeys``."""
        return UnknownValue(f"{function_name}({resource_id})")

    def existing(self, resource_id: str, api_version: str | None = None):
        """The full body of an ``existing`` resource (languageVersion 2.0)."""
        return UnknownValue(f"existing({resource_id})")

    def linked_template(self, location: str):
        """The template a ``templateLink`` names (its ``uri``, or its ``relativePath``), or an UnknownValue."""
        return UnknownValue(f"linkedTemplate({location})")
