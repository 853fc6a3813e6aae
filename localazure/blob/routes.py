"""The blob data plane's route: ``https://<endpoint>/<account>[/<container>[/<blob>]]``, path-style as the
storage emulators serve it (Azure serves ``https://<account>.blob.core.windows.net/...``; this endpoint has one
host). Every request is answered in the blob service's own shape (XML errors, its headers), never ARM's.

Order, per request: the operation the method and query name (405 ``UnsupportedHttpVerb``, 400
``InvalidQueryParameterValue``); the account (404 ``ResourceNotFound``: Azure's answer cannot be had, an unknown
account's host does not resolve); authentication (``auth.authenticate``); the operation, which authorizes
(``auth.authorize``) before it looks at the container or blob, as Azure's 403 comes before its 404.

The route is kind ``public`` (the pipeline's ARM authentication, api-version and throttling steps do not apply;
it authenticates itself) and comes before the ARM routes, so a blob named ``.../providers/...`` is a blob. First
path segments that the endpoint's own routes use (``subscriptions``, ``providers``, ``metadata``, ``graph``,
``common``, ``organizations``, ``consumers``) are not taken as account names: such accounts are not reachable.
"""

from __future__ import annotations

import traceback
import uuid
from dataclasses import dataclass

from localazure.blob import blobs, containers
from localazure.blob.auth import authenticate
from localazure.blob.errors import (
    INTERNAL_ERROR,
    INVALID_INPUT,
    INVALID_QUERY_PARAMETER_VALUE,
    REQUEST_BODY_TOO_LARGE,
    RESOURCE_NOT_FOUND,
    UNSUPPORTED_HTTP_VERB,
    BlobError,
)
from localazure.blob.models import BlobContext, iso_now
from localazure.blob.xml import error_document
from localazure.errors import AzureError
from localazure.http import Request, Response
from localazure.types.storage import account_named

# The version the service answers in x-ms-version when a request names none (azure-storage-blob 12.31's newest).
DEFAULT_VERSION = "2026-10-06"
RESERVED_SEGMENTS = ("subscriptions", "providers", "metadata", "graph", "common", "organizations", "consumers")
BLOB_PATH = (
    rf"/(?!(?:{'|'.join(RESERVED_SEGMENTS)})(?:/|\Z))(?P<account>[a-z0-9]{{3,24}})"
    r"(?:/(?P<container>[^/]+)(?:/(?P<blob>.+))?)?"
)
METHODS = ["GET", "HEAD", "PUT", "DELETE", "POST", "PATCH", "OPTIONS"]
ROUTE_PRIORITY = 20
# Request bodies up to this size are read on blob routes (ARM's 4 MB limit is for ARM): azure-storage-blob sends
# up to 64 MiB in one Put Blob by default (max_single_put_size) and 4 MiB blocks (max_block_size). Azure takes up
# to 5000 MiB per Put Blob and 4000 MiB per block; this endpoint holds a body in memory and stops at 100 MiB.
MAX_BLOB_REQUEST_BYTES = 100 * 1024 * 1024
ROOT_CONTAINER = "$root"


@dataclass(frozen=True)
class Operation:
    level: str  # "account", "container", "blob"
    method: str
    restype: str | None
    comp: str | None
    handler: object


OPERATIONS = (
    Operation("account", "GET", None, "list", containers.list_containers),
    Operation("container", "PUT", "container", None, containers.create_container),
    Operation("container", "PUT", "container", "metadata", containers.set_container_metadata),
    Operation("container", "GET", "container", None, containers.container_properties),
    Operation("container", "HEAD", "container", None, containers.container_properties),
    Operation("container", "GET", "container", "metadata", containers.container_properties),
    Operation("container", "HEAD", "container", "metadata", containers.container_properties),
    Operation("container", "DELETE", "container", None, containers.delete_container),
    Operation("container", "GET", "container", "list", blobs.list_blobs),
    Operation("blob", "PUT", None, None, blobs.put_blob),
    Operation("blob", "PUT", None, "block", blobs.put_block),
    Operation("blob", "PUT", None, "blocklist", blobs.put_block_list),
    Operation("blob", "GET", None, "blocklist", blobs.get_block_list),
    Operation("blob", "GET", None, None, blobs.get_blob),
    Operation("blob", "HEAD", None, None, blobs.blob_properties),
    Operation("blob", "DELETE", None, None, blobs.delete_blob),
)


def _operation(request: Request, level: str) -> Operation:
    restype = request.query.get("restype")
    comp = request.query.get("comp")
    candidates = [item for item in OPERATIONS if item.level == level]
    if not any(item.method == request.method for item in candidates):
        raise UNSUPPORTED_HTTP_VERB()
    for item in candidates:
        if item.method == request.method and item.restype == restype and item.comp == comp:
            return item
    name, value = ("comp", comp) if comp is not None else ("restype", restype or "")
    raise INVALID_QUERY_PARAMETER_VALUE(details=[("QueryParameterName", name), ("QueryParameterValue", value)])


def _level_and_names(request: Request, container: str | None, blob: str | None) -> tuple[str, str | None, str | None]:
    if container is None:
        return "account", None, None
    if blob is None and request.query.get("restype") != "container":
        return "blob", ROOT_CONTAINER, container  # a blob of the root container: /<account>/<blob>
    return ("blob" if blob is not None else "container"), container, blob


def _context(app, request: Request, account: str) -> BlobContext:
    account_id = account_named(app.store, account)
    body = app.store.get_resource(account_id) if account_id else None
    if account_id is None or body is None:
        raise RESOURCE_NOT_FOUND()
    subscription = app.store.subscription(account_id.split("/")[2]) or {}
    return BlobContext(app, request, account.lower(), body["id"], body, subscription.get("tenant_id", ""))


def serve(app, request: Request, account: str, container: str | None = None, blob: str | None = None) -> Response:
    try:
        level, container_name, blob_name = _level_and_names(request, container, blob)
        operation = _operation(request, level)
        context = _context(app, request, account)
        context.container_name, context.blob_name = container_name, blob_name
        authenticate(context)
        response = operation.handler(context)  # type: ignore[operator]
    except BlobError as error:
        response = error_response(request, error)
    except AzureError as error:
        response = error_response(request, BlobError(error.status, error.code, error.message, headers=error.headers))
    except Exception:  # noqa: BLE001 - a bug must still answer in the service's shape
        traceback.print_exc()
        response = error_response(request, INTERNAL_ERROR())
    response.headers.setdefault("x-ms-version", request.headers.get("x-ms-version") or DEFAULT_VERSION)
    return response


def error_response(request: Request, error: BlobError) -> Response:
    """The service's error answer: XML body (none for HEAD) and ``x-ms-error-code``."""
    headers = {**error.headers, "x-ms-error-code": error.code}
    if request.method == "HEAD":
        return Response(status=error.status, headers=headers)
    body = error_document(error, request.request_id, iso_now())
    return Response(status=error.status, body=body, headers=headers, content_type="application/xml")


def refuse_body(error: AzureError) -> Response:
    """The answer to a blob request whose body the server refused before reading it (too large, badly framed)."""
    request = Request.from_target("PUT", "/", {}, b"")
    request.request_id = str(uuid.uuid4())
    if error.status == 413:
        blob_error = REQUEST_BODY_TOO_LARGE(details=[("MaxLimit", str(MAX_BLOB_REQUEST_BYTES))])
    else:
        blob_error = INVALID_INPUT(error.message)
    response = error_response(request, blob_error)
    response.headers.update({"x-ms-request-id": request.request_id, "x-ms-version": DEFAULT_VERSION})
    return response


def register(app) -> None:
    app.router.add(METHODS, BLOB_PATH, serve, kind="public", priority=ROUTE_PRIORITY, name="blob")
    app.add_body_limit(BLOB_PATH, MAX_BLOB_REQUEST_BYTES, refuse_body)
