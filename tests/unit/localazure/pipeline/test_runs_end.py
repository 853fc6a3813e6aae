"""A deployment never stays Running (issue 8, section 2): any failure inside a run, even while its record is
written, ends it Failed with an error body and a failed operation. In process: an ``App`` in ``tmp_path``, the
deployment made through the app's one pipeline as the seeded deployer."""

import json
import threading

import pytest

from localazure.deployments.records import DeploymentRecords
from localazure.deployments.runner import Run
from localazure.http import Request

GROUP = "rg-runs-end"
TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "resources": [],
    "outputs": {"greeting": {"type": "string", "value": "[concat('hello ', resourceGroup().name)]"}},
}


@pytest.fixture
def deployer(principal):
    return principal("deployer")


def _request(method, path, principal, body=None, api_version="2025-04-01"):
    return Request(
        method, path, {"api-version": api_version}, {}, json.dumps(body).encode() if body else b"", principal=principal
    )


def _deploy(app, deployer, name: str, template: dict = TEMPLATE) -> dict:
    """Deploy ``template`` and wait for its run thread; returns the record and its operations."""
    subscription = f"/subscriptions/{app.store.subscriptions(deployer.tenant_id)[0]['subscription_id']}"
    group = f"{subscription}/resourceGroups/{GROUP}"
    app.dispatch(_request("PUT", group, deployer, {"location": "westeurope"}))
    path = f"{group}/providers/Microsoft.Resources/deployments/{name}"
    started = set(threading.enumerate())
    response = app.dispatch(
        _request("PUT", path, deployer, {"properties": {"mode": "Incremental", "template": template}})
    )
    assert response.status == 201
    for thread in set(threading.enumerate()) - started:
        if thread.name.startswith("localazure-deployment-"):
            thread.join(timeout=60)
    record = app.deployments.records.get(path)
    return {"record": record, "operations": app.deployments.records.operations(path)}


def test_a_run_that_succeeds_records_its_outputs(app, deployer):
    done = _deploy(app, deployer, "fine")
    assert done["record"]["properties"]["provisioningState"] == "Succeeded"
    assert done["record"]["properties"]["outputs"]["greeting"]["value"] == f"hello {GROUP}"


def test_a_failure_while_the_record_is_written_ends_it_failed(app, deployer, monkeypatch):
    """The crash of issue 8: ``TypeError: Object of type UnknownValue is not JSON serializable`` while the
    succeeded record was written left the deployment Running for ever."""
    original = DeploymentRecords.update

    def update(self, deployment_id, body):
        if body["properties"].get("provisioningState") == "Succeeded":
            raise TypeError("Object of type UnknownValue is not JSON serializable")
        return original(self, deployment_id, body)

    monkeypatch.setattr(DeploymentRecords, "update", update)
    done = _deploy(app, deployer, "crash-on-record")
    properties = done["record"]["properties"]
    assert properties["provisioningState"] == "Failed"
    assert properties["error"]["code"] == "DeploymentFailed"
    assert properties["error"]["details"][0]["code"] == "InternalServerError"
    assert "not JSON serializable" in properties["error"]["details"][0]["message"]
    failed = [item for item in done["operations"] if item["properties"]["provisioningState"] == "Failed"]
    assert failed and failed[0]["properties"]["statusMessage"]["error"]["code"] == "InternalServerError"


def test_a_bug_inside_the_run_ends_it_failed(app, deployer, monkeypatch):
    def broken(self):
        raise RuntimeError("forced internal error")

    monkeypatch.setattr(Run, "_deploy", broken)
    done = _deploy(app, deployer, "forced")
    properties = done["record"]["properties"]
    assert properties["provisioningState"] == "Failed"
    assert "forced internal error" in properties["error"]["details"][0]["message"]
    assert [item["properties"]["provisioningState"] for item in done["operations"]] == ["Failed"]


def test_a_runs_writes_are_logged_as_its_callers(app, deployer):
    vnet = {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": "2023-04-01",
        "name": "vnet-logged",
        "location": "westeurope",
        "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}},
    }
    done = _deploy(app, deployer, "logged", {**TEMPLATE, "resources": [vnet]})
    assert done["record"]["properties"]["provisioningState"] == "Succeeded"
    logged = app.request_log.query(path="/virtualNetworks/vnet-logged")
    assert [(item["method"], item["status"], item["principal"]["object_id"]) for item in logged] == [
        ("PUT", 201, deployer.object_id)
    ]
