"""Microsoft.MachineLearningServices/workspaces/computes: AmlCompute clusters and minimal compute instances.

- AmlCompute: ``vmSize`` must be a known Azure VM size; ``scaleSettings`` need 0 <= minNodeCount <= maxNodeCount,
  maxNodeCount >= 1 and an ISO 8601 ``nodeIdleTimeBeforeScaleDown``. 400 ``UserError``/``BadArgument`` otherwise.
- PUT and DELETE are long-running (``.../locations/{loc}/computeOperationsStatus/``); GET shows Creating (or
  Updating) until provisioning ends in Succeeded, or Failed when a provisioning failure is injected.
- DELETE needs ``underlyingResourceAction=Delete|Detach`` (routes.py).
"""

from __future__ import annotations

import re
import time

from localazure.types._base import ValidatedType

from .errors import bad_argument
from .versions import COMPUTE_TYPE, DEFAULT_API_VERSION
from .vm_sizes import known_vm_size

ISO_DURATION = re.compile(r"\AP(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?\Z")
DEFAULT_IDLE_TIME = "PT120S"
DEFAULT_VM_SIZE = "STANDARD_DS3_V2"
NODE_STATES = (
    "idleNodeCount",
    "runningNodeCount",
    "preparingNodeCount",
    "unusableNodeCount",
    "leavingNodeCount",
    "preemptedNodeCount",
)


class Compute(ValidatedType):
    def validate(self, body, api_version, context):
        super().validate(body, api_version, context)
        properties = body.get("properties") if isinstance(body.get("properties"), dict) else {}
        location = _location(body, context)
        compute_type = str(properties.get("computeType", ""))
        inner = properties.get("properties") if isinstance(properties.get("properties"), dict) else {}
        if compute_type.lower() in ("amlcompute", "computeinstance"):
            _check_vm_size(inner.get("vmSize"), location)
        if compute_type.lower() == "amlcompute":
            _check_scale_settings(inner.get("scaleSettings"), location)

    def fill_read_only(self, body, context):
        result = super().fill_read_only(body, context)
        previous_properties = (context.existing or {}).get("properties") or {}
        properties = result["properties"]
        location = _location(result, context)
        result.setdefault("location", location)
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000000+0000", time.gmtime())
        properties["createdOn"] = previous_properties.get("createdOn") or now
        properties["modifiedOn"] = now
        properties.update(
            {
                "computeLocation": location,
                "isAttachedCompute": False,
                "provisioningErrors": None,
                "resourceId": properties.get("resourceId"),
            }
        )
        inner = properties.get("properties")
        compute_type = str(properties.get("computeType", "")).lower()
        if compute_type == "amlcompute":
            properties["properties"] = _aml_compute_state(inner if isinstance(inner, dict) else {})
        elif compute_type == "computeinstance":
            properties["properties"] = {**(inner if isinstance(inner, dict) else {}), "state": "Running"}
            properties["properties"].setdefault("vmSize", DEFAULT_VM_SIZE)
        return result

    def present(self, body, context):
        properties = body.get("properties")
        if isinstance(properties, dict) and properties.get("provisioningState") in ("Accepted", "Running"):
            state = "Creating" if properties.get("createdOn") == properties.get("modifiedOn") else "Updating"
            body = {**body, "properties": {**properties, "provisioningState": state}}
        return body


def _aml_compute_state(inner: dict) -> dict:
    result = dict(inner)
    result["vmSize"] = known_vm_size(result.get("vmSize") or DEFAULT_VM_SIZE) or result.get("vmSize")
    result.setdefault("vmPriority", "Dedicated")
    result.setdefault("osType", "Linux")
    scale = dict(result.get("scaleSettings") or {})
    scale.setdefault("minNodeCount", 0)
    scale.setdefault("nodeIdleTimeBeforeScaleDown", DEFAULT_IDLE_TIME)
    result["scaleSettings"] = scale
    result.update(
        {
            "allocationState": "Steady",
            "allocationStateTransitionTime": time.strftime("%Y-%m-%dT%H:%M:%S.000000+0000", time.gmtime()),
            "errors": None,
            "currentNodeCount": scale["minNodeCount"],
            "targetNodeCount": scale["minNodeCount"],
            "nodeStateCounts": {
                name: (scale["minNodeCount"] if name == "idleNodeCount" else 0) for name in NODE_STATES
            },
        }
    )
    return result


def _check_vm_size(vm_size, location: str) -> None:
    if vm_size is None:
        return
    if known_vm_size(vm_size) is None:
        raise bad_argument(
            f"The specified VM size '{vm_size}' is not supported for this compute in region "
            f"'{location}'. Use a VM size from the list of supported sizes, for example "
            "'Standard_DS3_v2' or 'Standard_NC6s_v3'.",
            location=location,
            target="vmSize",
        )


def _check_scale_settings(scale, location: str) -> None:
    if not isinstance(scale, dict):
        return
    maximum, minimum = scale.get("maxNodeCount"), scale.get("minNodeCount", 0)
    idle = scale.get("nodeIdleTimeBeforeScaleDown")
    if isinstance(maximum, int) and maximum < 1:
        raise bad_argument(
            f"Invalid scale settings: maxNodeCount is {maximum}; it must be at least 1.",
            location=location,
            target="scaleSettings.maxNodeCount",
        )
    if isinstance(minimum, int) and minimum < 0:
        raise bad_argument(
            f"Invalid scale settings: minNodeCount is {minimum}; it must not be negative.",
            location=location,
            target="scaleSettings.minNodeCount",
        )
    if isinstance(maximum, int) and isinstance(minimum, int) and minimum > maximum:
        raise bad_argument(
            f"Invalid scale settings: minNodeCount ({minimum}) is greater than maxNodeCount ({maximum}).",
            location=location,
            target="scaleSettings",
        )
    if idle is not None and not (isinstance(idle, str) and ISO_DURATION.match(idle)):
        raise bad_argument(
            f"Invalid scale settings: nodeIdleTimeBeforeScaleDown '{idle}' is not an ISO 8601 "
            "duration (for example PT120S or PT30M).",
            location=location,
            target="scaleSettings.nodeIdleTimeBeforeScaleDown",
        )


def _location(body: dict, context) -> str:
    if isinstance(body.get("location"), str) and body["location"]:
        return body["location"].replace(" ", "").lower()
    workspace = context.store.get_resource(context.path.parent_id) or {}
    return workspace.get("location") or "westeurope"


def make_compute_type() -> Compute:
    return Compute(
        COMPUTE_TYPE,
        default_api_version=DEFAULT_API_VERSION,
        long_running_put=True,
        long_running_delete=True,
        status_segment="computeOperationsStatus",
        result_segment="computeOperationResults",
    )
