"""Request method and path to the operation string, for every path shape ARM serves here."""

import pytest

from localazure.rbac.operations import operation_for

SUB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333"
RG = SUB + "/resourceGroups/rg-dl-dev"
STORAGE = RG + "/providers/Microsoft.Storage/storageAccounts/stdldev"
WORKSPACE = RG + "/providers/Microsoft.MachineLearningServices/workspaces/ws-perception-dev"

CASES = [
    ("GET", "/subscriptions", "Microsoft.Resources/subscriptions/read"),
    ("GET", SUB, "Microsoft.Resources/subscriptions/read"),
    ("GET", SUB + "/resourceGroups", "Microsoft.Resources/subscriptions/resourceGroups/read"),
    ("GET", RG, "Microsoft.Resources/subscriptions/resourceGroups/read"),
    ("HEAD", RG, "Microsoft.Resources/subscriptions/resourceGroups/read"),
    ("PUT", RG, "Microsoft.Resources/subscriptions/resourceGroups/write"),
    ("PATCH", RG, "Microsoft.Resources/subscriptions/resourceGroups/write"),
    ("DELETE", RG, "Microsoft.Resources/subscriptions/resourceGroups/delete"),
    ("GET", SUB + "/providers", "Microsoft.Resources/subscriptions/providers/read"),
    ("GET", SUB + "/providers/Microsoft.MachineLearningServices", "Microsoft.Resources/subscriptions/providers/read"),
    ("POST", SUB + "/providers/Microsoft.Storage/register", "Microsoft.Storage/register/action"),
    (
        "POST",
        SUB + "/providers/Microsoft.ContainerRegistry/checkNameAvailability",
        "Microsoft.ContainerRegistry/checkNameAvailability/read",
    ),
    (
        "POST",
        SUB + "/providers/Microsoft.Storage/checkNameAvailability",
        "Microsoft.Storage/checkNameAvailability/read",
    ),
    ("PUT", RG + "/providers/Microsoft.Resources/deployments/shared", "Microsoft.Resources/deployments/write"),
    ("GET", RG + "/providers/Microsoft.Resources/deployments/shared", "Microsoft.Resources/deployments/read"),
    ("DELETE", RG + "/providers/Microsoft.Resources/deployments/shared", "Microsoft.Resources/deployments/delete"),
    (
        "POST",
        RG + "/providers/Microsoft.Resources/deployments/shared/validate",
        "Microsoft.Resources/deployments/validate/action",
    ),
    (
        "POST",
        RG + "/providers/Microsoft.Resources/deployments/shared/whatIf",
        "Microsoft.Resources/deployments/whatIf/action",
    ),
    (
        "POST",
        RG + "/providers/Microsoft.Resources/deployments/shared/cancel",
        "Microsoft.Resources/deployments/cancel/action",
    ),
    (
        "GET",
        RG + "/providers/Microsoft.Resources/deployments/shared/operations",
        "Microsoft.Resources/deployments/operations/read",
    ),
    ("PUT", SUB + "/providers/Microsoft.Resources/deployments/roles", "Microsoft.Resources/deployments/write"),
    (
        "PUT",
        SUB + "/providers/Microsoft.Authorization/roleDefinitions/6a8f2b0e-0c53-4b1e-9d4e-3a1b2c3d4e5f",
        "Microsoft.Authorization/roleDefinitions/write",
    ),
    (
        "DELETE",
        SUB + "/providers/Microsoft.Authorization/roleDefinitions/6a8f2b0e-0c53-4b1e-9d4e-3a1b2c3d4e5f",
        "Microsoft.Authorization/roleDefinitions/delete",
    ),
    (
        "GET",
        "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "Microsoft.Authorization/roleDefinitions/read",
    ),
    (
        "PUT",
        SUB + "/providers/Microsoft.Authorization/roleAssignments/0f0e0d0c-0b0a-4999-8888-777766665555",
        "Microsoft.Authorization/roleAssignments/write",
    ),
    ("GET", RG + "/providers/Microsoft.Authorization/permissions", "Microsoft.Authorization/permissions/read"),
    ("GET", STORAGE + "/providers/Microsoft.Authorization/permissions", "Microsoft.Authorization/permissions/read"),
    ("PUT", STORAGE, "Microsoft.Storage/storageAccounts/write"),
    ("GET", RG + "/providers/Microsoft.Storage/storageAccounts", "Microsoft.Storage/storageAccounts/read"),
    (
        "PUT",
        STORAGE + "/blobServices/default/containers/c1",
        "Microsoft.Storage/storageAccounts/blobServices/containers/write",
    ),
    ("POST", STORAGE + "/listKeys", "Microsoft.Storage/storageAccounts/listKeys/action"),
    ("PUT", WORKSPACE + "/jobs/train-1", "Microsoft.MachineLearningServices/workspaces/jobs/write"),
    ("DELETE", WORKSPACE, "Microsoft.MachineLearningServices/workspaces/delete"),
    ("PUT", WORKSPACE + "/computes/gpu", "Microsoft.MachineLearningServices/workspaces/computes/write"),
    (
        "POST",
        WORKSPACE + "/datastores/data/listSecrets",
        "Microsoft.MachineLearningServices/workspaces/datastores/listSecrets/action",
    ),
]


@pytest.mark.parametrize(("method", "path", "action"), CASES)
def test_operation_string(method, path, action):
    operation = operation_for(method, path)
    assert operation.action == action
    assert operation.is_data_action is False


def test_extension_resource_under_a_resource_maps_to_the_extension_type():
    path = STORAGE + "/providers/Microsoft.Authorization/roleAssignments/0f0e0d0c-0b0a-4999-8888-777766665555"
    operation = operation_for("PUT", path)
    assert operation.action == "Microsoft.Authorization/roleAssignments/write"
    assert operation.scope == path


def test_query_string_and_trailing_slash_do_not_change_the_operation():
    plain = operation_for("PUT", STORAGE)
    decorated = operation_for("put", STORAGE + "/?api-version=2023-05-01", query={"api-version": "2023-05-01"})
    assert decorated == plain


def test_action_verb_is_not_part_of_the_scope():
    operation = operation_for("POST", RG + "/providers/Microsoft.Resources/deployments/shared/validate")
    assert operation.scope == RG + "/providers/Microsoft.Resources/deployments/shared"


def test_type_segments_keep_the_casing_of_the_request_as_azure_echoes_it():
    assert (
        operation_for("PUT", SUB + "/resourcegroups/rg").action
        == "Microsoft.Resources/subscriptions/resourcegroups/write"
    )


def test_a_resource_named_providers_is_a_name_not_a_namespace_marker():
    path = STORAGE + "/blobServices/default/containers/providers"
    assert operation_for("DELETE", path).action == "Microsoft.Storage/storageAccounts/blobServices/containers/delete"


@pytest.mark.parametrize("path", ["/metadata/endpoints", "/", "/tenant-id/oauth2/v2.0/token"])
def test_paths_outside_resource_manager_have_no_operation(path):
    assert operation_for("GET", path) is None
