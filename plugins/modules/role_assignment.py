#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: role_assignment
short_description: Create or remove one Azure role assignment
version_added: 0.1.0
description:
  - Assigns the role O(role_definition_id) to the principal O(principal_id) at O(scope), or removes that assignment.
  - The assignment's name is a stable GUID of scope, principal and role unless O(name) gives one, so a rerun finds
    the assignment it made and changes nothing.
  - Azure cannot change the role or principal of an existing assignment; an assignment of that name with another
    role or principal fails the task instead of being replaced.
  - The deployments of the collection (M(it4ad.dlinfra.arm_deployment)) own the environment's assignments; this
    module serves short-lived ones, such as the custom role test's grants to its test principal.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads the assignment and predicts the change; nothing is written.
  diff_mode:
    support: full
  platform:
    platforms: azure
  action_group:
    membership: [it4ad.dlinfra.azure]
options:
  scope:
    description: Resource id, resource group id or subscription id the role applies to.
    type: str
    required: true
  role_definition_id:
    description: The role, as a role definition resource id or its GUID name (built-in or custom).
    type: str
    required: true
  principal_id:
    description: Object id of the user, group or service principal.
    type: str
    required: true
  principal_type:
    description: Type of O(principal_id).
    type: str
    default: ServicePrincipal
    choices: [User, Group, ServicePrincipal]
  description:
    description: Description stored with a new assignment.
    type: str
  name:
    description: GUID name of the assignment. Defaults to a UUID v5 of O(scope), O(principal_id) and the role.
    type: str
  state:
    description: Whether the assignment exists afterwards.
    type: str
    default: present
    choices: [present, absent]
requirements:
  - azure-identity >= 1.16
  - azure-mgmt-authorization >= 4.0
"""

EXAMPLES = r"""
- name: Give the role test principal the model developer role on a workspace
  it4ad.dlinfra.role_assignment:
    scope: /subscriptions/0000/resourceGroups/rg-it4ad-dl-int/providers/Microsoft.MachineLearningServices/workspaces/ws
    role_definition_id: /subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/1b4e6a1c-0000-5000-8000-000000000000
    principal_id: 00000000-0000-0000-0000-000000000001
    description: custom role test

- name: Remove it again
  it4ad.dlinfra.role_assignment:
    scope: /subscriptions/0000/resourceGroups/rg-it4ad-dl-int/providers/Microsoft.MachineLearningServices/workspaces/ws
    role_definition_id: 1b4e6a1c-0000-5000-8000-000000000000
    principal_id: 00000000-0000-0000-0000-000000000001
    state: absent
"""

RETURN = r"""
assignment:
  description: The assignment afterwards (predicted in check mode); V(null) when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Resource id of the assignment.
      type: str
    name:
      description: GUID name.
      type: str
    scope:
      description: Scope.
      type: str
    role_definition_id:
      description: Role definition resource id.
      type: str
    principal_id:
      description: Principal object id.
      type: str
    principal_type:
      description: Principal type.
      type: str
  sample:
    id: /subscriptions/0000/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/5e1c...
    name: 5e1c...
    scope: /subscriptions/0000/resourceGroups/rg
    role_definition_id: /subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-...
    principal_id: 00000000-0000-0000-0000-000000000001
    principal_type: ServicePrincipal
diff:
  description: The assignment before and after.
  returned: when changed
  type: dict
"""

import uuid

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import (
    DlinfraError,
    azure_operation,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import run_module

# The namespace ARM templates' guid() uses: an assignment made here gets the name a template would give it.
_GUID_NAMESPACE = uuid.UUID("11fb06fb-712d-4ddd-98c7-e71bbd588830")
REQUIREMENTS = (
    ("azure.identity", "azure-identity", "1.16"),
    ("azure.mgmt.authorization", "azure-mgmt-authorization", "4.0"),
)


def role_definition_id(value: str, subscription_id: str) -> str:
    """A role definition resource id from an id or a bare GUID (subscription-level id, as ARM stores it)."""
    if "/" in value:
        return value
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{value}"


def assignment_name(scope: str, principal_id: str, role_id: str) -> str:
    role_guid = role_id.rstrip("/").rsplit("/", 1)[-1]
    return str(
        uuid.uuid5(_GUID_NAMESPACE, "-".join((scope.rstrip("/").lower(), principal_id.lower(), role_guid.lower())))
    )


def _facts(item) -> dict:
    return {
        "id": item.id,
        "name": item.name,
        "scope": item.scope,
        "role_definition_id": item.role_definition_id,
        "principal_id": item.principal_id,
        "principal_type": item.principal_type,
    }


def _read(client, scope: str, name: str) -> dict | None:
    try:
        with azure_operation(f"read role assignment '{name}' at '{scope}'"):
            return _facts(client.role_assignments.get(scope, name))
    except DlinfraError as error:
        if error.status == 404:
            return None
        raise


def _same_ids(left: str, right: str) -> bool:
    return left.rstrip("/").rsplit("/", 1)[-1].lower() == right.rstrip("/").rsplit("/", 1)[-1].lower()


def _run(module, make_factory):
    params = module.params
    factory = make_factory()
    client = factory.authorization()
    scope = params["scope"].rstrip("/")
    role_id = role_definition_id(params["role_definition_id"], factory.subscription_id)
    name = params["name"] or assignment_name(scope, params["principal_id"], role_id)
    before = _read(client, scope, name)
    desired = {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "scope": scope,
        "role_definition_id": role_id,
        "principal_id": params["principal_id"],
        "principal_type": params["principal_type"],
    }
    if params["state"] == "absent":
        if before is None:
            return {"changed": False, "assignment": None}
        if not module.check_mode:
            with azure_operation(f"delete role assignment '{name}' at '{scope}'"):
                client.role_assignments.delete(scope, name)
        return {"changed": True, "assignment": None, "diff": {"before": before, "after": {}}}
    if before is not None:
        if not (_same_ids(before["role_definition_id"], role_id) and before["principal_id"] == params["principal_id"]):
            raise DlinfraError(
                f"role assignment '{name}' at '{scope}' exists with role '{before['role_definition_id']}' for "
                f"principal '{before['principal_id']}'. Fix: Azure cannot change an assignment; remove it "
                "(state=absent) or give another name."
            )
        return {"changed": False, "assignment": before}
    if module.check_mode:
        return {"changed": True, "assignment": desired, "diff": {"before": {}, "after": desired}}
    from azure.mgmt.authorization.v2022_04_01.models import RoleAssignmentCreateParameters

    parameters = RoleAssignmentCreateParameters(
        role_definition_id=role_id,
        principal_id=params["principal_id"],
        principal_type=params["principal_type"],
        description=params["description"],
    )
    with azure_operation(f"create role assignment '{name}' of '{role_id}' at '{scope}'"):
        client.role_assignments.create(scope, name, parameters)
    after = _read(client, scope, name) or desired
    return {"changed": True, "assignment": after, "diff": {"before": {}, "after": after}}


def main():
    spec = {
        "scope": {"type": "str", "required": True},
        "role_definition_id": {"type": "str", "required": True},
        "principal_id": {"type": "str", "required": True},
        "principal_type": {
            "type": "str",
            "default": "ServicePrincipal",
            "choices": ["User", "Group", "ServicePrincipal"],
        },
        "description": {"type": "str"},
        "name": {"type": "str"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    }
    run_module(spec, _run, requirements=REQUIREMENTS)


if __name__ == "__main__":
    main()
