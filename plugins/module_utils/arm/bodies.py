"""Pass 2 and 3 of a template run: each instance's body (in its copy loop), then its dependencies (dependsOn,
reference() and parent resources, serial copy batches)."""

from __future__ import annotations

from .errors import ArmTemplateError, validation_failed
from .ids import normalize_id
from .instances import DEPLOYMENTS_TYPE, Instance, shown_name
from .run_state import TemplateRunState
from .values import type_name

OPTIONAL_KEYS = ("zones", "plan", "managedBy", "extendedLocation", "comments")


class BodiesAndDependencies(TemplateRunState):
    """Evaluates bodies and dependencies for a template run (``_TemplateRun`` in template.py)."""

    def _in_loop(self, instance: Instance, produce):
        """Run ``produce`` with the copy indexes of ``instance`` and of the copied parents it is nested in."""
        if instance.parent is not None:
            return self._in_loop(instance.parent, lambda: self._in_own_loop(instance, produce))
        return self._in_own_loop(instance, produce)

    def _in_own_loop(self, instance: Instance, produce):
        if instance.loop is None or instance.index is None:
            return produce()
        with self.evaluator.scope.in_loop(instance.loop, instance.index):
            return produce()

    def _materialize(self, instance: Instance) -> None:
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
            raise error.in_section("resource", shown_name(instance), instance.path) from None
        finally:
            ev.referenced = saved_references
            self._in_progress.discard(id(instance))
        instance.body = {**(instance.body or {}), **body}

    def _evaluate_body(self, instance: Instance) -> dict:
        ev = self.evaluator
        declaration, path = instance.declaration, instance.path
        body = {"apiVersion": ev.evaluate(declaration.get("apiVersion"), f"{path}.apiVersion")}
        for key in ("location", "tags", "sku", "kind", "identity", *OPTIONAL_KEYS):
            if key in declaration:
                body[key] = ev.evaluate(declaration[key], f"{path}.{key}")
        raw_properties = declaration.get("properties")
        if instance.type.lower() == DEPLOYMENTS_TYPE and isinstance(raw_properties, dict):
            body["properties"] = {
                key: value if key == "template" else ev.evaluate(value, f"{path}.properties.{key}")
                for key, value in raw_properties.items()
            }
            if instance.condition and "template" in raw_properties:
                instance.nested = self._nested_deployment(instance, body["properties"], raw_properties["template"])
            elif instance.condition and "templateLink" in raw_properties:
                instance.nested = self._linked_deployment(instance, body["properties"])
        else:
            body["properties"] = ev.evaluate(raw_properties, f"{path}.properties")
        return body

    def _resolve_dependencies(self) -> None:
        for instance in self.instances:
            # A resource whose condition is false is not deployed and nothing waits on it, so its dependsOn is not
            # resolved (azure-ai-ml's workspace template depends, in such resources, on connections it never names).
            if instance.existing or not instance.condition:
                continue
            try:
                entries = self._in_loop(
                    instance,
                    lambda instance=instance: self.evaluator.evaluate(
                        instance.declaration.get("dependsOn") or [], f"{instance.path}.dependsOn"
                    ),
                )
            except ArmTemplateError as error:
                raise error.in_section("resource", shown_name(instance), instance.path) from None
            targets: list[Instance] = []
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

    def _dependency_targets(self, entry, path: str) -> list[Instance]:
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
            by_suffix = [
                instance for instance in self.instances if normalize_id(instance.id).endswith(_type_name_path(suffix))
            ]
            if by_suffix:
                return by_suffix
        # Real text (MicrosoftDocs azure-docs, azure-functions/functions-infrastructure-as-code.md): "Deployment
        # template validation failed: 'The resource 'Microsoft.Web/sites/func-xyz' is not defined in the template.
        # Please see https://aka.ms/arm-template for usage details.'."
        raise ArmTemplateError(
            validation_failed(
                f"The resource '{entry}' is not defined in the template. Please see https://aka.ms/arm-template for "
                "usage details."
            ),
            target=path,
        )

    def _batch_predecessors(self, instance: Instance) -> list[Instance]:
        if instance.loop is None or instance.loop.lower() not in self._batches:
            return []
        batch = self._batches[instance.loop.lower()]
        members = self.loops[instance.loop.lower()]
        position = members.index(instance)
        batch_start = (position // batch) * batch
        return members[max(0, batch_start - batch) : batch_start]


def _type_name_path(suffix: str) -> str:
    """``/providers/ns/type1/type2/name1/name2`` (a 'type/name' dependsOn) as an id tail."""
    parts = suffix[len("/providers/") :].split("/")
    if len(parts) >= 3 and "." in parts[0]:
        types = parts[1 : (len(parts) + 1) // 2]
        names = parts[(len(parts) + 1) // 2 :]
        if len(types) == len(names):
            return (
                "/providers/" + parts[0] + "".join(f"/{kind}/{name}" for kind, name in zip(types, names, strict=True))
            )
    return suffix
