"""The custom role test's pure logic: Azure's action matching, the request an action stands for, the registry
token's claims and a row's verdict."""

import base64
import json

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_probe import (
    PROBE_NAME,
    decode_jwt_claims,
    granted_registry_actions,
    outcome_of,
    permitted,
    request_for_action,
)

WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
TYPE = "Microsoft.MachineLearningServices/workspaces"
ROLE = {
    "actions": [f"{TYPE}/read", f"{TYPE}/*/read", f"{TYPE}/*/write", f"{TYPE}/*/action"],
    "notActions": [f"{TYPE}/computes/write", f"{TYPE}/computes/*/write", f"{TYPE}/listKeys/action"],
    "dataActions": ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
    "notDataActions": ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"],
}


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        (f"{TYPE}/read", False, True),
        (f"{TYPE}/datastores/write", False, True),
        (f"{TYPE.upper()}/DATASTORES/WRITE", False, True),  # Azure compares actions case-insensitively
        (f"{TYPE}/write", False, False),  # workspaces/*/write needs a segment between
        (f"{TYPE}/computes/write", False, False),
        (f"{TYPE}/computes/*/write", False, False),  # a wildcard row stands for one concrete action
        (f"{TYPE}/listKeys/action", False, False),
        (f"{TYPE}/delete", False, False),
        ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", True, True),
        ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete", True, False),
        ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", False, False),
    ],
)
def test_permitted_is_the_union_of_actions_minus_not_actions(action, data, expected):
    assert permitted([ROLE], action, data) is expected


def test_another_role_may_grant_what_one_role_excludes():
    contributor = {"actions": ["*"], "notActions": [], "dataActions": [], "notDataActions": []}
    assert permitted([ROLE, contributor], f"{TYPE}/computes/write")


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (f"{TYPE}/write", ("PUT", WS)),
        (f"{TYPE}/delete", ("DELETE", WS)),
        (f"{TYPE}/listKeys/action", ("POST", f"{WS}/listKeys")),
        (f"{TYPE}/computes/write", ("PUT", f"{WS}/computes/{PROBE_NAME}")),
        (f"{TYPE}/computes/listKeys/action", ("POST", f"{WS}/computes/{PROBE_NAME}/listKeys")),
        (f"{TYPE}/services/aks/score/action", ("POST", f"{WS}/services/{PROBE_NAME}/aks/{PROBE_NAME}/score")),
        (f"{TYPE}/metadata/secrets/read", ("GET", f"{WS}/metadata/{PROBE_NAME}/secrets/{PROBE_NAME}")),
        (
            f"{TYPE}/providers/Microsoft.Insights/diagnosticSettings/write",
            ("PUT", f"{WS}/providers/Microsoft.Insights/diagnosticSettings/{PROBE_NAME}"),
        ),
        (f"{TYPE}/computes/*/write", None),
        ("Microsoft.Storage/storageAccounts/listKeys/action", None),
    ],
)
def test_request_for_action(action, expected):
    assert request_for_action(action, WS, TYPE) == expected


def _jwt(claims):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


def test_the_registry_token_grants_only_the_actions_of_its_access_claim():
    claims = decode_jwt_claims(
        _jwt({"access": [{"type": "repository", "name": "probe", "actions": ["pull"]}, {"type": "registry"}]})
    )
    assert granted_registry_actions(claims, "probe") == ["pull"]
    assert granted_registry_actions(claims, "other") == []
    with pytest.raises(ValueError, match="not a JWT"):
        decode_jwt_claims("opaque")


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (200, None, "allowed"),
        (204, None, "allowed"),
        (403, "AuthorizationFailed", "denied"),
        (403, "AuthorizationPermissionMismatch", "denied"),
        (403, "KeyBasedAuthenticationNotPermitted", "error"),  # not a role's refusal
        (412, "PreconditionFailed", "error"),  # a guarded write that Azure allowed
        (404, "ResourceNotFound", "error"),
    ],
)
def test_outcome_of(status, code, expected):
    assert outcome_of(status, code) == expected


def test_role_assignment_names_are_stable_guids_of_scope_principal_and_role():
    from ansible_collections.it4ad.dlinfra.plugins.modules.role_assignment import assignment_name, role_definition_id

    role = role_definition_id("acdd72a7-3385-48ef-bd42-f606fba81ae7", "sub")
    assert (
        role
        == "/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
    )
    assert role_definition_id(role, "other") == role
    first = assignment_name(WS, "Principal", role)
    assert first == assignment_name(WS.upper() + "/", "principal", role.rsplit("/", 1)[1])
    assert first != assignment_name(WS, "principal", role_definition_id("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "sub"))
