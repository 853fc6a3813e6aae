"""ml_datastore's main() with the SDK boundary replaced by an in-memory workspace: the JSON result, check mode,
diff, secrets and argument errors before any client is built."""

import json
from types import SimpleNamespace

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.it4ad.dlinfra.plugins.module_utils import client_factory
from ansible_collections.it4ad.dlinfra.plugins.modules import ml_datastore

entities = pytest.importorskip("azure.ai.ml.entities")

SECRET = "c2VjcmV0LWtleQ=="
OWNED = {"managed-by": "it4ad.dlinfra"}
AUTH = {"client_id": "c", "secret": "unit-test-client-secret", "tenant": "t", "subscription_id": "sub"}


class NotFound(Exception):
    status_code = 404


def blob(name, tags=None, credentials=None, **fields):
    options = {"account_name": "stdata", "container_name": "datasets", **fields}
    return entities.AzureBlobDatastore(name=name, tags=tags or {}, credentials=credentials, **options)


class FakeDatastores:
    """The datastore operations of an MLClient over a dict; secrets are dropped as Azure does on read."""

    def __init__(self, *datastores):
        self.items = {item.name: item for item in datastores}
        self.written, self.deleted = [], []

    def list(self):
        return iter(list(self.items.values()))

    def get(self, name):
        if name not in self.items:
            raise NotFound(name)
        return self.items[name]

    def get_default(self):
        return self.items["workspaceblobstore"]

    def create_or_update(self, datastore):
        self.written.append(datastore)
        credentials = datastore.credentials
        if isinstance(credentials, entities.AccountKeyConfiguration):
            credentials = entities.AccountKeyConfiguration(account_key=None)
        elif isinstance(credentials, entities.SasTokenConfiguration):
            credentials = entities.SasTokenConfiguration(sas_token=None)
        self.items[datastore.name] = blob(
            datastore.name,
            dict(datastore.tags),
            credentials,
            account_name=datastore.account_name,
            container_name=datastore.container_name,
            description=datastore.description,
        )
        return datastore

    def delete(self, name):
        self.deleted.append(name)
        if self.items.pop(name, None) is None:
            raise NotFound(name)


def system_datastores():
    return [blob("workspaceblobstore", container_name="azureml-blobstore"), blob("dev_scratch")]


class FakeFactory:
    """Stands in for ClientFactory; records how it was built."""

    built = []

    def __init__(self, client):
        self.client = client

    def ml_client(self, resource_group, workspace_name=None):
        FakeFactory.built.append((resource_group, workspace_name))
        return self.client


@pytest.fixture
def workspace(monkeypatch):
    """Patches the client factory; returns the fake MLClient whose ``datastores`` a test may replace."""
    client = SimpleNamespace(
        datastores=FakeDatastores(*system_datastores()),
        workspaces=SimpleNamespace(get=lambda name: SimpleNamespace(name=name)),
    )
    FakeFactory.built = []
    monkeypatch.setattr(client_factory, "ClientFactory", lambda options: FakeFactory(client))
    return client


def run_main(module, args, capsys):
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


def run(args, capsys, check=False, diff=False):
    options = {
        "resource_group": "rg",
        "workspace_name": "ws",
        **AUTH,
        "_ansible_check_mode": check,
        "_ansible_diff": diff,
        **args,
    }
    return run_main(ml_datastore, options, capsys)


DATASETS = {
    "name": "shared_datasets",
    "account_name": "stdata",
    "container_name": "datasets",
    "description": "Shared datasets",
    "tags": {"wp": "perception"},
}
KEYED = {
    "name": "shared_metrics",
    "account_name": "stdata",
    "container_name": "metrics",
    "credentials": {"account_key": SECRET},
}


def test_check_mode_predicts_and_writes_nothing(workspace, capsys):
    result = run({"datastores": [DATASETS, KEYED]}, capsys, check=True)
    assert result["changed"] and result["created"] == ["shared_datasets", "shared_metrics"]
    assert workspace.datastores.written == [] and workspace.datastores.deleted == []
    assert "shared_datasets" not in result["diff"]["before"]
    assert result["diff"]["after"]["shared_datasets"]["tags"] == {"wp": "perception", **OWNED}
    assert result["diff"]["after"]["shared_metrics"]["credentials_type"] == "account_key"
    assert SECRET not in json.dumps(result)


def test_apply_then_rerun_is_unchanged(workspace, capsys):
    result = run({"datastores": [DATASETS, KEYED]}, capsys)
    assert result["changed"] and result["created"] == ["shared_datasets", "shared_metrics"]
    written = {item.name: item for item in workspace.datastores.written}
    assert written["shared_metrics"].credentials.account_key == SECRET
    assert written["shared_datasets"].tags == {"wp": "perception", **OWNED}
    assert written["shared_datasets"].credentials.type != "account_key"
    assert SECRET not in json.dumps(result)
    returned = {item["name"]: item for item in result["datastores"]}
    assert (
        returned["workspaceblobstore"]["is_default"] and returned["shared_metrics"]["credentials_type"] == "account_key"
    )
    assert result["diff"]["before_header"] == "datastores of workspace 'ws' (before)"

    workspace.datastores.written.clear()
    again = run({"datastores": [DATASETS, KEYED]}, capsys)
    assert again["changed"] is False and workspace.datastores.written == [] and "diff" not in again
    shown = run({"datastores": [DATASETS, KEYED]}, capsys, check=True, diff=True)
    assert shown["changed"] is False and shown["diff"]["before"] == shown["diff"]["after"]


def test_a_changed_field_updates_only_that_datastore(workspace, capsys):
    run({"datastores": [DATASETS, KEYED]}, capsys)
    workspace.datastores.written.clear()
    result = run({"datastores": [dict(DATASETS, container_name="datasets-v2"), KEYED]}, capsys)
    assert result["updated"] == ["shared_datasets"]
    assert result["differences"] == {"shared_datasets": ["container_name"]}
    assert [item.name for item in workspace.datastores.written] == ["shared_datasets"]


def test_switching_to_identity_is_a_difference(workspace, capsys):
    run({"datastores": [KEYED]}, capsys)
    identity = {key: value for key, value in KEYED.items() if key != "credentials"}
    result = run({"datastores": [identity]}, capsys)
    assert result["differences"] == {"shared_metrics": ["credentials_type"]}


def test_a_changed_secret_of_the_same_kind_is_not_detected(workspace, capsys):
    run({"datastores": [KEYED]}, capsys)
    rotated = dict(KEYED, credentials={"account_key": "bmV3LWtleQ=="})
    assert run({"datastores": [rotated]}, capsys)["changed"] is False


def test_exclusive_detaches_tagged_unlisted_only(workspace, capsys):
    run({"datastores": [DATASETS, KEYED]}, capsys)
    result = run({"datastores": [DATASETS], "exclusive": True}, capsys)
    assert result["removed"] == ["shared_metrics"] and workspace.datastores.deleted == ["shared_metrics"]
    assert {"workspaceblobstore", "dev_scratch", "shared_datasets"} == {item["name"] for item in result["datastores"]}


def test_check_mode_does_not_delete(workspace, capsys):
    run({"datastores": [DATASETS]}, capsys)
    result = run({"datastores": [{"name": "shared_datasets"}], "state": "absent"}, capsys, check=True)
    assert result["changed"] and result["removed"] == ["shared_datasets"] and workspace.datastores.deleted == []


def test_absent_twice(workspace, capsys):
    run({"datastores": [DATASETS]}, capsys)
    absent = {"datastores": [{"name": "shared_datasets"}, {"name": "never_there"}], "state": "absent"}
    assert run(absent, capsys)["removed"] == ["shared_datasets"]
    second = run(absent, capsys)
    assert second["changed"] is False and workspace.datastores.deleted == ["shared_datasets"]


def test_an_untagged_listed_datastore_fails_before_any_write(workspace, capsys):
    result = run({"datastores": [DATASETS, dict(DATASETS, name="dev_scratch")]}, capsys)
    assert result["failed"] and "'dev_scratch' exists without the tag" in result["msg"]
    assert workspace.datastores.written == []


@pytest.mark.parametrize(
    "entry, words",
    [
        ({"name": "x", "account_name": "stdata", "container_name": "UPPER"}, "container_name 'UPPER'"),
        ({"name": "x-y", "account_name": "stdata", "container_name": "ok1"}, "name 'x-y'"),
        (dict(KEYED, credentials={"account_key": SECRET, "sas_token": "sv=1"}), "both account_key and sas_token"),
    ],
)
def test_argument_errors_fail_before_a_client_is_built(workspace, capsys, entry, words):
    result = run({"datastores": [entry]}, capsys)
    assert result["failed"] and words in result["msg"] and "Fix:" in result["msg"]
    assert FakeFactory.built == [], "a client was built for invalid arguments"
    assert SECRET not in json.dumps(result)


def test_sdk_errors_become_one_readable_failure(workspace, capsys):
    class Denied(Exception):
        status_code = 403

    def deny(datastore):
        raise Denied("The client has no permission")

    workspace.datastores.create_or_update = deny
    result = run({"datastores": [DATASETS]}, capsys)
    assert result["failed"] and result["msg"].startswith("attach datastore 'shared_datasets' in workspace 'ws'")
    assert "Traceback" not in result["msg"]
