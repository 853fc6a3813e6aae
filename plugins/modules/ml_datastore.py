#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ml_datastore
short_description: Attach, update and detach the Azure Blob datastores of one Azure ML workspace as a set
version_added: 0.1.0
description:
  - Manages the datastores listed in O(datastores) in one Azure Machine Learning workspace. It reads the
    workspace's datastores once, compares every managed field (storage account, container, description, tags,
    credentials type), and writes only the datastores that differ.
  - Every datastore the module writes carries the ownership tag C(managed-by=it4ad.dlinfra). The module never
    changes or detaches a datastore without that tag, such as the workspace's system datastores
    (C(workspaceblobstore), C(workspaceartifactstore), ...) or datastores developers attached themselves. A
    listed name that exists without the tag fails the task before anything is written.
  - With O(exclusive=true) and O(state=present), tagged datastores that are not listed are detached, so the
    workspace ends up with exactly the listed managed datastores.
  - Detaching removes the datastore from the workspace only; the storage account and its data stay.
  - Every argument is checked before the first request, so a bad entry fails without touching Azure.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Reads the datastores and predicts the result; never writes.
      - A workspace that does not exist yet (its deployment runs in the same play) is predicted to get every
        listed datastore.
  diff_mode:
    support: full
    details: The workspace's datastores by name before and after, without secrets.
  platform:
    platforms: azure
  action_group:
    membership: [it4ad.dlinfra.azure]
options:
  resource_group:
    description: Resource group of the workspace.
    type: str
    required: true
  workspace_name:
    description:
      - Name of the Azure ML workspace. Give either O(workspace_name) with O(datastores), or O(workspaces).
    type: str
  workspaces:
    description:
      - Several workspaces of O(resource_group) in one module run, each with its own datastores. azure-ai-ml takes
        seconds to import, so one run for all work packages is much faster than one run each.
      - A failure in one workspace does not stop the others; the task then fails naming each failed workspace.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the workspace.
        type: str
        required: true
      datastores:
        description: Its datastores, as O(datastores).
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: Datastore name; letters, digits and underscores.
            type: str
            required: true
          account_name:
            description: Storage account that holds the container. Required with O(state=present).
            type: str
          container_name:
            description:
              - Blob container, 3-63 lowercase letters, digits and single hyphens. Required with O(state=present).
            type: str
          description:
            description: Description shown in Azure ML studio.
            type: str
          tags:
            description:
              - Tags of the datastore. The module adds C(managed-by=it4ad.dlinfra); do not set that key yourself.
            type: dict
            default: {}
          credentials:
            description:
              - A secret for a key- or SAS-based datastore; give exactly one of O(datastores[].credentials.account_key)
                and O(datastores[].credentials.sas_token).
              - Without it the datastore is identity-based (no secret is stored in the workspace). This is the
                default and what the collection's roles use.
              - Azure never returns a stored secret, so secrets are write-only and compared by kind only (identity,
                account key, SAS token). A changed secret of the same kind is not detected; to rotate it, detach the
                datastore with O(state=absent) and attach it again.
            type: dict
            suboptions:
              account_key:
                description: Storage account key.
                type: str
              sas_token:
                description: SAS token of the container.
                type: str
  datastores:
    description:
      - The datastores to attach (O(state=present)) or detach (O(state=absent)).
      - With O(state=present) each entry is the complete desired datastore. An omitted
        O(datastores[].description) or tag is removed from an existing datastore.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Datastore name; letters, digits and underscores.
        type: str
        required: true
      account_name:
        description: Storage account that holds the container. Required with O(state=present).
        type: str
      container_name:
        description:
          - Blob container, 3-63 lowercase letters, digits and single hyphens. Required with O(state=present).
        type: str
      description:
        description: Description shown in Azure ML studio.
        type: str
      tags:
        description:
          - Tags of the datastore. The module adds C(managed-by=it4ad.dlinfra); do not set that key yourself.
        type: dict
        default: {}
      credentials:
        description:
          - A secret for a key- or SAS-based datastore; give exactly one of O(datastores[].credentials.account_key)
            and O(datastores[].credentials.sas_token).
          - Without it the datastore is identity-based (no secret is stored in the workspace). This is the
            default and what the collection's roles use.
          - Azure never returns a stored secret, so secrets are write-only and compared by kind only (identity,
            account key, SAS token). A changed secret of the same kind is not detected; to rotate it, detach the
            datastore with O(state=absent) and attach it again.
        type: dict
        suboptions:
          account_key:
            description: Storage account key.
            type: str
          sas_token:
            description: SAS token of the container.
            type: str
  state:
    description:
      - V(present) attaches or updates the listed datastores.
      - V(absent) detaches the listed datastores; one that does not exist is no error.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also detach every datastore with the tag C(managed-by=it4ad.dlinfra) that is not
        listed in O(datastores). Datastores without that tag are never touched. Ignored with O(state=absent).
    type: bool
    default: false
notes:
  - Datastores are created through azure-ai-ml's C(MLClient.datastores.create_or_update), which skips Azure's
    check that the storage account and container exist.
seealso:
  - module: it4ad.dlinfra.ml_datastore_info
"""

EXAMPLES = r"""
- name: Attach the shared identity-based datastores of a work package's workspace
  it4ad.dlinfra.ml_datastore:
    resource_group: rg-it4ad-dl-dev
    workspace_name: it4ad-dev-mlw-perception
    exclusive: true
    datastores:
      - name: shared_datasets
        account_name: it4addevdata
        container_name: datasets
        description: Shared training and evaluation datasets of all work packages.
        tags:
          workpackage: perception
      - name: shared_metrics
        account_name: it4addevdata
        container_name: metrics

- name: The datastores of every work package's workspace in one run
  it4ad.dlinfra.ml_datastore:
    resource_group: rg-it4ad-dl-dev
    exclusive: true
    workspaces:
      - name: it4ad-dev-mlw-perception
        datastores:
          - {name: shared_datasets, account_name: it4addevdata, container_name: datasets}
      - name: it4ad-dev-mlw-planning
        datastores:
          - {name: shared_datasets, account_name: it4addevdata, container_name: datasets}

- name: Attach a SAS-based datastore (the token is write-only)
  it4ad.dlinfra.ml_datastore:
    resource_group: rg-it4ad-dl-dev
    workspace_name: it4ad-dev-mlw-perception
    datastores:
      - name: partner_drop
        account_name: partnerdrop
        container_name: incoming
        credentials:
          sas_token: "{{ partner_drop_sas }}"

- name: Detach a datastore (idempotent)
  it4ad.dlinfra.ml_datastore:
    resource_group: rg-it4ad-dl-dev
    workspace_name: it4ad-dev-mlw-perception
    state: absent
    datastores:
      - name: partner_drop
"""

RETURN = r"""
workspaces:
  description: With O(workspaces), the result of each workspace by name, as the single-workspace result below.
  returned: with O(workspaces)
  type: dict
  sample: {it4ad-dev-mlw-perception: {changed: false, created: [], updated: [], removed: [], datastores: []}}
failures:
  description: With O(workspaces), the error of each workspace that failed.
  returned: with O(workspaces)
  type: dict
  sample: {}
datastores:
  description:
    - Every datastore of the workspace after the run (predicted in check mode), in the shape
      M(it4ad.dlinfra.ml_datastore_info) returns, without secrets.
  returned: with O(workspace_name)
  type: list
  elements: dict
  sample:
    - name: shared_datasets
      type: AzureBlob
      account_name: it4addevdata
      container_name: datasets
      description: Shared training and evaluation datasets of all work packages.
      tags: {managed-by: it4ad.dlinfra, workpackage: perception}
      credentials_type: identity
      is_default: false
created:
  description: Names of the datastores attached (or that would be, in check mode).
  returned: with O(workspace_name)
  type: list
  elements: str
  sample: [shared_datasets]
updated:
  description: Names of the datastores updated because a managed field differed.
  returned: with O(workspace_name)
  type: list
  elements: str
  sample: [shared_metrics]
removed:
  description: Names of the datastores detached, by O(state=absent) or O(exclusive=true).
  returned: with O(workspace_name)
  type: list
  elements: str
  sample: [old_datasets]
differences:
  description: For each updated datastore, the fields that differed.
  returned: with O(workspace_name)
  type: dict
  sample: {shared_metrics: [description, tags]}
diff:
  description: The workspace's datastores by name before and after, without secrets.
  returned: when something changed, or with C(--diff)
  type: dict
  sample:
    before_header: "datastores of workspace 'it4ad-dev-mlw-perception' (before)"
    after_header: "datastores of workspace 'it4ad-dev-mlw-perception' (after)"
    before: {}
    after: {shared_datasets: {name: shared_datasets, container_name: datasets}}
"""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import ML_REQUIREMENTS, run_module
from ansible_collections.it4ad.dlinfra.plugins.module_utils.ml_datastore_plan import (
    desired_datastores,
    has_changes,
    plan,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.ml_service import datastore_facts, service_for


def _read(service) -> dict[str, dict]:
    default_name = service.default_datastore_name()
    return {item.name: datastore_facts(item, default_name) for item in service.datastores()}


def _apply(service, steps: dict, desired: list[tuple[dict, dict]]) -> None:
    by_name = {item["name"]: (item, secrets) for item, secrets in desired}
    for name in steps["create"] + list(steps["update"]):
        service.attach_blob_datastore(*by_name[name])
    for name in steps["remove"]:
        service.detach_datastore(name)


def _reconcile(service, entries: list, state: str, exclusive: bool, check_mode: bool, want_diff: bool) -> dict:
    """One workspace: read, plan, act only on a difference, re-read; the module result for it."""
    desired = desired_datastores(entries, state)
    try:
        before = _read(service)
        workspace_exists = True
    except DlinfraError as error:
        if not (check_mode and error.code == "WorkspaceNotFound"):
            raise
        before, workspace_exists = {}, False
    steps = plan(before, [item for item, dummy in desired], state, exclusive)
    changed = has_changes(steps)
    after = steps["after"]
    if changed and not check_mode:
        _apply(service, steps, desired)
        after = _read(service)
    result = {
        "changed": changed,
        "datastores": [after[name] for name in sorted(after)],
        "created": steps["create"],
        "updated": list(steps["update"]),
        "removed": steps["remove"],
        "differences": steps["update"],
    }
    if not workspace_exists:
        result["reason"] = (
            f"workspace '{service.workspace_name}' does not exist yet; every listed datastore is "
            "predicted to be attached once it does"
        )
    if changed or want_diff:
        header = f"datastores of workspace '{service.workspace_name}'"
        result["diff"] = {
            "before_header": f"{header} (before)",
            "after_header": f"{header} (after)",
            "before": before,
            "after": after,
        }
    return result


def _run(module, make_factory):
    params = module.params
    state = params["state"]
    targets = [(item["name"], item["datastores"]) for item in params["workspaces"] or []]
    if params["workspace_name"]:
        targets.append((params["workspace_name"], params["datastores"]))
    for dummy_name, entries in targets:
        desired_datastores(entries, state)  # every argument is checked before the first request
    if not params["workspaces"]:
        service = service_for(make_factory, params["resource_group"], params["workspace_name"])
        return _reconcile(service, params["datastores"], state, params["exclusive"], module.check_mode, module._diff)
    factory = make_factory()
    results, failures = {}, {}
    for name, entries in targets:
        service = service_for(lambda: factory, params["resource_group"], name)
        try:
            results[name] = _reconcile(service, entries, state, params["exclusive"], module.check_mode, module._diff)
        except DlinfraError as error:
            failures[name] = error.message
    result = {"changed": any(item["changed"] for item in results.values()), "workspaces": results, "failures": failures}
    diffs = [item["diff"] for item in results.values() if item.get("diff")]
    if diffs:
        result["diff"] = diffs
    if failures:
        summary = "; ".join(f"{name}: {message}" for name, message in failures.items())
        module.fail_json(msg=f"datastores failed in {summary}", **result)
    return result


def main():
    secret = {"type": "str", "no_log": True}
    datastore_spec = {
        "name": {"type": "str", "required": True},
        "account_name": {"type": "str"},
        "container_name": {"type": "str"},
        "description": {"type": "str"},
        "tags": {"type": "dict", "default": {}},
        "credentials": {"type": "dict", "options": {"account_key": secret, "sas_token": secret}},
    }
    spec = {
        "resource_group": {"type": "str", "required": True},
        "workspace_name": {"type": "str"},
        "workspaces": {
            "type": "list",
            "elements": "dict",
            "options": {
                "name": {"type": "str", "required": True},
                "datastores": {"type": "list", "elements": "dict", "default": [], "options": datastore_spec},
            },
        },
        "datastores": {"type": "list", "elements": "dict", "default": [], "options": datastore_spec},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "exclusive": {"type": "bool", "default": False},
    }
    run_module(
        spec,
        _run,
        requirements=ML_REQUIREMENTS,
        required_one_of=[("workspace_name", "workspaces")],
        mutually_exclusive=[("workspace_name", "workspaces")],
    )


if __name__ == "__main__":
    main()
