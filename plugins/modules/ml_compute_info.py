#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ml_compute_info
short_description: Read the computes of an Azure ML workspace
version_added: 0.1.0
description:
  - Lists the computes (AmlCompute clusters, compute instances, ...) of one Azure Machine Learning workspace, or
    reads one by O(name).
  - A compute that does not exist gives an empty list; a workspace that does not exist fails the task.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - it4ad.dlinfra.info_module
  - it4ad.dlinfra.info_module.workspace
options:
  name:
    description: The compute to read. Without it, every compute of the workspace is listed.
    type: str
seealso:
  - module: it4ad.dlinfra.ml_workspace_info
"""

EXAMPLES = r"""
- name: Read a work package's training cluster
  it4ad.dlinfra.ml_compute_info:
    resource_group: rg-it4ad-dl-dev
    workspace_name: it4ad-dev-mlw-perception
    name: gpu-cluster
  register: cluster

- name: Check that the cluster scales to zero and has no public IP
  ansible.builtin.assert:
    that:
      - cluster.computes[0].min_instances == 0
      - not cluster.computes[0].enable_node_public_ip
"""

RETURN = r"""
computes:
  description: The computes, sorted by name; empty when O(name) does not exist. Fields a compute type lacks are V(null).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Compute name.
      type: str
    type:
      description: Compute type, for example C(amlcompute) or C(computeinstance).
      type: str
    size:
      description: VM size.
      type: str
    min_instances:
      description: Minimum node count of a cluster.
      type: int
    max_instances:
      description: Maximum node count of a cluster.
      type: int
    idle_time_before_scale_down:
      description: Seconds a node stays idle before the cluster scales down.
      type: int
    tier:
      description: V(dedicated) or V(low_priority).
      type: str
    subnet:
      description: Resource id of the subnet the nodes join, if any.
      type: str
    enable_node_public_ip:
      description: Whether nodes get a public IP address.
      type: bool
    ssh_public_access_enabled:
      description: Whether SSH to the nodes is open.
      type: bool
    provisioning_state:
      description: Provisioning state, for example C(Succeeded).
      type: str
    identity_type:
      description: Type of the compute's managed identity, V(null) without one.
      type: str
    tags:
      description: Tags.
      type: dict
  sample:
    - name: gpu-cluster
      type: amlcompute
      size: STANDARD_NC6S_V3
      min_instances: 0
      max_instances: 4
      idle_time_before_scale_down: 1800
      tier: low_priority
      subnet: /subscriptions/.../virtualNetworks/vnet-it4ad-dev/subnets/snet-ml
      enable_node_public_ip: false
      ssh_public_access_enabled: false
      provisioning_state: Succeeded
      identity_type: system_assigned
      tags: {}
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import ML_REQUIREMENTS, run_module
from ansible_collections.it4ad.dlinfra.plugins.module_utils.ml_service import compute_facts, read_facts, service_for


def _run(module, make_factory):
    service = service_for(make_factory, module.params["resource_group"], module.params["workspace_name"])
    facts = read_facts(service.computes, service.compute, compute_facts, module.params["name"])
    return {"changed": False, "computes": sorted(facts, key=lambda item: item["name"])}


def main():
    spec = {
        "resource_group": {"type": "str", "required": True},
        "workspace_name": {"type": "str", "required": True},
        "name": {"type": "str"},
    }
    run_module(spec, _run, requirements=ML_REQUIREMENTS)


if __name__ == "__main__":
    main()
