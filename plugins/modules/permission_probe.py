#!/usr/bin/python
# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: permission_probe
short_description: Try one operation as a given principal and tell whether Azure allowed or refused it
version_added: 0.1.0
description:
  - Performs one row of a permission matrix B(as the principal O(principal)), with that principal's own Entra ID
    token, and compares Azure's answer with O(expect).
  - V(arm) sends one Resource Manager request. A denial is HTTP 403 C(AuthorizationFailed).
  - V(blob) runs one blob operation with azure-storage-blob against a storage account's blob data plane. A denial
    is the blob service's HTTP 403 C(AuthorizationPermissionMismatch).
  - V(registry) runs a container registry's OAuth2 token exchange (C(/oauth2/exchange), then C(/oauth2/token) for
    the scope C(repository:<name>:pull,push)). The row's operation is allowed when the access token the registry
    returns grants it.
  - V(permission) only reads the effective permissions (for actions no single request stands for, such as
    wildcards).
  - With O(permission), the module also reads the principal's effective permissions at O(permission.scope) from
    the ARM permissions API and checks that they agree with O(expect).
  - The row's result is returned, never a task failure; a row that does not hold gives RV(passed=false). The task
    fails only when the probe cannot run (arguments, authentication, network).
  - Requests of denied rows are made harmless where Azure allows it. A write or delete of an existing resource
    (O(request.guard)) carries an C(If-Match) that no resource matches, so a wrongly allowed request fails with
    412 instead of changing anything; children are probe-named ones that do not exist.
author: IT4AD deep learning infrastructure team (@it4ad)
extends_documentation_fragment:
  - it4ad.dlinfra.azure
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: In check mode no request is made and the row is reported as skipped.
  diff_mode:
    support: none
  platform:
    platforms: azure
  action_group:
    membership: [it4ad.dlinfra.azure]
options:
  name:
    description: Name of the row, repeated in the result.
    type: str
    required: true
  expect:
    description: Whether Azure must allow or refuse the operation.
    type: str
    required: true
    choices: [allowed, denied]
  principal:
    description:
      - The principal the row runs as (a service principal with a client secret). The module's own
        credential options (O(client_id), ...) are not used for the row; O(cloud) and O(ca_bundle) are.
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
  kind:
    description: Which request the row makes.
    type: str
    required: true
    choices: [arm, blob, registry, permission]
  request:
    description: The Resource Manager request of O(kind=arm).
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
    description: The blob operation of O(kind=blob).
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
        description: Blob name (V(read), V(write), V(delete)).
        type: str
        default: dlinfra-role-test/probe.txt
      operation:
        description: V(list) lists blobs (C(blobs/read)), V(read) downloads, V(write) uploads, V(delete) deletes.
        type: str
        required: true
        choices: [list, read, write, delete]
  registry:
    description: The registry token exchange of O(kind=registry).
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
        description: Whether O(permission.action) is a data action.
        type: bool
        default: false
requirements:
  - azure-identity >= 1.16
  - azure-mgmt-resource >= 24
  - azure-storage-blob >= 12.19 (O(kind=blob))
  - requests (O(kind=registry))
"""

EXAMPLES = r"""
- name: A model developer must not reconfigure the workspace
  it4ad.dlinfra.permission_probe:
    name: reconfigure the workspace
    expect: denied
    principal: "{{ dlinfra_role_test_principal }}"
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
  register: row

- name: A model developer may pull from the healthy registry
  it4ad.dlinfra.permission_probe:
    name: pull from the healthy registry
    expect: allowed
    principal: "{{ dlinfra_role_test_principal }}"
    kind: registry
    registry:
      login_url: https://it4adintacr.azurecr.io
      service: it4adintacr.azurecr.io
      operation: pull
"""

RETURN = r"""
name:
  description: The row's name.
  returned: always
  type: str
  sample: reconfigure the workspace
expect:
  description: What the row expects.
  returned: always
  type: str
  sample: denied
outcome:
  description:
    - What happened. V(allowed) (a success, or a registry token granting the operation), V(denied) (Azure's
      refusal), V(error) (any other answer, such as 404 or 412), V(skipped) (check mode).
  returned: always
  type: str
  sample: denied
passed:
  description: Whether RV(outcome) is O(expect) and the effective permissions agree; V(null) in check mode.
  returned: always
  type: bool
  sample: true
status:
  description: HTTP status of the last answer.
  returned: when a request was made
  type: int
  sample: 403
code:
  description: Azure's error code of the answer, if any.
  returned: when a request was made
  type: str
  sample: AuthorizationFailed
message:
  description: Azure's error message (shortened), or what a registry token granted.
  returned: when a request was made
  type: str
  sample: "The client '...' does not have authorization to perform action ..."
permitted:
  description: Whether the ARM permissions API grants O(permission.action); V(null) without O(permission).
  returned: always
  type: bool
  sample: false
detail:
  description: One line on why the row passed or failed.
  returned: always
  type: str
  sample: "expected denied, got denied (HTTP 403 AuthorizationFailed); permissions API: not permitted"
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_module import missing_requirement, run_module
from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_probe import outcome_of, permitted

# What every row needs; a kind's own SDK is checked only for rows of that kind (each import costs start-up time).
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
    "registry": (("requests", "requests", "2.0"),),
}


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


def _perform(params: dict, factory) -> dict:
    from ansible_collections.it4ad.dlinfra.plugins.module_utils import role_test_service as service

    kind = params["kind"]
    if kind == "arm":
        request = params["request"]
        status, code, message = service.arm_request(
            factory.resources(),
            request["method"],
            request["path"],
            request["api_version"],
            request.get("body"),
            request["guard"],
        )
        return {"outcome": outcome_of(status, code), "status": status, "code": code, "message": message}
    if kind == "blob":
        blob = params["blob"]
        status, code, message = service.blob_request(
            factory.credential,
            blob["account_url"],
            blob["container"],
            blob["blob"],
            blob["operation"],
            factory.ca_bundle,
        )
        return {"outcome": outcome_of(status, code), "status": status, "code": code, "message": message}
    if kind == "registry":
        registry = params["registry"]
        token = factory.credential.get_token(registry["token_scope"]).token
        status, code, message, actions = service.registry_request(
            token,
            params["principal"]["tenant"],
            registry["login_url"],
            registry["service"],
            registry["repository"],
            factory.ca_bundle,
        )
        if code is not None or status != 200:
            return {"outcome": "error", "status": status, "code": code, "message": message}
        outcome = "allowed" if registry["operation"] in actions else "denied"
        granted = ", ".join(actions) or "nothing"
        return {"outcome": outcome, "status": status, "code": None, "message": f"the access token grants {granted}"}
    return {}


def _detail(expect: str, result: dict, permission_ok: bool | None) -> str:
    parts = []
    if "outcome" in result:
        answer = f"HTTP {result['status']}" + (f" {result['code']}" if result.get("code") else "")
        parts.append(f"expected {expect}, got {result['outcome']} ({answer})")
    if permission_ok is not None:
        parts.append(f"permissions API: {'permitted' if result['permitted'] else 'not permitted'}")
    return "; ".join(parts)


def _run(module, make_factory):
    params = module.params
    result = {"changed": False, "name": params["name"], "expect": params["expect"], "permitted": None}
    kind = params["kind"]
    needed = {"arm": "request", "blob": "blob", "registry": "registry", "permission": "permission"}[kind]
    if not params.get(needed):
        module.fail_json(msg=f"kind={kind} needs the option {needed}.")
    missing = missing_requirement(_KIND_REQUIREMENTS.get(kind, ()))
    if missing:
        name, found, import_traceback = missing
        reason = f"found version {found}" if found else None
        module.fail_json(msg=missing_required_lib(name, reason=reason), exception=import_traceback)
    if module.check_mode:
        return {**result, "outcome": "skipped", "passed": None, "detail": "check mode: no request made"}
    factory = _principal_factory(params)
    result.update(_perform(params, factory))
    permission_ok = None
    if params.get("permission"):
        from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_service import effective_permissions

        permission = params["permission"]
        value = effective_permissions(factory.resources(), permission["scope"])
        result["permitted"] = permitted(value, permission["action"], permission["data_action"])
        permission_ok = result["permitted"] == (params["expect"] == "allowed")
        if kind == "permission":
            result["outcome"] = "allowed" if result["permitted"] else "denied"
    request_ok = kind == "permission" or result.get("outcome") == params["expect"]
    result["passed"] = bool(request_ok and permission_ok is not False)
    result["changed"] = result.get("outcome") == "allowed" and _writes(params)
    result["detail"] = (
        _detail(params["expect"], result, permission_ok)
        if kind != "permission"
        else (
            f"expected {params['expect']}; permissions API: {'permitted' if result['permitted'] else 'not permitted'}"
        )
    )
    return result


def _writes(params: dict) -> bool:
    kind = params["kind"]
    if kind == "arm":
        return params["request"]["method"] != "GET"
    if kind == "blob":
        return params["blob"]["operation"] in ("write", "delete")
    return False


def main():
    principal = {
        "client_id": {"type": "str", "required": True},
        "secret": {"type": "str", "required": True, "no_log": True},
        "tenant": {"type": "str", "required": True},
    }
    spec = {
        "name": {"type": "str", "required": True},
        "expect": {"type": "str", "required": True, "choices": ["allowed", "denied"]},
        "principal": {"type": "dict", "required": True, "options": principal},
        "kind": {"type": "str", "required": True, "choices": ["arm", "blob", "registry", "permission"]},
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
    run_module(spec, _run, requirements=_REQUIREMENTS)


if __name__ == "__main__":
    main()
