"""Entra ID imitation and ARM's token checks, with azure-identity and raw requests."""

import json
import time

import jwt
import pytest
from azure.core.exceptions import ClientAuthenticationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ENDPOINT_PROCESS = True  # process and TLS smoke suite: real tokens from a real process over HTTPS

OTHER_TENANT = "0f0f0f0f-1111-4222-8333-444444444444"


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "seed.json"
    path.write_text(
        json.dumps(
            {"tenants": [{"id": OTHER_TENANT}], "principals": [{"name": "foreign-app", "tenant_id": OTHER_TENANT}]}
        )
    )
    return path


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, seed_file):
    from endpoint_process import process_endpoint

    with process_endpoint(tmp_path_factory.mktemp("localazure"), "--seed", str(seed_file)) as running:
        yield running


def _assert_unauthorized(response, code):
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == code
    header = response.headers["WWW-Authenticate"]
    assert header.startswith('Bearer authorization_uri="https://127.0.0.1:') and 'error="invalid_token"' in header
    assert "error_description=" in header


def test_client_secret_credential_gets_a_signed_token(endpoint):
    token = endpoint.credential().get_token(f"{endpoint.arm}/.default")
    assert token.expires_on > time.time() + 3000
    jwks = endpoint.session.get(f"{endpoint.arm}/{endpoint.tenant_id}/discovery/v2.0/keys", verify=endpoint.ca).json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(token.token, key, algorithms=["RS256"], audience=f"{endpoint.arm}/")
    deployer = endpoint.principal("deployer")
    assert claims["oid"] == deployer["object_id"] and claims["appid"] == deployer["client_id"]
    assert claims["tid"] == endpoint.tenant_id and claims["iss"] == f"{endpoint.arm}/{endpoint.tenant_id}/"
    assert claims["nbf"] <= time.time() < claims["exp"]


def test_openid_configuration_points_at_the_token_endpoint(endpoint):
    document = endpoint.session.get(
        f"{endpoint.arm}/{endpoint.tenant_id}/v2.0/.well-known/openid-configuration", verify=endpoint.ca
    ).json()
    assert document["token_endpoint"] == f"{endpoint.arm}/{endpoint.tenant_id}/oauth2/v2.0/token"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]


def test_bad_client_secret_is_aadsts7000215(endpoint):
    principal = endpoint.principal()
    response = endpoint.session.post(
        f"{endpoint.arm}/{endpoint.tenant_id}/oauth2/v2.0/token",
        verify=endpoint.ca,
        data={
            "grant_type": "client_credentials",
            "client_id": principal["client_id"],
            "client_secret": "wrong",
            "scope": f"{endpoint.arm}/.default",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client" and response.json()["error_codes"] == [7000215]
    from azure.identity import ClientSecretCredential

    credential = ClientSecretCredential(
        endpoint.tenant_id,
        principal["client_id"],
        "wrong",
        authority=endpoint.connection["authority_host"],
        disable_instance_discovery=True,
        connection_verify=endpoint.ca,
    )
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        credential.get_token(f"{endpoint.arm}/.default")


def test_missing_token(endpoint):
    response = endpoint.session.get(f"{endpoint.arm}/subscriptions?api-version=2022-12-01", verify=endpoint.ca)
    _assert_unauthorized(response, "AuthenticationFailed")
    assert "'Authorization' header is missing" in response.json()["error"]["message"]


def _signed_with_state_key(endpoint, claims):
    key = serialization.load_pem_private_key((endpoint.state_dir / "signing-key.pem").read_bytes(), password=None)
    kid = jwt.get_unverified_header(endpoint.token())["kid"]
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_expired_token(endpoint):
    claims = jwt.decode(endpoint.token(), options={"verify_signature": False})
    claims.update(exp=int(time.time()) - 60, nbf=int(time.time()) - 4000)
    response = endpoint.call(
        "GET", f"/subscriptions/{endpoint.subscription_id}", token=_signed_with_state_key(endpoint, claims)
    )
    _assert_unauthorized(response, "ExpiredAuthenticationToken")
    assert "is earlier than current UTC time" in response.json()["error"]["message"]


def test_token_signed_by_another_key(endpoint):
    genuine = endpoint.token()
    claims = jwt.decode(genuine, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        claims, other_key, algorithm="RS256", headers={"kid": jwt.get_unverified_header(genuine)["kid"]}
    )
    response = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}", token=forged)
    _assert_unauthorized(response, "InvalidAuthenticationToken")
    assert endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}", token=genuine).status_code == 200


def test_token_from_another_tenant(endpoint):
    foreign = endpoint.token("foreign-app")
    response = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups", token=foreign)
    _assert_unauthorized(response, "InvalidAuthenticationTokenTenant")
    assert f'authorization_uri="{endpoint.arm}/{endpoint.tenant_id}"' in response.headers["WWW-Authenticate"]
    listed = endpoint.call("GET", "/subscriptions", token=foreign, api_version="2022-12-01")
    assert listed.status_code == 200 and listed.json()["value"] == []


def test_token_for_another_audience(endpoint):
    vault_token = endpoint.token(scope="https://vault.azure.net/.default")
    response = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}", token=vault_token)
    _assert_unauthorized(response, "InvalidAuthenticationTokenAudience")
    assert "wrong audience or resource 'https://vault.azure.net/'" in response.json()["error"]["message"]


def test_public_arm_audience_is_accepted(endpoint):
    token = endpoint.token(scope="https://management.azure.com/.default")
    assert endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}").status_code == 200
    assert endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}", token=token).status_code == 200


def test_garbage_token(endpoint):
    response = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}", token="not-a-jwt")
    _assert_unauthorized(response, "InvalidAuthenticationToken")
