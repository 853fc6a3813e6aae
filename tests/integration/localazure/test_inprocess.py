"""The in-process endpoint (inprocess.py): SDK clients and token requests reach ``App.handle`` without a socket,
and stopping it leaves no thread of its own running."""

import socket
import threading

import pytest
import requests

from inprocess import InProcessEndpoint

VNET_TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "resources": [
        {
            "type": "Microsoft.Network/virtualNetworks",
            "apiVersion": "2023-04-01",
            "name": "vnet-thread",
            "location": "westeurope",
            "properties": {"addressSpace": {"addressPrefixes": ["10.60.0.0/16"]}},
        }
    ],
}


@pytest.fixture
def no_sockets(monkeypatch):
    def refuse(self, address):
        raise AssertionError(f"the in-process endpoint opened a socket to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def test_sdk_clients_and_token_requests_never_open_a_socket(tmp_path, no_sockets):
    endpoint = InProcessEndpoint(tmp_path / "state", "--no-throttling")
    try:
        token = endpoint.credential().get_token(f"{endpoint.arm}/.default")
        assert token.token.count(".") == 2
        client = endpoint.resource_client()
        client.resource_groups.create_or_update("rg-inprocess", {"location": "westeurope"})
        names = {group.name for group in client.resource_groups.list()}
        assert {"rg-inprocess", "rg-it4ad-network-local"} <= names
        assert client.resource_groups.check_existence("rg-inprocess") is True
        logged = endpoint.requests_log(path="rg-inprocess")
        assert [entry["method"] for entry in logged] == ["PUT", "HEAD"]
    finally:
        endpoint.stop()


def test_a_dropped_connection_is_a_connection_error(tmp_path):
    endpoint = InProcessEndpoint(tmp_path / "state")
    try:
        endpoint.admin(
            "POST", "faults", {"method": "GET", "path": "rg-it4ad-network-local$", "count": 1, "status": "drop"}
        )
        path = f"/subscriptions/{endpoint.subscription_id}/resourcegroups/rg-it4ad-network-local"
        with pytest.raises(requests.ConnectionError):
            endpoint.call("GET", path)
        assert endpoint.call("GET", path).status_code == 200
    finally:
        endpoint.stop()


def test_stop_waits_for_the_sweeper_and_running_deployments(tmp_path):
    before = set(threading.enumerate())
    endpoint = InProcessEndpoint(tmp_path / "state", "--lro-retry-after", "0")
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    client = endpoint.mgmt_client(DeploymentsMgmtClient)
    endpoint.resource_client().resource_groups.create_or_update("rg-thread", {"location": "westeurope"})
    client.deployments.begin_create_or_update(
        "rg-thread", "dep-thread", {"properties": {"mode": "Incremental", "template": VNET_TEMPLATE}}
    )
    assert set(threading.enumerate()) - before, "the app runs background threads (sweeper, request log, runs)"
    endpoint.stop()
    assert [thread.name for thread in set(threading.enumerate()) - before if thread.is_alive()] == []
