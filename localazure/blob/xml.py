"""XML of the blob service: error bodies, the container and blob enumerations, and the block list a client
commits. Elements and their order are those of the Blob service REST reference (List Containers, List Blobs,
Put Block List)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import escape, quoteattr

from localazure.blob.errors import INVALID_XML_DOCUMENT, BlobError

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
# Put Block List: the block id kinds, in the words of the request body.
BLOCK_KINDS = ("Committed", "Uncommitted", "Latest")


def element(name: str, value=None) -> str:
    """``<name>value</name>``, or ``<name />`` for None or an empty value."""
    if value is None or value == "":
        return f"<{name} />"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"


def error_document(error: BlobError, request_id: str, time_text: str) -> bytes:
    message = f"{error.message}\nRequestId:{request_id}\nTime:{time_text}"
    details = "".join(element(name, value) for name, value in error.details)
    return (f"{DECLARATION}<Error>{element('Code', error.code)}{element('Message', message)}{details}</Error>").encode()


def metadata_element(metadata: dict[str, str]) -> str:
    return "<Metadata>" + "".join(element(name, value) for name, value in metadata.items()) + "</Metadata>"


def enumeration(
    service_endpoint: str,
    query: dict[str, str | None],
    collection: str,
    items: list[str],
    next_marker: str,
    container: str | None = None,
) -> bytes:
    """An ``EnumerationResults`` document: the request's listing parameters that were given (``query``, in
    order), the ``collection`` element with ``items`` (already XML) and ``NextMarker``."""
    attributes = f" ServiceEndpoint={quoteattr(service_endpoint)}"
    if container is not None:
        attributes += f" ContainerName={quoteattr(container)}"
    given = "".join(element(name, value) for name, value in query.items() if value is not None)
    return (
        f"{DECLARATION}<EnumerationResults{attributes}>{given}<{collection}>{''.join(items)}</{collection}>"
        f"{element('NextMarker', next_marker)}</EnumerationResults>"
    ).encode()


def parse_block_list(body: bytes) -> list[tuple[str, str]]:
    """The ``(kind, block id)`` pairs of a Put Block List body, in order; ``InvalidXmlDocument`` for a body that
    is not such a document. Document type declarations (and so entity definitions) are refused outright."""
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise INVALID_XML_DOCUMENT(details=[("Reason", "A document type declaration is not allowed.")])
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        line, column = error.position
        raise INVALID_XML_DOCUMENT(
            details=[("LineNumber", str(line)), ("LinePosition", str(column + 1)), ("Reason", str(error))]
        ) from None
    if root.tag != "BlockList":
        raise INVALID_XML_DOCUMENT(details=[("Reason", f"The root element '{root.tag}' is not 'BlockList'.")])
    blocks = []
    for child in root:
        if child.tag not in BLOCK_KINDS or len(child):
            raise INVALID_XML_DOCUMENT(details=[("Reason", f"The element '{child.tag}' is not expected.")])
        blocks.append((child.tag, (child.text or "").strip()))
    return blocks
