# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``work_package_summary`` filter: one line of state per work package, from the workspace role's results."""

from __future__ import annotations

DOCUMENTATION = r"""
name: work_package_summary
short_description: Summarize the deployment of each work package
version_added: 0.1.0
description:
  - Turns the plan of M(it4ad.dlinfra.environment_plan), the result of M(it4ad.dlinfra.arm_deployments) and the
    looped results of M(it4ad.dlinfra.ml_datastore) into one entry per work package.
options:
  _input:
    description: The plan registered by the validate role.
    type: dict
    required: true
  deployments:
    description: The registered result of M(it4ad.dlinfra.arm_deployments) for the work packages.
    type: dict
    required: true
  datastores:
    description: The registered result of M(it4ad.dlinfra.ml_datastore) with O(it4ad.dlinfra.ml_datastore#module:workspaces).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Print one entry per work package
  ansible.builtin.debug:
    msg: "{{ validate_plan | it4ad.dlinfra.work_package_summary(workspace_deployments, workspace_datastores) }}"
"""

RETURN = r"""
_value:
  description: Work package name to C(failed), C(changed), C(workspace), C(compute), C(role_assignments),
    C(datastores) and C(problems).
  type: dict
"""


def work_package_summary(plan: dict, deployments: dict, datastores: dict) -> dict:
    results = (deployments or {}).get("deployments") or {}
    failures = (deployments or {}).get("failures") or {}
    datastore_results = (datastores or {}).get("workspaces") or {}
    datastore_failures = (datastores or {}).get("failures") or {}
    summary = {}
    for name, attached in (plan.get("datastores") or {}).items():
        keys = [entry["key"] for entry in plan.get("deployments") or [] if entry.get("group") == name]
        outputs: dict = {}
        for key in keys:
            outputs.update((results.get(key) or {}).get("outputs") or {})
        workspace = outputs.get("workspaceName") or attached.get("name")
        datastore_result = datastore_results.get(workspace) or {}
        problems = list(failures.get(name) or [])
        if workspace in datastore_failures:
            problems.append(f"datastores: {datastore_failures[workspace]}")
        elif datastores.get("failed") and not datastore_failures and name not in failures:
            problems.append(f"datastores: {datastores.get('msg')}")
        if not results and deployments.get("failed"):
            problems.append(str(deployments.get("msg")))
        compute_id = str(outputs.get("computeId") or "")
        summary[name] = {
            "failed": bool(problems),
            "changed": any((results.get(key) or {}).get("changed") for key in keys)
            or bool(datastore_result.get("changed")),
            "workspace": workspace,
            "compute": compute_id.rsplit("/", 1)[-1] if compute_id else None,
            "role_assignments": len(outputs.get("roleAssignmentIds") or []),
            "datastores": [entry["name"] for entry in attached.get("datastores") or []],
            "problems": problems,
        }
    return summary


class FilterModule:
    def filters(self):
        return {"work_package_summary": work_package_summary}
