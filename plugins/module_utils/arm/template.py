"""Evaluate a whole ARM template: parameters, variables, resources (with copy, conditions and
dependencies), nested deployments and outputs.

``evaluate_template(template, parameter_values, context, resolver=None)`` returns a ``TemplateResult``;
invalid templates or parameters raise ``ArmTemplateError``. Secure parameter values are replaced by
``REDACTED`` in everything returned or raised, unless the caller (a deployment engine that must hand
the real values to a resource provider) passes ``reveal_secure_values=True``.
"""
from __future__ import annotations

import copy as _copy
import dataclasses
import json
import urllib.parse

from .context import DeploymentContext
from .errors import ArmTemplateError, validation_failed
from .evaluator import Evaluator
from .functions import collect_user_functions
from .graph import deployment_waves
from .hashing import murmur_hash64
from .ids import normalize_id, scoped_resource_id, split_names
from .limits import WorkBudget
from .loops import copy_count, iterate
from .outputs import check_output_type
from .parameters import SECURE_TYPES, declared_parameters, is_secure, resolve_parameters
from .resolver import OfflineResolver, Resolver
from .state import EvaluationScope
from .secure import REDACTED, scrub, secret_texts, supplied_secrets
from .values import UnknownValue, contains_unknown, type_name

MAX_TEMPLATE_BYTES = 4 * 1024 * 1024
MAX_PARAMETERS = 256
MAX_VARIABLES = 256
MAX_RESOURCES = 800
MAX_OUTPUTS = 64
MAX_NESTING = 10
DEPLOYMENTS_TYPE = "microsoft.resources/deployments"
_OPTIONAL_KEYS = ("zones", "plan", "managedBy", "extendedLocation", "comments")


@dataclasses.dataclass
class TemplateResult:
    """What a deployment of the template would contain.

    ``resources``: one dict per resource instance (keys ``id``, ``name``, ``type``, ``apiVersion``,
    ``location``, ``properties``, ``tags``, ``sku``, ``kind``, ``identity``, ``scope`` when given,
    ``dependsOn`` (ids of deployed resources), ``condition``), in declaration order.
    ``waves``: ids of deployed (condition true) resources, grouped so each wave depends only on earlier ones.
    ``nested``: the evaluation of each nested deployment, by the deployment resource's id.
    """

    resources: list[dict]
    outputs: dict
    waves: list[list[str]]
    nested: dict = dataclasses.field(default_factory=dict)
    parameters: dict = dataclasses.field(default_factory=dict)

    def all_resources(self) -> list[dict]:
        """These resources plus, after each nested deployment, the resources it deploys."""
        result = []
        for resource in self.resources:
            result.append(resource)
            nested = self.nested.get(resource["id"])
            if nested is not None:
                result.extend(nested.all_resources())
        return result

    def to_json(self) -> dict:
        return {"outputs": self.outputs, "resources": self.resources}


def evaluate_template(template: dict, parameter_values: dict | None, context: DeploymentContext | None = None,
                      resolver: Resolver | None = None, *, reveal_secure_values: bool = False,
                      template_link: dict | None = None, budget: WorkBudget | None = None) -> TemplateResult:
    """Evaluate ``template`` with plain ``parameter_values`` in ``context``; see the module docstring.

    ``template_link`` (e.g. ``{"uri": "https://.../main.json"}``) says the template was deployed from a
    link; ``deployment().properties.templateLink`` then returns it. ``budget`` bounds the work of the whole
    evaluation, nested deployments included (see ``limits``); by default a fresh ``WorkBudget()``.
    """
    context = context or DeploymentContext()
    resolver = resolver or OfflineResolver()
    secrets = supplied_secrets(template, parameter_values or {})
    try:
        result = _evaluate(template, parameter_values or {}, context, resolver, depth=0, secrets=secrets,
                           template_link=template_link, budget=budget or WorkBudget())
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


# --- the template as a whole -------------------------------------------------------------------------
def _check_limits(template: dict, budget: WorkBudget) -> None:
    if not isinstance(template, dict):
        raise ArmTemplateError("The template must be a JSON object.")
    size = len(json.dumps(template, separators=(",", ":"), default=str).encode("utf-8"))
    budget.charge(size)
    if size > MAX_TEMPLATE_BYTES:
        raise ArmTemplateError(f"The template size '{size}' bytes exceeds the maximum template size of "
                               f"'{MAX_TEMPLATE_BYTES}' bytes (4 MB).", "InvalidTemplate")
    for section, limit in (("parameters", MAX_PARAMETERS), ("variables", MAX_VARIABLES),
                           ("outputs", MAX_OUTPUTS)):
        count = len(template.get(section) or {})
        if count > limit:
            raise ArmTemplateError(f"The number of template {section} '{count}' exceeds the maximum number of "
                                   f"{section} '{limit}'.", "InvalidTemplate", section)
    if "resources" not in template:
        raise ArmTemplateError("The template is missing the required property 'resources'.", target="resources")


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


def _evaluate(template, parameter_values, context, resolver, *, depth, secrets, budget: WorkBudget,
              template_link: dict | None = None, deferred: bool = False) -> TemplateResult:
    """Evaluate one template; ``deferred`` says ARM evaluates it only when it is deployed (an inner-scope or
    linked nested deployment), so values known only then, even in resource names, are allowed."""
    if depth > MAX_NESTING:
        raise ArmTemplateError(f"Nested deployments are limited to a depth of {MAX_NESTING}.")
    _check_limits(template, budget)
    user_functions = collect_user_functions(template.get("functions"))
    deployment_info = _deployment_info(template, context, template_link)
    scope = EvaluationScope(budget=budget, deployment_info=deployment_info, template_link=template_link)
    parameters = resolve_parameters(template, parameter_values, context, resolver=resolver,
                                    user_functions=user_functions, scope=scope)
    secrets.extend(value for name, value in parameters.items()
                   if is_secure(template["parameters"][name]))
    evaluator = Evaluator(context, parameters=parameters, variables=template.get("variables") or {},
                          user_functions=user_functions, resolver=resolver, scope=scope)
    run = _TemplateRun(template, evaluator, context, depth=depth, secrets=secrets, deferred=deferred)
    result = run.evaluate()
    result.parameters = parameters
    return result


def _deploy_scope_id(context: DeploymentContext, resource_type: str) -> str:
    if context.scope == "resourceGroup":
        return context.resource_group_id
    return context.scope_id


class _Instance:
    """One resource instance (one iteration of a copy loop, or a plain resource)."""

    def __init__(self, declaration, path, symbolic, loop, index, parent):
        self.declaration = declaration
        self.path = path
        self.symbolic = symbolic
        self.loop = loop  # copy loop name or None
        self.index = index
        self.parent = parent  # the parent _Instance of a nested child resource
        self.parent_instance = None
        self.existing = bool(declaration.get("existing"))
        self.id = self.name = self.type = None
        self.condition = True
        self.target_context = None
        self.body = None
        self.nested = None
        self.depends_on: list[str] = []
        self.references: set[str] = set()

    @property
    def deployed(self) -> bool:
        return self.condition is not False and not self.existing


class _TemplateRun:
    """Evaluates one template's resources and outputs; also answers ``reference()`` about them."""

    def __init__(self, template, evaluator, id_context, *, depth, secrets, deferred=False):
        self.template = template
        self.deferred = deferred
        self.evaluator = evaluator
        self.id_context = id_context
        self.depth = depth
        self.secrets = secrets
        self.language_v2 = str(template.get("languageVersion", "")).startswith("2")
        self.instances: list[_Instance] = []
        self.by_id: dict[str, _Instance] = {}
        self.loops: dict[str, list[_Instance]] = {}
        self.symbols: dict[str, list[_Instance]] = {}
        self._in_progress: set[int] = set()
        self._batches: dict[str, int] = {}

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
        waves = deployment_waves([instance.id for instance in deployed],
                                 {instance.id: instance.depends_on for instance in deployed})
        resources = [self._resource_dict(instance) for instance in self.instances if not instance.existing]
        nested = {instance.id: instance.nested for instance in self.instances if instance.nested is not None}
        return TemplateResult(resources=resources, outputs=outputs, waves=waves, nested=nested)

    # --- pass 1: identities ----------------------------------------------------------------------------
    def _declarations(self):
        section = self.template.get("resources")
        if self.language_v2 or isinstance(section, dict):
            if not isinstance(section, dict):
                raise ArmTemplateError("With languageVersion 2.0 the 'resources' section must be an object of "
                                       "symbolic names.", target="resources")
            items = [(f"resources.{name}", name, declaration) for name, declaration in section.items()]
        elif isinstance(section, list):
            items = [(f"resources[{index}]", None, declaration) for index, declaration in enumerate(section)]
        else:
            raise ArmTemplateError("The template 'resources' section must be an array.", target="resources")
        for path, symbolic, declaration in items:
            if not isinstance(declaration, dict):
                raise ArmTemplateError("A template resource must be an object.", target=path)
            yield path, symbolic, declaration, None

    def _declare_instances(self) -> None:
        for path, symbolic, declaration, parent in self._declarations():
            self._declare_declaration(path, symbolic, declaration, parent)
        deployed = sum(1 for instance in self.instances if not instance.existing)
        if deployed > MAX_RESOURCES:
            raise ArmTemplateError(f"The number of resources in the template '{deployed}' exceeds the maximum "
                                   f"number of resources '{MAX_RESOURCES}'.", target="resources")

    def _declare_declaration(self, path, symbolic, declaration, parent) -> list:
        """Declare one resource declaration (every copy iteration) and, in each, its nested child resources."""
        ev = self.evaluator
        for key in ("type", "name"):
            if key not in declaration:
                raise ArmTemplateError(f"The template resource at '{path}' is missing the required property "
                                       f"'{key}'.", target=path)
        if "apiVersion" not in declaration and not declaration.get("existing"):
            raise ArmTemplateError(f"The template resource '{declaration.get('name')}' at '{path}' is missing "
                                   "the required property 'apiVersion'.", target=f"{path}.apiVersion")
        loop = declaration.get("copy")
        if loop:
            loop_name = ev.evaluate(loop.get("name"), f"{path}.copy.name")
            if not isinstance(loop_name, str) or not loop_name:
                raise ArmTemplateError("The copy loop must have a name.", target=f"{path}.copy.name")
            count = copy_count(ev, loop.get("count", 0), f"{path}.copy")
            batch = self._batch_size(loop, path)
            if batch:
                self._batches[loop_name.lower()] = batch
            created = iterate(ev, loop_name, count, lambda index, declaration=declaration, path=path:
                              self._declare_one(declaration, path, symbolic, loop_name, index, parent))
            self.loops.setdefault(loop_name.lower(), []).extend(created)
        else:
            created = [self._declare_one(declaration, path, symbolic, None, None, parent)]
        if symbolic:
            self.symbols[symbolic.lower()] = created
        return created

    def _batch_size(self, loop: dict, path: str) -> int:
        if str(loop.get("mode", "parallel")).lower() != "serial":
            return 0
        batch = self.evaluator.evaluate(loop.get("batchSize", 1), f"{path}.copy.batchSize")
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ArmTemplateError(f"The copy batchSize '{batch}' must be a positive integer.",
                                   target=f"{path}.copy.batchSize")
        return batch

    def _declare_one(self, declaration, path, symbolic, loop, index, parent) -> _Instance:
        instance = _Instance(declaration, path if index is None else f"{path}[copyIndex={index}]",
                             symbolic, loop, index, parent)
        try:
            return self._declare_identity(instance, path)
        except ArmTemplateError as error:
            raise error.in_section("resource", _shown_name(instance), path) from None

    def _declare_identity(self, instance: _Instance, path: str) -> _Instance:
        ev, declaration, parent = self.evaluator, instance.declaration, instance.parent
        condition = ev.evaluate(declaration.get("condition", True), f"{path}.condition")
        if not isinstance(condition, (bool, UnknownValue)):
            raise ArmTemplateError(f"The template resource condition must be a boolean, not "
                                   f"'{type_name(condition)}'.", target=f"{path}.condition")
        instance.condition = True if isinstance(condition, UnknownValue) else condition
        name = ev.evaluate(declaration["name"], f"{path}.name")
        resource_type = ev.evaluate(declaration["type"], f"{path}.type")
        if self.deferred and isinstance(resource_type, str) and contains_unknown(name):
            name = _name_known_at_deployment(instance.path, resource_type, parent)
        for label, value in (("name", name), ("type", resource_type)):
            if not isinstance(value, str):
                raise ArmTemplateError(f"The template resource {label} must be a string known before deployment.",
                                       target=f"{path}.{label}")
        if parent is not None:
            parent_name, parent_type = parent.name, parent.type
            if "/" not in resource_type or "." not in resource_type.split("/")[0]:
                resource_type = f"{parent_type}/{resource_type}"
            if name.count("/") < resource_type.count("/") - 1:
                name = f"{parent_name}/{name}"
        instance.name, instance.type = name, resource_type
        instance.target_context = self._target_context(declaration, path)
        instance.id = self._resource_id(instance, path)
        self.instances.append(instance)
        key = normalize_id(instance.id)
        previous = self.by_id.get(key)
        # Two declarations of one id are allowed when at most one is deployed (mutually exclusive conditions).
        if (previous is not None and not (previous.existing or instance.existing)
                and previous.condition and instance.condition):
            raise ArmTemplateError(f"The resource '{instance.id}' is defined multiple times in a template. Please "
                                   "see https://aka.ms/arm-template/#resources for usage details.", target=path)
        if previous is None or instance.condition or not previous.condition:
            self.by_id[key] = instance
        children = declaration.get("resources") or []
        if not isinstance(children, list):
            raise ArmTemplateError("The nested 'resources' of a template resource must be an array.",
                                   target=f"{path}.resources")
        for child_index, child in enumerate(children):
            if not isinstance(child, dict):
                raise ArmTemplateError("A template resource must be an object.",
                                       target=f"{path}.resources[{child_index}]")
            for created in self._declare_declaration(f"{instance.path}.resources[{child_index}]", None, child,
                                                     instance):
                created.parent_instance = instance
        return instance

    def _target_context(self, declaration, path) -> DeploymentContext:
        ev = self.evaluator
        subscription = ev.evaluate(declaration.get("subscriptionId"), f"{path}.subscriptionId")
        resource_group = ev.evaluate(declaration.get("resourceGroup"), f"{path}.resourceGroup")
        context = self.id_context
        if subscription is None and resource_group is None:
            return context
        changes = {}
        if subscription is not None:
            changes["subscription_id"] = subscription
        if resource_group is not None:
            changes.update(resource_group=resource_group, scope="resourceGroup")
        elif subscription is not None:
            changes["scope"] = "subscription"
        return context.replace(**changes)

    def _resource_id(self, instance: _Instance, path: str) -> str:
        declaration = instance.declaration
        names = split_names([instance.name])
        if "scope" in declaration:
            scope = self.evaluator.evaluate(declaration["scope"], f"{path}.scope")
            if isinstance(scope, str) and scope.startswith("/"):
                scope_id = scope.rstrip("/")
            elif isinstance(scope, str) and scope:
                scope_id = f"{_deploy_scope_id(self.id_context, instance.type)}/providers/{scope}"
            else:
                scope_id = _deploy_scope_id(self.id_context, instance.type)
            instance.body = {"scope": scope_id}
        else:
            target = instance.target_context
            if instance.type.lower() == DEPLOYMENTS_TYPE:
                scope_id = target.resource_group_id if target.scope == "resourceGroup" else target.scope_id
            else:
                scope_id = _deploy_scope_id(target, instance.type)
        try:
            return scoped_resource_id(scope_id, instance.type, names)
        except ArmTemplateError as error:
            raise ArmTemplateError(f"The template resource '{instance.name}' of type '{instance.type}' is not "
                                   f"valid: the number of name segments does not match the type. {error.message}",
                                   target=f"{path}.name") from None

    # --- pass 2: bodies ---------------------------------------------------------------------------------
    def _in_loop(self, instance: _Instance, produce):
        """Run ``produce`` with the copy indexes of ``instance`` and of the copied parents it is nested in."""
        if instance.parent is not None:
            return self._in_loop(instance.parent, lambda: self._in_own_loop(instance, produce))
        return self._in_own_loop(instance, produce)

    def _in_own_loop(self, instance: _Instance, produce):
        if instance.loop is None:
            return produce()
        with self.evaluator.scope.in_loop(instance.loop, instance.index):
            return produce()

    def _materialize(self, instance: _Instance) -> None:
        if instance.body is not None and "apiVersion" in instance.body or id(instance) in self._in_progress:
            return
        if instance.existing:
            instance.body = instance.body or {}
            return
        self._in_progress.add(id(instance))
        ev = self.evaluator
        saved_references = ev.referenced
        ev.referenced = set()
        try:
            body = self._in_loop(instance, lambda: self._evaluate_body(instance))
            instance.references = {normalize_id(reference) for reference in ev.referenced}
        except ArmTemplateError as error:
            raise error.in_section("resource", _shown_name(instance), instance.path) from None
        finally:
            ev.referenced = saved_references
            self._in_progress.discard(id(instance))
        instance.body = {**(instance.body or {}), **body}

    def _evaluate_body(self, instance: _Instance) -> dict:
        ev = self.evaluator
        declaration, path = instance.declaration, instance.path
        body = {"apiVersion": ev.evaluate(declaration.get("apiVersion"), f"{path}.apiVersion")}
        for key in ("location", "tags", "sku", "kind", "identity", *_OPTIONAL_KEYS):
            if key in declaration:
                body[key] = ev.evaluate(declaration[key], f"{path}.{key}")
        raw_properties = declaration.get("properties")
        if instance.type.lower() == DEPLOYMENTS_TYPE and isinstance(raw_properties, dict):
            body["properties"] = {key: value if key == "template" else ev.evaluate(value, f"{path}.properties.{key}")
                                  for key, value in raw_properties.items()}
            if instance.condition and "template" in raw_properties:
                instance.nested = self._nested_deployment(instance, body["properties"], raw_properties["template"])
            elif instance.condition and "templateLink" in raw_properties:
                instance.nested = self._linked_deployment(instance, body["properties"])
        else:
            body["properties"] = ev.evaluate(raw_properties, f"{path}.properties")
        return body

    # --- nested deployments -------------------------------------------------------------------------------
    def _nested_deployment(self, instance: _Instance, properties: dict, inner_template) -> TemplateResult:
        options = properties.get("expressionEvaluationOptions") or {}
        scope = str(options.get("scope", "outer")).lower()
        target = instance.target_context.replace(deployment_name=instance.name)
        path = f"{instance.path}.properties.template"
        try:
            if scope == "inner":
                values = {}
                for name, entry in (properties.get("parameters") or {}).items():
                    if isinstance(entry, dict) and "value" in entry:
                        values[name] = entry["value"]
                    elif isinstance(entry, dict) and "reference" in entry:
                        values[name] = UnknownValue(f"keyVaultReference({name})")
                return _evaluate(inner_template, values, target, self.evaluator.resolver, depth=self.depth + 1,
                                 secrets=self.secrets, budget=self.evaluator.budget, deferred=True)
            if not isinstance(inner_template, dict):
                raise ArmTemplateError("The nested template must be an object.")
            _check_limits(inner_template, self.evaluator.budget)
            outer = _copy.copy(self.evaluator)
            outer.template_view = None
            outer.scope = self.evaluator.scope.for_outer_nested()
            run = _TemplateRun(inner_template, outer, target, depth=self.depth + 1, secrets=self.secrets,
                               deferred=self.deferred)
            return run.evaluate()
        except ArmTemplateError as error:
            raise error.prefix_target(path) from None

    def _linked_deployment(self, instance: _Instance, properties: dict) -> TemplateResult | None:
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
        values = {}
        for name, entry in (properties.get("parameters") or {}).items():
            if isinstance(entry, dict) and "value" in entry:
                values[name] = entry["value"]
            elif isinstance(entry, dict) and "reference" in entry:
                values[name] = UnknownValue(f"keyVaultReference({name})")
        target = instance.target_context.replace(deployment_name=instance.name)
        try:
            return _evaluate(linked, values, target, self.evaluator.resolver, depth=self.depth + 1,
                             secrets=self.secrets, template_link=self._link_info(link),
                             budget=self.evaluator.budget, deferred=True)
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

    # --- reference() support (the evaluator's template_view) --------------------------------------------------
    def resolve_reference_target(self, name_or_id: str) -> str | None:
        lowered = name_or_id.lower()
        if lowered in self.symbols:
            instances = self.symbols[lowered]
            if len(instances) == 1:
                return instances[0].id
        if name_or_id.startswith("/"):
            return None
        matches = [instance for instance in self.instances if instance.name.lower() == lowered]
        if len(matches) == 1:
            return matches[0].id
        return None

    def reference_value(self, resource_id: str, full: bool):
        instance = self.by_id.get(normalize_id(resource_id))
        if instance is None:
            return None
        if instance.existing:
            body = self.evaluator.resolver.existing(resource_id, instance.declaration.get("apiVersion"))
            if isinstance(body, dict) and not full:
                return body.get("properties", {})
            return body
        if instance.type.lower() == DEPLOYMENTS_TYPE:
            self._materialize(instance)
            if instance.nested is not None:
                outputs = {name: {"type": _declared_output_type(instance, name), "value": value}
                           for name, value in instance.nested.outputs.items()}
                properties = {"outputs": outputs, "provisioningState": "Succeeded", "mode": "Incremental"}
                return {"id": instance.id, "name": instance.name, "properties": properties} if full else properties
        return None

    # --- dependencies -------------------------------------------------------------------------------------
    def _resolve_dependencies(self) -> None:
        for instance in self.instances:
            # A resource whose condition is false is not deployed and nothing waits on it, so its dependsOn is not
            # resolved (azure-ai-ml's workspace template depends, in such resources, on connections it never names).
            if instance.existing or not instance.condition:
                continue
            try:
                entries = self._in_loop(instance, lambda instance=instance: self.evaluator.evaluate(
                    instance.declaration.get("dependsOn") or [], f"{instance.path}.dependsOn"))
            except ArmTemplateError as error:
                raise error.in_section("resource", _shown_name(instance), instance.path) from None
            targets: list[_Instance] = []
            for position, entry in enumerate(entries):
                targets.extend(self._dependency_targets(entry, f"{instance.path}.dependsOn[{position}]"))
            targets.extend(self.by_id[reference] for reference in instance.references if reference in self.by_id)
            targets.extend(self._batch_predecessors(instance))
            if instance.parent_instance is not None:
                targets.append(instance.parent_instance)
            ids = []
            for target in targets:
                if target is not instance and target.deployed and target.id not in ids:
                    ids.append(target.id)
            instance.depends_on = ids

    def _dependency_targets(self, entry, path: str) -> list[_Instance]:
        if not isinstance(entry, str):
            raise ArmTemplateError(f"The dependsOn entry must be a string, not '{type_name(entry)}'.", target=path)
        lowered = entry.lower()
        if lowered.startswith("/"):
            found = self.by_id.get(normalize_id(entry))
            if found is not None:
                return [found]
        else:
            if lowered in self.symbols:
                return self.symbols[lowered]
            if lowered in self.loops:
                return self.loops[lowered]
            by_name = [instance for instance in self.instances if instance.name.lower() == lowered]
            if by_name:
                return by_name
            suffix = "/providers/" + lowered.rstrip("/")
            by_suffix = [instance for instance in self.instances if normalize_id(instance.id).endswith(
                _type_name_path(suffix))]
            if by_suffix:
                return by_suffix
        # Real text (MicrosoftDocs azure-docs, azure-functions/functions-infrastructure-as-code.md): "Deployment
        # template validation failed: 'The resource 'Microsoft.Web/sites/func-xyz' is not defined in the template.
        # Please see https://aka.ms/arm-template for usage details.'."
        raise ArmTemplateError(validation_failed(
            f"The resource '{entry}' is not defined in the template. Please see https://aka.ms/arm-template for "
            "usage details."), target=path)

    def _batch_predecessors(self, instance: _Instance) -> list[_Instance]:
        if instance.loop is None or instance.loop.lower() not in self._batches:
            return []
        batch = self._batches[instance.loop.lower()]
        members = self.loops[instance.loop.lower()]
        position = members.index(instance)
        batch_start = (position // batch) * batch
        return members[max(0, batch_start - batch):batch_start]

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
    def _resource_dict(self, instance: _Instance) -> dict:
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
        for key in _OPTIONAL_KEYS:
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


def _shown_name(instance: _Instance) -> str:
    """The resource's name as ARM quotes it in errors: evaluated if known, else as declared."""
    if instance.name is not None:
        return instance.name
    return str(instance.declaration.get("name"))


def _name_known_at_deployment(path: str, resource_type: str, parent) -> str:
    """A stand-in name for a resource whose name only the deployment knows: one segment per name the type
    needs, unique by the declaration's path, so that the resource keeps a place (and an id) in the result."""
    segments = 1 if parent is not None else max(1, resource_type.rstrip("/").count("/"))
    return "/".join([f"[known at deployment: {path}]"] * segments)


def _type_name_path(suffix: str) -> str:
    """``/providers/ns/type1/type2/name1/name2`` (a 'type/name' dependsOn) as an id tail."""
    parts = suffix[len("/providers/"):].split("/")
    if len(parts) >= 3 and "." in parts[0]:
        types = parts[1:(len(parts) + 1) // 2]
        names = parts[(len(parts) + 1) // 2:]
        if len(types) == len(names):
            return "/providers/" + parts[0] + "".join(f"/{kind}/{name}" for kind, name in zip(types, names))
    return suffix


def _declared_output_type(instance: _Instance, name: str) -> str:
    template = (instance.declaration.get("properties") or {}).get("template") or {}
    declared = (template.get("outputs") or {}).get(name) or {}
    output_type = str(declared.get("type", "string"))
    return {"securestring": "SecureString", "secureobject": "SecureObject"}.get(
        output_type.lower(), output_type[:1].upper() + output_type[1:])


__all__ = ["REDACTED", "TemplateResult", "evaluate_template", "SECURE_TYPES", "declared_parameters"]
