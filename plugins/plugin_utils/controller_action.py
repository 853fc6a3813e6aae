# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's controller-side action plugins share: their arguments checked with ansible-core's own
validator, the project root they read templates from, and the result of a refused desired state."""

from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.environment_plan import PlanRefused


def validated_arguments(task_args: dict, argument_spec: dict) -> dict:
    """The task's arguments as ``argument_spec`` types and defaults them; every problem in one failure."""
    validation = ArgumentSpecValidator(argument_spec).validate(task_args)
    if validation.error_messages:
        raise AnsibleActionFail("; ".join(validation.error_messages))
    return validation.validated_parameters


def project_root(path: str) -> Path:
    """The folder that holds arm-templates/ and inventories/, resolved; a clear failure otherwise."""
    root = Path(path).resolve()
    if not (root / "arm-templates").is_dir():
        raise AnsibleActionFail(
            f"project_root {root} has no arm-templates/ folder. Fix: point it at the "
            "folder that holds arm-templates/ and inventories/."
        )
    return root


def refused_result(result: dict, refused: PlanRefused, consequence: str) -> dict:
    """``result`` failed with every finding of the refused desired state; ``consequence`` says what did not happen."""
    result.update(
        failed=True,
        findings=[finding.as_dict() for finding in refused.findings],
        msg=f"the desired state is invalid{consequence}; nothing was sent to Azure ({len(refused.findings)} "
        f"problem(s)):\n{refused}",
    )
    return result
