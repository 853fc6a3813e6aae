"""Built-in roles against the azure-docs built-in role pages they were read from.

Each expectation below is a line of the JSON block on the page named in ROLE_SOURCES
(MicrosoftDocs/azure-docs, articles/role-based-access-control/built-in-roles/*.md).
"""

import pytest

from localazure.rbac.builtin_roles import (
    BUILT_IN_ROLES,
    ROLE_SOURCES,
    built_in_role_as_seen_from,
    built_in_role_by_name,
)

# roleName -> (id, number of actions, notActions, dataActions, notDataActions), as the pages list them.
PUBLISHED = {
    "Owner": ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", 1, 0, 0, 0),
    "Contributor": ("b24988ac-6180-42a0-ab88-20f7382dd24c", 1, 11, 0, 0),
    "Reader": ("acdd72a7-3385-48ef-bd42-f606fba81ae7", 1, 0, 0, 0),
    "User Access Administrator": ("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", 3, 0, 0, 0),
    "AzureML Data Scientist": ("f6c7c914-8db3-469d-8ca1-694a8f32e121", 4, 10, 0, 0),
    "AzureML Compute Operator": ("e503ece1-11d0-4e8e-8e2c-7a6c3bf38815", 2, 0, 0, 0),
    "AcrPull": ("7f951dda-4ed3-4680-a7ca-43fe172d538d", 1, 0, 0, 0),
    "AcrPush": ("8311e382-0749-4cb8-b61a-304f252e45ec", 2, 0, 0, 0),
    "Storage Blob Data Contributor": ("ba92f5b4-2d11-453d-a403-e96b0029c9fe", 4, 0, 5, 0),
    "Storage Blob Data Reader": ("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", 2, 0, 1, 0),
    "Storage File Data Privileged Contributor": ("69566ab7-960f-475b-8e7c-b3118f30c6bd", 0, 0, 6, 0),
    "Key Vault Crypto Service Encryption User": ("e147488a-f6f5-4113-8e2d-b22465e65bf6", 3, 0, 3, 0),
}

# (roleName, list, a line of that list on the page)
PUBLISHED_LINES = [
    ("Owner", "actions", "*"),
    ("Contributor", "notActions", "Microsoft.Authorization/*/Write"),
    ("Contributor", "notActions", "Microsoft.Authorization/*/Delete"),
    ("Contributor", "notActions", "Microsoft.Authorization/elevateAccess/Action"),
    ("Reader", "actions", "*/read"),
    ("User Access Administrator", "actions", "Microsoft.Authorization/*"),
    ("AzureML Data Scientist", "actions", "Microsoft.MachineLearningServices/workspaces/*/write"),
    ("AzureML Data Scientist", "notActions", "Microsoft.MachineLearningServices/workspaces/delete"),
    ("AzureML Data Scientist", "notActions", "Microsoft.MachineLearningServices/workspaces/computes/*/write"),
    ("AzureML Compute Operator", "actions", "Microsoft.MachineLearningServices/workspaces/computes/*"),
    ("AcrPull", "actions", "Microsoft.ContainerRegistry/registries/pull/read"),
    ("AcrPush", "actions", "Microsoft.ContainerRegistry/registries/push/write"),
    (
        "Storage Blob Data Contributor",
        "dataActions",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    ),
    (
        "Storage Blob Data Contributor",
        "actions",
        "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
    ),
    ("Storage Blob Data Reader", "dataActions", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"),
    (
        "Storage File Data Privileged Contributor",
        "dataActions",
        "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/write",
    ),
    ("Key Vault Crypto Service Encryption User", "dataActions", "Microsoft.KeyVault/vaults/keys/unwrap/action"),
]


def _permissions(role_name):
    return built_in_role_by_name(role_name)["properties"]["permissions"][0]


def test_exactly_the_roles_of_the_issues_are_built_in():
    names = {body["properties"]["roleName"] for body in BUILT_IN_ROLES.values()}
    assert names == set(PUBLISHED)


@pytest.mark.parametrize("role_name", sorted(PUBLISHED))
def test_role_id_and_list_sizes_match_the_published_definition(role_name):
    role_id, actions, not_actions, data_actions, not_data_actions = PUBLISHED[role_name]
    body = BUILT_IN_ROLES[role_id]
    permissions = body["properties"]["permissions"][0]
    assert body["properties"]["roleName"] == role_name
    assert body["name"] == role_id
    assert body["id"] == f"/providers/Microsoft.Authorization/roleDefinitions/{role_id}"
    assert body["type"] == "Microsoft.Authorization/roleDefinitions"
    assert body["properties"]["type"] == "BuiltInRole"
    assert body["properties"]["assignableScopes"] == ["/"]
    sizes = tuple(len(permissions[key]) for key in ("actions", "notActions", "dataActions", "notDataActions"))
    assert sizes == (actions, not_actions, data_actions, not_data_actions)


@pytest.mark.parametrize(("role_name", "key", "line"), PUBLISHED_LINES)
def test_published_permission_lines_are_present(role_name, key, line):
    assert line in _permissions(role_name)[key]


@pytest.mark.parametrize("role_id", sorted(BUILT_IN_ROLES))
def test_every_role_records_the_page_and_commit_it_was_read_from(role_id):
    source = ROLE_SOURCES[role_id]
    assert source["repository"] == "MicrosoftDocs/azure-docs"
    assert source["path"].startswith("articles/role-based-access-control/built-in-roles/")
    assert len(source["commit"]) == 40


def test_role_read_through_a_subscription_names_it_and_leaves_the_catalogue_untouched():
    reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    seen = built_in_role_as_seen_from(reader.upper(), "sub-1")
    assert seen["id"] == f"/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/{reader}"
    seen["properties"]["permissions"][0]["actions"].append("x/y")
    assert BUILT_IN_ROLES[reader]["properties"]["permissions"][0]["actions"] == ["*/read"]
    assert BUILT_IN_ROLES[reader]["id"] == f"/providers/Microsoft.Authorization/roleDefinitions/{reader}"


def test_unknown_role_name_finds_nothing():
    assert built_in_role_by_name("Key Vault Administrator") is None
