#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: environment_cleanup
short_description: Tear down an environment's resource group and purge its soft-deleted workspaces and Key Vaults
version_added: 0.1.0
description:
  - Deletes the resource group O(resource_group) and waits for the deletion to finish.
  - Before that, deletes every Azure ML workspace of the group, and every workspace of O(workspaces), with
    C(forceToPurge=true), so none stays soft-deleted for 14 days blocking its name. A soft-deleted workspace can
    only be addressed while its resource group exists, and Azure offers no read of soft-deleted workspaces, so
    the planned workspaces that are not live get the same DELETE, which purges a soft-deleted one.
  - After the group is gone, purges the soft-deleted Key Vaults of O(key_vaults) and every vault the group held,
    and waits until Azure no longer lists them, so the next deployment can reuse the names.
  - Never removes a management lock. When the group or anything in it holds a lock, the group DELETE is sent
    first, Azure refuses it with 409 C(ScopeLocked) before deleting anything, and the module fails naming the
    locks and how to remove them deliberately.
  - The module does not decide whether an environment may be torn down; the role it4ad.dlinfra.cleanup and
    C(playbooks/cleanup.yml) refuse every environment that is not ephemeral before this module runs.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads the group, its locks, workspaces and vaults and the soft-deleted vaults, and predicts; no write.
  diff_mode:
    support: full
  action_group:
    support: full
    membership: [it4ad.dlinfra.azure]
  platform:
    platforms: all
options:
  resource_group:
    description: The environment's resource group, deleted with everything in it.
    type: str
    required: true
  workspaces:
    description: The environment's planned ML workspace names (the group's live workspaces are purged in any case).
    type: list
    elements: str
    default: []
  key_vaults:
    description: The environment's Key Vault names, purged once soft-deleted (the group's live vaults in any case).
    type: list
    elements: str
    default: []
  location:
    description:
      - Region of the soft-deleted Key Vaults of O(key_vaults) that are no longer in the group.
      - A vault still in the group is purged in its own region.
    type: str
    required: true
notes:
  - Needs C(Microsoft.Resources/subscriptions/resourceGroups/delete), C(Microsoft.MachineLearningServices/workspaces/delete),
    C(Microsoft.KeyVault/locations/deletedVaults/read) and C(Microsoft.KeyVault/locations/deletedVaults/purge/action).
  - A purge-protected vault (pro) cannot be purged before its retention has passed; the module fails with Azure's answer.
seealso:
  - module: it4ad.dlinfra.arm_deployments
"""

EXAMPLES = r"""
- name: Tear down the int environment and free its names
  it4ad.dlinfra.environment_cleanup:
    resource_group: rg-it4ad-dl-int
    workspaces: [it4ad-perception-int, it4ad-planning-int]
    key_vaults: [it4ad-int-kv]
    location: westeurope
  register: cleanup
"""

RETURN = r"""
resource_group_deleted:
  description: Whether the resource group was deleted (in check mode, would be).
  returned: always
  type: bool
  sample: true
workspaces_purged:
  description:
    - The ML workspaces deleted for good (in check mode, the live ones that would be).
    - In check mode the planned workspaces that are not live are in RV(actions.purge_if_soft_deleted).
  returned: always
  type: list
  elements: str
  sample: [it4ad-perception-int, it4ad-planning-int]
key_vaults_purged:
  description: The Key Vaults purged after the group was deleted (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: [it4ad-int-kv]
actions:
  description: What the run planned from what it read.
  returned: always
  type: dict
  contains:
    delete_resource_group:
      description: Whether the group exists and is deleted.
      type: bool
    purge_workspaces:
      description: Live workspaces of the group, deleted with C(forceToPurge=true).
      type: list
      elements: str
    purge_if_soft_deleted:
      description: Planned workspaces that are not live; a soft-deleted one among them is purged.
      type: list
      elements: str
    purge_key_vaults:
      description: Vaults of the group, and planned vaults that are soft-deleted already.
      type: list
      elements: str
  sample:
    delete_resource_group: true
    purge_workspaces: [it4ad-perception-int]
    purge_if_soft_deleted: []
    purge_key_vaults: [it4ad-int-kv]
locks:
  description: The management locks found in the group (each with C(id) and C(level)); any of them stops the cleanup.
  returned: always
  type: list
  elements: dict
  sample: []
diff:
  description: What existed before and what exists after (in check mode, is predicted to).
  returned: always
  type: dict
  sample:
    before: {resource_group: /subscriptions/.../resourceGroups/rg-it4ad-dl-int, workspaces: [it4ad-perception-int],
             key_vaults: [it4ad-int-kv], deleted_key_vaults: []}
    after: {resource_group: null, workspaces: [], key_vaults: [], deleted_key_vaults: []}
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import run_module
from ansible_collections.it4ad.dlinfra.plugins.module_utils.environment_cleanup import (
    CleanupService,
    plan_actions,
    read_state,
    run_cleanup,
)

_SHOWN = ("resource_group", "workspaces", "key_vaults", "deleted_key_vaults")
_GONE: dict = {"resource_group": None, "workspaces": [], "key_vaults": [], "deleted_key_vaults": []}


def _run(module, make_factory):
    params = module.params
    group = params["resource_group"]
    location = params["location"].replace(" ", "").lower()
    service = CleanupService(make_factory())
    state = read_state(service, group, params["workspaces"], params["key_vaults"], location)
    actions = plan_actions(state, params["workspaces"])
    changed = bool(actions["delete_resource_group"] or actions["purge_workspaces"] or actions["purge_key_vaults"])
    before = {key: state[key] for key in _SHOWN}
    result = {
        "changed": changed,
        "actions": actions,
        "locks": state["locks"],
        "resource_group_deleted": actions["delete_resource_group"],
        "workspaces_purged": actions["purge_workspaces"],
        "key_vaults_purged": actions["purge_key_vaults"],
        "diff": {"before": before, "after": dict(_GONE)},
    }
    if module.check_mode or not changed:
        return result
    done = run_cleanup(service, group, state, actions)
    after = read_state(service, group, params["workspaces"], params["key_vaults"], location)
    result.update(done)
    result["diff"] = {"before": before, "after": {key: after[key] for key in _SHOWN}}
    return result


def main():
    spec = {
        "resource_group": {"type": "str", "required": True},
        "workspaces": {"type": "list", "elements": "str", "default": []},
        "key_vaults": {"type": "list", "elements": "str", "default": [], "no_log": False},  # names, not keys
        "location": {"type": "str", "required": True},
    }
    run_module(spec, _run)


if __name__ == "__main__":
    main()
