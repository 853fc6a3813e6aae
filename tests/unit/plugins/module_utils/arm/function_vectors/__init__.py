"""Template function test vectors taken from Microsoft's template function documentation.

Each page module (``array``, ``string``, ...) lists ``Vector`` records. A vector evaluates one
expression with the parameters and variables of the documentation example it comes from, and
expects the output the page states for it. ``example`` names that output in the page's table.
Vectors that no page states an output for are marked ``derived=True``: their expected value
follows from the documented semantics of the function, not from a printed table.
"""
from __future__ import annotations

import dataclasses

DOCS = "https://learn.microsoft.com/azure/azure-resource-manager/templates/"
BICEP_DOCS = "https://learn.microsoft.com/azure/azure-resource-manager/bicep/"


@dataclasses.dataclass(frozen=True)
class Vector:
    """One documented function call and the value the documentation gives for it."""

    function: str
    expression: str
    expected: object
    source: str
    example: str | None = None
    derived: bool = False
    parameters: dict = dataclasses.field(default_factory=dict)
    variables: dict = dataclasses.field(default_factory=dict)
    scope: str = "resourceGroup"
    note: str = ""


def page(name: str, anchor: str, bicep: bool = False) -> str:
    """``template-functions-<name>#<anchor>`` on learn.microsoft.com (or the Bicep page)."""
    base = BICEP_DOCS + "bicep-functions-" if bicep else DOCS + "template-functions-"
    return f"{base}{name}#{anchor.lower()}"


def vectors_for(page_name: str):
    """A ``case(function, expression, expected, anchor=..., ...)`` helper bound to one page."""
    def case(function, expression, expected, anchor=None, **details):
        bicep = details.pop("bicep", False)
        return Vector(function, expression, expected, page(page_name, anchor or function, bicep), **details)
    return case
