# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The requests of one permission matrix row, made as the test principal: Resource Manager, the blob data plane,
a container registry's OAuth2 token exchange, and the ARM permissions API.

Each function returns ``(status, code, message)`` of Azure's answer and never raises for an HTTP refusal: a
refusal is what a denied row wants to see. Transport problems (DNS, TLS) raise ``DlinfraError``.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_probe import (
    GUARD_ETAG,
    decode_jwt_claims,
    granted_registry_actions,
)

PERMISSIONS_API_VERSION = "2022-04-01"
REGISTRY_TIMEOUT_SECONDS = 60
PROBE_CONTENT = b"written by the it4ad.dlinfra custom role test\n"


def _arm_error(response) -> tuple[str | None, str]:
    try:
        error = (response.json() or {}).get("error") or {}
    except ValueError:
        return None, (response.text() or "")[:300]
    return error.get("code"), str(error.get("message") or "")[:300]


def arm_request(client, method: str, path: str, api_version: str, body=None, guard: bool = False):
    """One Resource Manager request; ``guard`` adds an If-Match no resource matches (a wrongly allowed write fails
    with 412 and changes nothing)."""
    from azure.core.rest import HttpRequest

    headers = {"Accept": "application/json"}
    if guard:
        headers["If-Match"] = GUARD_ETAG
    content = None
    if body is not None and method in ("PUT", "PATCH", "POST"):
        headers["Content-Type"] = "application/json"
        content = json.dumps(body)
    request = HttpRequest(method, path, params={"api-version": api_version}, headers=headers, content=content)
    response = _send(client, request, f"{method} {path}")
    if 200 <= response.status_code < 300:
        return response.status_code, None, ""
    code, message = _arm_error(response)
    return response.status_code, code, message


def effective_permissions(client, scope: str) -> list:
    """``value`` of ``GET {scope}/providers/Microsoft.Authorization/permissions`` for the caller."""
    from azure.core.rest import HttpRequest

    path = f"{scope.rstrip('/')}/providers/Microsoft.Authorization/permissions"
    request = HttpRequest("GET", path, params={"api-version": PERMISSIONS_API_VERSION})
    response = _send(client, request, f"read the effective permissions at '{scope}'")
    if response.status_code != 200:
        code, message = _arm_error(response)
        raise DlinfraError(
            f"read the effective permissions at '{scope}' failed: HTTP {response.status_code} {code}: {message}",
            code=code,
            status=response.status_code,
        )
    return response.json().get("value") or []


def _send(client, request, operation: str):
    try:
        return client.send_request(request)
    except Exception as error:  # noqa: BLE001 - a transport failure is one readable error
        raise DlinfraError(f"{operation} failed: {error}") from None


def blob_service(credential, account_url: str, ca_bundle=None):
    """A blob service client of ``account_url`` with the principal's credential (one per account and run)."""
    from azure.storage.blob import BlobServiceClient

    options = {"connection_verify": ca_bundle} if ca_bundle else {}
    return BlobServiceClient(account_url, credential=credential, retry_total=3, **options)


def blob_request(service, container: str, blob: str, operation: str):
    """One blob data plane operation (list, read, write, delete) with the principal's Entra token, through the
    ``blob_service`` client ``service``."""
    from azure.core.exceptions import HttpResponseError

    client = service.get_container_client(container)
    try:
        if operation == "list":
            next(iter(client.list_blobs(results_per_page=1).by_page()), None)
            status = 200
        elif operation == "read":
            client.download_blob(blob).readall()
            status = 200
        elif operation == "write":
            client.upload_blob(blob, PROBE_CONTENT, overwrite=True)
            status = 201
        else:
            client.delete_blob(blob)
            status = 202
    except HttpResponseError as error:
        message = str(getattr(error, "message", None) or error).split("\n", 1)[0]
        return error.status_code, getattr(error, "error_code", None), message[:300]
    except Exception as error:  # noqa: BLE001 - transport problems end the row with one message
        raise DlinfraError(f"{operation} blob '{container}/{blob}' at {service.url} failed: {error}") from None
    return status, None, ""


def access_token(credential, scope: str) -> str:
    """The principal's token for ``scope``; a refusal of Entra ID fails the row that needs it, not the run."""
    from azure.core.exceptions import ClientAuthenticationError

    try:
        return credential.get_token(scope).token
    except ClientAuthenticationError as error:
        message = str(getattr(error, "message", None) or error).split("\n", 1)[0]
        raise DlinfraError(f"get a token for '{scope}' as the principal failed: {message[:300]}") from None


def registry_request(token: str, tenant: str, login_url: str, service: str, repository: str, ca_bundle=None):
    """The registry's token exchange as ``az acr login`` and docker credential helpers make it: the Entra token for a
    refresh token (``/oauth2/exchange``), that for an access token for ``repository:<name>:pull,push``
    (``/oauth2/token``). Returns ``(status, code, message, granted actions)``."""
    import requests

    verify = ca_bundle or True
    base = login_url.rstrip("/")
    try:
        exchanged = requests.post(
            f"{base}/oauth2/exchange",
            data={"grant_type": "access_token", "service": service, "tenant": tenant, "access_token": token},
            verify=verify,
            timeout=REGISTRY_TIMEOUT_SECONDS,
        )
        if exchanged.status_code != 200:
            return exchanged.status_code, _registry_error(exchanged), "the token exchange refused the Entra token", []
        refresh_token = exchanged.json()["refresh_token"]
        issued = requests.post(
            f"{base}/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "service": service,
                "scope": f"repository:{repository}:pull,push",
                "refresh_token": refresh_token,
            },
            verify=verify,
            timeout=REGISTRY_TIMEOUT_SECONDS,
        )
        if issued.status_code != 200:
            return issued.status_code, _registry_error(issued), "the registry issued no access token", []
        claims = decode_jwt_claims(issued.json()["access_token"])
    except (requests.RequestException, KeyError, ValueError) as error:
        host = urlparse(base).netloc
        raise DlinfraError(f"the token exchange of registry '{host}' failed: {error}") from None
    return issued.status_code, None, "", granted_registry_actions(claims, repository)


def _registry_error(response) -> str | None:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return None
    return errors[0].get("code") if errors else None
