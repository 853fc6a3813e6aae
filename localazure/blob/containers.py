"""Container operations of the Blob service: Create Container, Get Container Properties (and Metadata), Set
Container Metadata, Delete Container, List Containers.

A container is the ARM resource ``Microsoft.Storage/storageAccounts/blobServices/containers`` -- one truth: a
container made here is what ARM lists, and one made through ARM (or by a deployment) is listed here. Its ETag and
Last-Modified are the resource's ``etag`` and ``properties.lastModifiedTime``, its metadata
``properties.metadata``, its public access ``properties.publicAccess``. Deleting it (here or through ARM, with its
account or resource group) deletes its blobs.
"""

from __future__ import annotations

from localazure.blob.auth import authorize, container_action
from localazure.blob.errors import (
    CONTAINER_ALREADY_EXISTS,
    CONTAINER_NOT_FOUND,
    INVALID_HEADER_VALUE,
    INVALID_QUERY_PARAMETER_VALUE,
    PUBLIC_ACCESS_NOT_PERMITTED,
)
from localazure.blob.models import (
    BlobContext,
    check_container_name,
    http_date,
    iso_to_timestamp,
    metadata_from,
    metadata_headers,
)
from localazure.blob.xml import element, enumeration, metadata_element
from localazure.http import Response
from localazure.ids import parse_resource_path
from localazure.resource_types import BLOB_CONTAINERS

MAX_RESULTS = 5000
PUBLIC_ACCESS = {"container": "Container", "blob": "Blob"}
CONTAINER_CONSTANTS = (
    ("x-ms-lease-status", "unlocked"),
    ("x-ms-lease-state", "available"),
    ("x-ms-has-immutability-policy", "false"),
    ("x-ms-has-legal-hold", "false"),
    ("x-ms-immutable-storage-with-versioning-enabled", "false"),
)


def container_resource(context: BlobContext) -> dict | None:
    return context.app.store.get_resource(context.container_id)  # type: ignore[attr-defined]


def existing_container(context: BlobContext) -> dict:
    body = container_resource(context)
    if body is None:
        raise CONTAINER_NOT_FOUND()
    return body


def _properties(body: dict) -> dict:
    return body.get("properties") or {}


def etag_and_modified(body: dict) -> dict[str, str]:
    return {
        "ETag": body.get("etag") or '"0x0"',
        "Last-Modified": http_date(iso_to_timestamp(_properties(body).get("lastModifiedTime"))),
    }


def _public_access(properties: dict) -> str | None:
    value = str(properties.get("publicAccess") or "None")
    return None if value.lower() == "none" else value.lower()


def _put_resource(context: BlobContext, properties: dict) -> dict:
    """Write the container's ARM resource (as the provider does; the data plane has authorized it already)."""
    app = context.app
    resource_type = app.registry.get(BLOB_CONTAINERS)  # type: ignore[attr-defined]
    path = parse_resource_path(context.container_id)
    dummy_status, stored, dummy_operation = app.resources.put(  # type: ignore[attr-defined]
        path, {"properties": properties}, resource_type.default_api_version, internal=True
    )
    return stored


def create_container(context: BlobContext) -> Response:
    check_container_name(context.container_name or "")
    authorize(context, container_action("write"))
    requested = context.request.headers.get("x-ms-blob-public-access")
    public_access = "None"
    if requested:
        if requested.lower() not in PUBLIC_ACCESS:
            raise INVALID_HEADER_VALUE(details=[("HeaderName", "x-ms-blob-public-access"), ("HeaderValue", requested)])
        if _properties(context.account).get("allowBlobPublicAccess") is False:
            raise PUBLIC_ACCESS_NOT_PERMITTED()
        public_access = PUBLIC_ACCESS[requested.lower()]
    if container_resource(context) is not None:
        raise CONTAINER_ALREADY_EXISTS()
    stored = _put_resource(context, {"publicAccess": public_access, "metadata": metadata_from(context.request)})
    return Response(status=201, headers=etag_and_modified(stored))


def container_properties(context: BlobContext) -> Response:
    authorize(context, container_action("read"))
    body = existing_container(context)
    properties = _properties(body)
    headers = {**etag_and_modified(body), **metadata_headers(properties.get("metadata") or {})}
    headers.update(CONTAINER_CONSTANTS)
    headers["x-ms-default-encryption-scope"] = properties.get("defaultEncryptionScope") or "$account-encryption-key"
    headers["x-ms-deny-encryption-scope-override"] = str(bool(properties.get("denyEncryptionScopeOverride"))).lower()
    public_access = _public_access(properties)
    if public_access:
        headers["x-ms-blob-public-access"] = public_access
    return Response(status=200, headers=headers)


def set_container_metadata(context: BlobContext) -> Response:
    authorize(context, container_action("write"))
    body = existing_container(context)
    properties = {
        key: value
        for key, value in _properties(body).items()
        if key in ("publicAccess", "defaultEncryptionScope", "denyEncryptionScopeOverride")
    }
    stored = _put_resource(context, {**properties, "metadata": metadata_from(context.request)})
    return Response(status=200, headers=etag_and_modified(stored))


def delete_container(context: BlobContext) -> Response:
    authorize(context, container_action("delete"))
    existing_container(context)
    context.app.resources.remove_tree(context.container_id)  # type: ignore[attr-defined]
    return Response(status=202)


def max_results(context: BlobContext) -> int:
    text = context.request.query.get("maxresults")
    if text is None:
        return MAX_RESULTS
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise INVALID_QUERY_PARAMETER_VALUE(
            details=[
                ("QueryParameterName", "maxresults"),
                ("QueryParameterValue", text),
                ("Reason", "The value must be a positive integer."),
            ]
        )
    return min(int(text), MAX_RESULTS)


def includes(context: BlobContext) -> set[str]:
    return {item.strip().lower() for item in (context.request.query.get("include") or "").split(",") if item.strip()}


def _container_item(body: dict, with_metadata: bool) -> str:
    properties = _properties(body)
    public_access = _public_access(properties)
    fields = [
        element("Last-Modified", http_date(iso_to_timestamp(properties.get("lastModifiedTime")))),
        element("Etag", body.get("etag")),
        element("LeaseStatus", "unlocked"),
        element("LeaseState", "available"),
    ]
    if public_access:
        fields.append(element("PublicAccess", public_access))
    fields += [
        element("DefaultEncryptionScope", properties.get("defaultEncryptionScope") or "$account-encryption-key"),
        element("DenyEncryptionScopeOverride", bool(properties.get("denyEncryptionScopeOverride"))),
        element("HasImmutabilityPolicy", False),
        element("HasLegalHold", False),
        element("ImmutableStorageWithVersioningEnabled", False),
    ]
    metadata = metadata_element(properties.get("metadata") or {}) if with_metadata else ""
    return f"<Container>{element('Name', body.get('name'))}<Properties>{''.join(fields)}</Properties>{metadata}</Container>"


def list_containers(context: BlobContext) -> Response:
    authorize(context, container_action("read"), scope=context.account_id)
    query = context.request.query
    prefix, marker, limit = query.get("prefix") or "", query.get("marker") or "", max_results(context)
    app = context.app
    containers = sorted(
        app.store.list_resources(f"{context.account_id}/blobServices/default", BLOB_CONTAINERS),  # type: ignore[attr-defined]
        key=lambda body: str(body.get("name")).encode(),
    )
    chosen = [
        body for body in containers if str(body.get("name")).startswith(prefix) and str(body.get("name")) >= marker
    ]
    page, rest = chosen[:limit], chosen[limit:]
    with_metadata = "metadata" in includes(context)
    document = enumeration(
        context.service_endpoint,
        {"Prefix": query.get("prefix"), "Marker": query.get("marker"), "MaxResults": query.get("maxresults")},
        "Containers",
        [_container_item(body, with_metadata) for body in page],
        str(rest[0].get("name")) if rest else "",
    )
    return Response(status=200, body=document, content_type="application/xml")
