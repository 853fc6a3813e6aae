# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of it4ad.dlinfra.functional_validation: the controller-side steps of the functional validation
(documentation in plugins/modules/functional_validation.py). It never talks to Azure."""

from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils import functional_validation as functional
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.controller_action import (
    project_root,
    refused_result,
    validated_arguments,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.environment_plan import (
    PlanRefused,
    inventory_settings_from,
)

ARGUMENT_SPEC = {
    "step": {"type": "str", "required": True, "choices": ["plan", "followup", "evaluate"]},
    "project_root": {"type": "path"},
    "inventory_dir": {"type": "path"},
    "variables": {"type": "dict"},
    "expectations": {"type": "dict"},
    "observed": {"type": "list", "elements": "dict", "default": []},
    "checks": {"type": "list", "elements": "dict"},
    "junit_file": {"type": "path"},
    "suite": {"type": "str", "default": "validate_env"},
}
REQUIRED = {
    "plan": ("project_root", "variables"),
    "followup": ("expectations",),
    "evaluate": ("expectations", "checks"),
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        arguments = validated_arguments(self._task.args, ARGUMENT_SPEC)
        step = arguments["step"]
        missing = [name for name in REQUIRED[step] if arguments.get(name) is None]
        if missing:
            raise AnsibleActionFail(f"step {step} needs {', '.join(missing)}.")
        result["changed"] = False
        if step == "plan":
            return self._plan(result, arguments)
        observed = arguments["observed"]
        if step == "followup":
            result["read_ids"] = functional.followup_ids(arguments["expectations"], observed)
            return result
        return self._evaluate(result, arguments, observed)

    @staticmethod
    def _plan(result: dict, arguments: dict) -> dict:
        root = project_root(arguments["project_root"])
        try:
            settings = inventory_settings_from(arguments["variables"], root, arguments.get("inventory_dir"))
            expectations = functional.environment_expectations(root, settings)
        except PlanRefused as refused:
            return refused_result(result, refused, ", so there is nothing to validate against")
        result.update(expectations=expectations, read_ids=functional.first_read_ids(expectations))
        return result

    @staticmethod
    def _evaluate(result: dict, arguments: dict, observed: list) -> dict:
        expectations = arguments["expectations"]
        try:
            results = functional.evaluate_checks(arguments["checks"], expectations, observed)
        except functional.CheckDefinitionError as error:
            raise AnsibleActionFail(f"the functional checks are malformed: {error}") from None
        totals = functional.summary(results)
        result.update(results=results, summary=totals, table=functional.result_table(results))
        if arguments.get("junit_file"):
            path = Path(arguments["junit_file"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                functional.junit_xml(results, arguments["suite"], expectations.get("environment")), encoding="utf-8"
            )
            result["junit_file"] = str(path)
        return result
