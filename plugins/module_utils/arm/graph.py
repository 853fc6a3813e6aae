"""Dependency graph: parallel deployment waves and cycle detection."""

from __future__ import annotations

from .errors import ArmTemplateError


def deployment_waves(order: list[str], dependencies: dict[str, list[str]]) -> list[list[str]]:
    """Group ids into waves: every id's dependencies lie in earlier waves. ``order`` breaks ties.

    Raises ARM's circular dependency error when no order exists.
    """
    position = {resource_id: index for index, resource_id in enumerate(order)}
    remaining = {
        resource_id: {dep for dep in dependencies.get(resource_id, ()) if dep in position} for resource_id in order
    }
    waves = []
    while remaining:
        ready = [resource_id for resource_id, deps in remaining.items() if not deps]
        if not ready:
            cycle = _find_cycle(remaining)
            raise ArmTemplateError(
                "Deployment template validation failed: 'Circular dependency detected on resource: "
                f"'{cycle[0]}'. Please see https://aka.ms/arm-syntax-resources for usage details.'.",
                target="resources",
                details=[ArmTemplateError(f"Dependency cycle: {' -> '.join(cycle)}")],
            )
        ready.sort(key=position.__getitem__)
        waves.append(ready)
        for resource_id in ready:
            del remaining[resource_id]
        for deps in remaining.values():
            deps.difference_update(ready)
    return waves


def _find_cycle(remaining: dict[str, set[str]]) -> list[str]:
    start = next(iter(remaining))
    path, seen = [start], {start}
    current = start
    while True:
        current = sorted(remaining[current])[0]
        if current in seen:
            return path[path.index(current) :] + [current]
        path.append(current)
        seen.add(current)
