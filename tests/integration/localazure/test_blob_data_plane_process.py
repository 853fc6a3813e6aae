"""The blob data plane on a real endpoint process over HTTPS: azure-storage-blob trusting the endpoint's CA, and
request bodies over ARM's 4 MB limit, which the blob routes take (a single Put Blob of azure-storage-blob's
default size, its default 4 MiB blocks) up to their own limit."""

from __future__ import annotations

import http.client
import ssl
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import pytest
from azure.mgmt.storage import StorageManagementClient
from test_blob_data_plane import BLOB_DATA_CONTRIBUTOR, GROUP, _assign, _group_id, _service

ENDPOINT_PROCESS = True
ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
ACCOUNT = "blobplaneprocess"
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def container(endpoint):
    assert endpoint.call("PUT", _group_id(endpoint), body={"location": "westeurope"}).status_code == 201
    storage = endpoint.mgmt_client(StorageManagementClient)
    body = {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    storage.storage_accounts.begin_create(GROUP, ACCOUNT, body).result()
    _assign(endpoint, "deployer", BLOB_DATA_CONTRIBUTOR, _group_id(endpoint))
    return _service(endpoint, ACCOUNT).create_container("large")


def _payload(size: int) -> bytes:
    return bytes(index % 251 for index in range(size))


def test_a_single_put_over_four_megabytes(endpoint, container):
    data = _payload(5 * MIB)
    container.upload_blob("single", data)  # one Put Blob: under azure-storage-blob's 64 MiB max_single_put_size
    assert container.get_blob_client("single").download_blob().readall() == data
    puts = [entry for entry in endpoint.requests_log(method="PUT", path="/large/single") if entry["status"] == 201]
    assert len(puts) == 1


def test_default_four_mebibyte_blocks(endpoint):
    service = _service(endpoint, ACCOUNT, max_single_put_size=4 * MIB)
    blob = service.get_container_client("large").get_blob_client("blocks")
    data = _payload(9 * MIB)
    blob.upload_blob(data)
    committed, dummy_uncommitted = blob.get_block_list("committed")
    assert [block.size for block in committed] == [4 * MIB, 4 * MIB, 1 * MIB]
    assert blob.download_blob(max_concurrency=2).readall() == data


def test_a_body_over_the_blob_limit_is_refused_before_it_is_read(endpoint, container):
    from localazure.blob.routes import MAX_BLOB_REQUEST_BYTES

    url = urlsplit(endpoint.arm)
    connection = http.client.HTTPSConnection(
        url.hostname, url.port, context=ssl.create_default_context(cafile=endpoint.ca), timeout=30
    )
    try:
        connection.putrequest("PUT", f"/{ACCOUNT}/large/too-large")
        connection.putheader("Content-Length", str(MAX_BLOB_REQUEST_BYTES + 1))
        connection.putheader("x-ms-blob-type", "BlockBlob")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 413
    assert response.getheader("x-ms-error-code") == "RequestBodyTooLarge"
    error = ElementTree.fromstring(body)
    assert error.findtext("Code") == "RequestBodyTooLarge"
    assert error.findtext("MaxLimit") == str(MAX_BLOB_REQUEST_BYTES)
