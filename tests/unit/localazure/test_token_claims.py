"""ARM's token check on signed tokens whose claims have the wrong type: 401, never an exception."""

import json
import time

import jwt
import pytest

from localazure.errors import AzureError
from localazure.identity import TokenService

ARM = "https://127.0.0.1:8443"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    return TokenService(tmp_path_factory.mktemp("identity"), ARM, ARM)


def _signed(tokens, **overrides):
    now = int(time.time())
    claims = {
        "aud": ARM,
        "iss": tokens.issuer(TENANT),
        "iat": now,
        "nbf": now - 300,
        "exp": now + 3600,
        "oid": "0b1f6471-1bf0-4dda-aec3-111122223333",
        "tid": TENANT,
        "appid": "app",
    }
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not ...}
    # PyJWS signs the payload as given: PyJWT's own encode refuses some of the claim types tested here.
    payload = json.dumps(claims).encode()
    return "Bearer " + jwt.PyJWS().encode(
        payload, tokens._private_key, algorithm="RS256", headers={"kid": tokens.key_id}
    )


def test_a_well_formed_token_passes(tokens):
    assert tokens.verify_for_arm(_signed(tokens))["tid"] == TENANT


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": "tomorrow"},
        {"exp": None},
        {"exp": [1]},
        {"exp": {"at": 1}},
        {"exp": True},
        {"exp": float("nan")},
        {"exp": float("inf")},
        {"nbf": "now"},
        {"iat": "now"},
        {"nbf": None},
        {"oid": 42},
        {"oid": ["a"]},
        {"oid": None},
        {"oid": ...},
        {"tid": ["t"]},
        {"tid": ...},
        {"iss": 1},
        {"appid": {"a": 1}},
        {"aud": [ARM]},
        {"aud": None},
        {"aud": {"a": ARM}},
        {"exp": -1e20},
        {"exp": 1e300},
        {"exp": 10**30},
    ],
)
def test_a_signed_token_with_a_claim_of_the_wrong_type_or_range_is_401(tokens, claims):
    token = _signed(tokens, **claims)
    try:
        tokens.verify_for_arm(token)
    except AzureError as error:
        assert error.status == 401
        assert error.code in (
            "InvalidAuthenticationToken",
            "InvalidAuthenticationTokenAudience",
            "ExpiredAuthenticationToken",
        )
        assert "invalid_token" in error.headers["WWW-Authenticate"]
    else:
        assert claims in ({"exp": 1e300}, {"exp": 10**30}), "a token with a broken claim was accepted"


def test_a_token_expired_long_before_the_calendar_starts_is_reported_as_expired(tokens):
    with pytest.raises(AzureError) as error:
        tokens.verify_for_arm(_signed(tokens, exp=-1e20))
    assert (error.value.status, error.value.code) == (401, "ExpiredAuthenticationToken")
