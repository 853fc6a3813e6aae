#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: permission_probe
short_description: Run a permission matrix as a given principal and tell whether Azure allowed or refused each row
version_added: 0.1.0
description:
  - Runs the rows O(rows) of a permission matrix B(as the principal O(principal)), with that principal's own Entra
    ID token, and compares Azure's answer to each row with the row's O(rows[].expect). One module run takes one
    credential for the principal and reuses its tokens and clients for every row.
  - V(arm) sends one Resource Manager request. A denial is HTTP 403 C(AuthorizationFailed).
  - V(blob) runs one blob operation with azure-storage-blob against a storage account's blob data plane. A denial
    is the blob service's HTTP 403 C(AuthorizationPermissionMismatch).
  - V(registry) runs a container registry's OAuth2 token exchange (C(/oauth2/exchange), then C(/oauth2/token) for
    the scope C(repository:<name>:pull,push)). The row's operation is allowed when the access token the registry
    returns grants it.
  - V(permission) only reads the effective permissions (for actions no single request stands for, such as
    wildcards).
  - With O(rows[].permission), the row also reads the principal's effective permissions at
    O(rows[].permission.scope) from the ARM permissions API and checks that they agree with O(rows[].expect).
  - Allowed rows run first, in their order. Role assignments take effect after a while, so an allowed row that does
    not pass runs again every O(propagation_delay) seconds, at most O(propagation_retries) more times. Denied rows run
    once, after all allowed rows, so that a denial is the role's and not a late assignment's.
  - Each row's result is returned in RV(results), never a task failure; a row that does not hold, or cannot run
    (network, a token the row needs), gives RV(results[].passed=false) and the other rows still run. The task fails
    only on bad arguments (naming the row and the option) or when the principal cannot authenticate at all.
  - Requests of denied rows are made harmless where Azure allows it. A write or delete of an existing resource
    (O(rows[].request.guard)) carries an C(If-Match) that no resource matches, so a wrongly allowed request fails
    with 412 instead of changing anything; children are probe-named ones that do not exist.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: In check mode no request is made and every row is reported as skipped.
  diff_mode:
    support: none
  platform:
    platforms: azure
  action_group:
    membership: [it4ad.dlinfra.azure]
options:
  rows:
    description:
      - The rows of the matrix, each the options of one check. Each row's options are validated before any request
        is made; a bad row fails the task with the row's name and the option.
    type: list
    elements: dict
    required: true
    suboptions:
      source:
        description: Where the row comes from (for a report). Not used by the probe.
        type: str
      name:
        description: Name of the row, repeated in the result.
        type: str
        required: true
      expect:
        description: Whether Azure must allow or refuse the operation.
        type: str
        required: true
        choices: [allowed, denied]
      kind:
        description: Which request the row makes.
        type: str
        required: true
        choices: [arm, blob, registry, permission]
      request:
        description: The Resource Manager request of O(rows[].kind=arm).
        type: dict
        suboptions:
          method:
            description: HTTP method.
            type: str
            required: true
            choices: [GET, PUT, PATCH, POST, DELETE]
          path:
            description: Path below the Resource Manager endpoint, starting with C(/subscriptions/).
            type: str
            required: true
          api_version:
            description: The C(api-version) query parameter.
            type: str
            required: true
          body:
            description: JSON body of a PUT, PATCH or POST.
            type: dict
          guard:
            description: Send C(If-Match) with an ETag no resource has, so that a wrongly allowed write fails with 412.
            type: bool
            default: false
      blob:
        description: The blob operation of O(rows[].kind=blob).
        type: dict
        suboptions:
          account_url:
            description: Blob service URL of the account, for example C(https://<account>.blob.core.windows.net).
            type: str
            required: true
          container:
            description: Container.
            type: str
            required: true
          blob:
            description: Blob name (O(rows[].blob.operation=read), V(write), V(delete)).
            type: str
            default: dlinfra-role-test/probe.txt
          operation:
            description: V(list) lists blobs (C(blobs/read)), V(read) downloads, V(write) uploads, V(delete) deletes.
            type: str
            required: true
            choices: [list, read, write, delete]
      registry:
        description: The registry token exchange of O(rows[].kind=registry).
        type: dict
        suboptions:
          login_url:
            description: Base URL of the registry, for example C(https://<registry>.azurecr.io).
            type: str
            required: true
          service:
            description: The registry's login server name (C(service) of the exchange), for example C(<registry>.azurecr.io).
            type: str
            required: true
          repository:
            description: Repository of the requested scope.
            type: str
            default: dlinfra-role-test
          token_scope:
            description:
              - Entra scope of the principal's token that the exchange takes. The default is Azure Container Registry's
                own audience, which every registry takes, also one that disables ARM-audience tokens
                (C(azureADAuthenticationAsArmPolicy)). A sovereign cloud's registries have their own audience.
            type: str
            default: https://containerregistry.azure.net/.default
          operation:
            description: The operation the returned access token must (or must not) grant.
            type: str
            required: true
            choices: [pull, push]
      permission:
        description: The action to look up in the principal's effective permissions (ARM permissions API).
        type: dict
        suboptions:
          scope:
            description: Resource id (or resource group id) whose effective permissions are read.
            type: str
            required: true
          action:
            description: The action (wildcards stand for one concrete action of the pattern).
            type: str
            required: true
          data_action:
            description: Whether O(rows[].permission.action) is a data action.
            type: bool
            default: false
  principal:
    description:
      - The principal the rows run as (a service principal with a client secret). The module's own credential
        options (O(client_id), ...) are not used for the rows; O(subscription_id), O(cloud) and O(ca_bundle) are.
    type: dict
    required: true
    suboptions:
      client_id:
        description: Application (client) id.
        type: str
        required: true
      secret:
        description: Client secret. Never logged.
        type: str
        required: true
      tenant:
        description: Entra ID tenant id.
        type: str
        required: true
  propagation_retries:
    description:
      - How many more times an allowed row that did not pass runs again (role assignments propagate). V(0) runs
        each row once.
    type: int
    default: 0
  propagation_delay:
    description: Seconds between the runs of the allowed rows that have not passed yet.
    type: float
    default: 10
requirements:
  - azure-identity >= 1.16
  - azure-mgmt-resource >= 24
  - azure-storage-blob >= 12.19 (rows of O(rows[].kind=blob))
  - requests, PyJWT >= 2.4 (rows of O(rows[].kind=registry))
"""

EXAMPLES = r"""
- name: Run the matrix as the test principal, retrying allowed rows while its assignments propagate
  it4ad.dlinfra.permission_probe:
    principal: "{{ dlinfra_role_test_principal }}"
    propagation_retries: 30
    propagation_delay: 10
    rows:
      - name: pull from the healthy registry
        expect: allowed
        kind: registry
        registry:
          login_url: https://it4adintacr.azurecr.io
          service: it4adintacr.azurecr.io
          operation: pull
      - name: reconfigure the workspace
        expect: denied
        kind: arm
        request:
          method: PATCH
          path: /subscriptions/0000/resourceGroups/rg-it4ad-dl-int/providers/Microsoft.MachineLearningServices/workspaces/ws
          api_version: 2024-10-01-preview
          body: {tags: {probe: "true"}}
          guard: true
        permission:
          scope: /subscriptions/0000/resourceGroups/rg-it4ad-dl-int/providers/Microsoft.MachineLearningServices/workspaces/ws
          action: Microsoft.MachineLearningServices/workspaces/write
  register: matrix

- name: Fail on the rows that did not hold
  ansible.builtin.fail:
    msg: "Failed rows: {{ matrix.results | rejectattr('passed') | map(attribute='name') | join('; ') }}"
  when: matrix.results | rejectattr('passed') | list
"""

RETURN = r"""
results:
  description: One result per row of O(rows), in their order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The row's name.
      type: str
      sample: reconfigure the workspace
    expect:
      description: What the row expects.
      type: str
      sample: denied
    outcome:
      description:
        - What happened. V(allowed) (a success, or a registry token granting the operation), V(denied) (Azure's
          refusal), V(error) (any other answer, such as 404 or 412, or a row that could not run), V(skipped) (check
          mode).
      type: str
      sample: denied
    passed:
      description: Whether RV(results[].outcome) is the row's expectation and the effective permissions agree;
        V(null) in check mode.
      type: bool
      sample: true
    status:
      description: HTTP status of the last answer; V(null) when no request was made or none answered.
      type: int
      sample: 403
    code:
      description: Azure's error code of the answer, if any.
      type: str
      sample: AuthorizationFailed
    message:
      description: Azure's error message (shortened), what a registry token granted, or why the row could not run.
      type: str
      sample: "The client '...' does not have authorization to perform action ..."
    permitted:
      description: Whether the ARM permissions API grants O(rows[].permission.action); V(null) without it.
      type: bool
      sample: false
    detail:
      description: One line on why the row passed or failed.
      type: str
      sample: "expected denied, got denied (HTTP 403 AuthorizationFailed); permissions API: not permitted"
    attempts:
      description: How many times the row ran (allowed rows run again while assignments propagate); V(0) in check
        mode.
      type: int
      sample: 1
"""

import time

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import missing_requirement, run_module
from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_probe import outcome_of, permitted, run_rows

# What every row needs; a kind's own SDK is checked only when a row of that kind is given (imports cost start-up).
_REQUIREMENTS = (
    ("azure.identity", "azure-identity", "1.16"),
    ("azure.core", "azure-core", "1.30"),
    ("azure.mgmt.resource.resources", "azure-mgmt-resource", "24"),
)
# Azure Container Registry's own audience: registries that disable ARM-audience tokens
# (azureADAuthenticationAsArmPolicy) take only this one, and every registry takes it.
REGISTRY_TOKEN_SCOPE = "https://containerregistry.azure.net/.default"
_KIND_REQUIREMENTS = {
    "blob": (("azure.storage.blob", "azure-storage-blob", "12.19"),),
    "registry": (("requests", "requests", "2.0"), ("jwt", "PyJWT", "2.4")),
}
# The option each kind of row needs.
_KIND_OPTION = {"arm": "request", "blob": "blob", "registry": "registry", "permission": "permission"}

# The options of one row, validated per row with ansible's own validator (so an error names the row).
ROW_SPEC = {
    "name": {"type": "str", "required": True},
    "source": {"type": "str"},
    "expect": {"type": "str", "required": True, "choices": ["allowed", "denied"]},
    "kind": {"type": "str", "required": True, "choices": list(_KIND_OPTION)},
    "request": {
        "type": "dict",
        "options": {
            "method": {"type": "str", "required": True, "choices": ["GET", "PUT", "PATCH", "POST", "DELETE"]},
            "path": {"type": "str", "required": True},
            "api_version": {"type": "str", "required": True},
            "body": {"type": "dict"},
            "guard": {"type": "bool", "default": False},
        },
    },
    "blob": {
        "type": "dict",
        "options": {
            "account_url": {"type": "str", "required": True},
            "container": {"type": "str", "required": True},
            "blob": {"type": "str", "default": "dlinfra-role-test/probe.txt"},
            "operation": {"type": "str", "required": True, "choices": ["list", "read", "write", "delete"]},
        },
    },
    "registry": {
        "type": "dict",
        "options": {
            "login_url": {"type": "str", "required": True},
            "service": {"type": "str", "required": True},
            "repository": {"type": "str", "default": "dlinfra-role-test"},
            "token_scope": {"type": "str", "default": REGISTRY_TOKEN_SCOPE},
            "operation": {"type": "str", "required": True, "choices": ["pull", "push"]},
        },
    },
    "permission": {
        "type": "dict",
        "options": {
            "scope": {"type": "str", "required": True},
            "action": {"type": "str", "required": True},
            "data_action": {"type": "bool", "default": False},
        },
    },
}


def validate_rows(rows: list) -> tuple[list[dict], list[str]]:
    """The rows with their defaults filled in, and one error per bad row naming it and the option."""
    validator = ArgumentSpecValidator(ROW_SPEC)
    valid, errors = [], []
    names: set[str] = set()
    for index, row in enumerate(rows):
        label = f"rows[{index}]" + (f" '{row['name']}'" if isinstance(row, dict) and row.get("name") else "")
        if not isinstance(row, dict):
            errors.append(f"{label}: a row is a dict of options, got {type(row).__name__}.")
            continue
        result = validator.validate(row)
        problems = [
            ("unsupported option " if isinstance(error, UnsupportedError) else "") + error.msg.rstrip(".")
            for error in result.errors
        ]
        params = result.validated_parameters
        kind = params.get("kind")
        if not problems and not params.get(_KIND_OPTION[kind]):
            problems.append(f"kind={kind} needs the option {_KIND_OPTION[kind]}")
        if not problems and params["name"] in names:
            problems.append(f"another row has the name '{params['name']}'; names identify the results")
        if problems:
            errors.append(f"{label}: {'; '.join(problems)}.")
            continue
        names.add(params["name"])
        valid.append(params)
    return valid, errors


def _principal_factory(params: dict):
    from ansible_collections.it4ad.dlinfra.plugins.module_utils.client_factory import ClientFactory

    principal = params["principal"]
    options = {
        **params,
        "auth_source": "auto",
        "client_id": principal["client_id"],
        "secret": principal["secret"],
        "tenant": principal["tenant"],
    }
    return ClientFactory(options, environment={})


class _Probe:
    """Runs rows as the principal, with one credential, one Resource Manager client and one blob client per
    account for the whole module run."""

    def __init__(self, factory, tenant: str):
        self.factory = factory
        self.tenant = tenant
        self._blob_services: dict = {}

    def run(self, row: dict, shared: dict) -> dict:
        kind = row["kind"]
        result = {
            "name": row["name"],
            "expect": row["expect"],
            "outcome": None,
            "status": None,
            "code": None,
            "message": None,
            "permitted": None,
        }
        if kind != "permission":
            result.update(self._perform(row))
        permission_ok = None
        if row.get("permission"):
            permission = row["permission"]
            result["permitted"] = permitted(
                self._permissions(permission["scope"], shared), permission["action"], permission["data_action"]
            )
            permission_ok = result["permitted"] == (row["expect"] == "allowed")
            if kind == "permission":
                result["outcome"] = "allowed" if result["permitted"] else "denied"
        request_ok = kind == "permission" or result["outcome"] == row["expect"]
        result["passed"] = bool(request_ok and permission_ok is not False)
        result["detail"] = _detail(row, result, permission_ok)
        return result

    def _permissions(self, scope: str, shared: dict) -> list:
        """The effective permissions at ``scope``, read once per round (they do not change within one)."""
        from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_service import effective_permissions

        key = ("permissions", scope.rstrip("/").lower())
        if key not in shared:
            shared[key] = effective_permissions(self.factory.resources(), scope)
        return shared[key]

    def _perform(self, row: dict) -> dict:
        from ansible_collections.it4ad.dlinfra.plugins.module_utils import role_test_service as service

        kind = row["kind"]
        if kind == "arm":
            request = row["request"]
            status, code, message = service.arm_request(
                self.factory.resources(),
                request["method"],
                request["path"],
                request["api_version"],
                request.get("body"),
                request["guard"],
            )
            return {"outcome": outcome_of(status, code), "status": status, "code": code, "message": message}
        if kind == "blob":
            blob = row["blob"]
            if blob["account_url"] not in self._blob_services:
                self._blob_services[blob["account_url"]] = service.blob_service(
                    self.factory.credential, blob["account_url"], self.factory.ca_bundle
                )
            status, code, message = service.blob_request(
                self._blob_services[blob["account_url"]], blob["container"], blob["blob"], blob["operation"]
            )
            return {"outcome": outcome_of(status, code), "status": status, "code": code, "message": message}
        registry = row["registry"]
        token = service.access_token(self.factory.credential, registry["token_scope"])
        status, code, message, actions = service.registry_request(
            token,
            self.tenant,
            registry["login_url"],
            registry["service"],
            registry["repository"],
            self.factory.ca_bundle,
        )
        if code is not None or status != 200:
            return {"outcome": "error", "status": status, "code": code, "message": message}
        outcome = "allowed" if registry["operation"] in actions else "denied"
        granted = ", ".join(actions) or "nothing"
        return {"outcome": outcome, "status": status, "code": None, "message": f"the access token grants {granted}"}


def _detail(row: dict, result: dict, permission_ok: bool | None) -> str:
    permissions = f"permissions API: {'permitted' if result['permitted'] else 'not permitted'}"
    if row["kind"] == "permission":
        return f"expected {row['expect']}; {permissions}"
    answer = f"HTTP {result['status']}" + (f" {result['code']}" if result.get("code") else "")
    parts = [f"expected {row['expect']}, got {result['outcome']} ({answer})"]
    if permission_ok is not None:
        parts.append(permissions)
    return "; ".join(parts)


def _writes(row: dict) -> bool:
    if row["kind"] == "arm":
        return row["request"]["method"] != "GET"
    if row["kind"] == "blob":
        return row["blob"]["operation"] in ("write", "delete")
    return False


def _skipped(row: dict) -> dict:
    return {
        "name": row["name"],
        "expect": row["expect"],
        "outcome": "skipped",
        "status": None,
        "code": None,
        "message": None,
        "permitted": None,
        "passed": None,
        "detail": "check mode: no request made",
        "attempts": 0,
    }


def _run(module, make_factory):
    params = module.params
    rows, errors = validate_rows(params["rows"])
    if errors:
        module.fail_json(msg=" ".join(errors))
    for kind in sorted({row["kind"] for row in rows}):
        missing = missing_requirement(_KIND_REQUIREMENTS.get(kind, ()))
        if missing:
            name, found, import_traceback = missing
            reason = f"found version {found}" if found else None
            module.fail_json(msg=missing_required_lib(name, reason=reason), exception=import_traceback)
    if module.check_mode:
        return {"changed": False, "results": [_skipped(row) for row in rows]}
    factory = _principal_factory(params)
    factory.credential  # noqa: B018 - authenticates now: a principal that cannot fails the task, not each row
    probe = _Probe(factory, params["principal"]["tenant"])
    results = run_rows(rows, probe.run, params["propagation_retries"], params["propagation_delay"], sleep=time.sleep)
    changed = any(result["outcome"] == "allowed" and _writes(row) for row, result in zip(rows, results, strict=True))
    return {"changed": changed, "results": results}


def main():
    principal = {
        "client_id": {"type": "str", "required": True},
        "secret": {"type": "str", "required": True, "no_log": True},
        "tenant": {"type": "str", "required": True},
    }
    spec = {
        # Each row is validated by validate_rows (ROW_SPEC), so that an error names the row.
        "rows": {"type": "list", "elements": "dict", "required": True},
        "principal": {"type": "dict", "required": True, "options": principal},
        "propagation_retries": {"type": "int", "default": 0},
        "propagation_delay": {"type": "float", "default": 10},
    }
    run_module(spec, _run, requirements=_REQUIREMENTS)


if __name__ == "__main__":
    main()
