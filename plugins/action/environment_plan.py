# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of it4ad.dlinfra.environment_plan: the offline validation and the deployment plan, on the
controller, before any request to Azure (documentation in plugins/modules/environment_plan.py)."""

from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.environment_plan import (
    PlanRefused,
    inventory_settings_from,
    plan_environment,
)

ARGUMENT_SPEC = {
    "project_root": {"type": "path", "required": True},
    "variables": {"type": "dict", "required": True},
    "inventory_dir": {"type": "path"},
    "work_package": {"type": "str"},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validation = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validation.error_messages:
            raise AnsibleActionFail("; ".join(validation.error_messages))
        arguments = validation.validated_parameters
        root = Path(arguments["project_root"]).resolve()
        if not (root / "arm-templates").is_dir():
            raise AnsibleActionFail(
                f"project_root {root} has no arm-templates/ folder. Fix: point it at the "
                "folder that holds arm-templates/ and inventories/."
            )
        try:
            settings = inventory_settings_from(arguments["variables"], root, arguments.get("inventory_dir"))
            plan = plan_environment(root, settings, arguments.get("work_package") or None)
        except PlanRefused as refused:
            result.update(
                failed=True,
                findings=[finding.as_dict() for finding in refused.findings],
                msg=f"the desired state is invalid; nothing was sent to Azure ({len(refused.findings)} "
                f"problem(s)):\n{refused}",
            )
            return result
        result.update(changed=False, **plan)
        return result
