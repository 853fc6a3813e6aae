"""The local Azure endpoint in the test process: localazure's ``App`` built in a temporary state dir, reached
through a transport that hands each request to ``App.handle`` without a socket.

``InProcessAdapter`` is a requests transport adapter, so ``requests`` sessions, azure-core's
``RequestsTransport`` (``InProcessTransport``: the SDK clients) and azure-identity's token requests all take the
same path: a ``localazure.http.Request`` in, the ``Response`` back as an HTTP response, with no TLS and no
server in between. What only a real server does (TLS, connection handling, body framing, the HTTP server's own
limits) is covered by the process suite, which uses ``endpoint_process.start_endpoint``.
"""

from __future__ import annotations

import http
import io
import threading
from pathlib import Path
from urllib.parse import urlsplit

import requests
from azure.core.pipeline.transport import RequestsTransport
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse

from endpoint_process import Endpoint

# Never resolvable (RFC 6761), so a request that missed the adapter fails instead of reaching a network.
BASE_URL = "https://inprocess.localazure.invalid:443"
THREAD_STOP_TIMEOUT_SECONDS = 30


def _body_bytes(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if hasattr(body, "read"):
        return body.read()
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in body)


class InProcessAdapter(HTTPAdapter):
    """Answers every request of the session it is mounted on from ``app.handle``."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        from localazure.http import Request

        url = urlsplit(request.url)
        target = f"{url.path}?{url.query}" if url.query else url.path
        headers = {"Host": url.netloc, **request.headers}
        response = self.app.handle(Request.from_target(request.method, target, headers, _body_bytes(request.body)))
        if response.drop_connection:
            raise requests.ConnectionError("localazure dropped the connection (fault injection)", request=request)
        payload = response.encoded_body()
        response_headers = {**response.headers, "Content-Length": str(len(payload)), "Cache-Control": "no-cache"}
        if payload:
            response_headers.setdefault("Content-Type", response.content_type)
        try:
            reason = http.HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        raw = HTTPResponse(
            body=io.BytesIO(b"" if request.method == "HEAD" else payload),
            headers=response_headers,
            status=response.status,
            reason=reason,
            version=11,
            version_string="HTTP/1.1",
            preload_content=False,
            decode_content=False,
            request_method=request.method,
            request_url=request.url,
        )
        return self.build_response(request, raw)


class InProcessTransport(RequestsTransport):
    """azure-core's requests transport on a session whose only adapter is the in-process one."""

    def __init__(self, session: requests.Session):
        super().__init__(session=session, session_owner=False)


class InProcessEndpoint(Endpoint):
    """An ``App`` with the default seed in ``state_dir``; the same helpers as the process endpoint."""

    def __init__(self, state_dir: Path, *serve_args: str):
        from localazure import cli, seed
        from localazure.app import App

        state_dir.mkdir(parents=True, exist_ok=True)
        self._threads_before = set(threading.enumerate())
        # The command line's own flags (ENDPOINT_ARGS), parsed as `python -m localazure serve` parses them.
        settings = cli._settings(cli._parser().parse_args(["serve", "--state-dir", str(state_dir), *serve_args]))
        self.app = App(settings, BASE_URL)
        seed.apply_seed(self.app, seed.load_seed_file(settings.seed_file))
        seed.write_connection_file(self.app)
        self.app.start_background()
        self.process = None
        super().__init__(state_dir, None, 0.0)
        self.session.mount(BASE_URL, InProcessAdapter(self.app))
        self.transport = InProcessTransport(self.session)

    def client_options(self) -> dict:
        return {"transport": self.transport}

    def stop(self) -> None:
        """Stop the app's background threads and wait for every thread it started (deployment runs too)."""
        self.app.stop_background()
        started = [thread for thread in threading.enumerate() if thread not in self._threads_before]
        for thread in started:
            thread.join(THREAD_STOP_TIMEOUT_SECONDS)
        still_running = [thread.name for thread in started if thread.is_alive()]
        self.session.close()
        assert not still_running, f"threads still running after the in-process endpoint stopped: {still_running}"
