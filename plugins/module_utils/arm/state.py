"""The evaluation state that template functions read, in one explicit object (``Evaluator.scope``)."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime

from .limits import WorkBudget


@dataclasses.dataclass
class EvaluationScope:
    """What one template's evaluation knows beyond its parameters and variables.

    ``deployment_info``: what ``deployment()`` returns; ``template_link``: the link the template was deployed
    from (relative links resolve against it); ``copy_indexes`` and ``current_loop``: the copy loops being
    iterated (``copyIndex()``); ``lambda_scopes``: the variables of the lambdas being called, innermost last;
    ``budget``: the deployment's work budget, shared by every scope of one evaluation; ``now``: the clock
    ``utcNow()`` reads (the real one when None).
    """

    budget: WorkBudget = dataclasses.field(default_factory=WorkBudget)
    deployment_info: dict | None = None
    template_link: dict | None = None
    copy_indexes: dict[str, int] = dataclasses.field(default_factory=dict)
    current_loop: str | None = None
    lambda_scopes: list[dict] = dataclasses.field(default_factory=list)
    now: datetime | None = None

    def for_outer_nested(self) -> EvaluationScope:
        """The scope of a nested template evaluated in this (outer) scope: the same values, its own loops."""
        return dataclasses.replace(self, copy_indexes=dict(self.copy_indexes), lambda_scopes=[])

    def for_function(self) -> EvaluationScope:
        """The scope of a user-defined function's body: the same budget and clock, nothing else."""
        return EvaluationScope(budget=self.budget, now=self.now)

    @contextlib.contextmanager
    def in_loop(self, loop_name: str, index: int):
        """``copyIndex('loop_name')`` (and ``copyIndex()``) give ``index`` inside the block."""
        key = loop_name.lower()
        saved_index, saved_current = self.copy_indexes.get(key), self.current_loop
        self.copy_indexes[key], self.current_loop = index, loop_name
        try:
            yield
        finally:
            if saved_index is None:
                self.copy_indexes.pop(key, None)
            else:
                self.copy_indexes[key] = saved_index
            self.current_loop = saved_current
