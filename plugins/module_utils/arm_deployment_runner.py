# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One deployment run: read what Azure has, predict with validate and what-if, act only on a real change.

``run_deployment(factory, request, check_mode)`` returns the module result for one deployment:
``changed``, ``changes`` (effective what-if changes), ``noise`` (Modify changes that were all NoEffect),
``outputs`` and ``diff``. A rerun with nothing to change makes no PUT, PATCH or DELETE and no deployment.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.it4ad.dlinfra.plugins.module_utils import arm_deployment_service as service
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import (
    ArmTemplateError,
    DeploymentContext,
    contains_unknown,
    evaluate_template,
    is_secure,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_template_files import TemplateInput
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_whatif_report import (
    change_marks,
    created_properties,
    render_diff,
    resource_label,
    summarize,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

KNOWN_AFTER_DEPLOYMENT = "(known after deployment)"


@dataclass
class DeploymentRequest:
    target: service.DeploymentTarget
    source: TemplateInput
    mode: str = "Incremental"
    resource_group_tags: dict | None = None

    @property
    def label(self) -> str:
        return self.target.described


GROUP_EXISTS, GROUP_CREATED, GROUP_MISSING = "exists", "created", "missing"


def ensure_resource_group(factory, request: DeploymentRequest, check_mode: bool) -> str:
    """Whether the request's resource group exists, was created now, or is missing (check mode only)."""
    target = request.target
    if target.resource_group is None or service.get_resource_group(factory, target.resource_group) is not None:
        return GROUP_EXISTS
    if not target.location:
        raise DlinfraError(
            f"resource group '{target.resource_group}' does not exist. Fix: create it, or give "
            "location so that the module creates it."
        )
    if check_mode:
        return GROUP_MISSING
    service.create_resource_group(factory, target.resource_group, target.location, request.resource_group_tags)
    return GROUP_CREATED


@dataclass
class Prediction:
    """What validate and what-if say about one deployment, before anything is written.

    ``result`` is final unless ``needs_deploy``. ``deferred`` (real mode only) is Azure's refusal to validate a
    deployment whose referenced resources an earlier deployment of the same batch has not created yet.
    """

    result: dict
    needs_deploy: bool = False
    deferred: DlinfraError | None = None


def predict(
    factory,
    request: DeploymentRequest,
    check_mode: bool,
    group_state: str | None = None,
    defer_missing_references: bool = False,
) -> Prediction:
    """Validate and what-if; ``group_state`` is ``ensure_resource_group``'s answer when the caller already asked."""
    target, source = request.target, request.source
    group_state = group_state or ensure_resource_group(factory, request, check_mode)
    if group_state == GROUP_MISSING:
        return Prediction(_predicted_on_empty_group(factory, request))
    created_group: list = []
    if group_state == GROUP_CREATED:
        created_group.append(
            {
                "resource": f"resourceGroups/{target.resource_group}",
                "change_type": "Create",
                "resource_id": None,
                "properties": [],
            }
        )
    try:
        service.validate(factory, target, source.template, source.parameters, request.mode)
        summary = summarize(service.what_if(factory, target, source.template, source.parameters, request.mode))
    except DlinfraError as error:
        if _missing_reference(error) and check_mode:
            return Prediction(
                _predicted_offline(
                    factory,
                    request,
                    f"Azure cannot validate it yet ({error.code}: a resource it references does not "
                    "exist; an earlier deployment of this run creates it), so the collection's template engine "
                    "predicted the resources",
                )
            )
        if _missing_reference(error) and defer_missing_references:
            return Prediction({}, needs_deploy=True, deferred=error)
        raise
    effective = created_group + summary["effective"]
    result = {
        "deployment_name": target.name,
        "resource_group": target.resource_group,
        "changes": effective,
        "change_summary": change_marks(effective),
        "noise": summary["noise"],
        "what_if_counts": summary["counts"],
        "diff": render_diff(request.label, effective),
    }
    if not summary["effective"]:
        deployment = service.get_deployment(factory, target)
        if _succeeded(deployment):
            return Prediction(
                dict(result, changed=bool(created_group), outputs=deployment_outputs(deployment), deployed=False)
            )
        result["reason"] = "the deployment record is missing or failed, so it is deployed again"
    if check_mode:
        return Prediction(dict(result, changed=True, outputs=_offline_outputs(factory, request), deployed=False))
    return Prediction(result, needs_deploy=True)


def apply(factory, request: DeploymentRequest, prediction: Prediction) -> dict:
    """Deploy when the prediction says so; the module result."""
    if not prediction.needs_deploy:
        return prediction.result
    if prediction.deferred is not None:
        raise prediction.deferred
    target, source = request.target, request.source
    deployment = service.deploy(factory, target, source.template, source.parameters, request.mode)
    return dict(
        prediction.result,
        changed=True,
        outputs=deployment_outputs(deployment),
        deployed=True,
        provisioning_state=(deployment.get("properties") or {}).get("provisioningState"),
    )


def run_deployment(factory, request: DeploymentRequest, check_mode: bool, group_state: str | None = None) -> dict:
    """One deployment: predict, then deploy only on a real change."""
    return apply(factory, request, predict(factory, request, check_mode, group_state))


def _succeeded(deployment: dict | None) -> bool:
    if not deployment:
        return False
    return str((deployment.get("properties") or {}).get("provisioningState")) == "Succeeded"


def deployment_outputs(deployment: dict | None) -> dict:
    """Plain output values; secure outputs (whose values Azure never returns) are left out."""
    outputs = {}
    for name, entry in ((deployment or {}).get("properties") or {}).get("outputs", {}).items() or []:
        if not isinstance(entry, dict) or is_secure(entry):
            continue
        outputs[name] = entry.get("value")
    return outputs


def _context(factory, request: DeploymentRequest) -> DeploymentContext:
    target = request.target
    return DeploymentContext(
        subscription_id=factory.subscription_id,
        resource_group=target.resource_group or "",
        location=target.location or "westeurope",
        deployment_name=target.name,
        scope="resourceGroup" if target.resource_group else "subscription",
    )


def _evaluate_offline(factory, request: DeploymentRequest):
    source = request.source
    values = {name: entry["value"] for name, entry in source.parameters.items() if "value" in entry}
    try:
        return evaluate_template(source.template, values, _context(factory, request))
    except ArmTemplateError as error:
        raise DlinfraError(
            f"{source.template_file} cannot be evaluated: {error.code}: {error.message}. Fix: "
            "correct the template or its parameters."
        ) from None


def _offline_outputs(factory, request: DeploymentRequest, rendered=None) -> dict:
    """Outputs predicted by the collection's template engine (``rendered``, when the caller has evaluated the
    template already); values that need Azure are marked as such, secure ones left out."""
    declared = request.source.template.get("outputs") or {}
    rendered = rendered or _evaluate_offline(factory, request)
    return {
        name: KNOWN_AFTER_DEPLOYMENT if contains_unknown(value) else value
        for name, value in rendered.outputs.items()
        if not is_secure(declared.get(name) or {})
    }


# Codes of a validation that failed only because something it references is not deployed yet. A user-assigned
# identity that does not exist yet fails as FailedIdentityOperation (its message carries the NotFound).
_MISSING_REFERENCE_CODES = (
    "invalidresourcereference",
    "parentresourcenotfound",
    "resourcenotfound",
    "resourcegroupnotfound",
    "notfound",
    "failedidentityoperation",
)


def _missing_reference(error: DlinfraError) -> bool:
    codes = [error.code] + [detail.get("code") for detail in error.details if isinstance(detail, dict)]
    return any(str(code or "").lower() in _MISSING_REFERENCE_CODES for code in codes)


def _predicted_on_empty_group(factory, request: DeploymentRequest) -> dict:
    """Check mode against a resource group that does not exist: the group and every resource are Creates."""
    target = request.target
    return _predicted_offline(
        factory,
        request,
        f"resource group '{target.resource_group}' does not exist yet, so "
        "what-if cannot run; the collection's template engine predicted the resources",
        [
            {
                "resource": f"resourceGroups/{target.resource_group}",
                "resource_id": None,
                "change_type": "Create",
                "properties": [],
            }
        ],
    )


def _predicted_offline(factory, request: DeploymentRequest, reason: str, effective: list | None = None) -> dict:
    """Check mode where what-if cannot run: every resource the template renders is predicted as a Create."""
    target = request.target
    rendered = _evaluate_offline(factory, request)
    effective = list(effective or [])
    for resource in rendered.resources:
        if resource.get("condition", True) is False:
            continue
        label = resource_label(resource["id"]) if resource.get("id") else f"{resource['type']}/{resource['name']}"
        effective.append(
            {
                "resource": label,
                "resource_id": resource.get("id"),
                "change_type": "Create",
                "properties": created_properties(resource),
            }
        )
    return {
        "changed": True,
        "deployment_name": target.name,
        "resource_group": target.resource_group,
        "changes": effective,
        "change_summary": change_marks(effective),
        "noise": [],
        "what_if_counts": {"Create": len(effective)},
        "diff": render_diff(request.label, effective),
        "outputs": _offline_outputs(factory, request, rendered),
        "deployed": False,
        "reason": reason,
    }
