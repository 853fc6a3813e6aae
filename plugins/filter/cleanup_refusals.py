# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``cleanup_refusals`` filter: why an environment must not be torn down (empty: it may be)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: cleanup_refusals
short_description: The reasons why the cleanup stage refuses an inventory
version_added: 0.1.0
description:
  - Extra vars (C(-e)) override every variable, so the resolved C(dlinfra_ephemeral) and C(dlinfra_environment)
    alone cannot be trusted. The filter also judges what the inventory's own files say and the name of the
    inventory folder, which extra vars cannot change.
  - An environment may be cleaned up only when C(dlinfra_ephemeral) resolves to V(true), the inventory's files
    set it to V(true) as well, and neither the resolved C(dlinfra_environment), the files' value nor the inventory
    folder is V(dev) or V(pro). Those two are never ephemeral.
options:
  _input:
    description: The inventory folder (C(inventory_dir)).
    type: str
    required: true
  environment:
    description: The resolved C(dlinfra_environment).
    type: raw
    required: true
  ephemeral:
    description: The resolved C(dlinfra_ephemeral).
    type: raw
    required: true
  files:
    description: Each of the inventory's group_vars files as C(path) and its parsed C(content).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Refuse an inventory that is not ephemeral
  ansible.builtin.fail:
    msg: "{{ refusals | join('; ') }}"
  vars:
    refusals: "{{ inventory_dir | it4ad.dlinfra.cleanup_refusals(dlinfra_environment, dlinfra_ephemeral, files) }}"
  when: refusals | length > 0
"""

RETURN = r"""
_value:
  description: One sentence per reason, naming the variable, where its value comes from and why it is refused.
  type: list
  elements: str
"""

import os

NEVER_EPHEMERAL = ("dev", "pro")
ENVIRONMENT = "dlinfra_environment"
EPHEMERAL = "dlinfra_ephemeral"


def cleanup_refusals(inventory_dir, environment, ephemeral, files) -> list[str]:
    reasons = []
    if ephemeral is not True:
        reasons.append(
            f"{EPHEMERAL} is {ephemeral!r}; it must be true, as only an environment that is torn down after every "
            "release may be cleaned up"
        )
    if str(environment) in NEVER_EPHEMERAL:
        reasons.append(f"{ENVIRONMENT} is '{environment}': dev and pro are never ephemeral, whatever {EPHEMERAL} says")
    folder = os.path.basename(os.path.normpath(str(inventory_dir)))
    if folder in NEVER_EPHEMERAL:
        reasons.append(f"the inventory {inventory_dir} is the {folder} inventory: dev and pro are never ephemeral")
    ephemeral_in_files = False
    for entry in files or []:
        content = entry.get("content")
        if not isinstance(content, dict):
            continue
        path = entry.get("path")
        if EPHEMERAL in content:
            ephemeral_in_files = True
            if content[EPHEMERAL] is not True:
                reasons.append(
                    f"{path} sets {EPHEMERAL}: {content[EPHEMERAL]!r}; an extra var cannot override what the "
                    "inventory says, it must be true there"
                )
        if ENVIRONMENT in content and str(content[ENVIRONMENT]) in NEVER_EPHEMERAL:
            reasons.append(f"{path} sets {ENVIRONMENT}: {content[ENVIRONMENT]}: dev and pro are never ephemeral")
    if not ephemeral_in_files:
        reasons.append(
            f"no group_vars file of the inventory {inventory_dir} sets {EPHEMERAL}: true, and an extra var alone "
            "cannot make an environment ephemeral"
        )
    return reasons


class FilterModule:
    def filters(self):
        return {"cleanup_refusals": cleanup_refusals}
