"""Reading and parsing request bodies: ARM's 4 MB limit on any framing, malformed framing, JSON depth, NaN and the
JSONC fallback's cost."""

import email.message
import io
import json
import sys

import pytest

from localazure.errors import AzureError
from localazure.http import MAX_JSON_DEPTH, MAX_REQUEST_BYTES, Request, parse_json_body
from localazure.server import read_body

MB = 1024 * 1024


def _headers(**values) -> email.message.Message:
    headers = email.message.Message()
    for name, value in values.items():
        headers[name.replace("_", "-")] = value
    return headers


class EndlessChunks(io.RawIOBase):
    """A chunked body that never ends, 64 KB per chunk; counts the bytes the reader took from it."""

    def __init__(self):
        self.served = 0
        self._pending = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self._pending:
            self._pending = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.served += size
        return size


def _status(error_info) -> tuple[int, str]:
    return error_info.value.status, error_info.value.code


def test_an_endless_chunked_body_is_refused_after_reading_no_more_than_the_limit():
    stream = EndlessChunks()
    with pytest.raises(AzureError) as error:
        read_body(io.BufferedReader(stream), _headers(Transfer_Encoding="chunked"))
    assert _status(error) == (413, "RequestContentTooLarge")
    assert "4 MB" in error.value.message
    assert stream.served <= MAX_REQUEST_BYTES + 2 * 0x10000 + io.DEFAULT_BUFFER_SIZE


def test_a_content_length_over_the_limit_is_refused_before_reading():
    stream = io.BytesIO(b"x" * 100)
    with pytest.raises(AzureError) as error:
        read_body(stream, _headers(Content_Length=str(80 * MB)))
    assert _status(error) == (413, "RequestContentTooLarge")
    assert stream.tell() == 0


def test_a_body_of_exactly_the_limit_is_read():
    body = b" " * MAX_REQUEST_BYTES
    assert read_body(io.BytesIO(body), _headers(Content_Length=str(len(body)))) == body
    chunked = b"%x\r\n" % MAX_REQUEST_BYTES + body + b"\r\n0\r\n\r\n"
    assert read_body(io.BytesIO(chunked), _headers(Transfer_Encoding="chunked")) == body


def test_chunked_bodies_with_extensions_and_trailers_are_read():
    chunked = b"5;name=value\r\nhello\r\n1\r\n!\r\n0\r\nX-Trailer: yes\r\n\r\n"
    assert read_body(io.BytesIO(chunked), _headers(Transfer_Encoding="chunked")) == b"hello!"


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "+5", " ", "٣"])
def test_a_content_length_that_is_not_a_non_negative_integer_is_a_400(length):
    with pytest.raises(AzureError) as error:
        read_body(io.BytesIO(b"12345"), _headers(Content_Length=length))
    assert _status(error) == (400, "BadRequest")


def test_conflicting_content_lengths_are_a_400():
    headers = _headers(Content_Length="3")
    headers["Content-Length"] = "4"
    with pytest.raises(AzureError) as error:
        read_body(io.BytesIO(b"1234"), headers)
    assert _status(error) == (400, "BadRequest")


def test_a_body_shorter_than_its_content_length_is_a_400():
    with pytest.raises(AzureError) as error:
        read_body(io.BytesIO(b"0123456789"), _headers(Content_Length="100"))
    assert _status(error) == (400, "BadRequest")
    assert "10 of the 100 bytes" in error.value.message


@pytest.mark.parametrize(
    "chunked",
    [
        b"zz\r\nhello\r\n0\r\n\r\n",  # not hexadecimal
        b"\r\nhello\r\n0\r\n\r\n",  # no size
        b"5\r\nhelloXX0\r\n\r\n",  # no CRLF after the data
        b"5\r\nhel",  # cut short
        b"5\r\nhello\r\n",  # no last chunk
        b"5\r\nhello\r\n0\r\nX-Trailer: yes\r\n",  # trailer without its end
        b"1" * 5000 + b"\r\n",  # a size line without end
    ],
)
def test_broken_chunking_is_a_400(chunked):
    with pytest.raises(AzureError) as error:
        read_body(io.BytesIO(chunked), _headers(Transfer_Encoding="chunked"))
    assert _status(error) == (400, "BadRequest")


@pytest.mark.parametrize(
    "headers",
    [
        {"Transfer_Encoding": "gzip, chunked"},
        {"Transfer_Encoding": "chunked", "Content_Length": "5"},
    ],
)
def test_other_transfer_encodings_and_ambiguous_framing_are_a_400(headers):
    with pytest.raises(AzureError) as error:
        read_body(io.BytesIO(b"5\r\nhello\r\n0\r\n\r\n"), _headers(**headers))
    assert _status(error) == (400, "BadRequest")


# -- parsing -----------------------------------------------------------------------------------------------


def _nested(depth: int, *, jsonc: bool = False) -> bytes:
    inner = "{a: 1}" if jsonc else '{"a": 1}'
    return ('{"x": ' * (depth - 1) + inner + "}" * (depth - 1)).encode()


@pytest.mark.parametrize("jsonc", [False, True])
def test_nesting_up_to_the_limit_is_parsed(jsonc):
    value = parse_json_body(_nested(MAX_JSON_DEPTH, jsonc=jsonc))
    depth = 0
    while isinstance(value, dict):
        value, depth = value.get("x", value.get("a")), depth + 1
    assert depth == MAX_JSON_DEPTH


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 10000, 100000])
@pytest.mark.parametrize("jsonc", [False, True])
def test_deeper_nesting_is_invalid_request_content(depth, jsonc):
    with pytest.raises(AzureError) as error:
        parse_json_body(_nested(depth, jsonc=jsonc))
    assert _status(error) == (400, "InvalidRequestContent")
    assert f"MaxDepth of {MAX_JSON_DEPTH}" in error.value.message


def test_deep_arrays_are_invalid_request_content():
    with pytest.raises(AzureError) as error:
        parse_json_body(b"[" * 10000 + b"]" * 10000)
    assert _status(error) == (400, "InvalidRequestContent")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
@pytest.mark.parametrize("jsonc", [False, True])
def test_nan_and_infinities_are_invalid_request_content(number, jsonc):
    body = f'{{{"v" if jsonc else chr(34) + "v" + chr(34)}: [1, {{"n": {number}}}]}}'
    with pytest.raises(AzureError) as error:
        parse_json_body(body.encode())
    assert _status(error) == (400, "InvalidRequestContent")


def test_jsonc_as_azure_cli_sends_it_is_parsed():
    body = b"""{"properties": {template: {
        // a comment
        "resources": [{'name': 'a', /* inline */ "tags": {trailing: 'comma',},},],
    }, "mode": "Incremental"}}"""
    assert parse_json_body(body) == {
        "properties": {"template": {"resources": [{"name": "a", "tags": {"trailing": "comma"}}]}, "mode": "Incremental"}
    }


def test_a_body_that_is_neither_json_nor_jsonc_keeps_the_strict_parsers_reason():
    with pytest.raises(AzureError) as error:
        parse_json_body(b'{"a": }')
    assert _status(error) == (400, "InvalidRequestContent")
    assert "Expecting value" in error.value.message


def _jsonc_template(size: int) -> bytes:
    entries, index = [], 0
    while sum(map(len, entries)) < size:
        entries.append(f"v{index}: /* c */ '{'x' * 40}', // variable {index}\n")
        index += 1
    return (
        "{$schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', "
        "contentVersion: '1.0.0.0', variables: {" + "".join(entries) + "}, resources: []}"
    ).encode()


def _python_calls(body: bytes) -> int:
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += 1

    sys.setprofile(count)
    try:
        parse_json_body(body)
    finally:
        sys.setprofile(None)
    return calls


def test_the_jsonc_fallback_does_work_linear_in_the_body_size():
    """The fallback parser used to take time super-linear in the body (43 s for 2 MB), at about 145 interpreter
    calls per byte. It is now pyjson5's single pass plus one walk over the parsed values; the interpreter-level
    work, counted deterministically, is a fraction of a call per byte and grows linearly (bench/bench_request_body.py
    records the times)."""
    small, large = _jsonc_template(MB // 4), _jsonc_template(2 * MB)
    ratio = len(large) / len(small)
    small_calls, large_calls = _python_calls(small), _python_calls(large)
    assert large_calls <= small_calls * ratio * 1.1
    assert large_calls < len(large) / 4


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x"],
)
def test_a_body_of_another_media_type_is_415(content_type):
    request = Request.from_target("PUT", "/x", {"Content-Type": content_type}, b'{"location": "westeurope"}')
    with pytest.raises(AzureError) as error:
        request.json()
    assert _status(error) == (415, "UnsupportedMediaType")


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "text/json",
        "application/merge-patch+json",
        "Application/JSON",
    ],
)
def test_json_media_types_and_none_are_read(content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    request = Request.from_target("PUT", "/x", headers, b'{"location": "westeurope"}')
    assert request.json() == {"location": "westeurope"}
    assert json.dumps(request.json())
