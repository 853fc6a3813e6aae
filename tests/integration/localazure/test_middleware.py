"""Throttling and fault injection, and that azure-core's retry policy recovers from them."""

import pytest

ENDPOINT_PROCESS = True  # process and TLS smoke suite: dropped connections and latency as a socket sees them

GROUPS = "/subscriptions/{}/resourcegroups"


@pytest.fixture(autouse=True)
def reset(endpoint):
    yield
    endpoint.admin("DELETE", "faults")
    endpoint.admin(
        "PUT",
        "config/throttling",
        {
            "enabled": True,
            "read_capacity": 250,
            "read_refill_per_second": 25,
            "write_capacity": 200,
            "write_refill_per_second": 10,
        },
    )


def test_every_arm_response_carries_the_remaining_reads(endpoint):
    response = endpoint.call("GET", GROUPS.format(endpoint.subscription_id))
    assert int(response.headers["x-ms-ratelimit-remaining-subscription-reads"]) <= 249
    response = endpoint.call(
        "PUT", GROUPS.format(endpoint.subscription_id) + "/rg-throttle", body={"location": "westeurope"}
    )
    assert int(response.headers["x-ms-ratelimit-remaining-subscription-writes"]) <= 199


def test_empty_bucket_gives_429_and_the_sdk_recovers(endpoint):
    endpoint.admin("PUT", "config/throttling", {"read_capacity": 2, "read_refill_per_second": 1})
    token = endpoint.token()
    statuses = [endpoint.call("GET", GROUPS.format(endpoint.subscription_id), token=token) for dummy_call in range(3)]
    assert [item.status_code for item in statuses] == [200, 200, 429]
    throttled = statuses[-1]
    assert throttled.json()["error"]["code"] == "SubscriptionRequestsThrottled"
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.headers["x-ms-ratelimit-remaining-subscription-reads"] == "0"
    client = endpoint.resource_client()
    assert [group.name for group in client.resource_groups.list()]  # waits Retry-After, then succeeds
    codes = [item["status"] for item in endpoint.requests_log(method="GET", path="/resourcegroups")]
    assert 429 in codes and codes[-1] == 200


def test_next_requests_fail_with_503_then_the_sdk_retries(endpoint):
    client = endpoint.resource_client(retry_backoff_factor=0.01)
    since = endpoint.admin("GET", "requests")["last_seq"]
    endpoint.admin(
        "POST",
        "faults",
        {"method": "GET", "path": "/resourcegroups/rg-it4ad-network-local$", "count": 2, "status": 503},
    )
    assert client.resource_groups.get("rg-it4ad-network-local").name == "rg-it4ad-network-local"
    codes = [item["status"] for item in endpoint.requests_log(since=str(since), path="rg-it4ad-network-local")]
    assert codes == [503, 503, 200]
    failed = endpoint.admin("POST", "faults", {"path": "/resourcegroups/rg-it4ad-network-local$", "status": 500})
    assert failed["remaining"] == 1
    response = endpoint.call("GET", GROUPS.format(endpoint.subscription_id) + "/rg-it4ad-network-local")
    assert response.status_code == 500 and response.json()["error"]["code"] == "InternalServerError"


def test_dropped_connection_is_retried_by_the_sdk(endpoint):
    client = endpoint.resource_client(retry_backoff_factor=0.01)
    since = endpoint.admin("GET", "requests")["last_seq"]
    endpoint.admin("POST", "faults", {"method": "GET", "path": "rg-it4ad-network-local$", "count": 1, "status": "drop"})
    assert client.resource_groups.get("rg-it4ad-network-local").location == "westeurope"
    codes = [item["status"] for item in endpoint.requests_log(since=str(since), path="rg-it4ad-network-local")]
    assert codes == [0, 200]  # 0: answered with a dropped connection


def test_added_latency(endpoint):
    endpoint.admin(
        "POST", "latency", {"method": "GET", "path": "rg-it4ad-network-local$", "milliseconds": 300, "count": 1}
    )
    token = endpoint.token()
    slow = endpoint.call("GET", GROUPS.format(endpoint.subscription_id) + "/rg-it4ad-network-local", token=token)
    fast = endpoint.call("GET", GROUPS.format(endpoint.subscription_id) + "/rg-it4ad-network-local", token=token)
    assert slow.elapsed.total_seconds() >= 0.3 > fast.elapsed.total_seconds()
