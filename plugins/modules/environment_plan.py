#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: environment_plan
short_description: Validate an environment offline and compute its deployments before anything touches Azure
version_added: 0.1.0
description:
  - Runs on the controller, makes no request. Checks the inventory's C(dlinfra_*) variables (as Ansible resolved
    them, extra vars included), the ARM templates and parameter files, C(arm-templates/deployment_plan.yml) and
    C(arm-templates/mlworkspace/datastore_config.json), and renders the whole environment with the collection's
    template engine, as C(make validate) does.
  - Any problem fails the task with the file, the JSON path, the problem and the fix, so a bad inventory never
    reaches Azure.
  - Returns every deployment in plan order, with its deterministic name, template, parameter file, the values
    Ansible passes (deploy-time values and the outputs of earlier deployments, wired as the plan says) and the
    deployments it waits for, and the datastores each workspace gets.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
    details: Reads files only.
  diff_mode:
    support: none
  action:
    support: full
    details: Runs on the controller as an action plugin.
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: posix
options:
  project_root:
    description: Folder that holds C(arm-templates/) (and usually C(inventories/)).
    type: path
    required: true
  variables:
    description:
      - The inventory's variables, at least every C(dlinfra_*) one. The C(validate) role passes them all.
    type: dict
    required: true
  inventory_dir:
    description: The inventory folder, so that a problem names the file that sets the variable.
    type: path
  work_package:
    description: Plan only the shared infrastructure and this work package.
    type: str
"""

EXAMPLES = r"""
- name: Validate the environment and compute its deployments
  it4ad.dlinfra.environment_plan:
    project_root: "{{ playbook_dir | dirname }}"
    inventory_dir: "{{ inventory_dir }}"
    variables: "{{ dict(query('ansible.builtin.varnames', '^dlinfra_') | zip(query('ansible.builtin.vars',
      *query('ansible.builtin.varnames', '^dlinfra_')))) }}"
  register: dlinfra_plan
"""

RETURN = r"""
deployments:
  description:
    - Every deployment in plan order; C(arguments) are the options of one
      O(it4ad.dlinfra.arm_deployments#module:deployments[]) entry.
  returned: success
  type: list
  elements: dict
  sample:
    - key: dlinfra-mlcompute-perception
      template_name: mlcompute
      group: perception
      scope: resource_group
      arguments:
        key: dlinfra-mlcompute-perception
        name: dlinfra-mlcompute-perception
        group: perception
        depends_on: [dlinfra-mlworkspace-perception]
        template: /srv/dlinfra/arm-templates/mlcompute/mlcompute.json
        parameters_file: /srv/dlinfra/arm-templates/mlcompute/mlcompute.parameters.dev.json
        parameters: {computeMaxNodes: 2, workspaceName: it4ad-dev-mlw-perception}
        scope: resource_group
        resource_group: rg-it4ad-dl-dev
        location: westeurope
groups:
  description: C(shared), then the planned work packages.
  returned: success
  type: list
  elements: str
  sample: [shared, perception, planning]
datastores:
  description:
    - Per work package, the workspace C(name) and the C(datastores) C(datastore_config.json) attaches to it, as
      O(it4ad.dlinfra.ml_datastore#module:workspaces[]) takes them.
  returned: success
  type: dict
  sample:
    perception:
      name: it4ad-dev-mlw-perception
      datastores:
        - {name: shared_datasets, account_name: it4addevdata, container_name: datasets}
findings:
  description: The problems found (file, json_path, problem, fix, environment).
  returned: failure
  type: list
  elements: dict
  sample: []
"""
