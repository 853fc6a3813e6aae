#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: arm_deployment
short_description: Deploy an ARM template idempotently, with validate, what-if, honest check mode and diff
version_added: 0.1.0
description:
  - Deploys one ARM template with its parameter file at resource-group or subscription scope, under a
    deterministic deployment name.
  - Before anything is written, the template and parameters are checked offline (JSON, declared parameters,
    types, allowed values, lengths), then Azure's C(validate), then Azure's C(what-if).
  - The deployment runs only if what-if shows a Create, Delete, Modify or Deploy. A Modify whose property changes
    are all C(NoEffect) (read-only or server-filled properties) is no change. A rerun with nothing to change
    makes no PUT, PATCH or DELETE request and starts no deployment.
  - In check mode the what-if is the result. With C(--diff), each changed resource is listed with the property
    paths and their values before and after.
  - A resource group that does not exist is created when O(location) is given; in check mode its resources are
    predicted as Creates by the collection's own template engine, since what-if needs the group.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Runs validate and what-if only; never deploys.
  diff_mode:
    support: full
    details: The what-if changes, per resource and property path.
  platform:
    platforms: azure
  action_group:
    membership: [it4ad.dlinfra.azure]
options:
  template:
    description: Path of the ARM template (JSON).
    type: path
    required: true
  parameters_file:
    description: Path of a parameter file in the deploymentParameters format; Key Vault references are passed on.
    type: path
  parameters:
    description:
      - Parameter values, by name, applied on top of O(parameters_file).
      - Values of C(secureString) and C(secureObject) parameters never appear in the output.
    type: dict
    default: {}
  name:
    description:
      - Deployment name. Keep it stable across runs; the default is the template's file name without C(.json).
    type: str
  scope:
    description: Where the template deploys.
    type: str
    choices: [resource_group, subscription]
    default: resource_group
  resource_group:
    description: Resource group of a O(scope=resource_group) deployment.
    type: str
  location:
    description:
      - Location of the deployment's metadata for O(scope=subscription) (required there), and of the resource group
        when the module creates it.
    type: str
  resource_group_tags:
    description: Tags of a resource group the module creates.
    type: dict
  mode:
    description:
      - V(incremental) leaves resources the template does not mention alone; V(complete) deletes them from the
        resource group (what-if shows them as Delete first).
    type: str
    choices: [incremental, complete]
    default: incremental
"""

EXAMPLES = r"""
- name: Deploy the shared Key Vault of the dev environment
  it4ad.dlinfra.arm_deployment:
    template: arm-templates/keyvault/keyvault.json
    parameters_file: arm-templates/keyvault/keyvault.parameters.dev.json
    parameters:
      location: westeurope
      namePrefix: it4ad
      environmentName: dev
    resource_group: rg-it4ad-dl-dev
    location: westeurope
    name: dlinfra-keyvault
  register: key_vault

- name: Deploy the custom role at subscription scope
  it4ad.dlinfra.arm_deployment:
    template: arm-templates/customrole/customrole.json
    parameters_file: arm-templates/customrole/customrole.parameters.dev.json
    parameters:
      namePrefix: it4ad
      environmentName: dev
      resourceGroupName: rg-it4ad-dl-dev
    scope: subscription
    location: westeurope
    name: dlinfra-customrole

- name: Credentials once per play, for every module of the collection
  module_defaults:
    group/it4ad.dlinfra.azure:
      auth_source: env
      subscription_id: "{{ lookup('env', 'AZURE_SUBSCRIPTION_ID') }}"
  block:
    - name: Show what a deployment would change
      it4ad.dlinfra.arm_deployment:
        template: arm-templates/monitoring/monitoring.json
        parameters_file: arm-templates/monitoring/monitoring.parameters.dev.json
        parameters: {location: westeurope, namePrefix: it4ad, environmentName: dev}
        resource_group: rg-it4ad-dl-dev
      check_mode: true
      diff: true
"""

RETURN = r"""
deployment_name:
  description: The deployment's name.
  returned: always
  type: str
  sample: dlinfra-keyvault
resource_group:
  description: The resource group, or null at subscription scope.
  returned: always
  type: str
  sample: rg-it4ad-dl-dev
changes:
  description: The effective changes what-if predicted (Create, Delete, Modify, Deploy), with changed properties.
  returned: always
  type: list
  elements: dict
  sample:
    - resource: Microsoft.Storage/storageAccounts/it4addevmlst
      resource_id: /subscriptions/.../providers/Microsoft.Storage/storageAccounts/it4addevmlst
      change_type: Modify
      properties:
        - {path: properties.allowBlobPublicAccess, change: Modify, before: true, after: false}
change_summary:
  description: One line per effective change, marked as C(az deployment what-if) marks them.
  returned: always
  type: list
  elements: str
  sample: ["~ Microsoft.Storage/storageAccounts/it4addevmlst (Modify)"]
noise:
  description: Resources what-if reported as Modify only for NoEffect properties; they are not changes.
  returned: always
  type: list
  elements: dict
  sample: []
what_if_counts:
  description: Number of resources per change type after noise handling.
  returned: always
  type: dict
  sample: {NoChange: 3, Modify: 1}
outputs:
  description:
    - The deployment's outputs by name. Secure outputs are left out. In check mode, outputs of a deployment that
      does not exist yet are predicted offline; values that need Azure read C((known after deployment)).
  returned: always
  type: dict
  sample: {keyVaultId: /subscriptions/.../providers/Microsoft.KeyVault/vaults/it4ad-dev-kv}
deployed:
  description: Whether a deployment was started.
  returned: always
  type: bool
  sample: false
reason:
  description: Why the module deployed or predicted in an unusual way.
  returned: when a deployment record was missing, or the resource group did not exist in check mode
  type: str
  sample: resource group 'rg-it4ad-dl-dev' does not exist yet, so what-if cannot run
provisioning_state:
  description: The deployment's final provisioning state.
  returned: when deployed
  type: str
  sample: Succeeded
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_modules import (
    DEPLOYMENT_ARGUMENT_SPEC,
    deployment_request,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import run_module


def _run(module, make_factory):
    request = deployment_request(module.params, module.no_log_values)
    from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_runner import run_deployment

    return run_deployment(make_factory(), request, module.check_mode)


def main():
    # scope needs resource_group or location: checked in deployment_request, after secure values are masked.
    run_module(DEPLOYMENT_ARGUMENT_SPEC, _run)


if __name__ == "__main__":
    main()
