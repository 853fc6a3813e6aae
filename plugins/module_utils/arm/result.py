"""The result of evaluating a template: its resources, outputs, deployment waves and nested deployments."""

from __future__ import annotations

import dataclasses


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
