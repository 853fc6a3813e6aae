"""Azure Policy's modify effect on a real endpoint process (localazure/policy.py): an assignment, from the seed or
``/_admin/policy-assignments``, changes what later PUTs and PATCHes in its scope store, as Azure changes the request
before the resource provider sees it. Requests outside the scope, or of other types, are stored as sent."""

from __future__ import annotations

import pytest
import requests

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05", "--no-throttling")
SEEDED_GROUP = "rg-policy-seeded"
ADMIN_GROUP = "rg-policy-admin"
OTHER_GROUP = "rg-policy-untouched"
REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries"
REGISTRY_API = "2023-07-01"
ADMIN_USER_ON = {
    "if": {"field": "type", "equals": REGISTRY_TYPE},
    "then": {
        "effect": "modify",
        "details": {
            "operations": [
                {"operation": "addOrReplace", "field": f"{REGISTRY_TYPE}/adminUserEnabled", "value": True},
                {"operation": "addOrReplace", "field": "tags['drifted']", "value": "yes"},
            ]
        },
    },
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    from seeded_endpoint import seeded_endpoint

    subscription = "11111111-2222-4333-8444-555555555555"
    seed = {
        "policy_assignments": [
            {
                "name": "seeded-admin-user-on",
                "scope": f"/subscriptions/{subscription}/resourceGroups/{SEEDED_GROUP}",
                "policy_rule": ADMIN_USER_ON,
            }
        ]
    }
    yield from seeded_endpoint(tmp_path_factory, seed, *ENDPOINT_ARGS)


def group_id(endpoint, group: str) -> str:
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}"


def create_registry(endpoint, group: str, name: str) -> dict:
    created = endpoint.call("PUT", group_id(endpoint, group), api_version="2024-11-01", body={"location": "westeurope"})
    assert created.status_code in (200, 201), created.text
    registry_id = f"{group_id(endpoint, group)}/providers/{REGISTRY_TYPE}/{name}"
    body = {"location": "westeurope", "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": False}}
    response = endpoint.call("PUT", registry_id, api_version=REGISTRY_API, body=body)
    assert response.status_code in (200, 201), response.text
    stored = endpoint.call("GET", registry_id, api_version=REGISTRY_API)
    assert stored.status_code == 200, stored.text
    return stored.json()


def test_a_seeded_assignment_modifies_creates_in_its_scope_only(endpoint):
    drifted = create_registry(endpoint, SEEDED_GROUP, "acrpolicyseeded")
    assert drifted["properties"]["adminUserEnabled"] is True
    assert drifted["tags"] == {"drifted": "yes"}
    untouched = create_registry(endpoint, OTHER_GROUP, "acrpolicyother")
    assert untouched["properties"]["adminUserEnabled"] is False
    assert "drifted" not in (untouched.get("tags") or {})


def test_an_assignment_added_at_run_time_modifies_patches_and_can_be_cleared(endpoint):
    registry = create_registry(endpoint, ADMIN_GROUP, "acrpolicyadmin")
    assert registry["properties"]["adminUserEnabled"] is False
    endpoint.admin(
        "POST",
        "policy-assignments",
        {"name": "admin-user-on", "scope": group_id(endpoint, ADMIN_GROUP), "policy_rule": ADMIN_USER_ON},
    )
    try:
        names = [item["name"] for item in endpoint.admin("GET", "policy-assignments")["value"]]
        assert names == ["seeded-admin-user-on", "admin-user-on"]
        patched = endpoint.call("PATCH", registry["id"], api_version=REGISTRY_API, body={"tags": {"team": "ml"}})
        assert patched.status_code == 200, patched.text
        assert patched.json()["properties"]["adminUserEnabled"] is True
        assert patched.json()["tags"] == {"team": "ml", "drifted": "yes"}
    finally:
        endpoint.admin("DELETE", "policy-assignments")
    assert endpoint.admin("GET", "policy-assignments")["value"] == []
    restored = endpoint.call(
        "PATCH", registry["id"], api_version=REGISTRY_API, body={"properties": {"adminUserEnabled": False}}
    )
    assert restored.status_code == 200 and restored.json()["properties"]["adminUserEnabled"] is False


@pytest.mark.parametrize(
    ("policy_rule", "named"),
    [
        ({"if": {"field": "type", "equals": REGISTRY_TYPE}, "then": {"effect": "deny"}}, "only the modify effect"),
        ({"if": {"field": "sku.name", "equals": "Basic"}, "then": {"effect": "modify"}}, "condition field"),
        (
            {
                "if": {"field": "type", "equals": REGISTRY_TYPE},
                "then": {"effect": "modify", "details": {"operations": [{"operation": "add", "field": "x/y/z"}]}},
            },
            "addOrReplace or remove",
        ),
    ],
)
def test_an_assignment_the_endpoint_does_not_serve_is_refused(endpoint, policy_rule, named):
    response = requests.post(
        f"{endpoint.arm}/_admin/policy-assignments",
        json={"name": "unserved", "scope": group_id(endpoint, ADMIN_GROUP), "policy_rule": policy_rule},
        headers={"x-localazure-admin": endpoint.admin_secret},
        timeout=10,
        verify=endpoint.ca,
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "InvalidRequestContent"
    assert named in response.json()["error"]["message"]
