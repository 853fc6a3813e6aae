#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_resource_info
short_description: Read any Azure resources by id, or every resource of a type in a resource group
version_added: 0.1.0
description:
  - Reads Azure resources through Resource Manager, each with a C(GET) in its own api-version, and returns Azure's
    JSON body unchanged (C(properties) and all), so a playbook can check any property of any resource type.
  - The api-version of each type is looked up from its resource provider (the newest stable one, else the newest
    preview), unless O(api_versions) names one.
  - A resource that does not exist is returned with RV(resources[].found=false); that is no error.
  - Child resources (for example a blob container,
    C(.../storageAccounts/<account>/blobServices/default/containers/<name>)) and extension resources (for example
    C(.../providers/Microsoft.Insights/diagnosticSettings/<name>)) are read the same way.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - it4ad.dlinfra.info_module
options:
  ids:
    description:
      - Resource ids to read, in the order given. Duplicates are read once.
    type: list
    elements: str
    default: []
  resource_group:
    description:
      - Also read every resource of this resource group (of type O(resource_type) when given), after O(ids).
    type: str
  resource_type:
    description:
      - With O(resource_group), only resources of this type, for example V(Microsoft.Network/privateEndpoints).
    type: str
  api_versions:
    description:
      - Resource type (C(<namespace>/<type path>)) to the api-version to read it with, instead of the provider's
        newest.
    type: dict
    default: {}
notes:
  - Read permission on the resources (and C(Microsoft.Resources/subscriptions/providers/read)) is all it needs.
seealso:
  - module: it4ad.dlinfra.ml_workspace_info
  - module: it4ad.dlinfra.arm_deployment_info
"""

EXAMPLES = r"""
- name: Read the ML storage account and a workspace's blob container
  vars:
    account: /subscriptions/{{ subscription }}/resourceGroups/rg-it4ad-dl-dev/providers/Microsoft.Storage/storageAccounts/it4addevml
  it4ad.dlinfra.azure_resource_info:
    ids:
      - "{{ account }}"
      - "{{ account }}/blobServices/default/containers/azureml-blobstore-{{ workspace_id }}"
  register: read

- name: Check that the storage account only speaks TLS 1.2
  ansible.builtin.assert:
    that:
      - read.resources[0].found
      - read.resources[0].resource.properties.minimumTlsVersion == 'TLS1_2'

- name: Every private endpoint of the resource group, with its properties
  it4ad.dlinfra.azure_resource_info:
    resource_group: rg-it4ad-dl-dev
    resource_type: Microsoft.Network/privateEndpoints
  register: private_endpoints
"""

RETURN = r"""
resources:
  description: One entry per resource id, O(ids) first, then the resources of O(resource_group).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The resource id as asked for (as listed, for O(resource_group)).
      type: str
    found:
      description: Whether the resource exists.
      type: bool
    api_version:
      description: The api-version it was read with.
      type: str
    resource:
      description: Azure's JSON body of the resource, V(null) when it does not exist.
      type: dict
  sample:
    - id: /subscriptions/.../resourceGroups/rg-it4ad-dl-dev/providers/Microsoft.ContainerRegistry/registries/it4addevacr
      found: true
      api_version: "2023-07-01"
      resource:
        name: it4addevacr
        type: Microsoft.ContainerRegistry/registries
        properties: {provisioningState: Succeeded, adminUserEnabled: false, publicNetworkAccess: Disabled}
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import run_module


def _run(module, make_factory):
    from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_resource_service import ResourceReader

    params = module.params
    if params["resource_type"] and not params["resource_group"]:
        module.fail_json(msg="resource_type needs resource_group. Fix: set resource_group, or read by ids.")
    reader = ResourceReader(make_factory(), params["api_versions"])
    ids = list(dict.fromkeys(params["ids"] or []))
    if params["resource_group"]:
        known = {item.lower() for item in ids}
        listed = reader.list_ids(params["resource_group"], params["resource_type"])
        ids += [item for item in listed if item.lower() not in known]
    return {"changed": False, "resources": [reader.read(resource_id) for resource_id in ids]}


def main():
    run_module(
        {
            "ids": {"type": "list", "elements": "str", "default": []},
            "resource_group": {"type": "str"},
            "resource_type": {"type": "str"},
            "api_versions": {"type": "dict", "default": {}},
        },
        _run,
    )


if __name__ == "__main__":
    main()
