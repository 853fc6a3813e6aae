"""Entra ID routes: OpenID discovery, JWKS and the client-credentials token endpoint (v2.0 and v1)."""

from __future__ import annotations

import hmac
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs

from localazure.http import Response, json_response

_IGNORED_SCOPES = {"openid", "profile", "offline_access", "email"}


def register(app) -> None:
    tenant = r"/(?P<tenant>[^/]+)"
    app.router.add("GET", tenant + r"/v2\.0/\.well-known/openid-configuration", openid_v2, kind="public")
    app.router.add("GET", tenant + r"/\.well-known/openid-configuration", openid_v1, kind="public")
    app.router.add("GET", tenant + r"/discovery(?:/v2\.0)?/keys", keys, kind="public")
    app.router.add("GET", r"/common/discovery/keys", keys, kind="public")
    app.router.add("POST", tenant + r"/oauth2/v2\.0/token", token_v2, kind="public")
    app.router.add("POST", tenant + r"/oauth2/token", token_v1, kind="public")


def _known_tenant(app, tenant: str) -> str | None:
    for item in app.store.tenants():
        if item["tenant_id"].lower() == tenant.lower():
            return item["tenant_id"]
    return None


def _oauth_error(request, status: int, error: str, aadsts: int, description: str) -> Response:
    now = datetime.now(UTC)
    trace_id = str(uuid.uuid4())
    text = (
        f"AADSTS{aadsts}: {description} Trace ID: {trace_id} Correlation ID: {request.correlation_id} "
        f"Timestamp: {now:%Y-%m-%d %H:%M:%SZ}"
    )
    return json_response(
        {
            "error": error,
            "error_description": text,
            "error_codes": [aadsts],
            "timestamp": f"{now:%Y-%m-%d %H:%M:%SZ}",
            "trace_id": trace_id,
            "correlation_id": request.correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={aadsts}",
        },
        status,
    )


def _tenant_not_found(request, tenant: str) -> Response:
    return _oauth_error(
        request,
        400,
        "invalid_request",
        90002,
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
        "signing into the correct cloud.",
    )


def openid_v2(app, request, tenant):
    if tenant.lower() not in ("common", "organizations") and not _known_tenant(app, tenant):
        return _tenant_not_found(request, tenant)
    return json_response(app.tokens.openid_configuration(tenant, "v2.0"))


def openid_v1(app, request, tenant):
    if tenant.lower() not in ("common", "organizations") and not _known_tenant(app, tenant):
        return _tenant_not_found(request, tenant)
    return json_response(app.tokens.openid_configuration(tenant, "v1.0"))


def keys(app, request, tenant=None):
    return json_response(app.tokens.jwks())


def _form(request) -> dict[str, str]:
    return {name: values[-1] for name, values in parse_qs(request.body.decode(errors="replace")).items()}


def _audience_from_scope(scope: str) -> str | None:
    scopes = [item for item in scope.split() if item.lower() not in _IGNORED_SCOPES]
    if len(scopes) != 1 or not scopes[0].endswith("/.default"):
        return None
    resource = scopes[0][: -len(".default")]
    while resource.endswith("//"):
        resource = resource[:-1]
    return resource


def _issue(app, request, tenant: str, audience_of) -> Response:
    form = _form(request)
    tenant_id = _known_tenant(app, tenant)
    if not tenant_id:
        return _tenant_not_found(request, tenant)
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(
            request,
            400,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type "
            f"'{form.get('grant_type', '')}'. The local endpoint supports client_credentials.",
        )
    client_id = form.get("client_id", "")
    principal = app.store.principal_by_client_id(client_id) if client_id else None
    if principal is None or principal["tenant_id"].lower() != tenant_id.lower():
        return _oauth_error(
            request,
            400,
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the directory "
            f"'{tenant_id}'. This can happen if the application has not been installed by the "
            "administrator of the tenant or consented to by any user in the tenant. You may have "
            "sent your authentication request to the wrong tenant.",
        )
    secret = form.get("client_secret")
    if secret is None:
        return _oauth_error(
            request,
            401,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )
    if not hmac.compare_digest(secret.encode(), principal["client_secret"].encode()):
        return _oauth_error(
            request,
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the "
            f"client secret value, not the client secret ID, for a secret added to app "
            f"'{principal['client_id']}'.",
        )
    audience, problem = audience_of(form)
    if problem:
        return problem
    if not app.is_known_resource(audience):
        return _oauth_error(
            request,
            400,
            "invalid_resource",
            500011,
            f"The resource principal named {audience} was not found in the tenant named "
            f"{tenant_id}. This can happen if the application has not been installed by the "
            "administrator of the tenant or consented to by any user in the tenant. You might have "
            "sent your authentication request to the wrong tenant.",
        )
    token, lifetime = app.tokens.issue(principal, audience)
    now = int(time.time())
    body = {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token}
    if audience_of is _v1_audience:
        body.update({"expires_on": str(now + lifetime), "not_before": str(now - 300), "resource": audience})
    return json_response(body, headers={"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"})


def token_v2(app, request, tenant):
    def audience_of(form):
        audience = _audience_from_scope(form.get("scope", ""))
        if audience is None:
            return None, _oauth_error(
                request,
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {form.get('scope', '')} is not valid. Client "
                "credential flows must have a scope value with /.default suffixed to the "
                "resource identifier (application ID URI).",
            )
        return audience, None

    return _issue(app, request, tenant, audience_of)


def _v1_audience(form):
    return form.get("resource"), None


def token_v1(app, request, tenant):
    form = _form(request)
    if not form.get("resource"):
        return _oauth_error(
            request,
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'resource'.",
        )
    return _issue(app, request, tenant, _v1_audience)
