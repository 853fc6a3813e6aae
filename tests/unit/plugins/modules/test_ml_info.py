"""The info modules' main() on fake MLClient operations: facts, a missing name as an empty list, a missing
workspace as a clear failure, and no secret in the output."""

from types import SimpleNamespace

import pytest
from test_ml_datastore import AUTH, SECRET, FakeDatastores, NotFound, blob, run_main

from ansible_collections.it4ad.dlinfra.plugins.module_utils import client_factory
from ansible_collections.it4ad.dlinfra.plugins.modules import ml_compute_info, ml_datastore_info, ml_workspace_info

entities = pytest.importorskip("azure.ai.ml.entities")


def missing(name=None, **kwargs):
    raise NotFound(name)


@pytest.fixture
def client(monkeypatch):
    cluster = entities.AmlCompute(
        name="gpu",
        size="Standard_NC6s_v3",
        min_instances=0,
        max_instances=4,
        tier="low_priority",
        enable_node_public_ip=False,
        network_settings=entities.NetworkSettings(subnet="/subnets/snet-ml"),
    )
    workspace = entities.Workspace(name="ws", location="westeurope", public_network_access="Disabled")
    fake = SimpleNamespace(
        datastores=FakeDatastores(
            blob("workspaceblobstore"), blob("keyed", credentials=entities.AccountKeyConfiguration(account_key=SECRET))
        ),
        compute=SimpleNamespace(
            list=lambda: iter([cluster]), get=lambda name: cluster if name == "gpu" else missing(name)
        ),
        workspaces=SimpleNamespace(
            list=lambda scope: iter([workspace]), get=lambda name: workspace if name == "ws" else missing(name)
        ),
    )
    factory = SimpleNamespace(ml_client=lambda resource_group, workspace_name=None: fake)
    monkeypatch.setattr(client_factory, "ClientFactory", lambda options: factory)
    return fake


def run(module, capsys, **args):
    return run_main(module, {"resource_group": "rg", **AUTH, **args}, capsys)


def test_datastore_info_lists_without_secrets(client, capsys):
    result = run(ml_datastore_info, capsys, workspace_name="ws")
    assert result["changed"] is False
    assert [item["name"] for item in result["datastores"]] == ["keyed", "workspaceblobstore"]
    keyed, default = result["datastores"]
    assert keyed["credentials_type"] == "account_key" and default["is_default"] and not keyed["is_default"]
    assert SECRET not in str(result)


def test_datastore_info_by_name_and_missing_name(client, capsys):
    assert [
        item["name"] for item in run(ml_datastore_info, capsys, workspace_name="ws", name="keyed")["datastores"]
    ] == ["keyed"]
    assert run(ml_datastore_info, capsys, workspace_name="ws", name="nope")["datastores"] == []


def test_missing_workspace_fails_clearly(client, capsys):
    client.datastores.list = missing
    client.compute.list = missing
    for module in (ml_datastore_info, ml_compute_info):
        result = run(module, capsys, workspace_name="gone")
        assert result["failed"] and "workspace 'gone' does not exist in resource group 'rg'" in result["msg"]


def test_workspace_info(client, capsys):
    [workspace] = run(ml_workspace_info, capsys)["workspaces"]
    assert workspace["name"] == "ws" and workspace["public_network_access"] == "Disabled"
    assert run(ml_workspace_info, capsys, name="nope")["workspaces"] == []


def test_compute_info(client, capsys):
    [cluster] = run(ml_compute_info, capsys, workspace_name="ws")["computes"]
    assert (cluster["size"], cluster["max_instances"], cluster["tier"], cluster["subnet"]) == (
        "Standard_NC6s_v3",
        4,
        "low_priority",
        "/subnets/snet-ml",
    )
    assert run(ml_compute_info, capsys, workspace_name="ws", name="nope")["computes"] == []
