"""Copy loops: property and variable iterations (``"copy": [{"name", "count", "input"}]``)."""

from __future__ import annotations

from .errors import ArmTemplateError
from .limits import STEP
from .values import UnknownValue

MAX_COPY_COUNT = 800


def copy_count(ev, raw_count, path: str) -> int:
    count = ev.evaluate(raw_count, f"{path}.count")
    if isinstance(count, UnknownValue):
        raise ArmTemplateError(
            "The copy count must be known at the start of the deployment; it cannot depend on "
            "reference() or list*() values.",
            target=f"{path}.count",
        )
    if isinstance(count, bool) or not isinstance(count, int):
        raise ArmTemplateError(f"The copy count must be an integer, not '{count}'.", target=f"{path}.count")
    if not 0 <= count <= MAX_COPY_COUNT:
        raise ArmTemplateError(
            f"The copy count '{count}' is not valid: it must be between 0 and {MAX_COPY_COUNT}.", target=f"{path}.count"
        )
    return count


def iterate(ev, loop_name: str, count: int, produce):
    """Call ``produce(index)`` with ``copyIndex('loop_name')`` (and ``copyIndex()``) set to each index."""
    results = []
    for index in range(count):
        ev.budget.charge(STEP)
        with ev.scope.in_loop(loop_name, index):
            results.append(produce(index))
    return results


def is_property_copy(value) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "name" in item and "input" in item for item in value)
    )


def expand_property_copies(ev, value: dict, path: str) -> dict:
    """Evaluate an object whose ``copy`` array generates array properties, as in resource properties."""
    result = {key: ev.evaluate(item, f"{path}.{key}") for key, item in value.items() if key != "copy"}
    for position, loop in enumerate(value["copy"]):
        loop_path = f"{path}.copy[{position}]"
        name = ev.evaluate(loop["name"], f"{loop_path}.name")
        count = copy_count(ev, loop.get("count", 0), loop_path)
        result[name] = iterate(
            ev,
            name,
            count,
            lambda _index, loop=loop, loop_path=loop_path: ev.evaluate(loop["input"], f"{loop_path}.input"),
        )
    return result


def evaluate_variable_copies(ev, loops: list, path: str) -> dict:
    """A top-level ``variables.copy`` array: each entry defines one array variable."""
    return {loop["name"]: variable_copy(ev, loop, f"{path}") for loop in loops}


def variable_copy(ev, loop: dict, path: str) -> list:
    count = copy_count(ev, loop.get("count", 0), path)
    return iterate(ev, loop["name"], count, lambda _index: ev.evaluate(loop["input"], f"{path}.input"))
