"""Values of the blob data plane: names, times, ETags, ranges, the blob properties a request sets, and the
request's account, container and blob (``BlobContext``)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime

from localazure.blob.errors import (
    CONDITION_NOT_MET,
    INVALID_HEADER_VALUE,
    INVALID_RESOURCE_NAME,
    MD5_MISMATCH,
    OUT_OF_RANGE_INPUT,
)
from localazure.http import Principal, Request

CONTAINER_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")
CONTAINER_NAME_LENGTH = (3, 63)
BLOB_NAME_LENGTH = (1, 1024)
# Windows file time of the Unix epoch, in 100 ns ticks: Azure's ETags are the modification time in these ticks.
_FILETIME_EPOCH = 116444736000000000
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# Blob properties a request sets: stored name -> (request header, response header).
CONTENT_HEADERS = {
    "content_type": ("x-ms-blob-content-type", "Content-Type"),
    "content_encoding": ("x-ms-blob-content-encoding", "Content-Encoding"),
    "content_language": ("x-ms-blob-content-language", "Content-Language"),
    "cache_control": ("x-ms-blob-cache-control", "Cache-Control"),
    "content_disposition": ("x-ms-blob-content-disposition", "Content-Disposition"),
}
# Put Blob also takes the standard headers for what its x-ms-blob-* headers do not set.
STANDARD_HEADERS = {
    "content_type": "content-type",
    "content_encoding": "content-encoding",
    "content_language": "content-language",
    "cache_control": "cache-control",
}


def http_date(timestamp: float) -> str:
    """RFC 1123, as the blob service writes Last-Modified and its list elements."""
    return formatdate(timestamp, usegmt=True)


def iso_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def iso_to_timestamp(text: str | None) -> float:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")[:26] + "+00:00").timestamp()
    except ValueError:
        return time.time()


def new_etag() -> str:
    """An ETag as the blob service makes them: ``0x`` and the modification time in hexadecimal file-time ticks."""
    return f"0x{time.time_ns() // 100 + _FILETIME_EPOCH:X}"


def md5_base64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324 - Content-MD5 is MD5


def check_container_name(name: str) -> None:
    if not CONTAINER_NAME_LENGTH[0] <= len(name) <= CONTAINER_NAME_LENGTH[1]:
        raise OUT_OF_RANGE_INPUT()
    if not CONTAINER_NAME.match(name):
        raise INVALID_RESOURCE_NAME()


def check_blob_name(name: str) -> None:
    if not BLOB_NAME_LENGTH[0] <= len(name) <= BLOB_NAME_LENGTH[1]:
        raise OUT_OF_RANGE_INPUT()


def metadata_from(request: Request) -> dict[str, str]:
    """``x-ms-meta-*`` headers. Header names arrive lower-cased, so the names are kept lower-case."""
    return {
        name[len("x-ms-meta-") :]: value for name, value in request.headers.items() if name.startswith("x-ms-meta-")
    }


def metadata_headers(metadata: dict[str, str]) -> dict[str, str]:
    return {f"x-ms-meta-{name}": value for name, value in metadata.items()}


def checked_md5(request: Request, header: str, content: bytes) -> str | None:
    """The base64 MD5 a request declares in ``header``, checked against ``content`` (400 ``Md5Mismatch``)."""
    declared = request.headers.get(header)
    if not declared:
        return None
    try:
        valid = len(base64.b64decode(declared, validate=True)) == 16
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise INVALID_HEADER_VALUE(details=[("HeaderName", header), ("HeaderValue", declared)])
    computed = md5_base64(content)
    if declared != computed:
        raise MD5_MISMATCH(details=[("UserSpecifiedMd5", declared), ("ServerCalculatedMd5", computed)])
    return declared


def content_properties(request: Request, *, standard: bool) -> dict:
    """The content properties a Put Blob (``standard``: the plain headers too) or Put Block List sets."""
    properties = {}
    for name, (header, dummy_response_header) in CONTENT_HEADERS.items():
        value = request.headers.get(header)
        if not value and standard and name in STANDARD_HEADERS:
            value = request.headers.get(STANDARD_HEADERS[name])
        if value:
            properties[name] = value
    properties.setdefault("content_type", DEFAULT_CONTENT_TYPE)
    return properties


def requested_range(request: Request) -> tuple[int, int | None] | None:
    """``(start, end or None)`` of ``x-ms-range`` (preferred) or ``Range``; None without one."""
    header = "x-ms-range" if request.headers.get("x-ms-range") else "range"
    text = request.headers.get(header)
    if not text:
        return None
    found = _RANGE.match(text.strip())
    if not found or (found.group(2) and int(found.group(2)) < int(found.group(1))):
        raise INVALID_HEADER_VALUE(details=[("HeaderName", header), ("HeaderValue", text)])
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None


def _etag_matches(header: str, etag: str | None) -> bool:
    if etag is None:
        return False
    wanted = {item.strip().strip('"') for item in header.split(",")}
    return "*" in wanted or etag.strip('"') in wanted


def _http_time(text: str) -> float | None:
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None


def check_conditions(request: Request, etag: str | None, last_modified: float | None, *, read: bool) -> bool:
    """The conditional headers against a blob (None: it does not exist). False when a read's condition answers
    304 Not Modified; a failed write condition raises 412 ``ConditionNotMet``."""
    headers = request.headers
    if headers.get("if-match") and not _etag_matches(headers["if-match"], etag):
        raise CONDITION_NOT_MET()
    since = _http_time(headers.get("if-unmodified-since", ""))
    if since is not None and last_modified is not None and int(last_modified) > since:
        raise CONDITION_NOT_MET()
    not_modified = False
    if headers.get("if-none-match") and _etag_matches(headers["if-none-match"], etag):
        not_modified = True
    since = _http_time(headers.get("if-modified-since", ""))
    if since is not None and last_modified is not None and int(last_modified) <= since:
        not_modified = True
    if not_modified and not read:
        raise CONDITION_NOT_MET()
    return not not_modified


@dataclass
class BlobContext:
    """The account (its ARM body), container and blob a request names, and its caller."""

    app: object
    request: Request
    account_name: str
    account_id: str
    account: dict
    tenant_id: str
    container_name: str | None = None
    blob_name: str | None = None
    principal: Principal | None = None  # None: Shared Key, which RBAC does not apply to
    extra: dict = field(default_factory=dict)

    @property
    def container_id(self) -> str:
        return f"{self.account_id}/blobServices/default/containers/{self.container_name}"

    @property
    def service_endpoint(self) -> str:
        return f"{self.app.arm_endpoint}/{self.account_name}/"  # type: ignore[attr-defined]
