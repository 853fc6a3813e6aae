"""Template function test vectors taken from Microsoft's template function documentation.

Each page module (``array``, ``string``, ...) lists ``Vector`` records. A vector evaluates one
expression with the parameters and variables of the documentation example it comes from, and
expects the output the page states for it. ``example`` names that output in the page's table.
Vectors that no page states an output for are marked ``derived=True``: their expected value
follows from the documented semantics of the function, not from a printed table.

``verified`` names the stored copy of the documentation (one of ``STORED_TEXTS``) that a vector's
inputs and expected output were compared with, word for word. A documented (non-derived) vector
without it fails ``test_every_documented_vector_was_verified``.
"""

from __future__ import annotations

import dataclasses

DOCS = "https://learn.microsoft.com/azure/azure-resource-manager/templates/"
BICEP_DOCS = "https://learn.microsoft.com/azure/azure-resource-manager/bicep/"

_ARTICLES = "MicrosoftDocs/azure-docs articles/azure-resource-manager/templates/"
_SAMPLES = "Azure/azure-docs-json-samples azure-resource-manager/functions/"

# The stored documentation text each page's vectors were compared with: the article (repository,
# path, commit or ms.date) and, where the article includes its example templates by reference,
# the sample repository folder that holds them.
STORED_TEXTS = {
    "array": (
        "template-functions-array.md, ms.date 08/01/2025 (read by the first pass); rechecked: contains, "
        "empty, intersection, length, union against the object text of 08/01/2025 and array, concat, first, "
        "last, max, min, range, skip, take against MicrosoftDocs/azure-docs "
        "articles/azure-resource-manager/bicep/bicep-functions-array.md@012c700"
    ),
    "cidr": "template-functions-cidr.md, ms.date 07/14/2023 (stored text id 747169949)",
    "comparison": _ARTICLES + "template-functions-comparison.md@012c700 (ms.date 05/11/2021)",
    "copy-variables": _ARTICLES + "copy-variables.md@017654d (ms.date 02/13/2020)",
    "date": (
        "template-functions-date.md: dateTimeAdd in stored text id 473716310, dateTimeFromEpoch, "
        "dateTimeToEpoch and utcNow in stored text id 28878778249"
    ),
    "deployment": (
        _ARTICLES + "template-functions-deployment.md@00f3244 (ms.date 03/10/2022); " + _SAMPLES + "deployment/*.json"
    ),
    "lambda": "template-functions-lambda.md, ms.date 01/25/2024, and bicep-functions-lambda.md (read by the first pass)",
    "logical": (
        "template-functions-logical.md, ms.date 06/23/2023 (stored text id 7529079); " + _SAMPLES + "logical/*.json"
    ),
    "numeric": _ARTICLES + "template-functions-numeric.md@05c11e5 (ms.date 11/08/2017); " + _SAMPLES + "numeric/*.json",
    "object": _ARTICLES + "template-functions-object.md@0054094 (ms.date 01/11/2024); " + _SAMPLES + "object/*.json",
    "object-2025": "template-functions-object.md, ms.date 08/01/2025 (stored text id 8867487562)",
    "resource": (
        _ARTICLES + "template-functions-resource.md@0166123 (ms.date 03/18/2024); " + _SAMPLES + "resource/*.json"
    ),
    "scope": _ARTICLES + "template-functions-scope.md@1a965bd (ms.date 11/23/2021); " + _SAMPLES + "resource/*.json",
    "string": (
        "template-functions-string.md (stored text id 32536648; outputs read by the first pass); "
        + _SAMPLES
        + "string/*.json and padleft.json (inputs)"
    ),
}


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
    verified: str = ""


def page(name: str, anchor: str, bicep: bool = False) -> str:
    """``template-functions-<name>#<anchor>`` on learn.microsoft.com (or the Bicep page)."""
    base = BICEP_DOCS + "bicep-functions-" if bicep else DOCS + "template-functions-"
    return f"{base}{name}#{anchor.lower()}"


def vectors_for(page_name: str, stored: str | None = None):
    """A ``case(function, expression, expected, anchor=..., ...)`` helper bound to one page.

    Documented cases are marked verified against ``STORED_TEXTS[stored]`` (the page's own entry
    by default) unless they pass ``verified=`` themselves; derived cases are not marked.
    """
    page_text = STORED_TEXTS.get(stored or page_name, "")

    def case(function, expression, expected, anchor=None, **details):
        bicep = details.pop("bicep", False)
        if not details.get("derived"):
            details.setdefault("verified", page_text)
        return Vector(function, expression, expected, page(page_name, anchor or function, bicep), **details)

    return case
