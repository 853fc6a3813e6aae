#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ml_datastore_info
short_description: Read the datastores of an Azure ML workspace
version_added: 0.1.0
description:
  - Lists the datastores of one Azure Machine Learning workspace, or reads one by O(name).
  - Secrets are never read or returned; RV(datastores[].credentials_type) tells only their kind.
  - A datastore that does not exist gives an empty list; a workspace that does not exist fails the task.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - it4ad.dlinfra.info_module
  - it4ad.dlinfra.info_module.workspace
options:
  name:
    description: The datastore to read. Without it, every datastore of the workspace is listed.
    type: str
seealso:
  - module: it4ad.dlinfra.ml_datastore
"""

EXAMPLES = r"""
- name: List the datastores of a workspace
  it4ad.dlinfra.ml_datastore_info:
    resource_group: rg-it4ad-dl-dev
    workspace_name: it4ad-dev-mlw-perception
  register: datastores

- name: Read one datastore
  it4ad.dlinfra.ml_datastore_info:
    resource_group: rg-it4ad-dl-dev
    workspace_name: it4ad-dev-mlw-perception
    name: shared_datasets
  register: shared

- name: Fail when a datastore stores a secret
  ansible.builtin.assert:
    that: datastores.datastores | rejectattr('credentials_type', 'equalto', 'identity') | list | length == 0
"""

RETURN = r"""
datastores:
  description: The datastores, sorted by name; empty when O(name) does not exist.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Datastore name.
      type: str
    type:
      description: Datastore type, for example C(AzureBlob) or C(AzureFile).
      type: str
    account_name:
      description: Storage account.
      type: str
    container_name:
      description: Blob container; V(null) for other types.
      type: str
    description:
      description: Description.
      type: str
    tags:
      description: Tags; C(managed-by=it4ad.dlinfra) marks the datastores M(it4ad.dlinfra.ml_datastore) manages.
      type: dict
    credentials_type:
      description: Kind of credential, V(identity), V(account_key) or V(sas_token). Never the secret itself.
      type: str
    is_default:
      description: Whether it is the workspace's default datastore.
      type: bool
  sample:
    - name: shared_datasets
      type: AzureBlob
      account_name: it4addevdata
      container_name: datasets
      description: Shared training and evaluation datasets of all work packages.
      tags: {managed-by: it4ad.dlinfra}
      credentials_type: identity
      is_default: false
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import ML_REQUIREMENTS, run_module
from ansible_collections.it4ad.dlinfra.plugins.module_utils.ml_service import datastore_facts, read_facts, service_for


def _run(module, make_factory):
    service = service_for(make_factory, module.params["resource_group"], module.params["workspace_name"])
    items = read_facts(service.datastores, service.datastore, lambda item: item, module.params["name"])
    default_name = service.default_datastore_name() if items else None
    facts = sorted((datastore_facts(item, default_name) for item in items), key=lambda item: item["name"])
    return {"changed": False, "datastores": facts}


def main():
    spec = {
        "resource_group": {"type": "str", "required": True},
        "workspace_name": {"type": "str", "required": True},
        "name": {"type": "str"},
    }
    run_module(spec, _run, requirements=ML_REQUIREMENTS)


if __name__ == "__main__":
    main()
