"""Nested (inline ``template``) and linked (``templateLink``) deployments inside a template run."""

from __future__ import annotations

import copy as _copy
import urllib.parse

from .errors import ArmTemplateError
from .instances import Instance
from .limits import check_template_limits
from .result import TemplateResult
from .run_state import TemplateRunState
from .values import UnknownValue


class NestedDeployments(TemplateRunState):
    """Evaluates the deployments a template run (``_TemplateRun`` in template.py) nests. The run supplies
    ``_evaluate_template`` (a whole template in its own scope) and is the class of inner outer-scope runs."""

    def _nested_deployment(self, instance: Instance, properties: dict, inner_template) -> TemplateResult:
        options = properties.get("expressionEvaluationOptions") or {}
        scope = str(options.get("scope", "outer")).lower()
        target = instance.target_context.replace(deployment_name=instance.name)
        path = f"{instance.path}.properties.template"
        try:
            if scope == "inner":
                return self._evaluate_template(
                    inner_template,
                    _parameter_values(properties),
                    target,
                    self.evaluator.resolver,
                    depth=self.depth + 1,
                    secrets=self.secrets,
                    budget=self.evaluator.budget,
                    deferred=True,
                )
            if not isinstance(inner_template, dict):
                raise ArmTemplateError("The nested template must be an object.")
            check_template_limits(inner_template, self.evaluator.budget)
            outer = _copy.copy(self.evaluator)
            outer.template_view = None
            outer.scope = self.evaluator.scope.for_outer_nested()
            run = type(self)(
                inner_template, outer, target, depth=self.depth + 1, secrets=self.secrets, deferred=self.deferred
            )
            return run.evaluate()
        except ArmTemplateError as error:
            raise error.prefix_target(path) from None

    def _linked_deployment(self, instance: Instance, properties: dict) -> TemplateResult | None:
        """A ``templateLink`` deployment: evaluated when the resolver can supply the template, else unknown.

        Linked templates always use the inner expression scope; their parameters come from
        ``properties.parameters`` (a ``parametersLink`` is known only at deployment).
        """
        link = properties.get("templateLink")
        path = f"{instance.path}.properties.templateLink"
        if not isinstance(link, dict):
            raise ArmTemplateError("The 'templateLink' property must be an object.", target=path)
        location = link.get("uri") or link.get("relativePath") or link.get("id")
        if not isinstance(location, (str, UnknownValue)) or not location:
            raise ArmTemplateError("The 'templateLink' must have a 'uri', 'relativePath' or 'id'.", target=path)
        if isinstance(location, UnknownValue):
            return None
        linked = self.evaluator.resolver.linked_template(location)
        if not isinstance(linked, dict) or "parametersLink" in properties:
            return None
        values = _parameter_values(properties)
        target = instance.target_context.replace(deployment_name=instance.name)
        try:
            return self._evaluate_template(
                linked,
                values,
                target,
                self.evaluator.resolver,
                depth=self.depth + 1,
                secrets=self.secrets,
                template_link=self._link_info(link),
                budget=self.evaluator.budget,
                deferred=True,
            )
        except ArmTemplateError as error:
            raise error.prefix_target(f"{path}({location})") from None

    def _link_info(self, link: dict) -> dict:
        """``deployment().properties.templateLink`` inside a linked template: the ``uri`` it was read from
        (a ``relativePath`` resolved against this template's own link, as ARM does), or the template spec ``id``."""
        parent_uri = (self.evaluator.scope.template_link or {}).get("uri")
        if link.get("uri"):
            info = {"uri": link["uri"]}
        elif link.get("relativePath"):
            relative = link["relativePath"]
            info = {"uri": urllib.parse.urljoin(parent_uri, relative)} if parent_uri else {"relativePath": relative}
        else:
            info = {"id": link["id"]}
        if "contentVersion" in link:
            info["contentVersion"] = link["contentVersion"]
        return info


def _parameter_values(properties: dict) -> dict:
    """The nested deployment's parameter values; a Key Vault reference is known only when it runs."""
    values = {}
    for name, entry in (properties.get("parameters") or {}).items():
        if isinstance(entry, dict) and "value" in entry:
            values[name] = entry["value"]
        elif isinstance(entry, dict) and "reference" in entry:
            values[name] = UnknownValue(f"keyVaultReference({name})")
    return values
