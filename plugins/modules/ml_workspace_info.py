#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ml_workspace_info
short_description: Read the Azure ML workspaces of a resource group
version_added: 0.1.0
description:
  - Lists the Azure Machine Learning workspaces of one resource group, or reads one by O(name).
  - A workspace that does not exist gives an empty list.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - it4ad.dlinfra.info_module
options:
  resource_group:
    description: Resource group of the workspaces.
    type: str
    required: true
  name:
    description: The workspace to read. Without it, every workspace of the resource group is listed.
    type: str
seealso:
  - module: it4ad.dlinfra.ml_datastore_info
  - module: it4ad.dlinfra.ml_compute_info
"""

EXAMPLES = r"""
- name: Read a work package's workspace
  it4ad.dlinfra.ml_workspace_info:
    resource_group: rg-it4ad-dl-dev
    name: it4ad-dev-mlw-perception
  register: workspace

- name: Check that the workspace is closed to the public network
  ansible.builtin.assert:
    that:
      - workspace.workspaces | length == 1
      - workspace.workspaces[0].public_network_access == 'Disabled'
"""

RETURN = r"""
workspaces:
  description: The workspaces, sorted by name; empty when O(name) does not exist.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Workspace name.
      type: str
    id:
      description: Resource id.
      type: str
    location:
      description: Azure region.
      type: str
    storage_account:
      description: Resource id of the linked storage account.
      type: str
    key_vault:
      description: Resource id of the linked Key Vault.
      type: str
    application_insights:
      description: Resource id of the linked Application Insights component.
      type: str
    container_registry:
      description: Resource id of the linked container registry, if any.
      type: str
    public_network_access:
      description: V(Enabled) or V(Disabled).
      type: str
    hbi_workspace:
      description: Whether the workspace is a high business impact workspace.
      type: bool
    identity:
      description: Managed identity, with C(type) and C(principal_id); V(null) without one.
      type: dict
    tags:
      description: Tags.
      type: dict
    system_datastores_auth_mode:
      description: How the system datastores authenticate (for example C(Identity)), where Azure reports it.
      type: str
  sample:
    - name: it4ad-dev-mlw-perception
      id: /subscriptions/.../resourceGroups/rg-it4ad-dl-dev/providers/Microsoft.MachineLearningServices/workspaces/it4ad-dev-mlw-perception
      location: westeurope
      storage_account: /subscriptions/.../providers/Microsoft.Storage/storageAccounts/it4addevml
      key_vault: /subscriptions/.../providers/Microsoft.KeyVault/vaults/it4ad-dev-kv
      application_insights: /subscriptions/.../providers/Microsoft.Insights/components/it4ad-dev-appi
      container_registry: /subscriptions/.../providers/Microsoft.ContainerRegistry/registries/it4addevhealthy
      public_network_access: Disabled
      hbi_workspace: false
      identity: {type: system_assigned, principal_id: 00000000-0000-0000-0000-000000000000}
      tags: {workpackage: perception}
      system_datastores_auth_mode: Identity
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import ML_REQUIREMENTS, run_module
from ansible_collections.it4ad.dlinfra.plugins.module_utils.ml_service import read_facts, service_for, workspace_facts


def _run(module, make_factory):
    service = service_for(make_factory, module.params["resource_group"])
    facts = read_facts(service.workspaces, service.workspace, workspace_facts, module.params["name"])
    return {"changed": False, "workspaces": sorted(facts, key=lambda item: item["name"])}


def main():
    spec = {
        "resource_group": {"type": "str", "required": True},
        "name": {"type": "str"},
    }
    run_module(spec, _run, requirements=ML_REQUIREMENTS)


if __name__ == "__main__":
    main()
