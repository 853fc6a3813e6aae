"""Data actions at blob-container and file-share scope (issue 9): an assignment there grants its data actions on
what is inside that container or share and nowhere else, and a group's assignment reaches its members."""

from localazure.rbac.builtin_roles import (
    BUILT_IN_ROLES,
    STORAGE_BLOB_DATA_CONTRIBUTOR,
    STORAGE_BLOB_DATA_READER,
    STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
)
from localazure.rbac.evaluation import Assignment, is_allowed

ACCOUNT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata"
CONTAINER = f"{ACCOUNT}/blobServices/default/containers/raw"
SHARE = f"{ACCOUNT}/fileServices/default/shares/azureml-filestore-1"
BLOB_WRITE = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"
BLOB_READ = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
FILE_WRITE = "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/write"


def _assignment(scope, role):
    return Assignment(scope, "group", BUILT_IN_ROLES[role])


def test_a_container_assignment_grants_data_actions_inside_that_container_only():
    assignments = [_assignment(CONTAINER, STORAGE_BLOB_DATA_CONTRIBUTOR)]
    assert is_allowed(assignments, f"{CONTAINER}/blobs/images/a.png", BLOB_WRITE, data_action=True)
    assert is_allowed(assignments, CONTAINER, BLOB_WRITE, data_action=True)
    assert not is_allowed(assignments, f"{ACCOUNT}/blobServices/default/containers/datasets", BLOB_WRITE, True)
    assert not is_allowed(assignments, f"{ACCOUNT}/blobServices/default/containers/raw2", BLOB_WRITE, True)
    assert not is_allowed(assignments, ACCOUNT, BLOB_WRITE, data_action=True)


def test_account_read_plus_container_write_leaves_other_containers_read_only():
    assignments = [
        _assignment(ACCOUNT, STORAGE_BLOB_DATA_READER),
        _assignment(CONTAINER, STORAGE_BLOB_DATA_CONTRIBUTOR),
    ]
    datasets = f"{ACCOUNT}/blobServices/default/containers/datasets"
    assert is_allowed(assignments, datasets, BLOB_READ, data_action=True)
    assert not is_allowed(assignments, datasets, BLOB_WRITE, data_action=True)
    assert is_allowed(assignments, CONTAINER, BLOB_WRITE, data_action=True)


def test_a_share_assignment_grants_file_data_actions_in_that_share_only():
    assignments = [_assignment(SHARE, STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR)]
    assert is_allowed(assignments, f"{SHARE}/files/code/run.py", FILE_WRITE, data_action=True)
    assert not is_allowed(assignments, f"{ACCOUNT}/fileServices/default/shares/other", FILE_WRITE, True)
    # Data actions are never control-plane actions.
    assert not is_allowed(assignments, SHARE, FILE_WRITE, data_action=False)
