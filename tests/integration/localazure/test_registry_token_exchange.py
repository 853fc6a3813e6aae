"""The container registries' token exchange (localazure/acr/) on a real endpoint process over HTTPS, with plain
requests as ``az acr login`` and docker make them: Entra tokens from azure-identity exchanged at
``/<registry>/oauth2/exchange``, access tokens from ``/oauth2/token`` whose ``access`` claim is what the caller's
role assignments at the registry allow, and ``/v2/``'s challenge."""

from __future__ import annotations

import base64
import json
import uuid

import jwt
import pytest
from azure.mgmt.containerregistry import ContainerRegistryManagementClient

from localazure.rbac.builtin_roles import ACR_PULL, ACR_PUSH, OWNER, READER

ENDPOINT_PROCESS = True
ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
GROUP = "rg-registry-tokens"
REGISTRY = "acrtokensmain"  # default policies: Entra tokens for ARM and for ACR both work
STRICT = "acrtokensstrict"  # azureADAuthenticationAsArmPolicy disabled: only ACR audience tokens
ANONYMOUS = "acrtokensanon"  # anonymousPullEnabled
ACR_SCOPE = "https://containerregistry.azure.net/.default"
NULL_GUID = "00000000-0000-0000-0000-000000000000"
REPOSITORY = "models/perception"
PULL_PUSH = f"repository:{REPOSITORY}:pull,push"
PULLER, PUSHER, NOBODY, MEMBER, READER_PRINCIPAL = (
    "acr-puller",
    "acr-pusher",
    "acr-nobody",
    "acr-group-member",
    "acr-reader",
)
PULLERS_GROUP = "6d1f2c3b-4a5e-4f60-8b7c-9d0e1f2a3b40"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    from seeded_endpoint import seeded_endpoint

    seed = {
        "principals": [{"name": name} for name in (PULLER, PUSHER, NOBODY, MEMBER, READER_PRINCIPAL)],
        "groups": [{"object_id": PULLERS_GROUP, "display_name": "registry pullers", "members": [MEMBER]}],
    }
    yield from seeded_endpoint(tmp_path_factory, seed, *ENDPOINT_ARGS)


def _group_id(endpoint) -> str:
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


def _registry_id(endpoint, name: str) -> str:
    return f"{_group_id(endpoint)}/providers/Microsoft.ContainerRegistry/registries/{name}"


def _assign(endpoint, principal_id: str, role: str, scope: str, principal_type: str = "ServicePrincipal") -> None:
    body = {
        "properties": {
            "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{role}",
            "principalId": principal_id,
            "principalType": principal_type,
        }
    }
    path = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}"
    response = endpoint.call("PUT", path, api_version="2022-04-01", body=body)
    assert response.status_code == 201, response.text


@pytest.fixture(scope="module")
def registries(endpoint):
    assert endpoint.call("PUT", _group_id(endpoint), body={"location": "westeurope"}).status_code == 201
    client = endpoint.mgmt_client(ContainerRegistryManagementClient)
    bodies = {
        REGISTRY: {"sku": {"name": "Premium"}, "properties": {"adminUserEnabled": True}},
        STRICT: {
            "sku": {"name": "Premium"},
            "properties": {"policies": {"azureADAuthenticationAsArmPolicy": {"status": "disabled"}}},
        },
        ANONYMOUS: {"sku": {"name": "Standard"}, "properties": {"anonymousPullEnabled": True}},
    }
    for name, body in bodies.items():
        client.registries.begin_create(GROUP, name, {"location": "westeurope", **body}).result()
    for name in (REGISTRY, STRICT):
        scope = _registry_id(endpoint, name)
        _assign(endpoint, endpoint.principal(PULLER)["object_id"], ACR_PULL, scope)
        _assign(endpoint, endpoint.principal(PUSHER)["object_id"], ACR_PUSH, scope)
        _assign(endpoint, PULLERS_GROUP, ACR_PULL, scope, principal_type="Group")
    _assign(endpoint, endpoint.principal(READER_PRINCIPAL)["object_id"], READER, _registry_id(endpoint, REGISTRY))
    return client


def _base(endpoint, registry: str) -> str:
    return endpoint.connection["registry_endpoint"].format(registry=registry)


def _service(registry: str) -> str:
    return f"{registry}.azurecr.io"


def _exchange(endpoint, registry: str, principal: str, scope: str | None = None, **fields):
    credential = endpoint.credential(principal)
    token = credential.get_token(scope or f"{endpoint.arm}/.default").token
    form = {
        "grant_type": "access_token",
        "service": _service(registry),
        "tenant": endpoint.tenant_id,
        "access_token": token,
        **fields,
    }
    return endpoint.session.post(f"{_base(endpoint, registry)}/oauth2/exchange", data=form, verify=endpoint.ca)


def _refresh_token(endpoint, registry: str, principal: str, scope: str | None = None) -> str:
    response = _exchange(endpoint, registry, principal, scope)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"refresh_token"}
    return response.json()["refresh_token"]


def _access(endpoint, registry: str, refresh_token: str, *scopes: str, method: str = "POST"):
    form = {"grant_type": "refresh_token", "service": _service(registry), "refresh_token": refresh_token}
    url = f"{_base(endpoint, registry)}/oauth2/token"
    if method == "POST":
        return endpoint.session.post(url, data={**form, "scope": list(scopes)}, verify=endpoint.ca)
    return endpoint.session.get(url, params={**form, "scope": list(scopes)}, verify=endpoint.ca)


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _granted(endpoint, registry: str, principal: str, scope: str = PULL_PUSH, aad_scope: str | None = None):
    refresh = _refresh_token(endpoint, registry, principal, aad_scope)
    response = _access(endpoint, registry, refresh, scope)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"access_token"}
    return _claims(response.json()["access_token"])


def _actions(claims: dict) -> list[str]:
    (entry,) = claims["access"]
    assert entry["type"] == "repository" and entry["name"] == REPOSITORY
    return entry["actions"]


def test_connection_file_names_the_registry_endpoint(endpoint):
    assert endpoint.connection["registry_endpoint"] == endpoint.arm + "/{registry}"


@pytest.mark.parametrize(
    ("principal", "expected"),
    [(PULLER, ["pull"]), (PUSHER, ["pull", "push"]), (NOBODY, []), (MEMBER, ["pull"]), ("deployer", ["pull", "push"])],
)
def test_access_follows_the_role_assignments(endpoint, registries, principal, expected):
    claims = _granted(endpoint, REGISTRY, principal)
    assert _actions(claims) == expected
    assert claims["aud"] == _service(REGISTRY) and claims["iss"] == "Azure Container Registry"
    assert claims["grant_type"] == "access_token" and claims["sub"] == endpoint.principal(principal)["object_id"]
    assert claims["iat"] < claims["exp"] <= claims["iat"] + 75 * 60


def test_reader_pulls_as_its_read_wildcard_allows(endpoint, registries):
    # Reader's */read matches Microsoft.ContainerRegistry/registries/pull/read.
    assert _actions(_granted(endpoint, REGISTRY, READER_PRINCIPAL)) == ["pull"]


def test_the_refresh_token_records_the_permissions(endpoint, registries):
    claims = _claims(_refresh_token(endpoint, REGISTRY, PUSHER))
    assert claims["grant_type"] == "refresh_token" and claims["tenant"] == endpoint.tenant_id
    assert claims["aud"] == _service(REGISTRY)
    assert claims["permissions"] == {
        "actions": [
            "Microsoft.ContainerRegistry/registries/pull/read",
            "Microsoft.ContainerRegistry/registries/push/write",
        ],
        "notActions": [],
    }


def test_the_tokens_are_signed_by_the_registry_and_checked(endpoint, registries):
    refresh = _refresh_token(endpoint, REGISTRY, PUSHER)
    header, payload, signature = refresh.split(".")
    claims = _claims(refresh)
    claims["permissions"]["actions"].append("Microsoft.ContainerRegistry/registries/artifacts/delete")
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = _access(endpoint, REGISTRY, f"{header}.{forged_payload}.{signature}", PULL_PUSH)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"
    # A refresh token of one registry is not one of another.
    assert _access(endpoint, STRICT, refresh, PULL_PUSH).status_code == 401


def test_the_token_endpoint_takes_get_and_several_scopes(endpoint, registries):
    refresh = _refresh_token(endpoint, REGISTRY, PULLER)
    response = _access(endpoint, REGISTRY, refresh, PULL_PUSH, "repository:other:push registry:catalog:*", method="GET")
    assert response.status_code == 200, response.text
    assert _claims(response.json()["access_token"])["access"] == [
        {"type": "repository", "name": REPOSITORY, "actions": ["pull"]},
        {"type": "repository", "name": "other", "actions": []},
        {"type": "registry", "name": "catalog", "actions": ["*"]},
    ]


def test_the_acr_audience_is_accepted(endpoint, registries):
    assert _actions(_granted(endpoint, REGISTRY, PUSHER, aad_scope=ACR_SCOPE)) == ["pull", "push"]


def test_arm_tokens_are_refused_where_the_policy_is_disabled(endpoint, registries):
    response = _exchange(endpoint, STRICT, PUSHER)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"code": "UNAUTHORIZED", "message": "arm aad token disallowed"}]}
    assert _actions(_granted(endpoint, STRICT, PUSHER, aad_scope=ACR_SCOPE)) == ["pull", "push"]
    assert _actions(_granted(endpoint, STRICT, MEMBER, aad_scope=ACR_SCOPE)) == ["pull"]


def test_invalid_entra_tokens_are_refused(endpoint, registries):
    storage = endpoint.credential(PUSHER).get_token("https://storage.azure.com/.default").token
    for token in (storage, "not-a-token", storage[:-4] + "AAAA"):
        form = {"grant_type": "access_token", "service": _service(REGISTRY), "access_token": token}
        response = endpoint.session.post(f"{_base(endpoint, REGISTRY)}/oauth2/exchange", data=form, verify=endpoint.ca)
        assert response.status_code == 401, response.text
        assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"
    assert _exchange(endpoint, REGISTRY, PUSHER, tenant=str(uuid.uuid4())).status_code == 401
    assert _exchange(endpoint, REGISTRY, PUSHER, service="someoneelse.azurecr.io").status_code == 401
    assert _exchange(endpoint, REGISTRY, PUSHER, grant_type="refresh_token").status_code == 400


def test_no_token_without_credentials(endpoint, registries):
    url = f"{_base(endpoint, REGISTRY)}/oauth2/token"
    response = endpoint.session.get(url, params={"service": _service(REGISTRY), "scope": PULL_PUSH}, verify=endpoint.ca)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"].startswith("authentication required")


def test_anonymous_pull(endpoint, registries):
    url = f"{_base(endpoint, ANONYMOUS)}/oauth2/token"
    response = endpoint.session.get(
        url, params={"service": _service(ANONYMOUS), "scope": PULL_PUSH}, verify=endpoint.ca
    )
    assert response.status_code == 200, response.text
    assert _actions(_claims(response.json()["access_token"])) == ["pull"]


def test_basic_credentials(endpoint, registries):
    url = f"{_base(endpoint, REGISTRY)}/oauth2/token"
    params = {"service": _service(REGISTRY), "scope": PULL_PUSH}
    password = registries.registries.list_credentials(GROUP, REGISTRY).passwords[0].value
    puller = endpoint.principal(PULLER)
    refresh = _refresh_token(endpoint, REGISTRY, PUSHER)
    for auth, expected in (
        ((REGISTRY, password), ["pull", "push"]),  # the admin user
        ((puller["client_id"], puller["client_secret"]), ["pull"]),  # a service principal
        ((NULL_GUID, refresh), ["pull", "push"]),  # an ACR refresh token, as docker sends it
    ):
        response = endpoint.session.get(url, params=params, auth=auth, verify=endpoint.ca)
        assert response.status_code == 200, response.text
        assert _actions(_claims(response.json()["access_token"])) == expected
    response = endpoint.session.get(url, params=params, auth=(REGISTRY, "wrong"), verify=endpoint.ca)
    assert response.status_code == 401


def test_v2_challenges_and_takes_the_access_token(endpoint, registries):
    url = f"{_base(endpoint, REGISTRY)}/v2/"
    response = endpoint.session.get(url, verify=endpoint.ca)
    assert response.status_code == 401
    assert response.headers["Www-Authenticate"] == (
        f'Bearer realm="{_base(endpoint, REGISTRY)}/oauth2/token",service="{_service(REGISTRY)}"'
    )
    assert response.json() == {
        "errors": [
            {
                "code": "UNAUTHORIZED",
                "message": "authentication required, visit https://aka.ms/acr/authorization for more information.",
            }
        ]
    }
    refresh = _refresh_token(endpoint, REGISTRY, PULLER)
    access = _access(endpoint, REGISTRY, refresh, PULL_PUSH).json()["access_token"]
    ok = endpoint.session.get(url, headers={"Authorization": f"Bearer {access}"}, verify=endpoint.ca)
    assert ok.status_code == 200 and ok.json() == {}
    assert ok.headers["Docker-Distribution-Api-Version"] == "registry/2.0"
    # Neither an Entra token nor the refresh token is an access token.
    for token in (endpoint.token(PULLER), refresh):
        refused = endpoint.session.get(url, headers={"Authorization": f"Bearer {token}"}, verify=endpoint.ca)
        assert refused.status_code == 401 and "Www-Authenticate" in refused.headers


def test_a_role_assigned_later_counts_at_the_next_exchange(endpoint, registries):
    before = _refresh_token(endpoint, ANONYMOUS, NOBODY)
    _assign(endpoint, endpoint.principal(NOBODY)["object_id"], OWNER, _registry_id(endpoint, ANONYMOUS))
    assert (
        _actions(
            _claims(_access(endpoint, ANONYMOUS, before, "repository:models/perception:push").json()["access_token"])
        )
        == []
    )
    assert _actions(_granted(endpoint, ANONYMOUS, NOBODY)) == ["pull", "push"]


def test_other_paths_of_a_name_that_is_no_registry_stay_the_blob_planes(endpoint, registries):
    response = endpoint.session.get(f"{_base(endpoint, 'noregistryhere')}/oauth2/exchange", verify=endpoint.ca)
    assert response.status_code == 404
    assert response.headers["x-ms-error-code"] == "ResourceNotFound"


def test_the_exchange_is_logged_as_its_caller_and_other_methods_are_unsupported(endpoint, registries):
    _refresh_token(endpoint, REGISTRY, MEMBER)
    logged = endpoint.requests_log(method="POST", path=f"/{REGISTRY}/oauth2/exchange")
    assert any(entry["status"] == 200 and entry["principal"]["name"] == MEMBER for entry in logged), logged
    response = endpoint.session.put(f"{_base(endpoint, REGISTRY)}/oauth2/exchange", verify=endpoint.ca)
    assert response.status_code == 405
    assert response.json() == {"errors": [{"code": "UNSUPPORTED", "message": "The operation is unsupported."}]}


def test_a_long_name_that_is_no_registry_stays_entra_ids(endpoint, registries):
    # Names of 25 to 50 characters are too long for a storage account: /<name>/oauth2/token is Entra ID's route.
    tenant = "a" * 30
    form = {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y", "resource": endpoint.arm}
    response = endpoint.session.post(f"{endpoint.arm}/{tenant}/oauth2/token", data=form, verify=endpoint.ca)
    assert response.status_code == 400, response.text
    assert "error_codes" in response.json()
