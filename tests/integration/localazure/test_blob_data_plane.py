"""The blob data plane (localazure/blob/) with the unmodified azure-storage-blob client and plain REST: containers
and blobs, Entra ID tokens for Azure Storage, Azure's data actions, Shared Key and its refusal."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ElementTree

import pytest
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from azure.mgmt.storage import StorageManagementClient
from azure.storage.blob import BlobServiceClient, ContentSettings

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
GROUP = "rg-blob-plane"
ACCOUNT = "blobplanemain"  # the deployer holds Storage Blob Data Contributor here (through the group)
READER_ACCOUNT = "blobplanereader"  # model-developer-test: Storage Blob Data Reader on the account
NO_KEY_ACCOUNT = "blobplanenokey"  # allowSharedKeyAccess: false; in a group where the deployer has no data role
OTHER_GROUP = "rg-blob-plane-arm-roles-only"
WRITABLE = "writable"  # model-developer-test: Storage Blob Data Contributor on this container only
BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
STORAGE_API = "2024-01-01"


def _group_id(endpoint, group: str = GROUP) -> str:
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}"


def _account_id(endpoint, account: str) -> str:
    return f"{_group_id(endpoint)}/providers/Microsoft.Storage/storageAccounts/{account}"


def _group_of(account: str) -> str:
    return OTHER_GROUP if account == NO_KEY_ACCOUNT else GROUP


def _assign(endpoint, principal: str, role: str, scope: str) -> None:
    body = {
        "properties": {
            "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{role}",
            "principalId": endpoint.principal(principal)["object_id"],
            "principalType": "ServicePrincipal",
        }
    }
    path = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}"
    response = endpoint.call("PUT", path, api_version="2022-04-01", body=body)
    assert response.status_code == 201, response.text


@pytest.fixture(scope="module")
def plane(endpoint):
    """Three accounts and the role assignments of the module's scenarios."""
    for group in (GROUP, OTHER_GROUP):
        assert endpoint.call("PUT", _group_id(endpoint, group), body={"location": "westeurope"}).status_code == 201
    storage = endpoint.mgmt_client(StorageManagementClient)
    for account, shared_key in ((ACCOUNT, None), (READER_ACCOUNT, None), (NO_KEY_ACCOUNT, False)):
        body = {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
        if shared_key is not None:
            body["properties"] = {"allowSharedKeyAccess": shared_key}
        storage.storage_accounts.begin_create(_group_of(account), account, body).result()
    _assign(endpoint, "deployer", BLOB_DATA_CONTRIBUTOR, _group_id(endpoint))
    _assign(endpoint, "model-developer-test", BLOB_DATA_READER, _account_id(endpoint, READER_ACCOUNT))
    storage.blob_containers.create(GROUP, READER_ACCOUNT, WRITABLE, {})
    storage.blob_containers.create(GROUP, READER_ACCOUNT, "readonly", {})
    writable_scope = f"{_account_id(endpoint, READER_ACCOUNT)}/blobServices/default/containers/{WRITABLE}"
    _assign(endpoint, "model-developer-test", BLOB_DATA_CONTRIBUTOR, writable_scope)
    return storage


def _service(endpoint, account: str = ACCOUNT, principal: str = "deployer", **kwargs) -> BlobServiceClient:
    url = endpoint.connection["blob_endpoint"].format(account=account)
    credential = kwargs.pop("credential", None) or endpoint.credential(principal)
    return BlobServiceClient(url, credential=credential, **endpoint.client_options(), **kwargs)


def _raw(endpoint, method: str, path: str, *, token: str | None = None, headers: dict | None = None, **kwargs):
    all_headers = {"x-ms-version": "2025-11-05", **(headers or {})}
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    return endpoint.session.request(
        method, f"{endpoint.arm}{path}", headers=all_headers, timeout=30, verify=endpoint.ca, **kwargs
    )


def _error_code(response) -> str:
    return ElementTree.fromstring(response.content).findtext("Code")


def test_connection_names_the_blob_endpoint(endpoint):
    assert endpoint.connection["blob_endpoint"] == endpoint.arm + "/{account}"


def test_containers_and_blobs_round_trip(endpoint, plane):
    service = _service(endpoint)
    container = service.create_container("data", metadata={"owner": "perception"})
    with pytest.raises(ResourceExistsError):
        service.create_container("data")
    properties = container.get_container_properties()
    assert properties.metadata == {"owner": "perception"}
    assert properties.etag and properties.last_modified
    assert "data" in [item.name for item in service.list_containers()]
    container.upload_blob("a/one.txt", b"first", content_settings=ContentSettings(content_type="text/plain"))
    container.upload_blob("a/two.txt", b"second", metadata={"k": "v"})
    container.upload_blob("b.txt", b"")
    with pytest.raises(ResourceExistsError):
        container.upload_blob("b.txt", b"again")
    container.upload_blob("b.txt", b"replaced", overwrite=True)
    blob = container.get_blob_client("a/one.txt")
    assert blob.download_blob().readall() == b"first"
    assert blob.download_blob(offset=1, length=3).readall() == b"irs"
    blob_properties = blob.get_blob_properties()
    assert blob_properties.size == 5
    assert blob_properties.content_settings.content_type == "text/plain"
    assert blob_properties.blob_type == "BlockBlob"
    assert bytes(blob_properties.content_settings.content_md5) and blob_properties.etag
    assert sorted(item.name for item in container.list_blobs()) == ["a/one.txt", "a/two.txt", "b.txt"]
    assert [item.name for item in container.list_blobs(name_starts_with="a/")] == ["a/one.txt", "a/two.txt"]
    assert [item.name for item in container.walk_blobs()] == ["a/", "b.txt"]
    assert next(iter(container.list_blobs(name_starts_with="a/two", include=["metadata"]))).metadata == {"k": "v"}
    container.get_blob_client("empty").upload_blob(b"")
    assert container.get_blob_client("empty").download_blob().readall() == b""
    container.delete_blob("a/one.txt")
    with pytest.raises(ResourceNotFoundError):
        blob.download_blob()
    with pytest.raises(ResourceNotFoundError):
        container.delete_blob("a/one.txt")
    container.delete_container()
    with pytest.raises(ResourceNotFoundError):
        container.get_container_properties()


def test_pages_of_blobs_and_containers(endpoint, plane):
    service = _service(endpoint)
    container = service.create_container("paged")
    names = [f"item-{index:02d}" for index in range(7)]
    for name in names:
        container.upload_blob(name, name.encode())
    pages = list(container.list_blobs(results_per_page=3).by_page())
    assert [[item.name for item in page] for page in pages] == [names[0:3], names[3:6], names[6:7]]
    for index in range(3):
        service.create_container(f"paged-{index}")
    listed = [item.name for item in service.list_containers(name_starts_with="paged-", results_per_page=2)]
    assert listed == ["paged-0", "paged-1", "paged-2"]


def test_one_truth_with_resource_manager(endpoint, plane):
    service = _service(endpoint)
    service.create_container("from-data-plane")
    arm_names = [item.name for item in plane.blob_containers.list(GROUP, ACCOUNT)]
    assert "from-data-plane" in arm_names
    plane.blob_containers.create(GROUP, ACCOUNT, "from-arm", {"properties": {"metadata": {"made": "arm"}}})
    container = service.get_container_client("from-arm")
    assert container.get_container_properties().metadata == {"made": "arm"}
    container.upload_blob("kept", b"data")
    plane.blob_containers.delete(GROUP, ACCOUNT, "from-arm")
    with pytest.raises(ResourceNotFoundError):
        container.get_blob_client("kept").download_blob()
    plane.blob_containers.create(GROUP, ACCOUNT, "from-arm", {})
    assert list(container.list_blobs()) == []  # the blobs went with the container


def test_block_upload_commits_the_blocks_in_order(endpoint, plane):
    service = _service(endpoint, max_single_put_size=1024, max_block_size=1000)
    container = service.create_container("blocks")
    data = bytes(range(256)) * 20  # 5120 bytes: six blocks
    container.upload_blob("chunked", data)
    blob = container.get_blob_client("chunked")
    assert blob.download_blob().readall() == data
    committed, uncommitted = blob.get_block_list("all")
    assert [block.size for block in committed] == [1000] * 5 + [120] and uncommitted == []


def test_reader_may_read_but_not_write(endpoint, plane):
    _service(endpoint, READER_ACCOUNT).get_container_client("readonly").upload_blob("seed", b"data")
    reader = _service(endpoint, READER_ACCOUNT, "model-developer-test")
    container = reader.get_container_client("readonly")
    assert container.get_blob_client("seed").download_blob().readall() == b"data"
    assert {item.name for item in reader.list_containers()} >= {"readonly", WRITABLE}
    with pytest.raises(HttpResponseError) as refused:
        container.upload_blob("new", b"data")
    assert refused.value.status_code == 403 and refused.value.error_code == "AuthorizationPermissionMismatch"
    with pytest.raises(HttpResponseError) as refused:
        container.delete_blob("seed")
    assert refused.value.error_code == "AuthorizationPermissionMismatch"
    with pytest.raises(HttpResponseError) as refused:
        reader.create_container("mine")
    assert refused.value.error_code == "AuthorizationPermissionMismatch"


def test_a_role_at_container_scope_allows_that_container_only(endpoint, plane):
    writer = _service(endpoint, READER_ACCOUNT, "model-developer-test")
    writer.get_container_client(WRITABLE).upload_blob("model.bin", b"weights")
    assert writer.get_container_client(WRITABLE).get_blob_client("model.bin").download_blob().readall() == b"weights"
    with pytest.raises(HttpResponseError) as refused:
        writer.get_container_client("readonly").upload_blob("model.bin", b"weights")
    assert refused.value.error_code == "AuthorizationPermissionMismatch"
    with pytest.raises(HttpResponseError) as refused:
        _service(endpoint, ACCOUNT, "model-developer-test").get_container_client("blocks").download_blob("chunked")
    assert refused.value.error_code == "AuthorizationPermissionMismatch"


def test_resource_manager_roles_carry_no_data_actions(endpoint, plane):
    """Owner (the deployer's only role in the other group) grants the container Actions but no DataActions."""
    owner = _service(endpoint, NO_KEY_ACCOUNT)
    container = owner.create_container("by-owner")
    assert [item.name for item in owner.list_containers()] == ["by-owner"]
    with pytest.raises(HttpResponseError) as refused:
        container.upload_blob("blob", b"data")
    assert refused.value.status_code == 403 and refused.value.error_code == "AuthorizationPermissionMismatch"
    token = endpoint.token(scope="https://storage.azure.com/.default")
    raw = _raw(endpoint, "GET", f"/{NO_KEY_ACCOUNT}/by-owner/blob", token=token)
    assert raw.status_code == 403 and _error_code(raw) == "AuthorizationPermissionMismatch"
    assert raw.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch"
    assert raw.headers["Content-Type"].startswith("application/xml")
    stranger = _service(endpoint, NO_KEY_ACCOUNT, "model-developer-test")
    with pytest.raises(HttpResponseError) as refused:
        stranger.get_container_client("by-owner").get_container_properties()
    assert refused.value.error_code == "AuthorizationPermissionMismatch"


def test_no_token_gets_the_bearer_challenge(endpoint, plane):
    response = _raw(endpoint, "GET", f"/{ACCOUNT}?comp=list")
    assert response.status_code == 401
    assert _error_code(response) == "NoAuthenticationInformation"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge == (
        f"Bearer authorization_uri={endpoint.connection['authority_host']}/{endpoint.tenant_id}/oauth2/authorize "
        "resource_id=https://storage.azure.com"
    )
    assert response.headers["x-ms-request-id"] and response.headers["x-ms-version"] == "2025-11-05"
    head = _raw(endpoint, "HEAD", f"/{ACCOUNT}/data?restype=container")
    assert head.status_code == 401 and head.headers["x-ms-error-code"] == "NoAuthenticationInformation"


def test_a_token_of_another_audience_is_refused(endpoint, plane):
    response = _raw(endpoint, "GET", f"/{ACCOUNT}?comp=list", token=endpoint.token())  # an ARM token
    assert response.status_code == 401
    error = ElementTree.fromstring(response.content)
    assert error.findtext("Code") == "InvalidAuthenticationInfo"
    assert error.findtext("AuthenticationErrorDetail") == "Audience validation failed. Audience did not match."
    assert "resource_id=https://storage.azure.com" in response.headers["WWW-Authenticate"]


def test_the_client_follows_the_challenge_to_a_storage_token(endpoint, plane):
    """azure-storage-blob asks for the challenge's resource when its first token is refused, as against Azure."""
    _service(endpoint).create_container("challenged")
    last_seq = endpoint.admin("GET", "requests")["last_seq"]
    service = _service(endpoint, audience=endpoint.arm)
    assert [item.name for item in service.list_containers(name_starts_with="challenged")] == ["challenged"]
    answered = [entry["status"] for entry in endpoint.requests_log(since=last_seq, path=f"/{ACCOUNT}")]
    assert answered == [401, 200]


def test_shared_key_where_allowed_and_its_refusal(endpoint, plane):
    key = plane.storage_accounts.list_keys(GROUP, ACCOUNT)["keys"][0]["value"]
    keyed = _service(endpoint, credential={"account_name": ACCOUNT, "account_key": key})
    container = keyed.create_container("keyed")
    container.upload_blob("signed", b"with the account key")
    assert container.get_blob_client("signed").download_blob().readall() == b"with the account key"
    wrong = _service(endpoint, credential={"account_name": ACCOUNT, "account_key": "d3Jvbmc="})
    with pytest.raises(ClientAuthenticationError) as refused:
        wrong.get_container_client("keyed").get_container_properties()
    assert refused.value.error_code == "AuthenticationFailed"
    no_key = plane.storage_accounts.list_keys(OTHER_GROUP, NO_KEY_ACCOUNT)["keys"][0]["value"]
    refused_service = _service(
        endpoint, NO_KEY_ACCOUNT, credential={"account_name": NO_KEY_ACCOUNT, "account_key": no_key}
    )
    with pytest.raises(HttpResponseError) as refused:
        refused_service.create_container("never")
    assert refused.value.status_code == 403 and refused.value.error_code == "KeyBasedAuthenticationNotPermitted"


def test_unknown_account_and_unsupported_requests(endpoint, plane):
    token = endpoint.token(scope="https://storage.azure.com/.default")
    missing = _raw(endpoint, "GET", "/nosuchaccount1?comp=list", token=token)
    assert missing.status_code == 404 and _error_code(missing) == "ResourceNotFound"
    verb = _raw(endpoint, "POST", f"/{ACCOUNT}/data/blob", token=token)
    assert verb.status_code == 405 and _error_code(verb) == "UnsupportedHttpVerb"
    bad_name = _raw(endpoint, "PUT", f"/{ACCOUNT}/Bad_Name?restype=container", token=token)
    assert bad_name.status_code == 400 and _error_code(bad_name) == "InvalidResourceName"
    no_type = _raw(endpoint, "PUT", f"/{ACCOUNT}/data2/blob", token=token, data=b"x")
    assert no_type.status_code == 400 and _error_code(no_type) == "MissingRequiredHeader"
