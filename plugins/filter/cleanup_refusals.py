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
    alone cannot be trusted. The filter also judges what the inventory itself says, as C(ansible-inventory --list
    --export) prints it for the run's inventory sources (extra vars never reach it), and the names of the inventory
    sources' folders. That holds for an inventory folder with group_vars files and for an AWX inventory alike.
  - An environment may be cleaned up only when C(dlinfra_ephemeral) resolves to V(true), the inventory sets it to
    V(true) as well, and neither the resolved C(dlinfra_environment), the inventory's value nor an inventory folder
    is V(dev) or V(pro). Those two are never ephemeral.
options:
  _input:
    description: The run's inventory sources (C(ansible_inventory_sources)), or one of them.
    type: raw
    required: true
  environment:
    description: The resolved C(dlinfra_environment).
    type: raw
    required: true
  ephemeral:
    description: The resolved C(dlinfra_ephemeral).
    type: raw
    required: true
  inventory:
    description: The parsed output of C(ansible-inventory --list --export) for those sources.
    type: dict
    required: true
  host:
    description: The host the cleanup runs for (C(inventory_hostname)); its host variables count too.
    type: str
    required: true
  files:
    description:
      - For an inventory folder, its group_vars files as C(path) and parsed C(content); only to name the file that
        sets a refused value. The values judged are those of O(inventory).
    type: list
    elements: dict
    default: []
  targets:
    description:
      - The resolved values that say what is deleted, by variable name (C(dlinfra_resource_group),
        C(dlinfra_subscription_id)). Each must equal the literal value the inventory itself sets, so that extra vars
        cannot point the cleanup of an ephemeral inventory at another environment's resource group.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Read the inventory's own values (no extra vars)
  ansible.builtin.command:
    argv: "{{ [ansible_playbook_python, '-m', 'ansible.cli.inventory', '--list', '--export']
              + ansible_inventory_sources | map('regex_replace', '^', '--inventory=') }}"
  register: exported
  changed_when: false

- name: Refuse an inventory that is not ephemeral
  ansible.builtin.fail:
    msg: "{{ refusals | join('; ') }}"
  vars:
    refusals: >-
      {{ ansible_inventory_sources | it4ad.dlinfra.cleanup_refusals(dlinfra_environment, dlinfra_ephemeral,
         exported.stdout | from_json, inventory_hostname) }}
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


def _folders(source: str) -> list[str]:
    """The folder names an inventory source stands for: its own (a folder), or its folder's (a file)."""
    path = os.path.normpath(str(source))
    names = [os.path.basename(path)]
    if os.path.splitext(names[0])[1]:  # hosts.yml, inventory.json: the folder holding it names the inventory
        names.append(os.path.basename(os.path.dirname(path)))
    return names


def _inventory_settings(inventory: dict, host: str) -> list[tuple[str, dict]]:
    """``(where, variables)`` of every group and of the host, as the inventory sets them."""
    settings = []
    for name, group in sorted((inventory or {}).items()):
        if name != "_meta" and isinstance(group, dict) and isinstance(group.get("vars"), dict):
            settings.append((f"group {name}", group["vars"]))
    host_vars = ((inventory or {}).get("_meta") or {}).get("hostvars", {}).get(host)
    if isinstance(host_vars, dict):
        settings.append((f"host {host}", host_vars))
    return settings


def _variable_files(files) -> dict[str, str]:
    """The first file (``path``) whose ``content`` sets each variable."""
    found: dict[str, str] = {}
    for entry in files or []:
        content = entry.get("content") if isinstance(entry, dict) else None
        for variable in content if isinstance(content, dict) else ():
            found.setdefault(variable, str(entry.get("path")))
    return found


def _inventory_value(settings: list[tuple[str, dict]], variable: str):
    """``(where, value)`` the inventory sets for ``variable`` (host variables win over groups), or None."""
    found = None
    for where, variables in settings:
        if variable in variables and (found is None or where.startswith("host ")):
            found = (where, variables[variable])
    return found


def _target_refusals(settings: list[tuple[str, dict]], targets: dict, variable_files: dict) -> list[str]:
    reasons = []
    for variable, resolved in sorted((targets or {}).items()):
        found = _inventory_value(settings, variable)
        if found is None or not isinstance(found[1], str) or "{{" in found[1]:
            reasons.append(
                f"the inventory does not set {variable} as a literal value; cleanup deletes what it names, so the "
                "ephemeral inventory must name it itself"
            )
        elif str(resolved) != found[1]:
            where = f"{found[0]}, {variable_files[variable]}" if variable in variable_files else found[0]
            reasons.append(
                f"{variable} resolves to '{resolved}', but the inventory ({where}) sets '{found[1]}': an extra var "
                "cannot point the cleanup at another resource group or subscription"
            )
    return reasons


def cleanup_refusals(sources, environment, ephemeral, inventory, host, files=None, targets=None) -> list[str]:
    sources = [sources] if isinstance(sources, str) else list(sources or [])
    shown = ", ".join(str(source) for source in sources) or "(none)"
    reasons = []
    if ephemeral is not True:
        reasons.append(
            f"{EPHEMERAL} is {ephemeral!r}; it must be true, as only an environment that is torn down after every "
            "release may be cleaned up"
        )
    if str(environment) in NEVER_EPHEMERAL:
        reasons.append(f"{ENVIRONMENT} is '{environment}': dev and pro are never ephemeral, whatever {EPHEMERAL} says")
    for source in sources:
        for folder in _folders(source):
            if folder in NEVER_EPHEMERAL:
                reasons.append(f"the inventory {source} is the {folder} inventory: dev and pro are never ephemeral")
    variable_files = _variable_files(files)

    def origin(where: str, variable: str) -> str:
        return f"{where}, {variable_files[variable]}" if variable in variable_files else where

    ephemeral_in_inventory = False
    settings = _inventory_settings(inventory, host)
    for where, variables in settings:
        if EPHEMERAL in variables:
            ephemeral_in_inventory = True
            if variables[EPHEMERAL] is not True:
                reasons.append(
                    f"the inventory ({origin(where, EPHEMERAL)}) sets {EPHEMERAL}: {variables[EPHEMERAL]!r}; an extra var cannot "
                    "override what the inventory says, it must be true there"
                )
        if ENVIRONMENT in variables and str(variables[ENVIRONMENT]) in NEVER_EPHEMERAL:
            reasons.append(
                f"the inventory ({origin(where, ENVIRONMENT)}) sets {ENVIRONMENT}: {variables[ENVIRONMENT]}: dev and pro "
                "are never ephemeral"
            )
    if not ephemeral_in_inventory:
        reasons.append(
            f"the inventory {shown} does not set {EPHEMERAL}: true (group_vars, or the AWX inventory's variables), "
            "and an extra var alone cannot make an environment ephemeral"
        )
    return reasons + _target_refusals(settings, targets, variable_files)


class FilterModule:
    def filters(self):
        return {"cleanup_refusals": cleanup_refusals}
