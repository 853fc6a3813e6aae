# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``role_test_rows`` filter: the custom role test's whole permission matrix."""

from __future__ import annotations

DOCUMENTATION = r"""
name: role_test_rows
short_description: Build the rows of the custom role test's permission matrix
version_added: 0.1.0
description:
  - Joins the static rows of the role_test role, one denied row per C(deniedActions) entry of the role's data
    file (C(arm-templates/customrole/model_developer_role.json)) and one row per data container of the work
    package (write allowed into a writable container, denied into a read-only one).
  - Fills the C({name}) placeholders of the rows from O(targets). Allowed rows come first.
  - Each row is one entry of O(it4ad.dlinfra.permission_probe#module:rows) (C(source) included).
options:
  _input:
    description: The static rows (C(role_test_permission_matrix)).
    type: list
    elements: dict
    required: true
  role_data:
    description: The content of the role's data file.
    type: dict
    required: true
  containers:
    description: The work package's datastores as the environment plan lists them (C(account_name), C(container_name), C(tags.readOnly)).
    type: list
    elements: dict
    required: true
  targets:
    description: The names and ids the placeholders stand for.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Build the matrix
  ansible.builtin.set_fact:
    rows: "{{ role_test_permission_matrix | it4ad.dlinfra.role_test_rows(role_data, containers, targets) }}"
"""

RETURN = r"""
_value:
  description: The rows, allowed ones first.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.role_test_matrix import MatrixError, matrix_rows


def role_test_rows(static_rows, role_data, containers, targets):
    try:
        return matrix_rows(list(static_rows), dict(role_data), list(containers), dict(targets))
    except MatrixError as error:
        raise AnsibleFilterError(f"role_test_rows: {error}") from None


class FilterModule:
    def filters(self):
        return {"role_test_rows": role_test_rows}
