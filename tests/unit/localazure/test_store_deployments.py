"""Deployment records behind the Store: a run replaces the earlier one and its operations, a scope's records go
with the scope, and a what-if result counts its polls."""

import pytest

from localazure.store import Store

GROUP = "/subscriptions/s/resourceGroups/rg"
OTHER_GROUP = "/subscriptions/s/resourceGroups/other"
DEPLOYMENT = f"{GROUP}/providers/Microsoft.Resources/deployments/d"


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "state.sqlite3")


def _body(deployment_id, state):
    return {"id": deployment_id, "properties": {"provisioningState": state}}


def test_a_new_run_replaces_the_record_and_forgets_the_earlier_operations(store):
    store.start_deployment(DEPLOYMENT, GROUP, _body(DEPLOYMENT, "Accepted"), {"mode": "Incremental"}, "op-1")
    store.put_deployment_operation(DEPLOYMENT, {"operationId": "a", "n": 1})
    store.put_deployment_operation(DEPLOYMENT, {"operationId": "b", "n": 2})
    store.put_deployment_operation(DEPLOYMENT, {"operationId": "a", "n": 3})
    assert store.deployment_operations(DEPLOYMENT.upper()) == [
        {"operationId": "a", "n": 3},
        {"operationId": "b", "n": 2},
    ]

    store.start_deployment(DEPLOYMENT, GROUP, _body(DEPLOYMENT, "Running"), {"mode": "Complete"}, "op-2")
    row = store.deployment_row(DEPLOYMENT)
    assert (row["body"], row["request"], row["operation_id"]) == (
        _body(DEPLOYMENT, "Running"),
        {"mode": "Complete"},
        "op-2",
    )
    assert store.deployment_operations(DEPLOYMENT) == []

    store.set_deployment_body(DEPLOYMENT, _body(DEPLOYMENT, "Succeeded"))
    assert store.deployment(DEPLOYMENT) == _body(DEPLOYMENT, "Succeeded")


def test_deleting_a_scope_forgets_its_deployments_only(store):
    other = f"{OTHER_GROUP}/providers/Microsoft.Resources/deployments/d"
    store.start_deployment(DEPLOYMENT, GROUP, _body(DEPLOYMENT, "Succeeded"), {}, "op-1")
    store.put_deployment_operation(DEPLOYMENT, {"operationId": "a"})
    store.start_deployment(other, OTHER_GROUP, _body(other, "Running"), {}, "op-2")
    assert [body["id"] for body in store.deployments(GROUP)] == [DEPLOYMENT]

    store.delete_deployments_at(GROUP)
    assert store.deployment(DEPLOYMENT) is None
    assert store.deployment_operations(DEPLOYMENT) == []
    assert store.deployments() == [_body(other, "Running")]

    store.delete_deployment(other)
    assert store.deployments() == []


def test_a_what_if_result_counts_its_polls_within_its_subscription(store):
    store.add_what_if_result("token", "S", {"status": "Succeeded"})
    assert store.poll_what_if_result("token", "other") is None
    assert store.poll_what_if_result("TOKEN", "s") == (0, {"status": "Succeeded"})
    assert store.poll_what_if_result("token", "S") == (1, {"status": "Succeeded"})
