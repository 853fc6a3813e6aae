"""Bounds on the values a template produces and on the work one deployment's evaluation may do.

ARM refuses a template whose expanded form (resources after copy loops, with the values of variables and
parameters) exceeds 4 MB, and each resource definition above 1 MB ("Resolve errors for job size
exceeded", learn.microsoft.com/azure/azure-resource-manager/templates/error-job-size-exceeded). The engine
follows that with two bounds, both counted in characters of JSON text, never in time:

- ``MAX_VALUE_SIZE``: no single value an expression produces may exceed the 4 MB template limit;
- ``MAX_WORK``: the characters all expressions, functions and copy loops of one deployment (nested
  deployments included) produce or scan together; a few times the expanded-template limit, so that
  intermediate values have room, while no template can make the process build gigabytes or loop for
  minutes.

Containers weigh at least ``ITEM_SIZE`` characters per item, so that a walk over many small values is counted
by its real cost. Exceeding either bound raises ``ArmTemplateError`` (InvalidTemplate); the evaluator adds
the path of the expression.
"""

from __future__ import annotations

import json

from .errors import ArmTemplateError

# The documented template limits (template-best-practices.md, "Template limits").
MAX_TEMPLATE_BYTES = 4 * 1024 * 1024
MAX_PARAMETERS = 256
MAX_VARIABLES = 256
MAX_RESOURCES = 800
MAX_OUTPUTS = 64
MAX_VALUE_SIZE = 4 * 1024 * 1024
MAX_WORK = 32 * 1024 * 1024
# Each evaluation step (a literal value visited, an expression, a function call) also costs STEP, so that
# many small steps, which produce little but each take a Python call, count by their time too.
STEP = 64
ITEM_SIZE = 8


class WorkBudget:
    """The work one deployment may still do; shared by every scope of one ``evaluate_template`` call."""

    def __init__(self, limit: int = MAX_WORK):
        self.limit = limit
        self.used = 0

    def charge(self, units: int) -> None:
        self.used += units
        if self.used > self.limit:
            raise ArmTemplateError(
                f"The template evaluation exceeds the work limit of '{self.limit}' characters: its expressions "
                "produce more than an expanded template may hold (4 MB, and 1 MB per resource). Please see "
                "https://aka.ms/arm-template/#template-limits for usage details."
            )

    def charge_value(self, value, function_name: str | None = None) -> int:
        """Charge the size of ``value``; raise if it exceeds ``MAX_VALUE_SIZE`` or the remaining work."""
        size = value_size(value, min(MAX_VALUE_SIZE, self.limit - self.used) + 1)
        if size > MAX_VALUE_SIZE:
            raise too_large(function_name, size)
        self.charge(size)
        return size


def too_large(function_name: str | None, size: int) -> ArmTemplateError:
    """The error for a value above ``MAX_VALUE_SIZE`` (``size`` is where counting stopped)."""
    producer = f"the template language function '{function_name}'" if function_name else "the expression"
    return ArmTemplateError(
        f"The value produced by {producer} is larger than the maximum of '{MAX_VALUE_SIZE}' characters "
        f"(at least '{size}'). Please see https://aka.ms/arm-template/#template-limits for usage details."
    )


def check_length(function_name: str, length: int) -> None:
    """Refuse, before building it, a string or array of ``length`` characters or items above the limit."""
    if length > MAX_VALUE_SIZE:
        raise too_large(function_name, length)


def value_size(value, stop_after: int = MAX_VALUE_SIZE + 1) -> int:
    """The approximate JSON size of ``value`` in characters, counting stops once it passes ``stop_after``.

    Shared sub-values count every time they occur, as they would in the JSON text.
    """
    total = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += ITEM_SIZE * (len(item) + 1)
            for key, member in item.items():
                total += len(key) if isinstance(key, str) else ITEM_SIZE
                pending.append(member)
        elif isinstance(item, list):
            total += ITEM_SIZE * (len(item) + 1)
            pending.extend(item)
        else:
            total += ITEM_SIZE
        if total > stop_after:
            return total
    return total


def check_template_limits(template: dict, budget: WorkBudget) -> None:
    """Refuse a template over the documented size and section limits; its size counts toward the budget."""
    if not isinstance(template, dict):
        raise ArmTemplateError("The template must be a JSON object.")
    size = len(json.dumps(template, separators=(",", ":"), default=str).encode("utf-8"))
    budget.charge(size)
    if size > MAX_TEMPLATE_BYTES:
        raise ArmTemplateError(
            f"The template size '{size}' bytes exceeds the maximum template size of "
            f"'{MAX_TEMPLATE_BYTES}' bytes (4 MB).",
            "InvalidTemplate",
        )
    for section, limit in (("parameters", MAX_PARAMETERS), ("variables", MAX_VARIABLES), ("outputs", MAX_OUTPUTS)):
        count = len(template.get(section) or {})
        if count > limit:
            raise ArmTemplateError(
                f"The number of template {section} '{count}' exceeds the maximum number of {section} '{limit}'.",
                "InvalidTemplate",
                section,
            )
    if "resources" not in template:
        raise ArmTemplateError("The template is missing the required property 'resources'.", target="resources")
