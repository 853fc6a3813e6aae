"""Authentication and authorization of blob requests, as Azure Storage does them.

- ``Authorization: Bearer <token>``: an Entra ID token of the account's tenant for Azure Storage
  (``TokenService.verify_for_storage``). None at all answers 401 ``NoAuthenticationInformation``, a token Storage
  refuses 401 ``InvalidAuthenticationInfo`` with its ``AuthenticationErrorDetail``; both carry Storage's bearer
  challenge ``WWW-Authenticate: Bearer authorization_uri=<authority>/<tenant>/oauth2/authorize
  resource_id=https://storage.azure.com``, from which azure-storage-blob asks for a token of that resource.
- ``Authorization: SharedKey <account>:<signature>``: refused with 403 ``KeyBasedAuthenticationNotPermitted`` when
  the account has ``allowSharedKeyAccess: false``; else the HMAC-SHA256 of the Blob service's string-to-sign under
  either account key (``types/storage.py`` derives them) must match (403 ``AuthenticationFailed``). Shared Key has
  the account's full access; RBAC does not apply to it.
- Shared access signatures are not served (403 ``AuthenticationFailed``).

RBAC (bearer callers): the permission the REST reference lists per operation ("Permissions for Blob service
operations" in "Authorize with Microsoft Entra ID"), evaluated over the caller's role assignments at the
container's scope ``{account}/blobServices/default/containers/{container}`` and its ancestors (list containers:
the account). Container operations are Actions (``.../containers/read|write|delete``), blob operations
DataActions (``.../containers/blobs/read|write|add/action|delete``). Denied: 403
``AuthorizationPermissionMismatch``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from urllib.parse import quote

from localazure.blob.errors import (
    AUTHENTICATION_FAILED,
    AUTHORIZATION_PERMISSION_MISMATCH,
    INVALID_AUTHENTICATION_INFO,
    KEY_BASED_AUTHENTICATION_NOT_PERMITTED,
    NO_AUTHENTICATION_INFORMATION,
    BlobError,
)
from localazure.blob.models import BlobContext
from localazure.http import Principal, Request
from localazure.identity import STORAGE_RESOURCE, StorageTokenError
from localazure.rbac.evaluation import is_allowed
from localazure.types.storage import keys_body, storage_suffix

CONTAINER_ACTION = "Microsoft.Storage/storageAccounts/blobServices/containers/"
BLOB_DATA_ACTION = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/"
# The headers of the Shared Key string-to-sign, in order, after the verb ("Authorize with Shared Key").
SIGNED_HEADERS = (
    "content-encoding",
    "content-language",
    "content-length",
    "content-md5",
    "content-type",
    "date",
    "if-modified-since",
    "if-match",
    "if-none-match",
    "if-unmodified-since",
    "range",
)
SAS_SIGNATURE = "sig"


def challenge(app, tenant_id: str) -> dict[str, str]:
    return {
        "WWW-Authenticate": f"Bearer authorization_uri={app.authority_host}/{tenant_id}/oauth2/authorize "
        f"resource_id={STORAGE_RESOURCE}"
    }


def authenticate(context: BlobContext) -> None:
    """Set ``context.principal`` for a bearer caller; return quietly for a valid Shared Key; raise otherwise."""
    app, request = context.app, context.request
    authorization = request.headers.get("authorization", "")
    scheme = authorization.partition(" ")[0].lower()
    if scheme in ("sharedkey", "sharedkeylite"):
        _check_shared_key(context, authorization)
        return
    if not authorization and SAS_SIGNATURE in request.query:
        # This endpoint's own refusal: it serves no shared access signatures.
        raise AUTHENTICATION_FAILED(
            details=[("AuthenticationErrorDetail", "Shared access signatures are not served by this endpoint.")]
        )
    suffix = storage_suffix(app)
    try:
        claims = app.tokens.verify_for_storage(  # type: ignore[attr-defined]
            authorization or None,
            context.tenant_id,
            extra_audiences=(f"https://{context.account_name}.blob.{suffix}",),
        )
    except StorageTokenError as error:
        headers = challenge(app, context.tenant_id)
        if error.detail is None:
            raise NO_AUTHENTICATION_INFORMATION(headers=headers) from None
        raise INVALID_AUTHENTICATION_INFO(
            details=[("AuthenticationErrorDetail", error.detail)], headers=headers
        ) from None
    context.principal = request.principal = Principal(
        object_id=claims["oid"],
        tenant_id=claims["tid"],
        client_id=claims.get("appid", ""),
        name=app.principal_name(claims["oid"]),  # type: ignore[attr-defined]
        claims=claims,
    )


def _check_shared_key(context: BlobContext, authorization: str) -> None:
    if (context.account.get("properties") or {}).get("allowSharedKeyAccess") is False:
        raise KEY_BASED_AUTHENTICATION_NOT_PERMITTED()
    scheme, dummy_space, credentials = authorization.partition(" ")
    account, dummy_colon, signature = credentials.strip().partition(":")
    string_to_sign = shared_key_string_to_sign(context.request, context.account_name)
    if scheme == "SharedKey" and account == context.account_name:
        for key in keys_body(context.app, context.account)["keys"]:
            if hmac.compare_digest(sign(key["value"], string_to_sign), signature):
                return
    raise AUTHENTICATION_FAILED(
        details=[
            (
                "AuthenticationErrorDetail",
                f"The MAC signature found in the HTTP request '{signature}' is not the same as any computed "
                f"signature. Server used following string to sign: '{string_to_sign}'.",
            )
        ]
    )


def sign(key: str, string_to_sign: str) -> str:
    try:
        secret = base64.b64decode(key)
    except (binascii.Error, ValueError):
        return ""
    return base64.b64encode(hmac.new(secret, string_to_sign.encode("utf-8"), hashlib.sha256).digest()).decode()


def _header_order(name: str) -> tuple[str, str]:
    """The service orders the x-ms- headers as a culture-aware comparison does: hyphens weigh nothing first."""
    return name.replace("-", ""), name


def shared_key_string_to_sign(request: Request, account_name: str) -> str:
    """The Blob service's Shared Key string-to-sign (version 2009-09-19 and later). Path-style, the canonicalized
    resource is ``/{account}`` followed by the request path, which begins with the account too."""
    headers = request.headers
    values = []
    for name in SIGNED_HEADERS:
        value = headers.get(name, "")
        if name == "content-length" and value == "0":
            value = ""
        values.append(value)
    canonical_headers = "".join(
        f"{name}:{headers[name].strip()}\n"
        for name in sorted((name for name in headers if name.startswith("x-ms-")), key=_header_order)
    )
    resource = f"/{account_name}{quote(request.path, safe='/~')}"
    resource += "".join(f"\n{name}:{request.query[name]}" for name in sorted(request.query))
    return "\n".join([request.method, *values]) + "\n" + canonical_headers + resource


def authorize(context: BlobContext, *alternatives: str, scope: str | None = None) -> None:
    """Allow a bearer caller holding any of ``alternatives`` (``containers/...`` names an Action,
    ``containers/blobs/...`` a DataAction) at ``scope`` (default: the container); Shared Key callers always."""
    principal = context.principal
    if principal is None:
        return
    authorizer = context.app.authorizer  # type: ignore[attr-defined]
    assignments = authorizer.assignments_of(principal.object_id, context.request.request_id or None)
    target = scope or context.container_id
    for action in alternatives:
        data_action = action.startswith(BLOB_DATA_ACTION)
        if is_allowed(assignments, target, action, data_action=data_action):
            return
    raise AUTHORIZATION_PERMISSION_MISMATCH()


def container_action(verb: str) -> str:
    return CONTAINER_ACTION + verb


def blob_action(verb: str) -> str:
    return BLOB_DATA_ACTION + verb


__all__ = ["BlobError", "authenticate", "authorize", "blob_action", "challenge", "container_action"]
