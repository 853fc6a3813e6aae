"""Pass 1 of a template run: every resource instance (copy iterations and child resources included) with its
condition, name, type, target scope and id."""

from __future__ import annotations

from .context import DeploymentContext
from .errors import ArmTemplateError
from .ids import normalize_id, scoped_resource_id, split_names
from .limits import MAX_RESOURCES
from .loops import copy_count, iterate
from .result import TemplateResult
from .run_state import TemplateRunState
from .values import UnknownValue, contains_unknown, type_name

DEPLOYMENTS_TYPE = "microsoft.resources/deployments"


def deploy_scope_id(context: DeploymentContext, resource_type: str) -> str:
    if context.scope == "resourceGroup":
        return context.resource_group_id
    return context.scope_id


class Instance:
    """One resource instance (one iteration of a copy loop, or a plain resource).

    Pass 1 gives it its identity: ``name`` and ``type`` (``identified`` says they are set), then
    ``target_context`` (until then the run's own) and ``id``.
    """

    def __init__(
        self,
        declaration: dict,
        path: str,
        symbolic: str | None,
        loop: str | None,
        index: int | None,
        parent: Instance | None,
        target_context: DeploymentContext,
    ):
        self.declaration = declaration
        self.path = path
        self.symbolic = symbolic
        self.loop = loop  # copy loop name or None
        self.index = index
        self.parent = parent  # the parent Instance of a nested child resource
        self.parent_instance: Instance | None = None
        self.existing = bool(declaration.get("existing"))
        self.identified = False
        self.name = self.type = self.id = ""
        self.condition = True
        self.target_context = target_context
        self.body: dict | None = None
        self.nested: TemplateResult | None = None
        self.depends_on: list[str] = []
        self.references: set[str] = set()

    @property
    def deployed(self) -> bool:
        return self.condition is not False and not self.existing


class InstanceDeclarations(TemplateRunState):
    """Declares the instances of a template run (``_TemplateRun`` in template.py): ``instances``, ``by_id``,
    ``loops`` and ``symbols``."""

    def _declarations(self):
        section = self.template.get("resources")
        if self.language_v2 or isinstance(section, dict):
            if not isinstance(section, dict):
                raise ArmTemplateError(
                    "With languageVersion 2.0 the 'resources' section must be an object of symbolic names.",
                    target="resources",
                )
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
            raise ArmTemplateError(
                f"The number of resources in the template '{deployed}' exceeds the maximum "
                f"number of resources '{MAX_RESOURCES}'.",
                target="resources",
            )

    def _declare_declaration(self, path, symbolic, declaration, parent) -> list:
        """Declare one resource declaration (every copy iteration) and, in each, its nested child resources."""
        ev = self.evaluator
        for key in ("type", "name"):
            if key not in declaration:
                raise ArmTemplateError(
                    f"The template resource at '{path}' is missing the required property '{key}'.", target=path
                )
        if "apiVersion" not in declaration and not declaration.get("existing"):
            raise ArmTemplateError(
                f"The template resource '{declaration.get('name')}' at '{path}' is missing "
                "the required property 'apiVersion'.",
                target=f"{path}.apiVersion",
            )
        loop = declaration.get("copy")
        if loop:
            loop_name = ev.evaluate(loop.get("name"), f"{path}.copy.name")
            if not isinstance(loop_name, str) or not loop_name:
                raise ArmTemplateError("The copy loop must have a name.", target=f"{path}.copy.name")
            count = copy_count(ev, loop.get("count", 0), f"{path}.copy")
            batch = self._batch_size(loop, path)
            if batch:
                self._batches[loop_name.lower()] = batch
            created = iterate(
                ev,
                loop_name,
                count,
                lambda index, declaration=declaration, path=path: self._declare_one(
                    declaration, path, symbolic, loop_name, index, parent
                ),
            )
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
            raise ArmTemplateError(
                f"The copy batchSize '{batch}' must be a positive integer.", target=f"{path}.copy.batchSize"
            )
        return batch

    def _declare_one(self, declaration, path, symbolic, loop, index, parent) -> Instance:
        instance_path = path if index is None else f"{path}[copyIndex={index}]"
        instance = Instance(declaration, instance_path, symbolic, loop, index, parent, self.id_context)
        try:
            return self._declare_identity(instance, path)
        except ArmTemplateError as error:
            raise error.in_section("resource", shown_name(instance), path) from None

    def _declare_identity(self, instance: Instance, path: str) -> Instance:
        ev, declaration, parent = self.evaluator, instance.declaration, instance.parent
        condition = ev.evaluate(declaration.get("condition", True), f"{path}.condition")
        if not isinstance(condition, (bool, UnknownValue)):
            raise ArmTemplateError(
                f"The template resource condition must be a boolean, not '{type_name(condition)}'.",
                target=f"{path}.condition",
            )
        instance.condition = True if isinstance(condition, UnknownValue) else condition
        name = ev.evaluate(declaration["name"], f"{path}.name")
        resource_type = ev.evaluate(declaration["type"], f"{path}.type")
        if self.deferred and isinstance(resource_type, str) and contains_unknown(name):
            name = _name_known_at_deployment(instance.path, resource_type, parent)
        for label, value in (("name", name), ("type", resource_type)):
            if not isinstance(value, str):
                raise ArmTemplateError(
                    f"The template resource {label} must be a string known before deployment.", target=f"{path}.{label}"
                )
        if parent is not None:
            parent_name, parent_type = parent.name, parent.type
            if "/" not in resource_type or "." not in resource_type.split("/")[0]:
                resource_type = f"{parent_type}/{resource_type}"
            if name.count("/") < resource_type.count("/") - 1:
                name = f"{parent_name}/{name}"
        instance.name, instance.type, instance.identified = name, resource_type, True
        instance.target_context = self._target_context(declaration, path)
        instance.id = self._resource_id(instance, path)
        self.instances.append(instance)
        key = normalize_id(instance.id)
        previous = self.by_id.get(key)
        # Two declarations of one id are allowed when at most one is deployed (mutually exclusive conditions).
        if (
            previous is not None
            and not (previous.existing or instance.existing)
            and previous.condition
            and instance.condition
        ):
            raise ArmTemplateError(
                f"The resource '{instance.id}' is defined multiple times in a template. Please "
                "see https://aka.ms/arm-template/#resources for usage details.",
                target=path,
            )
        if previous is None or instance.condition or not previous.condition:
            self.by_id[key] = instance
        children = declaration.get("resources") or []
        if not isinstance(children, list):
            raise ArmTemplateError(
                "The nested 'resources' of a template resource must be an array.", target=f"{path}.resources"
            )
        for child_index, child in enumerate(children):
            if not isinstance(child, dict):
                raise ArmTemplateError(
                    "A template resource must be an object.", target=f"{path}.resources[{child_index}]"
                )
            for created in self._declare_declaration(
                f"{instance.path}.resources[{child_index}]", None, child, instance
            ):
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

    def _resource_id(self, instance: Instance, path: str) -> str:
        declaration = instance.declaration
        names = split_names([instance.name])
        if "scope" in declaration:
            scope = self.evaluator.evaluate(declaration["scope"], f"{path}.scope")
            if isinstance(scope, str) and scope.startswith("/"):
                scope_id = scope.rstrip("/")
            elif isinstance(scope, str) and scope:
                scope_id = f"{deploy_scope_id(self.id_context, instance.type)}/providers/{scope}"
            else:
                scope_id = deploy_scope_id(self.id_context, instance.type)
            instance.body = {"scope": scope_id}
        else:
            target = instance.target_context
            if instance.type.lower() == DEPLOYMENTS_TYPE:
                scope_id = target.resource_group_id if target.scope == "resourceGroup" else target.scope_id
            else:
                scope_id = deploy_scope_id(target, instance.type)
        try:
            return scoped_resource_id(scope_id, instance.type, names)
        except ArmTemplateError as error:
            raise ArmTemplateError(
                f"The template resource '{instance.name}' of type '{instance.type}' is not "
                f"valid: the number of name segments does not match the type. {error.message}",
                target=f"{path}.name",
            ) from None


def shown_name(instance: Instance) -> str:
    """The resource's name as ARM quotes it in errors: evaluated if known, else as declared."""
    if instance.identified:
        return instance.name
    return str(instance.declaration.get("name"))


def _name_known_at_deployment(path: str, resource_type: str, parent) -> str:
    """A stand-in name for a resource whose name only the deployment knows: one segment per name the type
    needs, unique by the declaration's path, so that the resource keeps a place (and an id) in the result."""
    segments = 1 if parent is not None else max(1, resource_type.rstrip("/").count("/"))
    return "/".join([f"[known at deployment: {path}]"] * segments)
