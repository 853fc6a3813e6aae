#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: arm_deployment_info
short_description: Read ARM deployments of a resource group or the subscription
version_added: 0.1.0
description:
  - Returns one deployment by O(name), or every deployment of the scope, with its state, timestamps, outputs,
    the resources it created and, for a failed one, Azure's error.
  - Secure outputs and secure parameter values are never returned (Azure does not return them either).
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - it4ad.dlinfra.info_module
options:
  name:
    description: The deployment to read. Without it, every deployment of the scope is listed.
    type: str
  scope:
    description: Where the deployments are.
    type: str
    choices: [resource_group, subscription]
    default: resource_group
  resource_group:
    description: Resource group of O(scope=resource_group).
    type: str
"""

EXAMPLES = r"""
- name: Read the outputs of the Key Vault deployment
  it4ad.dlinfra.arm_deployment_info:
    resource_group: rg-it4ad-dl-dev
    name: dlinfra-keyvault
  register: key_vault_deployment

- name: List the subscription-scope deployments
  it4ad.dlinfra.arm_deployment_info:
    scope: subscription
"""

RETURN = r"""
deployments:
  description: The deployments found; empty when O(name) does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - name: dlinfra-keyvault
      provisioning_state: Succeeded
      timestamp: "2026-12-02T18:00:00Z"
      mode: Incremental
      outputs: {keyVaultName: it4ad-dev-kv}
      output_resources: [/subscriptions/.../providers/Microsoft.KeyVault/vaults/it4ad-dev-kv]
      error: null
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import run_module


def _run(module, make_factory):
    scope = module.params["scope"]
    if scope == "resource_group" and not module.params["resource_group"]:
        module.fail_json(msg="scope resource_group needs resource_group. Fix: set it, or scope: subscription.")
    from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_info import read_deployments

    group = module.params["resource_group"] if scope == "resource_group" else None
    return {"changed": False, "deployments": read_deployments(make_factory(), group, module.params["name"])}


def main():
    run_module(
        {
            "name": {"type": "str"},
            "scope": {"type": "str", "choices": ["resource_group", "subscription"], "default": "resource_group"},
            "resource_group": {"type": "str"},
        },
        _run,
    )


if __name__ == "__main__":
    main()
