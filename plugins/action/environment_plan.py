# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of it4ad.dlinfra.environment_plan: the offline validation and the deployment plan, on the
controller, before any request to Azure (documentation in plugins/modules/environment_plan.py)."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.controller_action import (
    project_root,
    refused_result,
    validated_arguments,
)
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
        arguments = validated_arguments(self._task.args, ARGUMENT_SPEC)
        root = project_root(arguments["project_root"])
        try:
            settings = inventory_settings_from(arguments["variables"], root, arguments.get("inventory_dir"))
            plan = plan_environment(root, settings, arguments.get("work_package") or None)
        except PlanRefused as refused:
            return refused_result(result, refused, "")
        result.update(changed=False, **plan)
        return result
