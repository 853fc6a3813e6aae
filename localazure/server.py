"""HTTPS on 127.0.0.1 with the standard library: a threading HTTP/1.1 server, TLS handshakes in worker threads.

Everything that can go wrong below the application (a body over ARM's size limit, a malformed Content-Length or
chunked body, an unknown method, a malformed request line or header) is answered here with a JSON error in ARM's
shape; the connection is then closed, since the rest of the stream can no longer be trusted.
"""

from __future__ import annotations

import socket
import ssl
import sys
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from localazure.error_catalogue import BAD_REQUEST, METHOD_NOT_ALLOWED, REQUEST_CONTENT_TOO_LARGE
from localazure.errors import AzureError
from localazure.http import MAX_REQUEST_BYTES, Request, Response, json_response

_CHUNK_LINE_LIMIT = 1024  # a chunk-size line: hex digits and extensions
_TRAILER_LIMIT = 100  # header lines after the last chunk
_LINGER_BYTES = 64 * 1024 * 1024  # read and dropped after a refused body, so that the client sees the answer
_LINGER_SECONDS = 2
_BODY_IDLE_SECONDS = 5  # a body that stops arriving for this long (Content-Length larger than the body) is a 400


def _bad_request(message: str) -> AzureError:
    return BAD_REQUEST(message)


def _too_large(limit: int) -> AzureError:
    return REQUEST_CONTENT_TOO_LARGE(
        f"The request content size exceeds the maximum size of {limit // (1024 * 1024)} MB."
    )


def read_body(rfile, headers, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """The request body, read from ``rfile`` by its Content-Length or chunked framing; never more than ``limit``
    bytes of it are read. AzureError 413 beyond ``limit``, 400 for framing that is malformed or cut short."""
    transfer_encodings = headers.get_all("Transfer-Encoding") or []
    lengths = headers.get_all("Content-Length") or []
    if transfer_encodings:
        if lengths:
            raise _bad_request("A request must not have both a Content-Length and a Transfer-Encoding header.")
        if ",".join(transfer_encodings).strip().lower() != "chunked":
            raise _bad_request(
                f"The Transfer-Encoding '{','.join(transfer_encodings)}' is not supported; only 'chunked' is."
            )
        return _read_chunked(rfile, limit)
    if not lengths:
        return b""
    values = {value.strip() for value in lengths}
    if len(values) != 1:
        raise _bad_request("The request has conflicting Content-Length headers.")
    text = values.pop()
    if not (text.isascii() and text.isdigit()):
        raise _bad_request(f"The Content-Length header '{text}' is not a non-negative integer.")
    length = int(text)
    if length > limit:
        raise _too_large(limit)
    body = rfile.read(length) if length else b""
    if len(body) != length:
        raise _bad_request(
            f"The request body ended after {len(body)} of the {length} bytes its Content-Length announced."
        )
    return body


def _read_chunked(rfile, limit: int) -> bytes:
    chunks, total = [], 0
    while True:
        size_line = rfile.readline(_CHUNK_LINE_LIMIT + 1)
        if not size_line.endswith(b"\n"):
            raise _bad_request("The chunked request body is malformed: a chunk-size line is missing or too long.")
        size_text = size_line.split(b";", 1)[0].strip()
        if not size_text or any(byte not in b"0123456789abcdefABCDEF" for byte in size_text):
            raise _bad_request(
                f"The chunked request body is malformed: '{size_text.decode('latin-1')}' is not a "
                "hexadecimal chunk size."
            )
        size = int(size_text, 16)
        if size == 0:
            _skip_trailers(rfile)
            return b"".join(chunks)
        if total + size > limit:
            raise _too_large(limit)
        data = rfile.read(size)
        if len(data) != size or rfile.readline(3) not in (b"\r\n", b"\n"):
            raise _bad_request("The chunked request body is malformed: a chunk is cut short or not followed by CRLF.")
        chunks.append(data)
        total += size


def _skip_trailers(rfile) -> None:
    for dummy_line in range(_TRAILER_LIMIT):
        line = rfile.readline(_CHUNK_LINE_LIMIT + 1)
        if line in (b"\r\n", b"\n"):
            return
        if not line.endswith(b"\n"):
            break
    raise _bad_request("The chunked request body is malformed: its trailer does not end.")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "localazure"
    sys_version = ""
    timeout = 300  # idle keep-alive connections
    disable_nagle_algorithm = True  # small responses must not wait for delayed ACKs

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        """The request log is in SQLite (``GET /_admin/requests``); stay quiet on stderr."""

    def send_error(self, code, message=None, explain=None):
        """The base class's errors (malformed request line or headers, unknown method) as ARM's JSON errors."""
        if code == HTTPStatus.NOT_IMPLEMENTED:  # the base class's answer to a method it has no do_ handler for
            error = METHOD_NOT_ALLOWED(f"The requested resource does not support http method '{self.command}'.")
        else:
            status = code if 400 <= code < 500 else HTTPStatus.BAD_REQUEST
            error = AzureError(status, "BadRequest", message or HTTPStatus(status).phrase)
        # A request line too broken to name its version leaves the base class at HTTP/0.9, which has no status line
        # or headers: answer in HTTP/1.1.
        self.request_version = self.protocol_version
        self._refuse(error)

    def _refuse(self, error: AzureError, render=None) -> None:
        """Answer a request whose stream cannot be read on, then close the connection. ``render``: the answer in
        the shape of the request's routes (``App.body_limit``), else ARM's JSON."""
        self.close_connection = True
        response = render(error) if render else json_response(error.body(), error.status, error.headers)
        response.headers["Connection"] = "close"
        self._send(response)
        self._linger()

    def _linger(self) -> None:
        """Read and drop what the client still sends (bounded), so that closing does not reset the connection
        before the client has read the answer."""
        try:
            self.connection.settimeout(_LINGER_SECONDS)
            remaining = _LINGER_BYTES
            while remaining > 0:
                data = self.connection.recv(min(remaining, 65536))
                if not data:
                    break
                remaining -= len(data)
        except (OSError, ValueError):
            pass

    def _handle(self) -> None:
        body_limit = self.server.app.body_limit(self.path)
        try:
            body = self._read_body(body_limit.limit if body_limit else MAX_REQUEST_BYTES)
        except AzureError as error:
            self._refuse(error, body_limit.refuse if body_limit else None)
            return
        try:
            request = Request.from_target(self.command, self.path, dict(self.headers.items()), body)
            response = self.server.app.handle(request)
        except Exception as error:  # noqa: BLE001 - even a bug answers in Azure's shape, never a dropped connection
            traceback.print_exc()
            response = json_response(
                {"error": {"code": "InternalServerError", "message": f"Encountered internal server error: {error!r}"}},
                500,
            )
        if response.drop_connection:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(response)

    def _read_body(self, limit: int) -> bytes:
        self.connection.settimeout(_BODY_IDLE_SECONDS)
        try:
            return read_body(self.rfile, self.headers, limit)
        except TimeoutError:
            raise _bad_request(
                f"The request body stopped arriving for {_BODY_IDLE_SECONDS} s before its end (a "
                "Content-Length larger than the body, or a chunked body without its last "
                "chunk)."
            ) from None
        finally:
            self.connection.settimeout(self.timeout)

    def _send(self, response: Response) -> None:
        payload = response.encoded_body()
        self.send_response(response.status)
        if payload:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-cache")
        if self.command != "HEAD" and payload:
            self._headers_buffer.append(b"\r\n" + payload)  # headers and body in one write
            self.flush_headers()
        else:
            self.end_headers()

    do_GET = do_HEAD = do_PUT = do_PATCH = do_POST = do_DELETE = do_OPTIONS = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, port: int, context: ssl.SSLContext):
        super().__init__(("127.0.0.1", port), Handler)
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.app = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        """Clients that hang up or reject the certificate are not the endpoint's errors."""
        error = sys.exc_info()[1]
        if isinstance(error, (ssl.SSLError, ConnectionError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)
