#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: functional_validation
short_description: Plan and evaluate the functional validation of a deployed environment, on the controller
version_added: 0.1.0
description:
  - The controller-side steps of the C(validate) role's C(functional) entry point. It never sends a request to
    Azure; the role reads the environment with M(it4ad.dlinfra.azure_resource_info) between the steps.
  - O(step=plan) renders the inventory offline, with the same plan and template engine that deploy it, and
    returns what the environment should hold (RV(expectations)) and the resource ids to read (RV(read_ids)). An
    invalid desired state fails here with its findings, as M(it4ad.dlinfra.environment_plan) does.
  - O(step=followup) returns the ids known only from what Azure returned (RV(read_ids)), that is each workspace's blob
    container C(azureml-blobstore-<workspaceId>) in the ML storage account, and the container each datastore
    resolves to.
  - O(step=evaluate) runs the O(checks) against the resources read and returns one result per check and target
    (RV(results)), a text table (RV(table)) and RV(summary); with O(junit_file) it writes them as JUnit XML, one
    testcase per check and target, a C(failure) element holding the detail. It does not fail on a failed check;
    the role does, after writing the XML.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
options:
  step:
    description: Which step to run.
    type: str
    required: true
    choices: [plan, followup, evaluate]
  project_root:
    description: Folder holding arm-templates/ (O(step=plan)).
    type: path
  inventory_dir:
    description: The inventory folder, so that findings name its files (O(step=plan)).
    type: path
  variables:
    description: Every C(dlinfra_*) variable of the inventory (O(step=plan)).
    type: dict
  expectations:
    description: RV(expectations) of O(step=plan) (O(step=followup) and O(step=evaluate)).
    type: dict
  observed:
    description: The RV(it4ad.dlinfra.azure_resource_info#module:resources) read so far, all reads together.
    type: list
    elements: dict
    default: []
  checks:
    description:
      - The checks (O(step=evaluate)). Each has a unique C(name), a C(description), C(targets) (V(resources),
        every expected resource, optionally narrowed by C(types) or C(exclude_types); or V(workspace_containers),
        V(datastores), V(datastore_containers)) and exactly one test.
      - "Tests: C(exists: true|false); C(equals: <value>), C(one_of: [values]) or C(equals_ref: <path>) of the
        value at the dotted C(path) of the resource (C(ignore_case) for ids, C(missing_ok) to pass when Azure does
        not report the property); C(private_endpoint: <group id>), an approved private endpoint to the target."
      - C(equals_ref) paths start at C(shared.<template>.<output>), C(package.<template>.<output>) (the target's
        work package), C(inventory.<dlinfra variable>), C(storage_accounts.<ml|data>.<id|name>) or C(target).
    type: list
    elements: dict
  junit_file:
    description: Where O(step=evaluate) writes the JUnit XML; its folder is created.
    type: path
  suite:
    description: Name of the JUnit test suite.
    type: str
    default: validate_env
attributes:
  check_mode:
    support: full
    details: It reads nothing from Azure and changes nothing there; O(junit_file) is written in check mode too.
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
seealso:
  - module: it4ad.dlinfra.azure_resource_info
  - module: it4ad.dlinfra.environment_plan
"""

EXAMPLES = r"""
- name: What the environment should hold
  it4ad.dlinfra.functional_validation:
    step: plan
    project_root: "{{ playbook_dir | dirname }}"
    inventory_dir: "{{ inventory_dir }}"
    variables: "{{ dict(query('ansible.builtin.varnames', '^dlinfra_') | zip(query('ansible.builtin.vars',
      *query('ansible.builtin.varnames', '^dlinfra_')))) }}"
  register: functional_plan

- name: Read it
  it4ad.dlinfra.azure_resource_info:
    ids: "{{ functional_plan.read_ids }}"
  register: functional_read

- name: Check it
  it4ad.dlinfra.functional_validation:
    step: evaluate
    expectations: "{{ functional_plan.expectations }}"
    observed: "{{ functional_read.resources }}"
    checks:
      - name: registry_admin_user_off
        description: The registries have no admin user
        targets: resources
        types: [Microsoft.ContainerRegistry/registries]
        path: properties.adminUserEnabled
        equals: false
    junit_file: "{{ playbook_dir }}/../.build/junit/validate_env.xml"
  register: functional_results
"""

RETURN = r"""
expectations:
  description: What the environment should hold (O(step=plan)).
  returned: O(step=plan)
  type: dict
  sample:
    environment: int
    resource_group: rg-it4ad-dl-int
    resources: [{id: /subscriptions/.../vaults/it4ad-int-kv, type: Microsoft.KeyVault/vaults, template: keyvault}]
    shared: {keyvault: {keyVaultId: /subscriptions/.../vaults/it4ad-int-kv}}
    packages: {perception: {mlcompute: {computeName: cpu-cluster}}}
    datastores: [{work_package: perception, name: shared_datasets, account_name: it4adintdatast}]
read_ids:
  description: Resource ids to read next (O(step=plan) and O(step=followup)).
  returned: O(step=plan) or O(step=followup)
  type: list
  elements: str
  sample: [/subscriptions/.../storageAccounts/it4adintmlst/blobServices/default/containers/azureml-blobstore-0000]
results:
  description: One entry per check and target.
  returned: O(step=evaluate)
  type: list
  elements: dict
  sample:
    - {check: registry_admin_user_off, description: The registries have no admin user, target: it4adintacr,
       id: /subscriptions/.../registries/it4adintacr, passed: false, detail: properties.adminUserEnabled is true, expected false}
summary:
  description: C(total), C(passed), C(failed), the names of the C(failed_checks) and one line per failure (C(failures)).
  returned: O(step=evaluate)
  type: dict
  sample: {total: 80, passed: 79, failed: 1, failed_checks: [registry_admin_user_off],
           failures: ["registry_admin_user_off / it4adintacr: properties.adminUserEnabled is true, expected false"]}
table:
  description: The results as text lines (check, target, result, detail) and a totals line.
  returned: O(step=evaluate)
  type: list
  elements: str
junit_file:
  description: The JUnit XML file written.
  returned: O(step=evaluate) with O(junit_file)
  type: str
findings:
  description: Why the desired state is invalid (O(step=plan)).
  returned: failure
  type: list
  elements: dict
"""
