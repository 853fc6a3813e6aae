"""String functions (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string)."""

from __future__ import annotations

import base64 as _b64
import json as _json
import math
import re
import urllib.parse
import uuid

from ..hashing import deterministic_guid, unique_string
from ..limits import check_length
from ..values import UnknownValue
from .conversions import deep_equals, to_string
from .formatting import dotnet_format
from .registry import UNLIMITED, expect, fail, function


@function("base64", 1, 1)
def _base64(ev, args):
    return _b64.b64encode(expect("base64", args[0], str).encode("utf-8")).decode("ascii")


@function("base64ToString", 1, 1)
def _base64_to_string(ev, args):
    try:
        return _b64.b64decode(expect("base64ToString", args[0], str), validate=True).decode("utf-8")
    except ValueError as error:
        raise fail("base64ToString", f"the value is not valid base64: {error}") from None


@function("base64ToJson", 1, 1)
def _base64_to_json(ev, args):
    return parse_json("base64ToJson", _base64_to_string(ev, args))


def parse_json(function_name: str, text: str):
    """Parse JSON text the way ARM does, which also accepts single-quoted strings."""
    if text.strip() == "null":
        return None
    try:
        return _json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except ValueError:
        pass
    try:
        return _json.loads(_double_quoted(text), parse_constant=_refuse_constant, parse_float=_finite_float)
    except ValueError:
        raise fail(function_name, f"the provided value '{text}' is not valid JSON.") from None


def _refuse_constant(name: str):
    """NaN and Infinity are not JSON: a value holding one could never be written back as JSON."""
    raise ValueError(f"'{name}' is not a JSON value")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"'{text}' is outside the range of a JSON number")
    return number


def _double_quoted(text: str) -> str:
    """Rewrite single-quoted JSON strings (``{'one': 'a'}``) as double-quoted ones."""
    pieces, position = [], 0
    while position < len(text):
        quote = text[position]
        if quote not in "'\"":
            pieces.append(quote)
            position += 1
            continue
        end = position + 1
        while end < len(text) and text[end] != quote:
            end += 2 if text[end] == "\\" else 1
        body = text[position + 1 : end]
        if quote == "'":
            body = body.replace("\\'", "'").replace('"', '\\"')
        pieces.append(f'"{body}"')
        position = end + 1
    return "".join(pieces)


@function("json", 1, 1)
def _json_function(ev, args):
    return parse_json("json", expect("json", args[0], str))


@function("concat", 0, UNLIMITED, accepts_unknown=True)
def _concat(ev, args):
    if any(isinstance(arg, UnknownValue) for arg in args):
        return UnknownValue("concat")
    if args and all(isinstance(arg, list) for arg in args):
        check_length("concat", sum(len(arg) for arg in args))
        return [item for arg in args for item in arg]
    if any(isinstance(arg, list) for arg in args):
        raise fail("concat", "the arguments must be all arrays or all strings, integers and booleans.")
    for position, arg in enumerate(args):
        expect("concat", arg, str, int, bool, type(None), position=position + 1)
    texts = [to_string(arg) for arg in args]
    check_length("concat", sum(len(text) for text in texts))
    return "".join(texts)


@function("dataUri", 1, 1)
def _data_uri(ev, args):
    encoded = _b64.b64encode(expect("dataUri", args[0], str).encode("utf-8")).decode("ascii")
    return f"data:text/plain;charset=utf8;base64,{encoded}"


@function("dataUriToString", 1, 1)
def _data_uri_to_string(ev, args):
    text = expect("dataUriToString", args[0], str)
    match = re.fullmatch(r"data:([^,]*?)(;base64)?,(.*)", text, re.DOTALL)
    if not match:
        raise fail("dataUriToString", f"the value '{text}' is not a data URI.")
    payload = match.group(3)
    if match.group(2):
        return _b64.b64decode(payload).decode("utf-8")
    return urllib.parse.unquote(payload)


@function("endsWith", 2, 2)
def _ends_with(ev, args):
    return expect("endsWith", args[0], str).lower().endswith(expect("endsWith", args[1], str).lower())


@function("startsWith", 2, 2)
def _starts_with(ev, args):
    return expect("startsWith", args[0], str).lower().startswith(expect("startsWith", args[1], str).lower())


@function("format", 1, UNLIMITED)
def _format(ev, args):
    return dotnet_format(expect("format", args[0], str), args[1:])


@function("guid", 1, UNLIMITED)
def _guid(ev, args):
    for position, arg in enumerate(args):
        expect("guid", arg, str, position=position + 1)
    return deterministic_guid(*args)


@function("newGuid", 0, 0)
def _new_guid(ev, args):
    return str(uuid.uuid4())


@function("uniqueString", 1, UNLIMITED)
def _unique_string(ev, args):
    for position, arg in enumerate(args):
        expect("uniqueString", arg, str, position=position + 1)
    return unique_string(*args)


@function("indexOf", 2, 2)
def _index_of(ev, args):
    haystack, needle = args
    if isinstance(haystack, list):
        return next((index for index, item in enumerate(haystack) if deep_equals(item, needle)), -1)
    return expect("indexOf", haystack, str).lower().find(expect("indexOf", needle, str).lower())


@function("lastIndexOf", 2, 2)
def _last_index_of(ev, args):
    haystack, needle = args
    if isinstance(haystack, list):
        matches = [index for index, item in enumerate(haystack) if deep_equals(item, needle)]
        return matches[-1] if matches else -1
    return expect("lastIndexOf", haystack, str).lower().rfind(expect("lastIndexOf", needle, str).lower())


@function("join", 2, 2)
def _join(ev, args):
    items = expect("join", args[0], list)
    delimiter = expect("join", args[1], str)
    for item in items:
        expect("join", item, str, int, bool)
    texts = [to_string(item) for item in items]
    check_length("join", sum(len(text) for text in texts) + len(delimiter) * max(0, len(texts) - 1))
    return delimiter.join(texts)


@function("padLeft", 2, 3)
def _pad_left(ev, args):
    value = args[0]
    expect("padLeft", value, str, int)
    width = expect("padLeft", args[1], int)
    pad = expect("padLeft", args[2], str) if len(args) > 2 else " "
    if len(pad) != 1:
        raise fail("padLeft", "the padding character must be a single character.")
    check_length("padLeft", width)
    return to_string(value).rjust(width, pad)


@function("replace", 3, 3)
def _replace(ev, args):
    text, old, new = (expect("replace", arg, str) for arg in args)
    if old == "":
        raise fail("replace", "the old value must not be empty.")
    check_length("replace", len(text) + text.count(old) * (len(new) - len(old)))
    return text.replace(old, new)


@function("split", 2, 2)
def _split(ev, args):
    text = expect("split", args[0], str)
    delimiters = args[1]
    if isinstance(delimiters, list):
        for delimiter in delimiters:
            expect("split", delimiter, str)
        pattern = "|".join(re.escape(delimiter) for delimiter in delimiters if delimiter)
        return re.split(pattern, text) if pattern else [text]
    delimiter = expect("split", delimiters, str)
    return text.split(delimiter) if delimiter else [text]


@function("string", 1, 1)
def _string(ev, args):
    return to_string(args[0])


@function("substring", 1, 3)
def _substring(ev, args):
    text = expect("substring", args[0], str)
    start = expect("substring", args[1], int) if len(args) > 1 else 0
    length = expect("substring", args[2], int) if len(args) > 2 else len(text) - start
    if start < 0 or start > len(text):
        raise fail("substring", f"the index parameter '{start}' is out of range of the string '{text}'.")
    if length < 0 or start + length > len(text):
        raise fail(
            "substring",
            f"the length parameter '{length}' with index '{start}' is out of range of the "
            f"string '{text}'. The length must be between 0 and '{len(text) - start}'.",
        )
    return text[start : start + length]


@function("toLower", 1, 1)
def _to_lower(ev, args):
    return expect("toLower", args[0], str).lower()


@function("toUpper", 1, 1)
def _to_upper(ev, args):
    return expect("toUpper", args[0], str).upper()


@function("trim", 1, 1)
def _trim(ev, args):
    return expect("trim", args[0], str).strip()


@function("uri", 2, 2)
def _uri(ev, args):
    base = expect("uri", args[0], str)
    relative = expect("uri", args[1], str)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", base):
        raise fail("uri", f"the base URI '{base}' is not an absolute URI.")
    return urllib.parse.urljoin(base, relative)


@function("uriComponent", 1, 1)
def _uri_component(ev, args):
    return urllib.parse.quote(expect("uriComponent", args[0], str), safe="-_.!~*'()")


@function("uriComponentToString", 1, 1)
def _uri_component_to_string(ev, args):
    return urllib.parse.unquote(expect("uriComponentToString", args[0], str))
