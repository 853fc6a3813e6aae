# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec of one deployment and its translation into a ``DeploymentRequest``, shared by the
``arm_deployment`` module (one deployment) and ``arm_deployments`` (many, concurrently)."""

from __future__ import annotations

import os
import re

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_runner import DeploymentRequest
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_service import DeploymentTarget
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_template_files import (
    load_template_input,
    read_template,
    secure_strings,
    secure_values_of,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

DEPLOYMENT_ARGUMENT_SPEC = {
    "template": {"type": "path", "required": True},
    "parameters_file": {"type": "path"},
    "parameters": {"type": "dict", "default": {}},
    "name": {"type": "str"},
    "scope": {"type": "str", "choices": ["resource_group", "subscription"], "default": "resource_group"},
    "resource_group": {"type": "str"},
    "location": {"type": "str"},
    "resource_group_tags": {"type": "dict"},
    "mode": {"type": "str", "choices": ["incremental", "complete"], "default": "incremental"},
}
_DEPLOYMENT_NAME = re.compile(r"^[-\w._()]{1,64}$")


def protect_secure_values(options: dict, template: dict, no_log_values: set) -> None:
    """Add the secure parameter values of one deployment's options to the module's no_log list, first of all,
    so that no later argument error can print them."""
    no_log_values.update(secure_strings(secure_values_of(template, options.get("parameters"))))


def deployment_request(
    options: dict, no_log_values: set | None = None, template: dict | None = None
) -> DeploymentRequest:
    """Check one deployment's options offline and build its request; secure values join ``no_log_values``.
    ``template`` is the template when the caller has read it already."""
    template = read_template(options["template"]) if template is None else template
    if no_log_values is not None:
        protect_secure_values(options, template, no_log_values)
    name = options.get("name") or os.path.splitext(os.path.basename(options["template"]))[0]
    if not _DEPLOYMENT_NAME.match(name):
        raise DlinfraError(
            f"deployment name '{name}' is not valid: 1-64 letters, digits, '-', '_', '.', '(' or ')'. "
            "Fix: set name to a valid, stable deployment name."
        )
    scope = options.get("scope") or "resource_group"
    if scope == "resource_group" and not options.get("resource_group"):
        raise DlinfraError(f"deployment '{name}' has scope resource_group but no resource_group. Fix: set it.")
    if scope == "subscription" and not options.get("location"):
        raise DlinfraError(f"deployment '{name}' has scope subscription but no location. Fix: set location.")
    source = load_template_input(
        options["template"], options.get("parameters_file"), options.get("parameters"), template
    )
    if no_log_values is not None:
        no_log_values.update(secure_strings(source.secure_values))
    target = DeploymentTarget(
        name, options.get("resource_group") if scope == "resource_group" else None, options.get("location")
    )
    return DeploymentRequest(
        target, source, (options.get("mode") or "incremental").capitalize(), options.get("resource_group_tags")
    )
