"""Writes of custom role definitions and role assignments: what Azure rejects, with its codes."""

import copy

import pytest

from localazure.rbac.builtin_roles import BUILT_IN_ROLES, READER
from localazure.rbac.role_definitions import check_role_assignment, check_role_definition, role_guid_of

SUB_ID = "0b1f6471-1bf0-4dda-aec3-111122223333"
SUB = f"/subscriptions/{SUB_ID}"
RG = SUB + "/resourceGroups/rg-dl-dev"
OTHER_SUB = "/subscriptions/9f241d6e-16e2-4b2b-a485-cc546f04799b"
ROLE_GUID = "6a8f2b0e-0c53-4b1e-9d4e-3a1b2c3d4e5f"
ASSIGNMENT = "0f0e0d0c-0b0a-4999-8888-777766665555"
PRINCIPAL = "5f2b8c1e-3a4d-4e6f-9a8b-7c6d5e4f3a2b"
READER_ID = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}"


def _role(
    role_name="Model Developer (dev)", scopes=(SUB,), actions=("Microsoft.MachineLearningServices/workspaces/*/read",)
):
    return {
        "properties": {
            "roleName": role_name,
            "type": "customRole",
            "description": "least privilege",
            "assignableScopes": list(scopes),
            "permissions": [{"actions": list(actions), "notActions": [], "dataActions": [], "notDataActions": []}],
        }
    }


def _stored(name, body):
    stored = copy.deepcopy(body)
    stored["name"] = name
    stored["properties"]["type"] = "CustomRole"
    return stored


def _codes(problems):
    return [(problem.status, problem.code) for problem in problems]


# --- role definitions ---


def test_a_well_formed_custom_role_is_accepted():
    assert check_role_definition(ROLE_GUID, _role(scopes=[SUB, RG]), SUB_ID, list(BUILT_IN_ROLES.values())) == []


def test_rewriting_the_same_role_under_its_own_name_is_accepted():
    existing = [_stored(ROLE_GUID, _role())]
    assert check_role_definition(ROLE_GUID, _role(), SUB_ID, existing) == []


def test_name_must_be_a_guid():
    assert _codes(check_role_definition("model-developer", _role(), SUB_ID, [])) == [(400, "InvalidRoleDefinitionId")]


def test_built_in_roles_cannot_be_written():
    assert _codes(check_role_definition(READER.upper(), _role(), SUB_ID, []))[0][0] == 403


def test_duplicate_role_name_in_the_tenant_is_a_conflict_with_azures_message():
    existing = {"x": _stored("11111111-2222-4333-8444-555555555555", _role(role_name="model developer (DEV)"))}
    problems = check_role_definition(ROLE_GUID, _role(), SUB_ID, existing)
    assert _codes(problems) == [(409, "RoleDefinitionWithSameNameExists")]
    assert problems[0].message == "A role definition cannot be updated with a name that already exists."
    assert problems[0].error_body() == {
        "error": {
            "code": "RoleDefinitionWithSameNameExists",
            "message": "A role definition cannot be updated with a name that already exists.",
        }
    }


@pytest.mark.parametrize("role_name", ["Reader", "READER", " acrpull "])
def test_a_built_in_role_name_is_taken_as_any_other(role_name):
    for existing in ([], list(BUILT_IN_ROLES.values())):
        assert _codes(check_role_definition(ROLE_GUID, _role(role_name=role_name), SUB_ID, existing)) == [
            (409, "RoleDefinitionWithSameNameExists")
        ]


@pytest.mark.parametrize("scopes", [[], None])
def test_assignable_scopes_are_required(scopes):
    body = _role()
    body["properties"]["assignableScopes"] = scopes
    assert _codes(check_role_definition(ROLE_GUID, body, SUB_ID, [])) == [(400, "InvalidAssignableScopes")]


def test_root_scope_is_not_assignable_for_a_custom_role():
    assert _codes(check_role_definition(ROLE_GUID, _role(scopes=["/"]), SUB_ID, [])) == [
        (400, "InvalidAssignableScopes")
    ]


def test_scopes_outside_the_deployment_subscription_fail_linked_authorization():
    problems = check_role_definition(
        ROLE_GUID, _role(scopes=[SUB, OTHER_SUB]), SUB_ID, [], client_id="app-1", principal_object_id="oid-1"
    )
    assert _codes(problems) == [(403, "LinkedAuthorizationFailed")]
    assert problems[0].message == (
        "The client 'app-1' with object id 'oid-1' has permission to perform action "
        f"'Microsoft.Authorization/roleDefinitions/write' on scope '{SUB}'; however, it does not have permission "
        f"to perform action 'Microsoft.Authorization/roleDefinitions/write' on the linked scope(s)'{OTHER_SUB}' "
        "or the linked scope(s)are invalid"
    )


def test_a_sibling_subscription_with_a_longer_id_is_outside():
    problems = check_role_definition(ROLE_GUID, _role(scopes=[SUB + "0"]), SUB_ID, [])
    assert _codes(problems) == [(403, "LinkedAuthorizationFailed")]


@pytest.mark.parametrize("action", ["", "read", "/Microsoft.Storage/read", 7])
def test_actions_that_cannot_be_operations_are_rejected(action):
    problems = check_role_definition(ROLE_GUID, _role(actions=["*/read", action]), SUB_ID, [])
    assert _codes(problems) == [(400, "InvalidActionOrNotAction")]
    assert problems[0].message == f"'{action}' does not match any of the actions supported by the providers."


def test_permissions_are_required():
    body = _role()
    body["properties"]["permissions"] = []
    assert _codes(check_role_definition(ROLE_GUID, body, SUB_ID, [])) == [(400, "InvalidRoleDefinitionPermissions")]


def test_role_type_must_be_custom_and_role_name_present():
    body = _role(role_name=" ")
    body["properties"]["type"] = "BuiltInRole"
    assert _codes(check_role_definition(ROLE_GUID, body, SUB_ID, [])) == [
        (400, "InvalidRoleDefinitionName"),
        (400, "InvalidRoleDefinitionType"),
    ]


# --- role assignments ---


def _assignment(role_definition_id=READER_ID, principal=PRINCIPAL, **extra):
    return {"properties": {"roleDefinitionId": role_definition_id, "principalId": principal, **extra}}


def _existing(name, scope, role_definition_id=READER_ID, principal=PRINCIPAL):
    return {
        "name": name,
        "properties": {"scope": scope, "roleDefinitionId": role_definition_id, "principalId": principal},
    }


def test_assignment_of_a_built_in_role_is_accepted():
    assert (
        check_role_assignment(ASSIGNMENT, _assignment(principalType="ServicePrincipal"), RG, [], BUILT_IN_ROLES) == []
    )


def test_tenant_level_role_definition_id_is_accepted():
    body = _assignment(f"/providers/Microsoft.Authorization/roleDefinitions/{READER}")
    assert check_role_assignment(ASSIGNMENT, body, RG, [], BUILT_IN_ROLES) == []


def test_assignment_name_must_be_a_guid():
    problems = check_role_assignment("test-ra", _assignment(), RG, [], BUILT_IN_ROLES)
    assert [(p.status, p.code, p.message) for p in problems] == [
        (400, "InvalidRoleAssignmentId", "The role assignment ID must be a GUID")
    ]


def test_unknown_role_definition():
    missing = "00000000-0000-4000-8000-000000000000"
    body = _assignment(f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{missing}")
    problems = check_role_assignment(ASSIGNMENT, body, RG, [], BUILT_IN_ROLES)
    assert [(p.status, p.code, p.message) for p in problems] == [
        (400, "RoleDefinitionDoesNotExist", f"The specified role definition with ID '{missing}' does not exist.")
    ]


@pytest.mark.parametrize(
    "role_definition_id", ["Reader", f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/Reader"]
)
def test_role_definition_id_must_end_in_a_guid(role_definition_id):
    problems = check_role_assignment(ASSIGNMENT, _assignment(role_definition_id), RG, [], BUILT_IN_ROLES)
    assert _codes(problems) == [(400, "InvalidRoleDefinitionId")]


def test_custom_role_outside_its_assignable_scopes_is_not_found():
    custom = _stored(ROLE_GUID, _role(scopes=[RG]))
    definitions = [*BUILT_IN_ROLES.values(), custom]
    body = _assignment(f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_GUID}")
    assert (
        check_role_assignment(ASSIGNMENT, body, RG + "/providers/Microsoft.Storage/storageAccounts/st", [], definitions)
        == []
    )
    assert _codes(check_role_assignment(ASSIGNMENT, body, SUB, [], definitions)) == [
        (400, "RoleDefinitionDoesNotExist")
    ]


def test_body_scope_must_match_the_uri_scope_with_azures_message():
    other = RG + "/providers/Microsoft.Storage/storageAccounts/st"
    problems = check_role_assignment(ASSIGNMENT, _assignment(scope=other), RG, [], BUILT_IN_ROLES)
    assert [(p.status, p.code, p.message) for p in problems] == [
        (
            400,
            "InvalidCreateRoleAssignmentRequest",
            f"The request to create role assignment '{ASSIGNMENT}' is not valid. Role assignment scope '{other}' "
            f"must match the scope specified on the URI '{RG}'.",
        )
    ]


def test_same_principal_role_and_scope_under_another_name_already_exists():
    existing = [_existing("11111111-2222-4333-8444-555555555555", RG.lower(), READER_ID.upper(), PRINCIPAL.upper())]
    problems = check_role_assignment(ASSIGNMENT, _assignment(), RG, existing, BUILT_IN_ROLES)
    assert [(p.status, p.code, p.message) for p in problems] == [
        (409, "RoleAssignmentExists", "The role assignment already exists.")
    ]


def test_same_principal_and_role_at_another_scope_is_a_new_assignment():
    existing = [_existing("11111111-2222-4333-8444-555555555555", SUB)]
    assert check_role_assignment(ASSIGNMENT, _assignment(), RG, existing, BUILT_IN_ROLES) == []


def test_rewriting_an_assignment_unchanged_is_accepted():
    existing = [_existing(ASSIGNMENT, RG)]
    assert check_role_assignment(ASSIGNMENT.upper(), _assignment(), RG, existing, BUILT_IN_ROLES) == []


def test_reusing_an_assignment_name_for_another_principal_is_not_permitted():
    existing = [_existing(ASSIGNMENT, RG, principal="99999999-9999-4999-8999-999999999999")]
    problems = check_role_assignment(ASSIGNMENT, _assignment(), RG, existing, BUILT_IN_ROLES)
    assert [(p.status, p.code, p.message) for p in problems] == [
        (
            400,
            "RoleAssignmentUpdateNotPermitted",
            "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        )
    ]


def test_principal_type_must_be_one_of_the_api_values():
    problems = check_role_assignment(ASSIGNMENT, _assignment(principalType="Robot"), RG, [], BUILT_IN_ROLES)
    assert _codes(problems) == [(400, "InvalidPrincipalType")]
    assert check_role_assignment(ASSIGNMENT, _assignment(principalType="user"), RG, [], BUILT_IN_ROLES) == []


def test_missing_principal_is_reported():
    problems = check_role_assignment(ASSIGNMENT, _assignment(principal=""), RG, [], BUILT_IN_ROLES)
    assert _codes(problems) == [(400, "MissingRequiredProperty")]


def test_unknown_principal_is_not_found_in_the_directory():
    problems = check_role_assignment(
        ASSIGNMENT, _assignment(), RG, [], BUILT_IN_ROLES, known_principal_ids=["someone-else"], tenant_id="tenant-1"
    )
    assert _codes(problems) == [(400, "PrincipalNotFound")]
    assert problems[0].message.startswith(f"Principal {PRINCIPAL} does not exist in the directory tenant-1. ")
    assert (
        check_role_assignment(
            ASSIGNMENT, _assignment(), RG, [], BUILT_IN_ROLES, known_principal_ids=[PRINCIPAL.upper()]
        )
        == []
    )


@pytest.mark.parametrize(
    ("role_definition_id", "guid"),
    [
        (READER_ID, READER),
        (f"/providers/Microsoft.Authorization/roleDefinitions/{READER.upper()}", READER),
        (f"{RG}/providers/Microsoft.Authorization/roleDefinitions/{READER}", None),
        (None, None),
    ],
)
def test_role_guid_of(role_definition_id, guid):
    assert role_guid_of(role_definition_id) == guid
