"""A deployment request body (``Deployment`` / ``DeploymentWhatIf`` in the REST spec), checked and split into
what may be stored and what must stay in memory (secure parameter values)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from localazure.deployments.engine import ArmTemplateError, is_secure, murmur_hash64, plain_parameter_values
from localazure.error_catalogue import (
    INVALID_CONTENT_LINK,
    INVALID_REQUEST_CONTENT,
    INVALID_TEMPLATE,
    LOCATION_REQUIRED,
)
from localazure.errors import AzureError
from localazure.ids import resource_group_id
from localazure.resource_types import DEPLOYMENTS

MODES = {"incremental": "Incremental", "complete": "Complete"}
_TYPE_LABELS = {
    "string": "String",
    "securestring": "SecureString",
    "int": "Int",
    "bool": "Bool",
    "object": "Object",
    "secureobject": "SecureObject",
    "array": "Array",
}


@dataclass(frozen=True)
class Scope:
    """Where a deployment lives: a resource group, or a subscription when ``resource_group`` is None."""

    subscription_id: str
    resource_group: str | None = None

    @property
    def id(self) -> str:
        if self.resource_group is None:
            return f"/subscriptions/{self.subscription_id}"
        return resource_group_id(self.subscription_id, self.resource_group)

    @property
    def kind(self) -> str:
        return "subscription" if self.resource_group is None else "resourceGroup"

    def deployment_id(self, name: str) -> str:
        return f"{self.id}/providers/{DEPLOYMENTS}/{name}"


@dataclass
class Definition:
    template: dict
    parameter_values: dict  # plain values by name, secure ones included: keep in memory only
    mode: str = "Incremental"
    location: str | None = None
    tags: dict | None = None
    extra: dict = field(default_factory=dict)  # other properties echoed back (debugSetting, onErrorDeployment)
    source: bytes = b""  # the request body as sent: where template errors lie in it (deployments/positions.py)

    @property
    def secure_names(self) -> set[str]:
        declared = self.template.get("parameters") or {}
        return {
            name.lower()
            for name, declaration in declared.items()
            if isinstance(declaration, dict) and is_secure(declaration)
        }

    def storable(self) -> dict:
        """The request as it may be kept: secure parameter values left out."""
        secure = self.secure_names
        return {
            "template": self.template,
            "mode": self.mode,
            "location": self.location,
            "tags": self.tags,
            "parameters": {
                name: {"value": value} for name, value in self.parameter_values.items() if name.lower() not in secure
            },
        }


def invalid_content(message: str) -> AzureError:
    return INVALID_REQUEST_CONTENT(f"The request content was invalid and could not be deserialized: '{message}'.")


def parse(body, scope: Scope, *, what_if: bool = False, source: bytes = b"") -> Definition:
    """The deployment request ``body`` (parsed from ``source``, the raw request body, when there is one)."""
    if not isinstance(body, dict):
        raise invalid_content("The request content must be a JSON object")
    properties = body.get("properties")
    if not isinstance(properties, dict):
        raise invalid_content("Required property 'properties' not found in JSON. Path '', line 1, position 1.")
    if "templateLink" in properties or "parametersLink" in properties:
        link = properties.get("templateLink") or properties.get("parametersLink") or {}
        uri = link.get("uri") or link.get("id") or link.get("relativePath") if isinstance(link, dict) else link
        raise INVALID_CONTENT_LINK(
            f"Unable to download deployment content from '{uri}'. The "
            "local endpoint has no access to remote template links: send the template inline."
        )
    template = properties.get("template")
    if not isinstance(template, dict):
        raise invalid_content("Required property 'template' (an object) not found in JSON. Path 'properties'")
    mode = properties.get("mode")
    if mode is None:
        raise invalid_content("Required property 'mode' not found in JSON. Path 'properties', line 1, position 1.")
    if not isinstance(mode, str) or mode.lower() not in MODES:
        raise invalid_content(f"Error converting value \"{mode}\" to type 'DeploymentMode'. Path 'properties.mode'")
    location = body.get("location")
    if scope.resource_group is None and not location:
        raise LOCATION_REQUIRED("The location property is required for this definition.")
    parameters = properties.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise invalid_content("The 'properties.parameters' value must be an object")
    try:
        values = plain_parameter_values({"parameters": parameters})
    except ArmTemplateError as error:
        raise INVALID_TEMPLATE(error.message, target=error.target) from None
    for name, entry in parameters.items():
        if isinstance(entry, dict) and "reference" in entry:
            raise INVALID_TEMPLATE(
                f"The Key Vault reference of the template parameter '{name}' "
                "cannot be resolved by the local endpoint: pass the value."
            )
    extra = {
        key: properties[key]
        for key in ("debugSetting", "onErrorDeployment", "expressionEvaluationOptions")
        if key in properties
    }
    return Definition(
        template,
        values,
        MODES[mode.lower()],
        location.replace(" ", "").lower() if location else None,
        body.get("tags"),
        extra,
        source,
    )


def template_hash(template: dict) -> str:
    """The same hash ``deployment().properties.templateHash`` gives inside the engine."""
    return str(murmur_hash64(json.dumps(template, sort_keys=True, default=str).encode()))


def minified(template: dict) -> str:
    return json.dumps(template, separators=(",", ":"))


def type_label(declaration: dict) -> str:
    declared = str(declaration.get("type", "object")).lower()
    return _TYPE_LABELS.get(declared, declaration.get("type") or "Object")


def shown_parameters(template: dict, resolved: dict) -> dict:
    """Parameters as a deployment GET shows them: secure ones with their type only."""
    shown = {}
    for name, declaration in (template.get("parameters") or {}).items():
        if not isinstance(declaration, dict):
            continue
        value = resolved.get(name)
        shown[name] = (
            {"type": type_label(declaration)}
            if is_secure(declaration)
            else {"type": type_label(declaration), "value": value}
        )
    return shown


def shown_outputs(template: dict, outputs: dict) -> dict:
    """Outputs as a deployment GET shows them: secure ones with their type only."""
    shown = {}
    declared = template.get("outputs") or {}
    for name, value in outputs.items():
        declaration = declared.get(name) or {}
        label = type_label(declaration)
        shown[name] = {"type": label} if label.lower().startswith("secure") else {"type": label, "value": value}
    return shown
