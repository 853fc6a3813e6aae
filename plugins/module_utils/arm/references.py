"""What ``reference()`` learns from the template itself (the evaluator's ``template_view``): names and
symbolic names to ids, ``existing`` resources, and the outputs of nested deployments."""

from __future__ import annotations

from .ids import normalize_id
from .instances import DEPLOYMENTS_TYPE, Instance
from .run_state import TemplateRunState


class ReferenceSupport(TemplateRunState):
    """Answers the evaluator's questions about resources of a template run (``_TemplateRun`` in template.py)."""

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
                outputs = {
                    name: {"type": _declared_output_type(instance, name), "value": value}
                    for name, value in instance.nested.outputs.items()
                }
                properties = {"outputs": outputs, "provisioningState": "Succeeded", "mode": "Incremental"}
                return {"id": instance.id, "name": instance.name, "properties": properties} if full else properties
        return None


def _declared_output_type(instance: Instance, name: str) -> str:
    template = (instance.declaration.get("properties") or {}).get("template") or {}
    declared = (template.get("outputs") or {}).get(name) or {}
    output_type = str(declared.get("type", "string"))
    return {"securestring": "SecureString", "secureobject": "SecureObject"}.get(
        output_type.lower(), output_type[:1].upper() + output_type[1:]
    )
