"""The Microsoft Graph imitation that azure-cli's role commands use to resolve principals: found through the cloud
metadata, reached with an azure-identity token for the Graph resource, refusing ARM tokens (and ARM refusing
Graph tokens), and answering in Graph's shapes."""

import time
import uuid

import pytest
from seeded_endpoint import seeded_endpoint

OTHER_TENANT = "0f0f0f0f-1111-4222-8333-444444444444"
GROUP_ID = "6c1d0a2e-9b8f-4c3d-a2e1-0f9e8d7c6b5a"
FOREIGN = "foreign-app"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    yield from seeded_endpoint(
        tmp_path_factory,
        {
            "tenants": [{"id": OTHER_TENANT}],
            "principals": [{"name": FOREIGN, "tenant_id": OTHER_TENANT}],
            "groups": [{"object_id": GROUP_ID, "display_name": "Graph test group"}],
        },
    )


@pytest.fixture(scope="module")
def graph_resource(endpoint):
    document = endpoint.session.get(
        f"{endpoint.arm}/metadata/endpoints", params={"api-version": "2022-09-01"}, verify=endpoint.ca, timeout=10
    ).json()
    return document["microsoftGraphResourceId"]


@pytest.fixture(scope="module")
def graph(endpoint, graph_resource):
    """A request to Graph as azure-cli makes it: ``{resource without trailing /}/v1.0/...``, token for the
    resource's ``/.default`` scope (azure-cli's resource_to_scopes keeps the trailing slash)."""
    token = endpoint.credential().get_token(graph_resource + "/.default").token

    def call(method, path, token_value=token, **kwargs):
        return endpoint.session.request(
            method,
            f"{graph_resource.rstrip('/')}/v1.0{path}",
            verify=endpoint.ca,
            headers={"Authorization": f"Bearer {token_value}"},
            timeout=10,
            **kwargs,
        )

    return call


def test_metadata_points_graph_at_the_endpoint(endpoint, graph_resource):
    assert graph_resource.startswith(endpoint.arm + "/") and graph_resource.endswith("/")
    assert graph_resource.rstrip("/") != endpoint.arm, "Graph needs an audience of its own"


def test_get_by_ids_resolves_known_principals_and_groups(endpoint, graph):
    deployer = endpoint.principal("deployer")
    developer = endpoint.principal("model-developer-test")
    unknown = str(uuid.uuid4())
    response = graph(
        "POST",
        "/directoryObjects/getByIds",
        json={
            "ids": [developer["object_id"], unknown, GROUP_ID, deployer["object_id"]],
            "types": ["user", "group", "servicePrincipal", "directoryObjectPartnerReference"],
        },
    )
    assert response.status_code == 200, response.text
    value = response.json()["value"]
    assert [(item["@odata.type"], item["id"]) for item in value] == [
        ("#microsoft.graph.servicePrincipal", developer["object_id"]),
        ("#microsoft.graph.group", GROUP_ID),
        ("#microsoft.graph.servicePrincipal", deployer["object_id"]),
    ]
    assert value[0]["appId"] == developer["client_id"] and value[0]["displayName"] == "model-developer-test"
    assert value[0]["servicePrincipalNames"] == [developer["client_id"]]
    assert value[1]["displayName"] == "Graph test group"
    only_groups = graph(
        "POST", "/directoryObjects/getByIds", json={"ids": [developer["object_id"], GROUP_ID], "types": ["group"]}
    ).json()["value"]
    assert [item["id"] for item in only_groups] == [GROUP_ID]
    bad = graph("POST", "/directoryObjects/getByIds", json={"ids": ["not-a-guid"]})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "Request_BadRequest"


def test_service_principal_by_id_and_by_app_id_filter(endpoint, graph):
    developer = endpoint.principal("model-developer-test")
    by_id = graph("GET", f"/servicePrincipals/{developer['object_id']}")
    assert by_id.status_code == 200 and by_id.json()["appId"] == developer["client_id"]
    assert by_id.json()["@odata.context"].endswith("/v1.0/$metadata#servicePrincipals/$entity")
    app_id = developer["client_id"]
    for text in (
        f"servicePrincipalNames/any(c:c eq '{app_id}')",
        f"appId eq '{app_id.upper()}'",
        f"servicePrincipalNames/any(x:x eq '{app_id}') and appId eq '{app_id}'",
    ):
        listed = graph("GET", "/servicePrincipals", params={"$filter": text})
        assert listed.status_code == 200, listed.text
        assert [item["id"] for item in listed.json()["value"]] == [developer["object_id"]], text
    none = graph("GET", "/servicePrincipals", params={"$filter": f"appId eq '{uuid.uuid4()}'"})
    assert none.status_code == 200 and none.json()["value"] == []
    unsupported = graph("GET", "/servicePrincipals", params={"$filter": "startswith(displayName,'m')"})
    assert unsupported.status_code == 400 and unsupported.json()["error"]["code"] == "Request_UnsupportedQuery"
    users = graph("GET", "/users", params={"$filter": "userPrincipalName eq 'someone@example.com'"})
    assert users.status_code == 200 and users.json()["value"] == []


def test_missing_objects_are_graphs_404(endpoint, graph):
    deployer = endpoint.principal("deployer")
    missing = str(uuid.uuid4())
    for path in (
        f"/users/{deployer['object_id']}",
        f"/servicePrincipals/{missing}",
        f"/groups/{missing}",
        f"/groups/{deployer['object_id']}",
    ):
        response = graph("GET", path)
        assert response.status_code == 404, path
        error = response.json()["error"]
        assert error["code"] == "Request_ResourceNotFound" and error["message"].startswith("Resource '")
        assert set(error["innerError"]) >= {"date", "request-id", "client-request-id"}
    group = graph("GET", f"/groups/{GROUP_ID}")
    assert group.status_code == 200 and group.json()["securityEnabled"] is True


def test_another_tenants_objects_are_invisible(endpoint, graph):
    foreign = endpoint.principal(FOREIGN)
    assert graph("GET", f"/servicePrincipals/{foreign['object_id']}").status_code == 404
    found = graph("POST", "/directoryObjects/getByIds", json={"ids": [foreign["object_id"]]}).json()["value"]
    assert found == []


def test_graph_and_arm_refuse_each_others_tokens(endpoint, graph, graph_resource):
    arm_token = endpoint.token()
    refused = graph("GET", f"/servicePrincipals/{endpoint.principal()['object_id']}", token_value=arm_token)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert "audience" in refused.json()["error"]["message"].lower()
    assert refused.headers["WWW-Authenticate"].startswith("Bearer ")
    empty = endpoint.session.get(f"{graph_resource}v1.0/groups/{GROUP_ID}", verify=endpoint.ca, timeout=10)
    assert empty.status_code == 401 and empty.json()["error"]["message"] == "Access token is empty."
    forged = graph("GET", f"/groups/{GROUP_ID}", token_value=arm_token[:-8] + "AAAAAAAA")
    assert forged.status_code == 401
    graph_token = endpoint.credential().get_token(graph_resource + ".default").token
    arm_refused = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups", token=graph_token)
    assert arm_refused.status_code == 401
    assert arm_refused.json()["error"]["code"] == "InvalidAuthenticationTokenAudience"


def _resigned(endpoint, token, **changes):
    import jwt
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key((endpoint.state_dir / "signing-key.pem").read_bytes(), password=None)
    claims = {**jwt.decode(token, options={"verify_signature": False}), **changes}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": jwt.get_unverified_header(token)["kid"]})


def test_graph_checks_lifetime_and_issuer(endpoint, graph, graph_resource):
    token = endpoint.credential().get_token(graph_resource + ".default").token
    path = f"/groups/{GROUP_ID}"
    assert graph("GET", path, token_value=_resigned(endpoint, token)).status_code == 200
    expired = graph("GET", path, token_value=_resigned(endpoint, token, exp=int(time.time()) - 60))
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]
    odd_expiry = graph("GET", path, token_value=_resigned(endpoint, token, exp="soon"))
    assert odd_expiry.status_code == 401
    foreign_issuer = graph("GET", path, token_value=_resigned(endpoint, token, iss="https://sts.example.com/x/"))
    assert foreign_issuer.status_code == 401 and foreign_issuer.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_what_graph_does_not_serve_answers_in_graphs_shape(endpoint, graph):
    unknown = graph("GET", "/me")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "BadRequest"
    assert unknown.json()["error"]["message"] == "Resource not found for the segment 'me'."
    write = graph("DELETE", f"/servicePrincipals/{endpoint.principal('model-developer-test')['object_id']}")
    assert write.status_code == 403 and write.json()["error"]["code"] == "Authorization_RequestDenied"
    assert "innerError" in write.json()["error"]
    anonymous = endpoint.session.get(f"{endpoint.arm}/graph/v1.0/me", verify=endpoint.ca, timeout=10)
    assert anonymous.status_code == 401
