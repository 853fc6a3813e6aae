"""Role evaluation: union over ancestor scopes, NotActions per role, wildcards, data actions, denial."""

import pytest

from localazure.rbac.builtin_roles import (
    AZUREML_DATA_SCIENTIST,
    BUILT_IN_ROLES,
    CONTRIBUTOR,
    OWNER,
    READER,
    STORAGE_BLOB_DATA_READER,
)
from localazure.rbac.evaluation import (
    Assignment,
    assignments_of,
    authorization_failed,
    effective_permissions,
    is_allowed,
)

SUB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333"
RG = SUB + "/resourceGroups/rg-dl-dev"
WORKSPACE = RG + "/providers/Microsoft.MachineLearningServices/workspaces/ws-perception-dev"
STORAGE = RG + "/providers/Microsoft.Storage/storageAccounts/stdldev"
PRINCIPAL = "5f2b8c1e-3a4d-4e6f-9a8b-7c6d5e4f3a2b"


def _custom(actions=(), not_actions=(), data_actions=(), not_data_actions=()):
    return {
        "properties": {
            "roleName": "test",
            "type": "CustomRole",
            "permissions": [
                {
                    "actions": list(actions),
                    "notActions": list(not_actions),
                    "dataActions": list(data_actions),
                    "notDataActions": list(not_data_actions),
                }
            ],
        }
    }


def _holds(role, scope):
    return [Assignment(scope, PRINCIPAL, role)]


def test_owner_at_the_subscription_can_do_everything_below_it():
    owner = _holds(BUILT_IN_ROLES[OWNER], SUB)
    for action in (
        "Microsoft.Resources/subscriptions/resourceGroups/write",
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.MachineLearningServices/workspaces/delete",
    ):
        assert is_allowed(owner, WORKSPACE, action)


def test_owner_has_no_data_actions():
    owner = _holds(BUILT_IN_ROLES[OWNER], SUB)
    assert not is_allowed(
        owner, STORAGE, "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", data_action=True
    )


def test_reader_can_read_but_not_write():
    reader = _holds(BUILT_IN_ROLES[READER], SUB)
    assert is_allowed(reader, STORAGE, "Microsoft.Storage/storageAccounts/read")
    assert not is_allowed(reader, STORAGE, "Microsoft.Storage/storageAccounts/write")
    assert not is_allowed(reader, STORAGE, "Microsoft.Storage/storageAccounts/listKeys/action")


def test_contributor_cannot_write_role_assignments():
    contributor = _holds(BUILT_IN_ROLES[CONTRIBUTOR], SUB)
    assert is_allowed(contributor, STORAGE, "Microsoft.Storage/storageAccounts/write")
    assert not is_allowed(contributor, SUB, "Microsoft.Authorization/roleAssignments/write")


def test_data_scientist_can_write_jobs_but_not_delete_or_write_the_workspace():
    scientist = _holds(BUILT_IN_ROLES[AZUREML_DATA_SCIENTIST], RG)
    assert is_allowed(scientist, WORKSPACE + "/jobs/train-1", "Microsoft.MachineLearningServices/workspaces/jobs/write")
    assert is_allowed(
        scientist, WORKSPACE, "Microsoft.MachineLearningServices/workspaces/experiments/runs/submit/action"
    )
    assert not is_allowed(scientist, WORKSPACE, "Microsoft.MachineLearningServices/workspaces/delete")
    assert not is_allowed(scientist, WORKSPACE, "Microsoft.MachineLearningServices/workspaces/write")
    assert not is_allowed(
        scientist, WORKSPACE + "/computes/gpu", "Microsoft.MachineLearningServices/workspaces/computes/write"
    )


def test_data_scientist_reads_the_workspace_and_its_computes():
    scientist = _holds(BUILT_IN_ROLES[AZUREML_DATA_SCIENTIST], RG)
    assert is_allowed(scientist, WORKSPACE, "Microsoft.MachineLearningServices/workspaces/read")
    assert is_allowed(
        scientist, WORKSPACE + "/computes/gpu", "Microsoft.MachineLearningServices/workspaces/computes/read"
    )
    assert not is_allowed(
        scientist, WORKSPACE + "/computes/gpu", "Microsoft.MachineLearningServices/workspaces/computes/delete"
    )
    assert not is_allowed(scientist, WORKSPACE, "Microsoft.MachineLearningServices/workspaces/listKeys/action")


def test_assignment_applies_at_its_scope_and_below_only():
    at_rg = _holds(BUILT_IN_ROLES[READER], RG)
    action = "Microsoft.Storage/storageAccounts/read"
    assert is_allowed(at_rg, RG, action)
    assert is_allowed(at_rg, STORAGE, action)
    assert not is_allowed(at_rg, SUB, action)
    assert not is_allowed(at_rg, SUB + "/resourceGroups/rg-dl-dev2", action)


def test_scopes_compare_case_insensitively():
    at_rg = _holds(BUILT_IN_ROLES[READER], RG.upper())
    assert is_allowed(at_rg, STORAGE.lower(), "microsoft.storage/STORAGEACCOUNTS/READ")


def test_permissions_are_the_union_over_ancestor_scopes():
    assignments = [
        Assignment(SUB, PRINCIPAL, _custom(actions=["Microsoft.Storage/storageAccounts/read"])),
        Assignment(RG, PRINCIPAL, _custom(actions=["Microsoft.Storage/storageAccounts/write"])),
    ]
    assert is_allowed(assignments, STORAGE, "Microsoft.Storage/storageAccounts/read")
    assert is_allowed(assignments, STORAGE, "Microsoft.Storage/storageAccounts/write")
    assert not is_allowed(assignments, SUB, "Microsoft.Storage/storageAccounts/write")


def test_not_actions_subtract_only_within_their_own_role():
    narrowed = _custom(actions=["Microsoft.Storage/*"], not_actions=["Microsoft.Storage/storageAccounts/delete"])
    alone = [Assignment(RG, PRINCIPAL, narrowed)]
    assert not is_allowed(alone, STORAGE, "Microsoft.Storage/storageAccounts/delete")
    with_other_role = alone + [
        Assignment(SUB, PRINCIPAL, _custom(actions=["Microsoft.Storage/storageAccounts/delete"]))
    ]
    assert is_allowed(with_other_role, STORAGE, "Microsoft.Storage/storageAccounts/delete")


@pytest.mark.parametrize(
    ("pattern", "action", "granted"),
    [
        ("*", "Microsoft.Network/virtualNetworks/subnets/join/action", True),
        ("*/read", "Microsoft.KeyVault/vaults/read", True),
        ("*/read", "Microsoft.KeyVault/vaults/write", False),
        ("Microsoft.Storage/*", "Microsoft.Storage/storageAccounts/blobServices/containers/write", True),
        ("Microsoft.Storage/*", "Microsoft.StorageSync/storageSyncServices/write", False),
        ("Microsoft.Authorization/*/Write", "microsoft.authorization/roleassignments/write", True),
        (
            "Microsoft.MachineLearningServices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspaces/read",
            True,
        ),
        (
            "Microsoft.MachineLearningServices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspaces/jobs/read",
            True,
        ),
        (
            "Microsoft.MachineLearningServices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspacesread",
            False,
        ),
        ("*/read", "read", False),
        ("Microsoft.Storage/storageAccounts/read", "Microsoft.Storage/storageAccounts/readx", False),
        ("Microsoft.Storage/storageAccounts.read", "Microsoft.Storage/storageAccountsXread", False),
    ],
)
def test_wildcards_match_any_run_of_characters_case_insensitively(pattern, action, granted):
    assert is_allowed([Assignment(SUB, PRINCIPAL, _custom(actions=[pattern]))], RG, action) is granted


def test_data_actions_are_evaluated_apart_from_actions():
    blob_read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
    reader = _holds(BUILT_IN_ROLES[STORAGE_BLOB_DATA_READER], STORAGE)
    assert is_allowed(reader, STORAGE + "/blobServices/default/containers/c1", blob_read, data_action=True)
    assert not is_allowed(reader, STORAGE, blob_read)
    narrowed_role = _custom(data_actions=["Microsoft.Storage/*"], not_data_actions=[blob_read])
    narrowed = [Assignment(SUB, PRINCIPAL, narrowed_role)]
    assert not is_allowed(narrowed, STORAGE, blob_read, data_action=True)
    assert is_allowed(
        narrowed, STORAGE, "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", data_action=True
    )


def test_no_assignment_grants_nothing():
    assert not is_allowed([], SUB, "Microsoft.Resources/subscriptions/read")


def test_assignments_of_filters_by_principal():
    others = [Assignment(SUB, "someone-else", BUILT_IN_ROLES[OWNER]), Assignment(SUB, PRINCIPAL.upper(), {})]
    assert [assignment.principal_id for assignment in assignments_of(others, PRINCIPAL)] == [PRINCIPAL.upper()]


def test_effective_permissions_list_each_applicable_role_in_azure_shape():
    assignments = [
        Assignment(SUB, PRINCIPAL, BUILT_IN_ROLES[READER]),
        Assignment(RG, PRINCIPAL, BUILT_IN_ROLES[STORAGE_BLOB_DATA_READER]),
        Assignment(SUB + "/resourceGroups/other", PRINCIPAL, BUILT_IN_ROLES[OWNER]),
    ]
    assert effective_permissions(assignments, RG) == [
        {"actions": ["*/read"], "notActions": [], "dataActions": [], "notDataActions": []},
        {
            "actions": [
                "Microsoft.Storage/storageAccounts/blobServices/containers/read",
                "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
            ],
            "notActions": [],
            "dataActions": ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
            "notDataActions": [],
        },
    ]
    assert effective_permissions(assignments, SUB) == [
        {"actions": ["*/read"], "notActions": [], "dataActions": [], "notDataActions": []},
    ]


def test_effective_permissions_are_copies():
    assignments = [Assignment(SUB, PRINCIPAL, BUILT_IN_ROLES[READER])]
    effective_permissions(assignments, SUB)[0]["actions"].append("x/y")
    assert BUILT_IN_ROLES[READER]["properties"]["permissions"][0]["actions"] == ["*/read"]


def test_denial_is_azure_authorization_failed_word_for_word():
    status, body = authorization_failed(
        "b9bc1545-a684-4e50-9a4d-2e2ee90bed6a",
        "b9bc1545-a684-4e50-9a4d-2e2ee90bed6a",
        "Microsoft.Storage/storageAccounts/write",
        "/subscriptions/225e02bc-43d0-43d1-a01a-17e584a4ef69/resourcegroups/aro-6hwuovvq/providers/"
        "Microsoft.Storage/storageAccounts/clusterixgbq",
    )
    assert status == 403
    # The body Azure/ARO-RP#66 quotes for this request.
    assert body == {
        "error": {
            "code": "AuthorizationFailed",
            "message": "The client 'b9bc1545-a684-4e50-9a4d-2e2ee90bed6a' with object id "
            "'b9bc1545-a684-4e50-9a4d-2e2ee90bed6a' does not have authorization to perform action "
            "'Microsoft.Storage/storageAccounts/write' over scope '/subscriptions/"
            "225e02bc-43d0-43d1-a01a-17e584a4ef69/resourcegroups/aro-6hwuovvq/providers/Microsoft.Storage/"
            "storageAccounts/clusterixgbq' or the scope is invalid. If access was recently granted, please "
            "refresh your credentials.",
        }
    }
