"""Evaluate a whole ARM template: parameters, variables, resources (with copy, conditions and
dependencies), nested deployments and outputs.

``evaluate_template(template, parameter_values, context, resolver=None)`` returns a ``TemplateResult``;
invalid templates or parameters raise ``ArmTemplateError``. Secure parameter values are replaced by
``REDACTED`` in everything returned or raised, unless the caller (a deployment engine that must hand
the real values to a resource provider) passes ``reveal_secure_values=True``.
"""

from __future__ import annotations

import json

from .bodies import OPTIONAL_KEYS, BodiesAndDependencies
from .context import DeploymentContext
from .errors import ArmTemplateError
from .evaluator import Evaluator
from .functions import collect_user_functions
from .graph import deployment_waves
from .hashing import murmur_hash64
from .instances import DEPLOYMENTS_TYPE, Instance, InstanceDeclarations
from .limits import WorkBudget, check_template_limits
from .loops import copy_count, iterate
from .nested import NestedDeployments
from .outputs import check_output_type
from .parameters import SECURE_TYPES, declared_parameters, is_secure, resolve_parameters
from .references import ReferenceSupport
from .resolver import OfflineResolver, Resolver
from .result import TemplateResult
from .secure import REDACTED, scrub, secret_texts, supplied_secrets
from .state import EvaluationScope

MAX_NESTING = 10


def evaluate_template(
    template: dict,
    parameter_values: dict | None,
    context: DeploymentContext | None = None,
    resolver: Resolver | None = None,
    *,
    reveal_secure_values: bool = False,
    template_link: dict | None = None,
    budget: WorkBudget | None = None,
) -> TemplateResult:
    """Evaluate ``template`` with plain ``parameter_values`` in ``context``; see the module docstring.

    ``template_link`` (e.g. ``{"uri": "https://.../main.json"}``) says the template was deployed from a
    link; ``deployment().properties.templateLink`` then returns it. ``budget`` bounds the work of the whole
    evaluation, nested deployments included (see ``limits``); by default a fresh ``WorkBudget()``.
    """
    context = context or DeploymentContext()
    resolver = resolver or OfflineResolver()
    secrets = supplied_secrets(template, parameter_values or {})
    try:
        result = _evaluate(
            template,
            parameter_values or {},
            context,
            resolver,
            depth=0,
            secrets=secrets,
            template_link=template_link,
            budget=budget or WorkBudget(),
        )
    except ArmTemplateError as error:
        if reveal_secure_values:
            raise
        raise error.redacted(secret_texts(secrets), REDACTED) from None
    if reveal_secure_values:
        return result
    return _redact_result(result, secret_texts(secrets))


def _redact_result(result: TemplateResult, texts: list[str]) -> TemplateResult:
    return TemplateResult(
        resources=scrub(result.resources, texts),
        outputs=scrub(result.outputs, texts),
        waves=result.waves,
        nested={key: _redact_result(nested, texts) for key, nested in result.nested.items()},
        parameters=scrub(result.parameters, texts),
    )


def _deployment_info(template: dict, context: DeploymentContext, template_link: dict | None = None) -> dict:
    """What ``deployment()`` returns (template-functions-deployment.md): ``properties.templateLink`` only
    for a template deployed from a link, else ``properties.template`` holds the inline template's header."""
    header = {key: template[key] for key in ("$schema", "contentVersion", "metadata") if key in template}
    info = {
        "name": context.deployment_name,
        "properties": {
            **({"templateLink": dict(template_link)} if template_link else {}),
            "template": header,
            "templateHash": str(murmur_hash64(json.dumps(template, sort_keys=True, default=str).encode())),
            "parameters": {},
            "mode": "Incremental",
            "provisioningState": "Accepted",
        },
    }
    if context.scope != "resourceGroup":
        info["location"] = context.location
    return info


def _evaluate(
    template,
    parameter_values,
    context,
    resolver,
    *,
    depth,
    secrets,
    budget: WorkBudget,
    template_link: dict | None = None,
    deferred: bool = False,
) -> TemplateResult:
    """Evaluate one template; ``deferred`` says ARM evaluates it only when it is deployed (an inner-scope or
    linked nested deployment), so values known only then, even in resource names, are allowed."""
    if depth > MAX_NESTING:
        raise ArmTemplateError(f"Nested deployments are limited to a depth of {MAX_NESTING}.")
    check_template_limits(template, budget)
    user_functions = collect_user_functions(template.get("functions"))
    deployment_info = _deployment_info(template, context, template_link)
    scope = EvaluationScope(budget=budget, deployment_info=deployment_info, template_link=template_link)
    parameters = resolve_parameters(
        template, parameter_values, context, resolver=resolver, user_functions=user_functions, scope=scope
    )
    secrets.extend(value for name, value in parameters.items() if is_secure(template["parameters"][name]))
    evaluator = Evaluator(
        context,
        parameters=parameters,
        variables=template.get("variables") or {},
        user_functions=user_functions,
        resolver=resolver,
        scope=scope,
    )
    run = _TemplateRun(template, evaluator, context, depth=depth, secrets=secrets, deferred=deferred)
    result = run.evaluate()
    result.parameters = parameters
    return result


class _TemplateRun(InstanceDeclarations, BodiesAndDependencies, NestedDeployments, ReferenceSupport):
    """Evaluates one template's resources and outputs; also answers ``reference()`` about them.

    Pass 1 (instances.py) declares every resource instance, pass 2 (bodies.py) evaluates bodies, nested and
    linked deployments (nested.py) and then dependencies; references.py answers ``reference()``. Their shared
    state is ``TemplateRunState`` (run_state.py).
    """

    def _evaluate_template(
        self, template: dict, parameter_values: dict, context: DeploymentContext, resolver: Resolver, **options
    ) -> TemplateResult:
        return _evaluate(template, parameter_values, context, resolver, **options)

    # --- entry point ------------------------------------------------------------------------------
    def evaluate(self) -> TemplateResult:
        saved_view = self.evaluator.template_view
        self.evaluator.template_view = self
        try:
            self._declare_instances()
            for instance in self.instances:
                self._materialize(instance)
            self._resolve_dependencies()
            outputs = self._outputs()
        finally:
            self.evaluator.template_view = saved_view
        deployed = [instance for instance in self.instances if instance.deployed]
        waves = deployment_waves(
            [instance.id for instance in deployed], {instance.id: instance.depends_on for instance in deployed}
        )
        resources = [self._resource_dict(instance) for instance in self.instances if not instance.existing]
        nested = {instance.id: instance.nested for instance in self.instances if instance.nested is not None}
        return TemplateResult(resources=resources, outputs=outputs, waves=waves, nested=nested)

    # --- outputs ------------------------------------------------------------------------------------------
    def _outputs(self) -> dict:
        ev = self.evaluator
        outputs = {}
        for name, declaration in (self.template.get("outputs") or {}).items():
            path = f"outputs.{name}"
            if not isinstance(declaration, dict):
                raise ArmTemplateError(f"The template output '{name}' must be an object.", target=path)
            try:
                condition = ev.evaluate(declaration.get("condition", True), f"{path}.condition")
                if condition is False:
                    continue
                value = self._output_value(name, declaration, path)
            except ArmTemplateError as error:
                raise error.in_section("output", name, path) from None
            check_output_type(name, declaration, value, self.template.get("definitions") or {})
            outputs[name] = value
        return outputs

    def _output_value(self, name: str, declaration: dict, path: str):
        ev = self.evaluator
        loop = declaration.get("copy")
        if loop:
            count = copy_count(ev, loop.get("count", 0), f"{path}.copy")
            return iterate(ev, name, count, lambda _index: ev.evaluate(loop.get("input"), f"{path}.copy.input"))
        return ev.evaluate(declaration.get("value"), f"{path}.value")

    # --- result -------------------------------------------------------------------------------------------
    def _resource_dict(self, instance: Instance) -> dict:
        body = instance.body or {}
        resource = {
            "id": instance.id,
            "name": instance.name,
            "type": instance.type,
            "apiVersion": body.get("apiVersion"),
            "location": body.get("location"),
            "properties": body.get("properties"),
            "tags": body.get("tags"),
            "sku": body.get("sku"),
            "kind": body.get("kind"),
            "identity": body.get("identity"),
        }
        if "scope" in body:
            resource["scope"] = body["scope"]
        for key in OPTIONAL_KEYS:
            if key in body:
                resource[key] = body[key]
        if instance.symbolic:
            resource["symbolicName"] = instance.symbolic
        if instance.loop is not None:
            resource["copy"] = {"name": instance.loop, "index": instance.index}
        if instance.type.lower() == DEPLOYMENTS_TYPE:
            target = instance.target_context
            resource["resourceGroup"] = target.resource_group if target.scope == "resourceGroup" else None
            resource["subscriptionId"] = target.subscription_id
        resource["dependsOn"] = list(instance.depends_on)
        resource["condition"] = bool(instance.condition)
        return resource


__all__ = ["REDACTED", "TemplateResult", "evaluate_template", "SECURE_TYPES", "declared_parameters"]
