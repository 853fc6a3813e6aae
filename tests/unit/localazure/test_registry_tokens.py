"""The registry's token logic (localazure/acr/tokens.py): scopes, what roles grant at a registry, and the checks
of the registry's own tokens."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
import pytest

from localazure.acr.tokens import (
    ACCESS_TOKEN_SECONDS,
    DELETE,
    PULL,
    PUSH,
    REFRESH_TOKEN_SECONDS,
    RegistryTokenError,
    RegistryTokens,
    Scope,
    ScopeError,
    granted_actions,
    parse_scopes,
    registry_permissions,
)
from localazure.rbac.builtin_roles import ACR_PULL, ACR_PUSH, BUILT_IN_ROLES, CONTRIBUTOR, OWNER, READER
from localazure.rbac.evaluation import Assignment

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
SUBSCRIPTION = "/subscriptions/11111111-2222-4333-8444-555555555555"
REGISTRY = f"{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acrunit"
OTHER_REGISTRY = f"{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acrother"
LOGIN_SERVER = "acrunit.azurecr.io"


def _assignment(role: dict, scope: str = REGISTRY) -> Assignment:
    return Assignment(scope=scope, principal_id="p", role_definition=role)


def _builtin(role_id: str) -> dict:
    return BUILT_IN_ROLES[role_id]


def _model_developer_role() -> dict:
    data = json.loads((REPOSITORY_ROOT / "arm-templates/customrole/model_developer_role.json").read_text())
    return {"permissions": [{"actions": data["actions"], "notActions": [], "dataActions": [], "notDataActions": []}]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (_builtin(ACR_PULL), [PULL]),
        (_builtin(ACR_PUSH), [PULL, PUSH]),
        (_builtin(OWNER), [PULL, PUSH, DELETE]),
        (_builtin(CONTRIBUTOR), [PULL, PUSH, DELETE]),
        (_builtin(READER), [PULL]),  # */read
        (_model_developer_role(), [PULL]),
    ],
)
def test_what_a_role_grants_at_the_registry(role, expected):
    assert registry_permissions([_assignment(role)], REGISTRY) == expected


def test_a_role_at_the_resource_group_counts_and_one_at_another_registry_does_not():
    group = REGISTRY.split("/providers/")[0]
    assert registry_permissions([_assignment(_builtin(ACR_PUSH), group)], REGISTRY) == [PULL, PUSH]
    assert registry_permissions([_assignment(_builtin(ACR_PUSH), OTHER_REGISTRY)], REGISTRY) == []


def test_not_actions_narrow_only_their_own_role():
    narrowed = {"permissions": [{"actions": ["Microsoft.ContainerRegistry/*"], "notActions": [PUSH]}]}
    assert registry_permissions([_assignment(narrowed)], REGISTRY) == [PULL, DELETE]
    assert registry_permissions([_assignment(narrowed), _assignment(_builtin(ACR_PUSH))], REGISTRY) == [
        PULL,
        PUSH,
        DELETE,
    ]


def test_scopes_are_parsed_from_repeated_and_space_separated_values():
    assert parse_scopes(["repository:a/b:pull,push registry:catalog:*", "repository(plugin):c:pull"]) == [
        Scope("repository", "a/b", ("pull", "push")),
        Scope("registry", "catalog", ("*",)),
        Scope("repository(plugin)", "c", ("pull",)),
    ]
    assert parse_scopes(["repository:host:5000/name:pull"]) == [Scope("repository", "host:5000/name", ("pull",))]
    assert parse_scopes([]) == []


@pytest.mark.parametrize("value", ["repository", "repository:name", ":name:pull", "repository::pull"])
def test_malformed_scopes_are_refused(value):
    with pytest.raises(ScopeError):
        parse_scopes([value])


@pytest.mark.parametrize(
    ("scope", "permissions", "expected"),
    [
        ("repository:r:pull,push", [PULL], ["pull"]),
        ("repository:r:pull,push", [PULL, PUSH], ["pull", "push"]),
        ("repository:r:push", [PUSH], ["push"]),  # push without pull, as a custom role may grant
        ("repository:r:pull,push", [], []),
        ("repository:r:*", [PULL, PUSH, DELETE], ["pull", "push", "delete"]),
        ("repository:r:*", [PULL], ["pull"]),
        ("repository:r:pull,*", [PULL, PUSH], ["pull", "push"]),
        ("repository:r:delete,metadata_read", [PULL, DELETE], ["delete"]),
        ("registry:catalog:*", [PULL], ["*"]),
        ("registry:catalog:*", [], []),
        ("artifact-repository:r:pull", [PULL], []),
    ],
)
def test_granted_actions(scope, permissions, expected):
    (parsed,) = parse_scopes([scope])
    assert granted_actions(parsed, permissions) == expected


def test_anonymous_pull_grants_pull_only():
    (parsed,) = parse_scopes(["repository:r:pull,push,delete"])
    assert granted_actions(parsed, [], anonymous_pull=True) == ["pull"]


@pytest.fixture
def tokens(tmp_path):
    return RegistryTokens(tmp_path)


def test_refresh_token_claims(tokens):
    now = time.time()
    token = tokens.refresh_token("oid-1", "tenant-1", LOGIN_SERVER, [PULL], now=now)
    claims = tokens.verify(token, LOGIN_SERVER.upper(), "refresh_token", now=now)
    assert claims["exp"] - claims["iat"] == REFRESH_TOKEN_SECONDS
    assert {key: claims[key] for key in ("sub", "iss", "aud", "version", "grant_type", "tenant", "roles")} == {
        "sub": "oid-1",
        "iss": "Azure Container Registry",
        "aud": LOGIN_SERVER,
        "version": "1.0",
        "grant_type": "refresh_token",
        "tenant": "tenant-1",
        "roles": [],
    }
    assert claims["permissions"] == {"actions": [PULL], "notActions": []}


def test_access_token_claims(tokens):
    access = [{"type": "repository", "name": "r", "actions": ["pull"]}]
    token = tokens.access_token("oid-1", LOGIN_SERVER, access)
    claims = tokens.verify(token, LOGIN_SERVER, "access_token")
    assert claims["access"] == access and claims["grant_type"] == "access_token"
    assert claims["exp"] - claims["iat"] == ACCESS_TOKEN_SECONDS


def test_the_signing_key_survives_a_restart(tmp_path):
    token = RegistryTokens(tmp_path).access_token("s", LOGIN_SERVER, [])
    assert RegistryTokens(tmp_path).verify(token, LOGIN_SERVER, "access_token")["sub"] == "s"
    assert (tmp_path / "registry-signing-key.pem").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("make", "check", "reason"),
    [
        (
            lambda t, now: t.access_token("s", LOGIN_SERVER, [], now=now - ACCESS_TOKEN_SECONDS - 1),
            "access_token",
            "expired",
        ),
        (lambda t, now: t.access_token("s", LOGIN_SERVER, [], now=now + 3600), "access_token", "not yet valid"),
        (lambda t, now: t.access_token("s", "acrother.azurecr.io", [], now=now), "access_token", "another registry"),
        (lambda t, now: t.refresh_token("s", "t", LOGIN_SERVER, [], now=now), "access_token", "not an access token"),
        (lambda t, now: t.access_token("s", LOGIN_SERVER, [], now=now), "refresh_token", "not a refresh token"),
    ],
)
def test_tokens_that_are_refused(tokens, make, check, reason):
    now = time.time()
    with pytest.raises(RegistryTokenError, match=reason):
        tokens.verify(make(tokens, now), LOGIN_SERVER, check, now=now)


def test_a_token_of_another_key_is_refused(tokens, tmp_path_factory):
    foreign = RegistryTokens(tmp_path_factory.mktemp("other")).access_token("s", LOGIN_SERVER, [])
    with pytest.raises(RegistryTokenError, match="not a token of this registry"):
        tokens.verify(foreign, LOGIN_SERVER, "access_token")
    unsigned = jwt.encode({"aud": LOGIN_SERVER}, key="", algorithm="none")
    with pytest.raises(RegistryTokenError, match="not a token of this registry"):
        tokens.verify(unsigned, LOGIN_SERVER, "access_token")
