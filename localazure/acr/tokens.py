"""The registry's own tokens and what they grant: ACR refresh tokens (from ``/oauth2/exchange``) and ACR access
tokens (from ``/oauth2/token``), RS256 JWTs signed with a key of the endpoint's state dir (ACR signs with its own
key, not Entra's), with the claim sets of Azure/acr docs/AAD-OAuth.md ("Azure Container Registry token claim sets").

Refresh token::

    {jti, sub, nbf, exp, iat, iss: "Azure Container Registry", aud: <login server>, version: "1.0",
     grant_type: "refresh_token", tenant, permissions: {actions: [...], notActions: []}, roles: []}

``permissions.actions`` is the caller's access to the registry when it exchanged its Entra token: the registry
actions (``REGISTRY_ACTIONS``) its role assignments grant at the registry's scope. As in ACR, a role assigned later
takes effect with the next exchange (``az acr login`` again).

Access token::

    {jti, sub, nbf, exp, iat, iss, aud, version: "1.0", grant_type: "access_token", roles: [],
     access: [{type: "repository", name: <repository>, actions: ["pull", "push"]}, ...]}

``access`` holds one entry per requested scope with the subset of its actions the caller holds (possibly none), as
the Docker token specification has a token server answer a partly or wholly denied request.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from localazure.rbac.evaluation import is_allowed

ISSUER = "Azure Container Registry"
SIGNING_KEY = "registry-signing-key.pem"
# ACR's refresh tokens last three hours ("Authenticate with an Azure container registry": the token must be renewed
# every 3 hours); its access tokens 75 minutes (the claim set of AAD-OAuth.md: exp - iat = 4500 s).
REFRESH_TOKEN_SECONDS = 3 * 3600
ACCESS_TOKEN_SECONDS = 75 * 60
# Clock skew a token's nbf may be ahead by.
LEEWAY_SECONDS = 300

PULL = "Microsoft.ContainerRegistry/registries/pull/read"
PUSH = "Microsoft.ContainerRegistry/registries/push/write"
DELETE = "Microsoft.ContainerRegistry/registries/artifacts/delete"
# The registry actions a refresh token records, in the order they are listed.
REGISTRY_ACTIONS = (PULL, PUSH, DELETE)
# A repository scope's actions and the ARM action each needs (built-in roles AcrPull, AcrPush, AcrDelete).
REPOSITORY_ACTIONS = {"pull": PULL, "push": PUSH, "delete": DELETE}


class RegistryTokenError(Exception):
    """A registry token that is not valid for this registry; the message says why."""


class ScopeError(ValueError):
    """A ``scope`` value that is not ``type:name:actions``."""


@dataclass(frozen=True)
class Scope:
    """One requested scope: ``repository:samples/hello:pull,push`` or ``registry:catalog:*``."""

    type: str
    name: str
    actions: tuple[str, ...]


def registry_permissions(assignments, registry_id: str) -> list[str]:
    """The registry actions (``REGISTRY_ACTIONS``) that role ``assignments`` grant at the registry ``registry_id``:
    Actions, as ACR's built-in roles (AcrPull, AcrPush, AcrDelete) and Owner, Contributor and Reader hold them."""
    return [action for action in REGISTRY_ACTIONS if is_allowed(assignments, registry_id, action)]


def parse_scopes(values: list[str]) -> list[Scope]:
    """The scopes of the ``scope`` parameters (repeated, or several in one separated by spaces), in order.

    The resource type may carry a class (``repository(plugin)``); the name may hold colons (the actions follow the
    last one)."""
    scopes = []
    for value in values:
        for item in value.split():
            resource_type, separator, rest = item.partition(":")
            name, separator_two, actions = rest.rpartition(":")
            if not separator or not separator_two or not resource_type or not name:
                raise ScopeError(item)
            scopes.append(Scope(resource_type, name, tuple(action for action in actions.split(",") if action)))
    return scopes


def granted_actions(scope: Scope, permissions: list[str], *, anonymous_pull: bool = False) -> list[str]:
    """The actions of ``scope`` that a caller holding the registry actions ``permissions`` is granted.

    ``*`` on a repository stands for every repository action the caller holds; ``registry:catalog:*`` (listing
    repositories) needs pull. ``anonymous_pull``: the caller is anonymous on a registry with anonymous pull."""
    held = set(permissions)
    resource_type = scope.type.split("(", 1)[0].lower()
    if resource_type == "registry":
        if scope.name == "catalog" and "*" in scope.actions and PULL in held:
            return ["*"]
        return []
    if resource_type != "repository":
        return []
    granted: list[str] = []
    for action in scope.actions:
        if action == "*":
            names = [name for name, needed in REPOSITORY_ACTIONS.items() if needed in held]
        elif action in REPOSITORY_ACTIONS and REPOSITORY_ACTIONS[action] in held:
            names = [action]
        elif anonymous_pull and action == "pull":
            names = [action]
        else:
            names = []
        granted.extend(name for name in names if name not in granted)
    return granted


class RegistryTokens:
    """Issues and verifies the registry tokens of one endpoint (all its registries share the signing key)."""

    def __init__(self, state_dir: Path):
        self._path = Path(state_dir) / SIGNING_KEY
        self._key = None
        self._lock = threading.Lock()

    def _private_key(self):
        with self._lock:
            if self._key is None:
                if self._path.exists():
                    self._key = serialization.load_pem_private_key(self._path.read_bytes(), password=None)
                else:
                    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                    self._path.write_bytes(
                        key.private_bytes(
                            serialization.Encoding.PEM,
                            serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption(),
                        )
                    )
                    self._path.chmod(0o600)
                    self._key = key
            return self._key

    def _sign(self, claims: dict) -> str:
        return jwt.encode(claims, self._private_key(), algorithm="RS256", headers={"typ": "JWT"})

    @staticmethod
    def _base(subject: str, login_server: str, lifetime: int, now: float | None) -> dict:
        issued = int(time.time() if now is None else now)
        return {
            "jti": str(uuid.uuid4()),
            "sub": subject,
            "nbf": issued,
            "exp": issued + lifetime,
            "iat": issued,
            "iss": ISSUER,
            "aud": login_server,
            "version": "1.0",
        }

    def refresh_token(
        self, subject: str, tenant: str, login_server: str, permissions: list[str], *, now: float | None = None
    ) -> str:
        claims = self._base(subject, login_server, REFRESH_TOKEN_SECONDS, now)
        claims.update(
            {
                "grant_type": "refresh_token",
                "tenant": tenant,
                "permissions": {"actions": list(permissions), "notActions": []},
                "roles": [],
            }
        )
        return self._sign(claims)

    def access_token(self, subject: str, login_server: str, access: list[dict], *, now: float | None = None) -> str:
        claims = self._base(subject, login_server, ACCESS_TOKEN_SECONDS, now)
        claims.update({"access": access, "roles": [], "grant_type": "access_token"})
        return self._sign(claims)

    def verify(self, token: str, login_server: str, grant_type: str, *, now: float | None = None) -> dict:
        """The claims of a registry token of ``grant_type`` for ``login_server``; RegistryTokenError otherwise."""
        try:
            claims = jwt.decode(
                token,
                self._private_key().public_key(),
                algorithms=["RS256"],
                options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
            )
        except jwt.PyJWTError as error:
            raise RegistryTokenError("the token is not a token of this registry") from error
        current = time.time() if now is None else now
        expiry, not_before = claims.get("exp"), claims.get("nbf", 0)
        if not isinstance(expiry, (int, float)) or isinstance(expiry, bool) or expiry <= current:
            raise RegistryTokenError("the token is expired")
        if not isinstance(not_before, (int, float)) or not_before > current + LEEWAY_SECONDS:
            raise RegistryTokenError("the token is not yet valid")
        if claims.get("iss") != ISSUER or str(claims.get("aud", "")).lower() != login_server.lower():
            raise RegistryTokenError("the token was issued for another registry")
        if claims.get("grant_type") != grant_type:
            article = "an" if grant_type.startswith("access") else "a"
            raise RegistryTokenError(f"the token is not {article} {grant_type.replace('_', ' ')}")
        return claims
