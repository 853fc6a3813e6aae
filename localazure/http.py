"""The request and response objects that route handlers see, independent of the HTTP server."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote

from localazure.errors import AzureError


@dataclass
class Principal:
    """The caller, from a verified bearer token."""
    object_id: str
    tenant_id: str
    client_id: str
    name: str | None
    claims: dict


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    request_id: str = ""
    correlation_id: str = ""
    principal: Principal | None = None
    _json: object = field(default=None, repr=False)

    @classmethod
    def from_target(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> "Request":
        path, dummy_separator, query_string = target.partition("?")
        # Clients percent-encode each path segment (azure-core quotes '(' and non-ASCII letters); ARM routes on
        # the decoded names, so ids, role scopes and stored names compare decoded. An empty segment is dropped as
        # ARM drops it: azure-mgmt-resource sends an empty parent resource path as '{namespace}//{type}/{name}'.
        path = re.sub(r"//+", "/", unquote(path))
        # ARM treats query parameter names case-insensitively; the last value of a repeated name wins.
        query = {name.lower(): values[-1] for name, values in parse_qs(query_string, keep_blank_values=True).items()}
        return cls(method=method.upper(), path=path, query=query,
                   headers={name.lower(): value for name, value in headers.items()}, body=body)

    @property
    def api_version(self) -> str | None:
        return self.query.get("api-version")

    def json(self, *, required: bool = True):
        """The body parsed as JSON; ARM's ``InvalidRequestContent`` when it is not JSON."""
        if self._json is None:
            if not self.body.strip():
                if required:
                    raise AzureError(400, "InvalidRequestContent",
                                     "The request content was invalid and could not be deserialized: "
                                     "'The request content is empty.'.")
                return None
            try:
                self._json = json.loads(self.body)
            except (ValueError, UnicodeDecodeError) as error:
                self._json = _lenient_json(self.body, error)
        return self._json


@dataclass
class Response:
    status: int = 200
    body: object = None  # dict/list -> JSON; bytes -> as is; None -> empty
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    drop_connection: bool = False  # fault injection: close the socket without answering

    def encoded_body(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, separators=(",", ":")).encode()


def _lenient_json(body: bytes, strict_error: Exception):
    """Parse what Azure's Json.NET reader also accepts: comments, unquoted names, single quotes.

    azure-cli sends deployment bodies as JSONC, splicing the template in with an unquoted ``template`` key
    (``JsonCTemplatePolicy`` in azure-cli's resource module). Strict JSON is tried first; this is the fallback.
    """
    import json5  # noqa: PLC0415 - only for the rare non-strict body

    try:
        return json5.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        raise AzureError(400, "InvalidRequestContent",
                         f"The request content was invalid and could not be deserialized: '{strict_error}'.") from None


def json_response(body, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status=status, body=body, headers=dict(headers or {}))
