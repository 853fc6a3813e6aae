"""The blob data plane's protocol pieces: the Shared Key string-to-sign (checked against azure-storage-blob's own
signing policy), the route's account segment, the block list document, ranges, conditions and error bodies."""

import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import pytest
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.rest import HttpRequest
from azure.storage.blob._shared.authentication import SharedKeyCredentialPolicy

from localazure.blob.auth import shared_key_string_to_sign, sign
from localazure.blob.errors import BLOB_NOT_FOUND, INVALID_XML_DOCUMENT, BlobError
from localazure.blob.models import check_conditions, requested_range
from localazure.blob.routes import BLOB_PATH
from localazure.blob.xml import error_document, parse_block_list
from localazure.http import Request

KEY = "c2VjcmV0LWtleS1vZi10aGUtYWNjb3VudC0wMTIzNDU2Nzg5"
ROUTE = re.compile(BLOB_PATH + r"/?\Z", re.IGNORECASE)


def _signed_by_the_sdk(method: str, url: str, headers: dict, body: bytes = b"") -> Request:
    """The request as azure-storage-blob's Shared Key policy signs it, then as the endpoint reads it."""
    http_request = HttpRequest(method, url, headers=headers, content=body)
    SharedKeyCredentialPolicy("acct", KEY).on_request(PipelineRequest(http_request, PipelineContext(None)))
    target = urlsplit(http_request.url)
    path = target.path + (f"?{target.query}" if target.query else "")
    return Request.from_target(method, path, dict(http_request.headers), body)


@pytest.mark.parametrize(
    ("method", "url", "headers", "body"),
    [
        ("GET", "https://127.0.0.1:8443/acct?comp=list&maxresults=2&prefix=a", {"x-ms-version": "2026-10-06"}, b""),
        (
            "PUT",
            "https://127.0.0.1:8443/acct/data/dir/my%20blob~1.txt",
            {
                "x-ms-version": "2026-10-06",
                "x-ms-blob-type": "BlockBlob",
                "x-ms-meta-owner": "team",
                "x-ms-client-request-id": "1",
                "Content-Type": "text/plain",
                "Content-Length": "5",
                "If-None-Match": "*",
            },
            b"hello",
        ),
        (
            "DELETE",
            "https://127.0.0.1:8443/acct/data?restype=container",
            {"x-ms-date": "now", "Content-Length": "0"},
            b"",
        ),
    ],
)
def test_the_shared_key_string_to_sign_matches_the_clients(method, url, headers, body):
    request = _signed_by_the_sdk(method, url, headers, body)
    scheme, credentials = request.headers["authorization"].split(" ")
    assert scheme == "SharedKey"
    assert credentials == "acct:" + sign(KEY, shared_key_string_to_sign(request, "acct"))


def test_a_changed_request_no_longer_matches_its_signature():
    request = _signed_by_the_sdk("GET", "https://127.0.0.1:8443/acct/data/blob", {"x-ms-version": "2026-10-06"})
    signature = request.headers["authorization"].split(":")[1]
    request.path = "/acct/data/other"
    assert sign(KEY, shared_key_string_to_sign(request, "acct")) != signature


@pytest.mark.parametrize(
    ("path", "groups"),
    [
        ("/acct", ("acct", None, None)),
        ("/acct/", ("acct", None, None)),
        ("/acct/data", ("acct", "data", None)),
        ("/acct/data/a/b/c.txt", ("acct", "data", "a/b/c.txt")),
        ("/acct/data/x/providers/Microsoft.Storage/y", ("acct", "data", "x/providers/Microsoft.Storage/y")),
        ("/subscriptionsx/data", ("subscriptionsx", "data", None)),
    ],
)
def test_the_route_takes_account_container_and_blob(path, groups):
    found = ROUTE.match(path)
    assert found is not None and (found["account"], found["container"], found["blob"]) == groups


@pytest.mark.parametrize(
    "path",
    [
        "/subscriptions/s/resourceGroups",
        "/providers/Microsoft.Storage",
        "/metadata/endpoints",
        "/graph/v1.0/users",
        "/common/discovery/keys",
        "/organizations/oauth2/v2.0/token",
        "/_admin/requests",
        "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",  # a tenant id is never an account name
        "/ab/data",  # account names have 3 to 24 characters
        "/a-b-c/data",
    ],
)
def test_the_route_leaves_the_endpoints_own_paths_alone(path):
    assert ROUTE.match(path) is None


def test_a_block_list_in_order_of_its_elements():
    body = b"<?xml version='1.0'?><BlockList><Latest>AA==</Latest><Committed>AQ==</Committed>" + (
        b"<Uncommitted> Ag== </Uncommitted></BlockList>"
    )
    assert parse_block_list(body) == [("Latest", "AA=="), ("Committed", "AQ=="), ("Uncommitted", "Ag==")]


@pytest.mark.parametrize(
    "body",
    [
        b"not xml",
        b"<Blocks><Latest>AA==</Latest></Blocks>",
        b"<BlockList><Newest>AA==</Newest></BlockList>",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><BlockList><Latest>&a;</Latest></BlockList>',
    ],
)
def test_a_body_that_is_no_block_list_is_invalid_xml(body):
    with pytest.raises(BlobError) as raised:
        parse_block_list(body)
    assert (raised.value.status, raised.value.code) == (INVALID_XML_DOCUMENT.status, INVALID_XML_DOCUMENT.code)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"range": "bytes=0-9"}, (0, 9)),
        ({"x-ms-range": "bytes=5-", "range": "bytes=0-1"}, (5, None)),
    ],
)
def test_ranges(headers, expected):
    assert requested_range(Request("GET", "/", {}, headers)) == expected


@pytest.mark.parametrize("value", ["bytes=9-1", "items=0-1", "bytes=-5"])
def test_a_malformed_range_is_an_invalid_header(value):
    with pytest.raises(BlobError) as raised:
        requested_range(Request("GET", "/", {}, {"range": value}))
    assert raised.value.code == "InvalidHeaderValue"


def test_conditions_of_reads_and_writes():
    etag, modified = "0x8DC1", 1_700_000_000.0
    assert check_conditions(Request("GET", "/", {}, {"if-none-match": '"0x8DC1"'}), etag, modified, read=True) is False
    assert check_conditions(Request("GET", "/", {}, {"if-match": '"0x8DC1"'}), etag, modified, read=True) is True
    with pytest.raises(BlobError) as raised:
        check_conditions(Request("PUT", "/", {}, {"if-match": '"0x1"'}), etag, modified, read=False)
    assert (raised.value.status, raised.value.code) == (412, "ConditionNotMet")
    with pytest.raises(BlobError):
        check_conditions(Request("PUT", "/", {}, {"if-match": "*"}), None, None, read=False)


def test_an_error_document_carries_the_request_id_time_and_details():
    error = BLOB_NOT_FOUND(details=[("Detail", "<&>")])
    root = ElementTree.fromstring(error_document(error, "rid-1", "2026-01-01T00:00:00.0000000Z"))
    assert root.tag == "Error" and root.findtext("Code") == "BlobNotFound"
    assert root.findtext("Message") == (
        "The specified blob does not exist.\nRequestId:rid-1\nTime:2026-01-01T00:00:00.0000000Z"
    )
    assert root.findtext("Detail") == "<&>"
