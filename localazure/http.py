"""The request and response objects that route handlers see, independent of the HTTP server."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from itertools import repeat
from urllib.parse import parse_qs, unquote

from localazure.error_catalogue import INVALID_REQUEST_CONTENT, UNSUPPORTED_MEDIA_TYPE
from localazure.errors import AzureError

# ARM refuses request bodies over 4 MB with 413 RequestContentTooLarge.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
# Containers nested deeper than this are refused. Json.NET's default MaxDepth is 64; ARM reads templates with more
# (a nested deployment's inner template adds about six levels). 128 is twice Json.NET's default and leaves room
# below Python's recursion limit for the endpoint's own recursive walks over a body.
MAX_JSON_DEPTH = 128
JSON_MEDIA_TYPES = ("application/json", "text/json")


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
    query_string: str = ""  # as sent: the few routes that read a repeated parameter (the registry's scope) parse it
    _json: object = field(default=None, repr=False)

    @classmethod
    def from_target(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> Request:
        path, dummy_separator, query_string = target.partition("?")
        # Clients percent-encode each path segment (azure-core quotes '(' and non-ASCII letters); ARM routes on
        # the decoded names, so ids, role scopes and stored names compare decoded. An empty segment is dropped as
        # ARM drops it: azure-mgmt-resource sends an empty parent resource path as '{namespace}//{type}/{name}'.
        path = re.sub(r"//+", "/", unquote(path))
        # ARM treats query parameter names case-insensitively; the last value of a repeated name wins.
        query = {name.lower(): values[-1] for name, values in parse_qs(query_string, keep_blank_values=True).items()}
        return cls(
            method=method.upper(),
            path=path,
            query=query,
            headers={name.lower(): value for name, value in headers.items()},
            body=body,
            query_string=query_string,
        )

    @property
    def api_version(self) -> str | None:
        return self.query.get("api-version")

    def json(self, *, required: bool = True):
        """The body parsed as JSON; ARM's ``InvalidRequestContent`` when it is not JSON."""
        if self._json is None:
            if not self.body.strip():
                if required:
                    raise invalid_content("The request content is empty.")
                return None
            _check_media_type(self.headers.get("content-type"))
            self._json = parse_json_body(self.body)
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


def invalid_content(reason: str) -> AzureError:
    return INVALID_REQUEST_CONTENT(f"The request content was invalid and could not be deserialized: '{reason}'.")


def _too_deep() -> AzureError:
    return invalid_content(f"The reader's MaxDepth of {MAX_JSON_DEPTH} has been exceeded.")


def _check_media_type(content_type: str | None) -> None:
    """ARM reads JSON bodies only: 415 UnsupportedMediaType for any other declared media type."""
    if not content_type:
        return
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in JSON_MEDIA_TYPES or media_type.endswith("+json"):
        return
    raise UNSUPPORTED_MEDIA_TYPE(
        f"The content media type '{media_type}' is not supported. Only 'application/json' is supported."
    )


def parse_json_body(body: bytes):
    """A request body as JSON, in time linear in its size; ``InvalidRequestContent`` for anything that is not JSON
    (or JSONC), nests deeper than ``MAX_JSON_DEPTH`` or holds NaN or an infinity."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as error:
        value = _lenient_json(body, error)
    _check_depth_and_numbers(value)
    return value


def _lenient_json(body: bytes, strict_error: Exception):
    """Parse what Azure's Json.NET reader also accepts: comments, unquoted names, single quotes.

    azure-cli sends deployment bodies as JSONC, splicing the template in with an unquoted ``template`` key
    (``JsonCTemplatePolicy`` in azure-cli's resource module). Strict JSON is tried first; this is the fallback,
    pyjson5's parser, which runs in linear time and stops at the depth limit.
    """
    import pyjson5  # noqa: PLC0415 - only for the rare non-strict body

    try:
        return pyjson5.decode(body.decode("utf-8-sig"), maxdepth=MAX_JSON_DEPTH)
    except pyjson5.Json5NestingTooDeep:
        raise _too_deep() from None
    except (pyjson5.Json5Exception, UnicodeDecodeError):
        raise invalid_content(str(strict_error)) from None


def _check_depth_and_numbers(value) -> None:
    """Refuse containers nested deeper than ``MAX_JSON_DEPTH`` and non-finite numbers, without recursion."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                raise invalid_content(f"The number '{item}' is not valid JSON: NaN and infinities are not allowed.")
        elif isinstance(item, (dict, list)):
            if depth >= MAX_JSON_DEPTH:
                raise _too_deep()
            children = item.values() if isinstance(item, dict) else item
            pending.extend(zip(children, repeat(depth + 1)))


def json_response(body, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status=status, body=body, headers=dict(headers or {}))
