"""Blob operations of the Blob service, block blobs only: Put Blob, Put Block, Put Block List, Get Block List,
Get Blob (with ``Range``/``x-ms-range``), Get Blob Properties, Delete Blob, List Blobs (``prefix``, ``delimiter``,
``marker``, ``maxresults``, ``include=metadata``).

Put Blob stores the content with its MD5 (Content-MD5 of later reads); Put Block stages a block under its base64
id; Put Block List commits the named blocks (``Committed``, ``Uncommitted``, ``Latest``) in order and discards
the blob's other uncommitted blocks. Conditional headers (``If-Match``, ``If-None-Match``, ``If-Modified-Since``,
``If-Unmodified-Since``) are honoured; ``If-None-Match: *`` on an existing blob answers 409 ``BlobAlreadyExists``.
"""

from __future__ import annotations

import base64
import binascii
import time

from localazure.blob.auth import authorize, blob_action
from localazure.blob.containers import existing_container, includes, max_results
from localazure.blob.errors import (
    BLOB_ALREADY_EXISTS,
    BLOB_NOT_FOUND,
    INVALID_BLOCK_LIST,
    INVALID_HEADER_VALUE,
    INVALID_QUERY_PARAMETER_VALUE,
    INVALID_RANGE,
    MISSING_REQUIRED_HEADER,
    OUT_OF_RANGE_INPUT,
)
from localazure.blob.models import (
    CONTENT_HEADERS,
    DEFAULT_CONTENT_TYPE,
    BlobContext,
    check_blob_name,
    check_conditions,
    checked_md5,
    content_properties,
    http_date,
    md5_base64,
    metadata_from,
    metadata_headers,
    new_etag,
    requested_range,
)
from localazure.blob.xml import element, enumeration, metadata_element, parse_block_list
from localazure.http import Response

BLOCK_BLOB = "BlockBlob"
MAX_BLOCK_ID_BYTES = 64
# Get Blob with x-ms-range-get-content-md5: true answers the range's MD5 for ranges up to 4 MiB only.
MAX_RANGE_MD5_BYTES = 4 * 1024 * 1024
BLOCK_LIST_TYPES = ("committed", "uncommitted", "all")
BLOB_CONSTANTS = (
    ("x-ms-blob-type", BLOCK_BLOB),
    ("x-ms-lease-status", "unlocked"),
    ("x-ms-lease-state", "available"),
    ("x-ms-server-encrypted", "true"),
)


def _store(context: BlobContext):
    return context.app.store  # type: ignore[attr-defined]


def _blob(context: BlobContext, *, content: bool = False) -> dict | None:
    return _store(context).blob(context.container_id, context.blob_name, content=content)


def _existing_blob(context: BlobContext, *, content: bool = False) -> dict:
    blob = _blob(context, content=content)
    if blob is None:
        raise BLOB_NOT_FOUND()
    return blob


def _version_headers(properties: dict) -> dict[str, str]:
    return {"ETag": f'"{properties["etag"]}"', "Last-Modified": http_date(properties["last_modified"])}


def _write_preconditions(context: BlobContext, existing: dict | None) -> None:
    if existing is not None and context.request.headers.get("if-none-match", "").strip() == "*":
        raise BLOB_ALREADY_EXISTS()
    properties = (existing or {}).get("properties") or {}
    check_conditions(context.request, properties.get("etag"), properties.get("last_modified"), read=False)


def _new_properties(context: BlobContext, existing: dict | None, content_md5: str | None, *, standard: bool) -> dict:
    now = time.time()
    previous = (existing or {}).get("properties") or {}
    return {
        **content_properties(context.request, standard=standard),
        "content_md5": content_md5,
        "metadata": metadata_from(context.request),
        "creation_time": previous.get("creation_time", now),
        "last_modified": now,
        "etag": new_etag(),
    }


def _save(context: BlobContext, properties: dict, content: bytes, blocks: list) -> Response:
    _store(context).put_blob(context.container_id, context.blob_name, properties, content, blocks)
    headers = {**_version_headers(properties), "x-ms-request-server-encrypted": "true"}
    if properties.get("content_md5"):
        headers["Content-MD5"] = properties["content_md5"]
    return Response(status=201, headers=headers)


def put_blob(context: BlobContext) -> Response:
    request = context.request
    check_blob_name(context.blob_name or "")
    blob_type = request.headers.get("x-ms-blob-type")
    if not blob_type:
        raise MISSING_REQUIRED_HEADER(details=[("HeaderName", "x-ms-blob-type")])
    if blob_type != BLOCK_BLOB:
        # Page and append blobs are not served (this endpoint's limit; Azure takes them).
        raise INVALID_HEADER_VALUE(details=[("HeaderName", "x-ms-blob-type"), ("HeaderValue", blob_type)])
    existing = _blob(context)
    if existing is None:
        authorize(context, blob_action("write"), blob_action("add/action"))
    else:
        authorize(context, blob_action("write"))
    existing_container(context)
    _write_preconditions(context, existing)
    content = request.body
    checked_md5(request, "content-md5", content)
    declared = checked_md5(request, "x-ms-blob-content-md5", content)
    properties = _new_properties(context, existing, declared or md5_base64(content), standard=True)
    return _save(context, properties, content, [])


def _block_id(context: BlobContext) -> str:
    block_id = context.request.query.get("blockid")
    try:
        valid = block_id is not None and 0 < len(base64.b64decode(block_id, validate=True)) <= MAX_BLOCK_ID_BYTES
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise INVALID_QUERY_PARAMETER_VALUE(
            details=[("QueryParameterName", "blockid"), ("QueryParameterValue", block_id or "")]
        )
    return str(block_id)


def put_block(context: BlobContext) -> Response:
    check_blob_name(context.blob_name or "")
    block_id = _block_id(context)
    authorize(context, blob_action("write"))
    existing_container(context)
    content = context.request.body
    checked_md5(context.request, "content-md5", content)
    _store(context).put_blob_block(context.container_id, context.blob_name, block_id, content)
    return Response(status=201, headers={"Content-MD5": md5_base64(content), "x-ms-request-server-encrypted": "true"})


def _committed_blocks(existing: dict | None) -> dict[str, tuple[int, int]]:
    """Block id -> (offset, size) in the committed content."""
    offsets, position = {}, 0
    for block_id, size in (existing or {}).get("blocks") or []:
        offsets[block_id] = (position, size)
        position += size
    return offsets


def put_block_list(context: BlobContext) -> Response:
    request = context.request
    check_blob_name(context.blob_name or "")
    authorize(context, blob_action("write"))
    existing_container(context)
    requested = parse_block_list(request.body)
    existing = _blob(context, content=True)
    _write_preconditions(context, existing)
    staged = _store(context).blob_blocks(context.container_id, context.blob_name)
    committed = _committed_blocks(existing)
    parts, blocks = [], []
    for kind, block_id in requested:
        if kind in ("Uncommitted", "Latest") and block_id in staged:
            data = staged[block_id]
        elif kind in ("Committed", "Latest") and block_id in committed:
            offset, size = committed[block_id]
            data = existing["content"][offset : offset + size]  # type: ignore[index]
        else:
            raise INVALID_BLOCK_LIST()
        parts.append(data)
        blocks.append([block_id, len(data)])
    declared = request.headers.get("x-ms-blob-content-md5") or None
    properties = _new_properties(context, existing, declared, standard=False)
    return _save(context, properties, b"".join(parts), blocks)


def get_block_list(context: BlobContext) -> Response:
    list_type = (context.request.query.get("blocklisttype") or "committed").lower()
    if list_type not in BLOCK_LIST_TYPES:
        raise INVALID_QUERY_PARAMETER_VALUE(
            details=[("QueryParameterName", "blocklisttype"), ("QueryParameterValue", list_type)]
        )
    authorize(context, blob_action("read"))
    existing_container(context)
    blob = _blob(context)
    staged = _store(context).blob_blocks(context.container_id, context.blob_name)
    if blob is None and not staged:
        raise BLOB_NOT_FOUND()

    def listed(items) -> str:
        return "".join(f"<Block>{element('Name', name)}{element('Size', size)}</Block>" for name, size in items)

    document = '<?xml version="1.0" encoding="utf-8"?><BlockList>'
    if list_type in ("committed", "all"):
        document += f"<CommittedBlocks>{listed((blob or {}).get('blocks') or [])}</CommittedBlocks>"
    if list_type in ("uncommitted", "all"):
        document += (
            f"<UncommittedBlocks>{listed((name, len(data)) for name, data in staged.items())}</UncommittedBlocks>"
        )
    headers = {"x-ms-blob-content-length": str((blob or {}).get("size", 0))}
    if blob is not None:
        headers.update(_version_headers(blob["properties"]))
    return Response(
        status=200, body=(document + "</BlockList>").encode(), headers=headers, content_type="application/xml"
    )


def _read_headers(blob: dict) -> dict[str, str]:
    properties = blob["properties"]
    headers = {
        **_version_headers(properties),
        "x-ms-creation-time": http_date(properties["creation_time"]),
        "Accept-Ranges": "bytes",
        **metadata_headers(properties.get("metadata") or {}),
    }
    headers.update(BLOB_CONSTANTS)
    for name, (dummy_request_header, response_header) in CONTENT_HEADERS.items():
        if name != "content_type" and properties.get(name):
            headers[response_header] = properties[name]
    return headers


def _content_response(status: int, body: bytes, headers: dict, content_type: str) -> Response:
    if not body:
        headers["Content-Type"] = content_type  # the server names the type of non-empty bodies only
    return Response(status=status, body=body, headers=headers, content_type=content_type)


def get_blob(context: BlobContext) -> Response:
    request = context.request
    authorize(context, blob_action("read"))
    existing_container(context)
    blob = _existing_blob(context)
    properties = blob["properties"]
    headers = _read_headers(blob)
    if not check_conditions(request, properties["etag"], properties["last_modified"], read=True):
        return Response(status=304, headers=headers)
    content_type = properties.get("content_type") or DEFAULT_CONTENT_TYPE
    wanted = requested_range(request)
    size = blob["size"]
    if wanted is None:
        if properties.get("content_md5"):
            headers["Content-MD5"] = properties["content_md5"]
        content = _store(context).blob_range(context.container_id, context.blob_name, 0, size)
        return _content_response(200, content, headers, content_type)
    start, end = wanted
    if start >= size:
        raise INVALID_RANGE(headers={"Content-Range": f"bytes */{size}"})
    end = size - 1 if end is None else min(end, size - 1)
    content = _store(context).blob_range(context.container_id, context.blob_name, start, end - start + 1)
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    if properties.get("content_md5"):
        headers["x-ms-blob-content-md5"] = properties["content_md5"]
    if request.headers.get("x-ms-range-get-content-md5", "").lower() == "true":
        if len(content) > MAX_RANGE_MD5_BYTES:
            raise OUT_OF_RANGE_INPUT("One of the request inputs is out of range.")
        headers["Content-MD5"] = md5_base64(content)
    return _content_response(206, content, headers, content_type)


def blob_properties(context: BlobContext) -> Response:
    authorize(context, blob_action("read"))
    existing_container(context)
    blob = _existing_blob(context)
    properties = blob["properties"]
    headers = _read_headers(blob)
    if not check_conditions(context.request, properties["etag"], properties["last_modified"], read=True):
        return Response(status=304, headers=headers)
    headers.update({"x-ms-access-tier": "Hot", "x-ms-access-tier-inferred": "true"})
    if properties.get("content_md5"):
        headers["Content-MD5"] = properties["content_md5"]
    # A HEAD answer's Content-Length is the blob's size; the server sends no body for HEAD, so these zero bytes
    # (not the content) stand for it.
    content_type = properties.get("content_type") or DEFAULT_CONTENT_TYPE
    return _content_response(200, bytes(blob["size"]), headers, content_type)


def delete_blob(context: BlobContext) -> Response:
    authorize(context, blob_action("delete"))
    existing_container(context)
    blob = _existing_blob(context)
    properties = blob["properties"]
    check_conditions(context.request, properties["etag"], properties["last_modified"], read=False)
    _store(context).delete_blob(context.container_id, context.blob_name)
    return Response(status=202, headers={"x-ms-delete-type-permanent": "true"})


def _blob_item(blob: dict, with_metadata: bool) -> str:
    properties = blob["properties"]
    fields = [
        element("Creation-Time", http_date(properties["creation_time"])),
        element("Last-Modified", http_date(properties["last_modified"])),
        element("Etag", properties["etag"]),
        element("Content-Length", blob["size"]),
        element("Content-Type", properties.get("content_type")),
        element("Content-Encoding", properties.get("content_encoding")),
        element("Content-Language", properties.get("content_language")),
        element("Content-CRC64"),
        element("Content-MD5", properties.get("content_md5")),
        element("Cache-Control", properties.get("cache_control")),
        element("Content-Disposition", properties.get("content_disposition")),
        element("BlobType", BLOCK_BLOB),
        element("AccessTier", "Hot"),
        element("AccessTierInferred", True),
        element("LeaseStatus", "unlocked"),
        element("LeaseState", "available"),
        element("ServerEncrypted", True),
    ]
    metadata = metadata_element(properties.get("metadata") or {}) if with_metadata else ""
    return f"<Blob>{element('Name', blob['name'])}<Properties>{''.join(fields)}</Properties>{metadata}</Blob>"


def list_blobs(context: BlobContext) -> Response:
    query = context.request.query
    authorize(context, blob_action("read"))
    existing_container(context)
    prefix, delimiter, limit = query.get("prefix") or "", query.get("delimiter") or "", max_results(context)
    with_metadata = "metadata" in includes(context)
    items: list[str] = []
    last_prefix, next_marker = None, ""
    for blob in _store(context).list_blobs(context.container_id, prefix, query.get("marker") or None):
        rest = blob["name"][len(prefix) :]
        cut = rest.find(delimiter) if delimiter else -1
        group = prefix + rest[: cut + len(delimiter)] if cut >= 0 else None
        if group is not None and group == last_prefix:
            continue
        if len(items) == limit:
            next_marker = group or blob["name"]
            break
        if group is not None:
            last_prefix = group
            items.append(f"<BlobPrefix>{element('Name', group)}</BlobPrefix>")
        else:
            items.append(_blob_item(blob, with_metadata))
    document = enumeration(
        context.service_endpoint,
        {
            "Prefix": query.get("prefix"),
            "Marker": query.get("marker"),
            "MaxResults": query.get("maxresults"),
            "Delimiter": query.get("delimiter"),
        },
        "Blobs",
        items,
        next_marker,
        container=context.container_name,
    )
    return Response(status=200, body=document, content_type="application/xml")
