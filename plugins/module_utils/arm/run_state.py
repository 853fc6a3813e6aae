"""What the pieces of one template run share (``_TemplateRun`` in template.py combines them): the template,
its evaluator and target, the instances declared in pass 1, and the steps one piece asks of another."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from .context import DeploymentContext
from .evaluator import Evaluator
from .resolver import Resolver
from .result import TemplateResult

if TYPE_CHECKING:
    from .instances import Instance


class TemplateRunState(abc.ABC):
    """The state of one template run, and the steps its pieces (instances.py, bodies.py, nested.py,
    references.py) call on each other.

    ``instances`` in declaration order, ``by_id`` (normalized id to the deployed instance, else the last one),
    ``loops`` and ``symbols`` (lowered copy-loop and symbolic names to their instances) and ``_batches``
    (lowered serial copy-loop names to their batch size) are filled by pass 1.
    """

    def __init__(
        self,
        template: dict,
        evaluator: Evaluator,
        id_context: DeploymentContext,
        *,
        depth: int,
        secrets: list,
        deferred: bool = False,
    ):
        self.template = template
        self.deferred = deferred
        self.evaluator = evaluator
        self.id_context = id_context
        self.depth = depth
        self.secrets = secrets
        self.language_v2 = str(template.get("languageVersion", "")).startswith("2")
        self.instances: list[Instance] = []
        self.by_id: dict[str, Instance] = {}
        self.loops: dict[str, list[Instance]] = {}
        self.symbols: dict[str, list[Instance]] = {}
        self._in_progress: set[int] = set()
        self._batches: dict[str, int] = {}

    @abc.abstractmethod
    def evaluate(self) -> TemplateResult:
        """The run's resources, outputs, deployment waves and nested results."""

    @abc.abstractmethod
    def _evaluate_template(
        self, template: dict, parameter_values: dict, context: DeploymentContext, resolver: Resolver, **options
    ) -> TemplateResult:
        """A whole template evaluated in its own (inner) scope: parameters, variables, resources, outputs;
        ``options`` are ``_evaluate``'s in template.py (``depth``, ``secrets``, ``budget``, ...)."""

    @abc.abstractmethod
    def _materialize(self, instance: Instance) -> None:
        """Evaluate ``instance``'s body (once), nested deployments included (bodies.py)."""

    @abc.abstractmethod
    def _nested_deployment(self, instance: Instance, properties: dict, inner_template) -> TemplateResult:
        """The result of an inline nested deployment (nested.py)."""

    @abc.abstractmethod
    def _linked_deployment(self, instance: Instance, properties: dict) -> TemplateResult | None:
        """The result of a ``templateLink`` deployment, or None when only the deployment knows it (nested.py)."""
