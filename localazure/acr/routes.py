"""The registry's authentication routes, path-style: ``https://<endpoint>/<registry name>/...`` for the endpoint's
container registries (Azure serves them at ``https://<registry>.azurecr.io/...``; this endpoint has one host).

- ``POST /<registry>/oauth2/exchange`` (form: ``grant_type=access_token``, ``service=<login server>``,
  ``tenant``, ``access_token=<Entra token>``) answers ``{"refresh_token": <ACR refresh token>}``. The Entra token
  must be one of the registry's tenant for Azure Resource Manager (what ``az acr login`` sends) or for
  ``https://containerregistry.azure.net``; a registry whose ``azureADAuthenticationAsArmPolicy`` is disabled takes
  only the latter ("Disable authentication as ARM": only ACR audience tokens are accepted) and answers an ARM token
  with 401 ``arm aad token disallowed``.
- ``GET|POST /<registry>/oauth2/token`` answers ``{"access_token": <ACR access token>}`` for the requested
  ``scope``\\ s (``repository:<name>:pull,push``; repeated, or space-separated). Credentials: ``grant_type=
  refresh_token`` with ``refresh_token``; ``grant_type=password`` with ``username``/``password``; or HTTP Basic
  (GET, as docker does). A username is the null GUID with an ACR refresh token as password, the registry's admin
  user (while ``adminUserEnabled``) or a service principal's client id and secret. No credentials at all: a token
  with pull only where the registry has ``anonymousPullEnabled``, else 401. The token grants the actions the
  caller's role assignments at the registry allow (``tokens.py``), through the groups it belongs to too.
- ``GET|HEAD /<registry>/v2/`` answers 200 ``{}`` to an ACR access token (or valid Basic credentials) and 401 with
  ACR's challenge ``Www-Authenticate: Bearer realm="<endpoint>/<registry>/oauth2/token",service="<login server>"``
  otherwise.

Errors are the registry's (Docker registry) shape, ``{"errors": [{"code": "UNAUTHORIZED", "message": ...}]}``.
The messages ``authentication required, visit https://aka.ms/acr/authorization for more information.`` and
``arm aad token disallowed`` are ACR's (Azure/azure-sdk-for-go sdk/containers/azcontainerregistry
TROUBLESHOOTING.md); the others are NOT VERIFIED words.

A first path segment that names no registry is not the registry's: the request goes to the public route that
matches it after these, the blob data plane's (``localazure/blob/``: a container ``oauth2`` may hold a blob
``token``) or Entra ID's (``/<tenant>/oauth2/token``). Network rules (``publicNetworkAccess``) are not applied: the endpoint's one host stands for a client
inside the registry's network, as for the blob data plane.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from urllib.parse import parse_qs

import jwt

from localazure.acr.tokens import (
    PULL,
    REGISTRY_ACTIONS,
    RegistryTokenError,
    RegistryTokens,
    ScopeError,
    granted_actions,
    parse_scopes,
    registry_permissions,
)
from localazure.blob import routes as blob_routes
from localazure.error_catalogue import NOT_FOUND
from localazure.http import Principal, Request, Response
from localazure.identity import ARM_AUDIENCES
from localazure.pipeline import as_response
from localazure.resource_types import CONTAINER_REGISTRIES
from localazure.types._name_availability import globally_named
from localazure.types.container_registry import PASSWORD_NAMES, admin_password, login_server

# The audience of Entra tokens for Azure Container Registry (``az acr login --expose-token`` asks for it).
ACR_AUDIENCE = "https://containerregistry.azure.net"
NULL_GUID = "00000000-0000-0000-0000-000000000000"
AUTHENTICATION_REQUIRED = "authentication required, visit https://aka.ms/acr/authorization for more information."
ARM_TOKEN_DISALLOWED = "arm aad token disallowed"
DISTRIBUTION_HEADERS = {"Docker-Distribution-Api-Version": "registry/2.0"}
REGISTRY_NAME = rf"/(?!(?:{'|'.join(blob_routes.RESERVED_SEGMENTS)})(?:/|\Z))(?P<registry>[a-zA-Z0-9]{{5,50}})"
EXCHANGE_PATH = REGISTRY_NAME + r"/oauth2/exchange"
TOKEN_PATH = REGISTRY_NAME + r"/oauth2/token"
V2_PATH = REGISTRY_NAME + r"/v2"
METHODS = blob_routes.METHODS
# Before the blob route (priority 20), which matches these paths too.
ROUTE_PRIORITY = 10


class RegistryError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_response(request: Request, error: RegistryError) -> Response:
    headers = {**DISTRIBUTION_HEADERS, **error.headers}
    if request.method == "HEAD":
        return Response(status=error.status, headers=headers)
    return Response(
        status=error.status,
        body={"errors": [{"code": error.code, "message": error.message}]},
        headers=headers,
    )


def unauthorized(message: str = AUTHENTICATION_REQUIRED, headers: dict[str, str] | None = None) -> RegistryError:
    return RegistryError(401, "UNAUTHORIZED", message, headers)


def unsupported(message: str, status: int = 400) -> RegistryError:
    # NOT VERIFIED: ACR's status and words for a malformed token request.
    return RegistryError(status, "UNSUPPORTED", message)


class RegistryContext:
    """The registry a request names, with what its routes need."""

    def __init__(self, app, request: Request, name: str, body: dict):
        self.app = app
        self.request = request
        self.name = name.lower()
        self.id = body["id"]
        self.body = body
        self.properties = body.get("properties") or {}
        self.login_server = login_server(app, name)
        subscription = app.store.subscription(self.id.split("/")[2]) or {}
        self.tenant_id = str(subscription.get("tenant_id", ""))

    @property
    def realm(self) -> str:
        return f"{self.app.arm_endpoint}/{self.name}/oauth2/token"

    def challenge(self) -> dict[str, str]:
        return {"Www-Authenticate": f'Bearer realm="{self.realm}",service="{self.login_server}"'}

    def policy_enabled(self, policy: str, default: bool) -> bool:
        status = ((self.properties.get("policies") or {}).get(policy) or {}).get("status")
        return default if status is None else str(status).lower() == "enabled"

    def permissions_of(self, object_id: str) -> list[str]:
        """The registry actions the principal's role assignments (its groups' too) grant at the registry."""
        assignments = self.app.authorizer.assignments_of(object_id, self.request.request_id or None)
        return registry_permissions(assignments, self.id)


def _registry(app, request: Request, name: str) -> RegistryContext | None:
    registry_id = globally_named(app.store, CONTAINER_REGISTRIES, name)
    body = app.store.get_resource(registry_id) if registry_id else None
    return RegistryContext(app, request, name, body) if body is not None else None


def _form(request: Request) -> dict[str, list[str]]:
    try:
        text = request.body.decode("utf-8") if request.body else ""
    except UnicodeDecodeError:
        raise unsupported("The request body is not UTF-8 form data.") from None
    return parse_qs(text, keep_blank_values=True)


def _first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[0]


def _check_service(context: RegistryContext, service: str) -> None:
    if service.lower() != context.login_server:
        # NOT VERIFIED: the words.
        raise unauthorized(f"the service '{service}' is not this registry's; use '{context.login_server}'")


# -- Entra tokens ----------------------------------------------------------------------------------------
def _entra_claims(context: RegistryContext, token: str, tenant: str) -> dict:
    """The claims of an Entra access token the registry accepts, verified as a relying party does: with the
    authority's published keys. RegistryError 401 otherwise."""
    app = context.app
    try:
        header = jwt.get_unverified_header(token)
        keys = jwt.PyJWKSet.from_dict(app.tokens.jwks())
        key = next((item for item in keys.keys if item.key_id == header.get("kid")), None)
        if key is None:
            raise jwt.InvalidSignatureError("unknown signing key")
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        raise unauthorized("the access token is not valid") from None  # NOT VERIFIED: the words
    try:
        return _check_entra_claims(context, claims, tenant)
    except TypeError:  # a claim of the wrong type
        raise unauthorized("the access token is not valid") from None


def _check_entra_claims(context: RegistryContext, claims: dict, tenant: str) -> dict:
    now = time.time()
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= now:
        raise unauthorized("the access token is expired")  # NOT VERIFIED: the words
    if claims.get("nbf", 0) > now + 300:
        raise unauthorized("the access token is not yet valid")  # NOT VERIFIED: the words
    audience = str(claims.get("aud", "")).rstrip("/")
    arm_audiences = {item.rstrip("/") for item in ARM_AUDIENCES} | {context.app.arm_endpoint.rstrip("/")}
    if audience in arm_audiences:
        if not context.policy_enabled("azureADAuthenticationAsArmPolicy", default=True):
            raise unauthorized(ARM_TOKEN_DISALLOWED)
    elif audience != ACR_AUDIENCE:
        raise unauthorized(f"the access token's audience '{audience}' is not accepted")  # NOT VERIFIED
    token_tenant = str(claims.get("tid", ""))
    if (
        not claims.get("oid")
        or token_tenant.lower() != context.tenant_id.lower()
        or claims.get("iss") != context.app.tokens.issuer(token_tenant)
        or (tenant and tenant.lower() != token_tenant.lower())
    ):
        # NOT VERIFIED: the words.
        raise unauthorized("the access token is not of the registry's tenant")
    return claims


# -- credentials of the token endpoint ---------------------------------------------------------------------
def _refresh_token_identity(context: RegistryContext, token: str) -> tuple[str, list[str]]:
    try:
        claims = context.app.registry_tokens.verify(token, context.login_server, "refresh_token")
    except RegistryTokenError as error:
        raise unauthorized(f"the refresh token is not valid: {error}") from None  # NOT VERIFIED: the words
    permissions = (claims.get("permissions") or {}).get("actions") or []
    return str(claims.get("sub", "")), [action for action in permissions if action in REGISTRY_ACTIONS]


def _password_identity(context: RegistryContext, username: str, password: str) -> tuple[str, list[str]]:
    """The subject and registry actions of a username and password (Basic or ``grant_type=password``)."""
    if username == NULL_GUID:
        return _refresh_token_identity(context, password)
    if username.lower() == context.name and context.properties.get("adminUserEnabled"):
        created = str(context.properties.get("creationDate", ""))
        for name in PASSWORD_NAMES:
            expected = admin_password(context.app, context.id, name, created)
            if hmac.compare_digest(password.encode(), expected.encode()):
                return context.name, list(REGISTRY_ACTIONS)
    for principal in context.app.store.principals():
        if (
            principal["client_id"].lower() == username.lower()
            and principal["tenant_id"].lower() == context.tenant_id.lower()
            and hmac.compare_digest(password.encode(), principal["client_secret"].encode())
        ):
            return principal["object_id"], context.permissions_of(principal["object_id"])
    raise unauthorized()


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, dummy_space, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized() from None
    username, separator, password = decoded.partition(":")
    if not separator:
        raise unauthorized()
    return username, password


# -- handlers ----------------------------------------------------------------------------------------------
def exchange(context: RegistryContext) -> Response:
    request = context.request
    if request.method != "POST":
        raise unsupported("The operation is unsupported.", 405)
    fields = _form(request)
    grant_type = _first(fields, "grant_type")
    if grant_type not in ("access_token", "access_token_refresh_token"):
        # Azure Container Registry takes Entra access tokens; the deprecated grant of an Entra refresh token alone
        # is not served (the endpoint's Entra ID issues no refresh tokens).
        raise unsupported(f"grant_type '{grant_type}' is not supported; use 'access_token'")
    _check_service(context, _first(fields, "service"))
    access_token = _first(fields, "access_token")
    if not access_token:
        raise unsupported("access_token is required")
    claims = _entra_claims(context, access_token, _first(fields, "tenant"))
    # The request log records who exchanged.
    request.principal = Principal(
        object_id=claims["oid"],
        tenant_id=str(claims["tid"]),
        client_id=str(claims.get("appid", "")),
        name=context.app.principal_name(claims["oid"]),
        claims=claims,
    )
    permissions = context.permissions_of(claims["oid"])
    refresh = context.app.registry_tokens.refresh_token(
        claims["oid"], str(claims["tid"]), context.login_server, permissions
    )
    return Response(body={"refresh_token": refresh})


def token(context: RegistryContext) -> Response:
    request = context.request
    if request.method not in ("GET", "POST"):
        raise unsupported("The operation is unsupported.", 405)
    query = parse_qs(request.query_string, keep_blank_values=True)
    fields = {**query, **_form(request)} if request.method == "POST" else query
    grant_type = _first(fields, "grant_type")
    _check_service(context, _first(fields, "service"))
    basic = _basic_credentials(request)
    anonymous = False
    if grant_type == "refresh_token":
        subject, permissions = _refresh_token_identity(context, _first(fields, "refresh_token"))
    elif grant_type == "password":
        subject, permissions = _password_identity(context, _first(fields, "username"), _first(fields, "password"))
    elif grant_type:
        raise unsupported(f"grant_type '{grant_type}' is not supported")
    elif basic is not None:
        subject, permissions = _password_identity(context, *basic)
    elif context.properties.get("anonymousPullEnabled"):
        subject, permissions, anonymous = "", [], True
    else:
        raise unauthorized(headers=context.challenge())
    try:
        scopes = parse_scopes(fields.get("scope") or [])
    except ScopeError as error:
        raise unsupported(f"invalid scope '{error}'") from None
    access = [
        {
            "type": scope.type,
            "name": scope.name,
            "actions": granted_actions(scope, permissions, anonymous_pull=anonymous),
        }
        for scope in scopes
    ]
    return Response(
        body={"access_token": context.app.registry_tokens.access_token(subject, context.login_server, access)}
    )


def v2(context: RegistryContext) -> Response:
    request = context.request
    if request.method not in ("GET", "HEAD"):
        raise unsupported("The operation is unsupported.", 405)
    scheme, dummy_space, value = request.headers.get("authorization", "").partition(" ")
    try:
        if scheme.lower() == "bearer" and value.strip():
            try:
                context.app.registry_tokens.verify(value.strip(), context.login_server, "access_token")
            except RegistryTokenError:
                raise unauthorized() from None
        elif scheme.lower() == "basic":
            _password_identity(context, *(_basic_credentials(request) or ("", "")))
        else:
            raise unauthorized()
    except RegistryError as error:
        error.headers = {**context.challenge(), **error.headers}
        raise
    return Response(body=None if request.method == "HEAD" else {}, headers=dict(DISTRIBUTION_HEADERS))


def _serve(handler):
    def serve(app, request: Request, registry: str) -> Response:
        context = _registry(app, request, registry)
        if context is None:
            return _pass_on(app, request)
        try:
            return handler(context)
        except RegistryError as error:
            return error_response(request, error)

    serve.__name__ = f"registry_{handler.__name__}"
    return serve


def _pass_on(app, request: Request) -> Response:
    """A path of a name that is no registry goes to the public route it matches after these: the blob data plane's
    (a container ``oauth2`` may hold a blob ``token``) or Entra ID's (``/<tenant>/oauth2/token``)."""
    route, arguments = app.router.match(request.method, request.path, after=ROUTE_PRIORITY)
    if route.kind != "public":  # no route of another kind matches these paths; never skip its authentication
        raise NOT_FOUND(f"The requested path '{request.path}' was not found.")
    return as_response(route.handler(app, request, **arguments))


def register(app) -> None:
    app.registry_tokens = RegistryTokens(app.state_dir)
    for path, handler in ((EXCHANGE_PATH, exchange), (TOKEN_PATH, token), (V2_PATH, v2)):
        serve = _serve(handler)
        app.router.add(METHODS, path, serve, kind="public", priority=ROUTE_PRIORITY, name=serve.__name__)


__all__ = ["ACR_AUDIENCE", "NULL_GUID", "PULL", "register"]
