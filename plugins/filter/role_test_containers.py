# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``role_test_containers`` filter: a work package's data containers, writable and read-only."""

from __future__ import annotations

DOCUMENTATION = r"""
name: role_test_containers
short_description: Split a work package's data containers into writable and read-only ones
version_added: 0.1.0
description:
  - The custom role test grants the model developer role on each writable container and expects a write into a
    read-only one to be denied. This filter decides which is which the same way the matrix rows of the filter
    it4ad.dlinfra.role_test_rows do. A container is read-only when its datastore's C(readOnly) tag is true.
options:
  _input:
    description: The work package's datastores as the environment plan lists them (C(container_name), C(tags.readOnly)).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Name the writable containers
  ansible.builtin.set_fact:
    writable: "{{ (datastores | it4ad.dlinfra.role_test_containers).writable }}"
"""

RETURN = r"""
_value:
  description: C(writable) and C(read_only), each a list of container names in plan order, each name once.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.role_test_matrix import container_split


def role_test_containers(containers):
    try:
        return container_split(list(containers))
    except (KeyError, TypeError, AttributeError) as error:
        raise AnsibleFilterError(f"role_test_containers: a datastore lacks container_name or tags ({error})") from None


class FilterModule:
    def filters(self):
        return {"role_test_containers": role_test_containers}
