# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation of the collection's read-only (_info) modules: their attributes, written once."""

from __future__ import annotations


class ModuleDocFragment:
    # Use it after ansible.builtin.action_common_attributes and its .actiongroups fragment, which describe these.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    details: This action does not modify state, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details: This action does not modify state.
  platform:
    platforms: azure
  action_group:
    membership: [it4ad.dlinfra.azure]
"""

    # The workspace whose items an ML _info module reads.
    WORKSPACE = r"""
options:
  resource_group:
    description: Resource group of the workspace.
    type: str
    required: true
  workspace_name:
    description: Name of the Azure ML workspace.
    type: str
    required: true
"""
