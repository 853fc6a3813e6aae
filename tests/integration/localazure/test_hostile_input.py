"""Hostile and malformed input over a real HTTPS connection: every request gets an HTTP answer with ARM's JSON error
body, never a 5xx and never a dropped connection (oversized, malformed or chunked bodies, deep nesting, NaN,
unknown methods, other media types, tokens with broken claims, tags beyond Azure's limits)."""

import http.client
import json
import socket
import ssl
import stat
import time

import jwt
import pytest

ENDPOINT_ARGS = ("--no-throttling",)
# Raw HTTP framing, request-size limits and the state dir's files exist only on a real process (the smoke suite).
ENDPOINT_PROCESS = True
GROUP = "rg-hostile"
MB = 1024 * 1024
API = "api-version=2025-04-01"


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def error(self) -> dict:
        """The JSON error body in ARM's shape (fails the test otherwise)."""
        assert self.headers.get("Content-Type", "").startswith("application/json"), (self.status, self.body[:200])
        error = json.loads(self.body)["error"]
        assert isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str)
        return error


def _exchange(endpoint, head: bytes, body: bytes = b"") -> Answer:
    """Send raw bytes on a fresh TLS connection and read one response; a dropped connection fails the test."""
    context = ssl.create_default_context(cafile=endpoint.ca)
    plain = socket.create_connection(("127.0.0.1", endpoint.connection["port"]), timeout=60)
    with context.wrap_socket(plain, server_hostname="127.0.0.1") as tls:
        tls.sendall(head + body)
        response = http.client.HTTPResponse(tls)
        response.begin()
        answer = Answer(response.status, response.headers, response.read())
    assert answer.status < 500, (answer.status, answer.body[:300])
    return answer


def _head(endpoint, method: str, path: str, *headers: str, token: str | None = None) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{endpoint.connection['port']}",
        f"Authorization: Bearer {token or endpoint.token()}",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _group_path(endpoint, name: str = GROUP) -> str:
    return f"/subscriptions/{endpoint.subscription_id}/resourcegroups/{name}?{API}"


def _group_exists(endpoint, name: str) -> bool:
    return endpoint.call("GET", _group_path(endpoint, name).split("?")[0]).status_code == 200


def _padded_group(size: int) -> bytes:
    body = b'{"location": "westeurope", "tags": {"purpose": "size"}}'
    return body + b" " * (size - len(body))


def _chunked(body: bytes, chunk: int = 256 * 1024) -> bytes:
    parts = [
        b"%x\r\n" % len(body[start : start + chunk]) + body[start : start + chunk] + b"\r\n"
        for start in range(0, len(body), chunk)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


# -- size -------------------------------------------------------------------------------------------------


def test_a_body_of_4_mb_is_accepted(endpoint):
    answer = _exchange(
        endpoint,
        _head(
            endpoint,
            "PUT",
            _group_path(endpoint, "rg-four-mb"),
            "Content-Type: application/json",
            f"Content-Length: {4 * MB}",
        ),
        _padded_group(4 * MB),
    )
    assert answer.status == 201


def test_a_content_length_over_4_mb_is_413_without_reading_the_body(endpoint):
    answer = _exchange(
        endpoint,
        _head(
            endpoint,
            "PUT",
            _group_path(endpoint, "rg-eighty-mb"),
            "Content-Type: application/json",
            f"Content-Length: {80 * MB}",
        ),
        _padded_group(64 * 1024),
    )
    assert answer.status == 413
    assert answer.error() == {
        "code": "RequestContentTooLarge",
        "message": "The request content size exceeds the maximum size of 4 MB.",
    }
    assert not _group_exists(endpoint, "rg-eighty-mb")


def test_a_chunked_body_over_4_mb_is_413(endpoint):
    answer = _exchange(
        endpoint,
        _head(
            endpoint,
            "PUT",
            _group_path(endpoint, "rg-chunked"),
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
        ),
        _chunked(_padded_group(4 * MB + 1)),
    )
    assert answer.status == 413
    assert answer.error()["code"] == "RequestContentTooLarge"
    assert not _group_exists(endpoint, "rg-chunked")


def test_a_chunked_body_within_the_limit_is_read(endpoint):
    answer = _exchange(
        endpoint,
        _head(
            endpoint,
            "PUT",
            _group_path(endpoint, "rg-chunked-small"),
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
        ),
        _chunked(_padded_group(1 * MB), chunk=1000),
    )
    assert answer.status == 201
    assert json.loads(answer.body)["tags"] == {"purpose": "size"}


# -- framing and methods -------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", ["abc", "-5", "12, 13", "0x10"])
def test_a_bad_content_length_is_a_json_400(endpoint, length):
    answer = _exchange(
        endpoint,
        _head(
            endpoint,
            "PUT",
            _group_path(endpoint, "rg-framing"),
            "Content-Type: application/json",
            f"Content-Length: {length}",
        ),
        b'{"location": "westeurope"}',
    )
    assert answer.status == 400 and answer.error()["code"] == "BadRequest"


def test_a_content_length_larger_than_the_body_is_a_json_400(endpoint):
    """The rest of the body never comes: after the server's idle limit for bodies, a 400."""
    answer = _exchange(
        endpoint,
        _head(
            endpoint,
            "PUT",
            _group_path(endpoint, "rg-framing"),
            "Content-Type: application/json",
            "Content-Length: 1000",
        ),
        b'{"location": "westeurope"}',
    )
    assert answer.status == 400 and answer.error()["code"] == "BadRequest"
    assert not _group_exists(endpoint, "rg-framing")


@pytest.mark.parametrize("chunked", [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"20\r\n{}", b"2\r\n{}\r\n"])
def test_broken_chunking_is_a_json_400(endpoint, chunked):
    answer = _exchange(
        endpoint,
        _head(
            endpoint,
            "PUT",
            _group_path(endpoint, "rg-framing"),
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
        ),
        chunked,
    )
    assert answer.status == 400 and answer.error()["code"] == "BadRequest"


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO"])
def test_unknown_methods_are_a_json_405(endpoint, method):
    answer = _exchange(endpoint, _head(endpoint, method, _group_path(endpoint)))
    assert answer.status == 405
    assert answer.error() == {
        "code": "MethodNotAllowed",
        "message": f"The requested resource does not support http method '{method}'.",
    }


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /x HTTP/9.9\r\n\r\n",
        b"GET /x HTTP/1.1\r\nNo colon\r\n\r\n",
        b"GET /" + b"x" * 70000 + b" HTTP/1.1\r\n\r\n",  # request line over 64 KB
        b"GET /x HTTP/1.1\r\nX-Long: " + b"x" * 70000 + b"\r\n\r\n",  # header line over 64 KB
        b"GET /x HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % index for index in range(200)) + b"\r\n",  # 200 headers
    ],
)
def test_malformed_requests_are_a_json_4xx(endpoint, raw):
    answer = _exchange(endpoint, raw)
    assert 400 <= answer.status < 500
    answer.error()


def test_the_connection_serves_the_next_request_after_a_handled_error(endpoint):
    """Errors from the application (here 415) leave a keep-alive connection usable."""
    context = ssl.create_default_context(cafile=endpoint.ca)
    connection = http.client.HTTPSConnection("127.0.0.1", endpoint.connection["port"], context=context, timeout=30)
    headers = {"Authorization": f"Bearer {endpoint.token()}"}
    connection.request(
        "PUT",
        _group_path(endpoint, "rg-keepalive"),
        body=b'{"location": "westeurope"}',
        headers={**headers, "Content-Type": "text/plain"},
    )
    first = connection.getresponse()
    assert first.status == 415 and json.loads(first.read())["error"]["code"] == "UnsupportedMediaType"
    connection.request("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups?{API}", headers=headers)
    second = connection.getresponse()
    assert second.status == 200 and "value" in json.loads(second.read())
    connection.close()


# -- content -------------------------------------------------------------------------------------------------


def _send(endpoint, method: str, path: str, body: bytes, content_type: str = "application/json"):
    """A request with a body of raw bytes (``endpoint.call`` sends JSON it serializes itself)."""
    return endpoint.session.request(
        method,
        f"{endpoint.arm}{path}",
        data=body,
        verify=endpoint.ca,
        timeout=60,
        headers={"Authorization": f"Bearer {endpoint.token()}", "Content-Type": content_type},
    )


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_a_body_of_another_media_type_is_415(endpoint, content_type):
    response = _send(endpoint, "PUT", _group_path(endpoint, "rg-media"), b'{"location": "westeurope"}', content_type)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "UnsupportedMediaType"
    assert not _group_exists(endpoint, "rg-media")


@pytest.mark.parametrize("jsonc", [False, True])
def test_nesting_10000_deep_is_a_400(endpoint, jsonc):
    key = "a" if jsonc else '"a"'
    body = (
        '{"location": "westeurope", "tags": {"x": "y"}, "properties": ' + f"{{{key}: " * 10000 + "1" + "}" * 10000 + "}"
    ).encode()
    response = _send(endpoint, "PUT", _group_path(endpoint, "rg-deep"), body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRequestContent"


def test_a_template_nested_as_deep_as_allowed_is_served(endpoint):
    """Every body the parser lets through (up to its depth limit) is served without a 5xx."""
    nested = "1"
    for dummy_level in range(120):
        nested = '{"n": ' + nested + "}"
    template = (
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", '
        '"contentVersion": "1.0.0.0", "variables": {"deep": ' + nested + '}, "resources": [], '
        '"outputs": {"deep": {"type": "object", "value": "[variables(\'deep\')]"}}}'
    )
    response = _send(endpoint, "POST", f"/providers/Microsoft.Resources/calculateTemplateHash?{API}", template.encode())
    assert response.status_code == 200, response.text
    group = endpoint.resource_client().resource_groups.create_or_update("rg-deep-ok", {"location": "westeurope"})
    deployment = _send(
        endpoint,
        "PUT",
        f"{group.id}/providers/Microsoft.Resources/deployments/deep?{API}",
        ('{"properties": {"mode": "Incremental", "template": ' + template + "}}").encode(),
    )
    assert deployment.status_code < 500, deployment.text


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinities_are_refused_and_never_stored(endpoint, number):
    body = f'{{"location": "westeurope", "managedBy": {number}, "tags": {{"x": "y"}}}}'.encode()
    response = _send(endpoint, "PUT", _group_path(endpoint, "rg-nan"), body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRequestContent"
    listed = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups")

    def strict(constant):
        raise AssertionError(f"{constant} in a response")

    groups = json.loads(listed.text, parse_constant=strict)["value"]
    assert "rg-nan" not in {group["name"] for group in groups}


# -- tags ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        ({f"t{index}": "v" for index in range(51)}, "InvalidTagCount"),
        ({"n" * 513: "v"}, "InvalidTagNameLength"),
        ({"n": "v" * 257}, "InvalidTagValueLength"),
    ],
)
def test_tags_beyond_azures_limits_are_refused(endpoint, tags, code):
    groups = f"/subscriptions/{endpoint.subscription_id}/resourcegroups"
    response = endpoint.call("PUT", f"{groups}/rg-tags", body={"location": "westeurope", "tags": tags})
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert endpoint.call("PUT", f"{groups}/rg-tags-ok", body={"location": "westeurope"}).status_code in (200, 201)
    patched = endpoint.call("PATCH", f"{groups}/rg-tags-ok", body={"tags": tags})
    assert (patched.status_code, patched.json()["error"]["code"]) == (400, code)
    account = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-tags-ok/providers/"
        "Microsoft.Storage/storageAccounts/sthostiletags"
    )
    created = endpoint.call(
        "PUT",
        account,
        api_version="2023-05-01",
        body={"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}, "tags": tags},
    )
    assert (created.status_code, created.json()["error"]["code"]) == (400, code)


def test_tags_at_azures_limits_are_accepted(endpoint):
    tags = {f"{index:02d}" + "n" * 510: "v" * 256 for index in range(50)}
    groups = f"/subscriptions/{endpoint.subscription_id}/resourcegroups"
    response = endpoint.call("PUT", f"{groups}/rg-tags-limit", body={"location": "westeurope", "tags": tags})
    assert response.status_code == 201, response.text
    assert response.json()["tags"] == tags


# -- tokens --------------------------------------------------------------------------------------------------


def _forged(endpoint, **overrides) -> str:
    """A token signed with the endpoint's own key (read from its state dir), with claims of the test's choice."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key((endpoint.state_dir / "signing-key.pem").read_bytes(), password=None)
    claims = jwt.decode(endpoint.token(), options={"verify_signature": False})
    claims.update(overrides)
    header = jwt.get_unverified_header(endpoint.token())
    return jwt.PyJWS().encode(json.dumps(claims).encode(), key, algorithm="RS256", headers=header)


@pytest.mark.parametrize(
    "claims",
    [{"exp": "tomorrow"}, {"exp": None}, {"nbf": "now"}, {"oid": ["x"]}, {"tid": 7}, {"aud": [1, 2]}, {"exp": -1e20}],
)
def test_a_signed_token_with_a_broken_claim_is_401(endpoint, claims):
    response = endpoint.call(
        "GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups", token=_forged(endpoint, **claims)
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] in (
        "InvalidAuthenticationToken",
        "InvalidAuthenticationTokenAudience",
        "ExpiredAuthenticationToken",
    )
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_the_forged_token_helper_makes_valid_tokens(endpoint):
    token = _forged(endpoint, exp=int(time.time()) + 600)
    response = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups", token=token)
    assert response.status_code == 200


# -- the state dir -------------------------------------------------------------------------------------------


def test_every_file_the_endpoint_writes_in_its_state_dir_is_its_owners_only(endpoint):
    endpoint.call(
        "PUT", f"/subscriptions/{endpoint.subscription_id}/resourcegroups/rg-state", body={"location": "westeurope"}
    )
    written = [path for path in endpoint.state_dir.rglob("*") if path.name != "server.log"]
    assert {
        "state.sqlite3",
        "state.sqlite3-wal",
        "state.sqlite3-shm",
        "signing-key.pem",
        "admin-secret",
        "connection.json",
        "ca-key.pem",
        "server.pem",
    } <= {path.name for path in written}
    loose = {
        path.name: oct(stat.S_IMODE(path.stat().st_mode))
        for path in written
        if stat.S_IMODE(path.stat().st_mode) & 0o077
    }
    assert loose == {}


def test_a_principal_without_roles_gets_a_2_mb_jsonc_template_hashed(endpoint):
    """calculateTemplateHash needs no role; its JSONC body goes through the lenient parser (linear now)."""
    variables = "".join(f"v{index}: /* c */ '{'x' * 40}', // variable {index}\n" for index in range(30000))
    template = (
        "{$schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', "
        "contentVersion: '1.0.0.0', variables: {" + variables + "}, resources: []}"
    ).encode()
    assert 2 * MB <= len(template) <= 4 * MB
    response = endpoint.session.post(
        f"{endpoint.arm}/providers/Microsoft.Resources/calculateTemplateHash?{API}",
        data=template,
        verify=endpoint.ca,
        timeout=120,
        headers={
            "Authorization": f"Bearer {endpoint.token('model-developer-test')}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 200, response.text[:300]
    assert json.loads(response.json()["minifiedTemplate"])["variables"]["v29999"] == "x" * 40


def test_a_state_file_of_a_newer_schema_stops_the_endpoint_with_a_clear_message(tmp_path):
    import sqlite3
    import subprocess
    import sys

    from endpoint_process import REPOSITORY_ROOT
    from localazure.store import SCHEMA_VERSION

    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / "state.sqlite3") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    finished = subprocess.run(
        [sys.executable, "-m", "localazure", "serve", "--state-dir", str(state), "--port", "0"],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 2
    assert f"schema version {SCHEMA_VERSION + 1}" in finished.stderr
    assert not (state / "connection.json").exists()
