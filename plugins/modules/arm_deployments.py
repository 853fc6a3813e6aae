#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: arm_deployments
short_description: Deploy many ARM templates concurrently, in dependency order, each as M(it4ad.dlinfra.arm_deployment)
version_added: 0.1.0
description:
  - Runs a set of deployments in one module run with a bounded worker pool. Each deployment behaves exactly like
    M(it4ad.dlinfra.arm_deployment) (offline checks, validate, what-if, deploy only on a real change).
  - A deployment starts when every deployment named in its C(depends_on) has succeeded. When one fails, only the
    deployments that wait for it are skipped; the others go on. The task then fails with a summary per C(group)
    (the collection uses one group per work package).
  - Every deployment's options are checked offline before the first request; one bad entry fails the task
    before anything is sent.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Validate and what-if only. A deployment that waits for another sees the state before either ran; where
        Azure cannot validate it because a resource it references is not there yet, the collection's template
        engine predicts its resources.
  diff_mode:
    support: full
    details: The what-if changes of every deployment, per resource and property path.
  platform:
    platforms: azure
  action_group:
    membership: [it4ad.dlinfra.azure]
options:
  deployments:
    description: The deployments. Each takes the options of M(it4ad.dlinfra.arm_deployment) plus C(key), C(group)
      and C(depends_on).
    type: list
    elements: dict
    required: true
    suboptions:
      key:
        description: Unique key of the deployment in this batch; defaults to O(deployments[].name).
        type: str
      group:
        description: Group reported in the failure summary (for example the work package).
        type: str
        default: default
      depends_on:
        description: Keys of deployments that must succeed first. Keys outside the batch count as done.
        type: list
        elements: str
        default: []
      template:
        description: Path of the ARM template.
        type: path
        required: true
      parameters_file:
        description: Path of the parameter file.
        type: path
      parameters:
        description: Parameter values on top of the parameter file.
        type: dict
        default: {}
      name:
        description: Deployment name; defaults to the template's file name without C(.json).
        type: str
      scope:
        description: Where the template deploys.
        type: str
        choices: [resource_group, subscription]
        default: resource_group
      resource_group:
        description: Resource group of a resource-group deployment.
        type: str
      location:
        description: Location of a subscription deployment, and of a resource group the module creates.
        type: str
      resource_group_tags:
        description: Tags of a resource group the module creates.
        type: dict
      mode:
        description: Deployment mode.
        type: str
        choices: [incremental, complete]
        default: incremental
  max_workers:
    description: How many deployments run at the same time.
    type: int
    default: 4
"""

EXAMPLES = r"""
- name: Deploy two work packages' workspaces and their compute clusters concurrently
  it4ad.dlinfra.arm_deployments:
    max_workers: 4
    deployments:
      - key: ws-perception
        group: perception
        name: dlinfra-mlworkspace-perception
        template: arm-templates/mlworkspace/mlworkspace.json
        parameters_file: arm-templates/mlworkspace/mlworkspace.parameters.dev.json
        parameters: {workPackageName: perception}
        resource_group: rg-it4ad-dl-dev
      - key: compute-perception
        group: perception
        depends_on: [ws-perception]
        name: dlinfra-mlcompute-perception
        template: arm-templates/mlcompute/mlcompute.json
        parameters_file: arm-templates/mlcompute/mlcompute.parameters.dev.json
        parameters: {workspaceName: it4ad-dev-mlw-perception}
        resource_group: rg-it4ad-dl-dev
"""

RETURN = r"""
deployments:
  description: The result of each deployment by key, as M(it4ad.dlinfra.arm_deployment) returns it, or C(failed) and C(msg).
  returned: always
  type: dict
  sample:
    ws-perception: {changed: false, deployment_name: dlinfra-mlworkspace-perception, outputs: {}, changes: []}
failures:
  description: Failure messages by group.
  returned: always
  type: dict
  sample: {planning: ["dlinfra-mlcompute-planning: deploy ... failed: HTTP 400 QuotaExceeded: ..."]}
change_summary:
  description: The effective changes of all deployments, one line each, prefixed with the deployment key.
  returned: always
  type: list
  elements: str
  sample: ["dlinfra-mlcompute-perception: ~ Microsoft.MachineLearningServices/workspaces/ws/computes/train (Modify)"]
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_modules import (
    DEPLOYMENT_ARGUMENT_SPEC,
    deployment_request,
    protect_secure_values,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_template_files import read_template
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import run_module

ENTRY_SPEC = dict(
    DEPLOYMENT_ARGUMENT_SPEC,
    key={"type": "str", "no_log": False},
    group={"type": "str", "default": "default"},
    depends_on={"type": "list", "elements": "str", "default": []},
)


def _read_templates(deployments: list) -> list:
    """Each entry's template (or the error reading it); every readable entry's secure values are masked before
    any entry is checked, so that no argument error can print them."""
    templates: list[dict | DlinfraError] = []
    for options in deployments:
        try:
            templates.append(read_template(options["template"]))
        except DlinfraError as error:
            templates.append(error)
    return templates


def _entries(module) -> list[dict]:
    deployments = module.params["deployments"]
    templates = _read_templates(deployments)
    for options, template in zip(deployments, templates, strict=True):
        if not isinstance(template, DlinfraError):
            protect_secure_values(options, template, module.no_log_values)
    entries, seen = [], set()
    for index, (options, template) in enumerate(zip(deployments, templates, strict=True)):
        try:
            if isinstance(template, DlinfraError):
                raise template
            request = deployment_request(options, module.no_log_values, template)
        except DlinfraError as error:
            raise DlinfraError(f"deployments[{index}]: {error.message}") from None
        key = options.get("key") or request.target.name
        if key in seen:
            raise DlinfraError(
                f"deployments[{index}]: key '{key}' is used twice. Fix: give each deployment its own key or name."
            )
        seen.add(key)
        entries.append({"key": key, "group": options["group"], "depends_on": options["depends_on"], "request": request})
    return entries


def _run(module, make_factory):
    entries = _entries(module)
    from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_batch import combined_diff, run_batch

    outcome = run_batch(make_factory(), entries, module.check_mode, max(1, module.params["max_workers"]))
    results = outcome["results"]
    summary = [
        f"{entry['key']}: {line}" for entry in entries for line in (results[entry["key"]].get("change_summary") or [])
    ]
    result = {
        "changed": any(item.get("changed") for item in results.values()),
        "deployments": results,
        "failures": outcome["failures"],
        "change_summary": summary,
        "diff": combined_diff(entries, results),
    }
    if outcome["failures"]:
        lines = [f"{group}:\n  " + "\n  ".join(messages) for group, messages in outcome["failures"].items()]
        module.fail_json(
            msg=f"{sum(map(len, outcome['failures'].values()))} deployment(s) failed, per group:\n" + "\n".join(lines),
            **result,
        )
    return result


def main():
    spec = {
        "deployments": {"type": "list", "elements": "dict", "required": True, "options": ENTRY_SPEC},
        "max_workers": {"type": "int", "default": 4},
    }
    run_module(spec, _run)


if __name__ == "__main__":
    main()
