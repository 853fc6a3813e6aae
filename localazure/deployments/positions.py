"""Where a JSON path lies in the text of a request: ARM's ``lineNumber`` and ``linePosition``.

ARM reads a deployment's request body with JSON.NET and reports a template error at the line and position of
the token its path names (``TemplateViolation`` in ``additionalInfo``: ``{"lineNumber", "linePosition",
"path"}``, the path relative to the body, e.g. ``properties.template.resources[0].properties.name``). JSON.NET's
line numbers count from 1 and its positions are where the reader stands after the token: after the closing
quote of a string, the last character of a number or literal, the opening ``{`` or ``[`` of an object or array.
azure-cli sends a template file's text into the body unchanged, so the lines are the file's.

The walk goes forward once through the text, skipping the values it does not descend into with regular
expressions (strings, comments, brackets), so it takes linear time; it is run only when an error names a path.
A path that leaves the text (a member the template does not have, or a path segment of the engine's own
making) stops at the deepest token it reached, as the nearest place ARM could name.
"""

from __future__ import annotations

import json
import re

_QUOTED = r'"[^"\\]*(?:\\.[^"\\]*)*"|\'[^\'\\]*(?:\\.[^\'\\]*)*\''
_STRING = re.compile(_QUOTED, re.S)
# A member name: quoted, or a bare identifier (Json.NET reads both; azure-cli splices the template file's text in
# behind a bare ``template:``).
_NAME = re.compile(_QUOTED + r"|[A-Za-z_$][\w$]*", re.S)
_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_SCALAR = re.compile(r"[^\s,:\]}/]+")
_STRUCTURE = re.compile(_QUOTED + r"|//[^\n]*|/\*.*?\*/|[\[\]{}]", re.S)
_SEGMENT = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def path_segments(path: str) -> list[str | int]:
    """``a.b[2].c`` -> ``["a", "b", 2, "c"]``."""
    return [int(index) if index else name for index, name in _SEGMENT.findall(path or "")]


def _space(text: str, position: int) -> int:
    return _SPACE.match(text, position).end()


def _value_end(text: str, start: int) -> int:
    """Where the value starting at ``start`` ends (exclusive)."""
    opening = text[start : start + 1]
    if opening in ("'", '"'):
        found = _STRING.match(text, start)
        return found.end() if found else len(text)
    if opening not in ("{", "["):
        found = _SCALAR.match(text, start)
        return found.end() if found else start
    depth = 0
    for token in _STRUCTURE.finditer(text, start):
        first = token.group()[0]
        if first in "{[":
            depth += 1
        elif first in "}]":
            depth -= 1
            if depth == 0:
                return token.end()
    return len(text)


def _key(written: str) -> str:
    if written[0] not in ("'", '"'):
        return written
    try:
        return json.loads('"' + written[1:-1] + '"') if written[0] == "'" else json.loads(written)
    except ValueError:  # an escape JSON does not know: compare it as written
        return written[1:-1]


def _child(text: str, start: int, segment: str | int) -> int | None:
    """The start of the member or element ``segment`` of the object or array at ``start``, or None."""
    opening = text[start : start + 1]
    if isinstance(segment, int) != (opening == "["):
        return None
    if opening not in ("{", "["):
        return None
    closing = "]" if opening == "[" else "}"
    position = _space(text, start + 1)
    index = 0
    wanted = segment.casefold() if isinstance(segment, str) else segment
    while position < len(text) and text[position] != closing:
        if isinstance(segment, str):
            key = _NAME.match(text, position)
            if key is None:
                return None
            position = _space(text, key.end())
            if text[position : position + 1] != ":":
                return None
            position = _space(text, position + 1)
            if _key(key.group()).casefold() == wanted:
                return position
        elif index == wanted:
            return position
        position = _space(text, _value_end(text, position))
        if text[position : position + 1] == ",":
            position = _space(text, position + 1)
        index += 1
    return None


def _line_info(text: str, start: int) -> tuple[int, int]:
    """JSON.NET's (lineNumber, linePosition) of the token starting at ``start``."""
    end = start + 1 if text[start : start + 1] in ("{", "[") else _value_end(text, start)
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, end - line_start


def locate(text: str, path: str) -> tuple[int, int] | None:
    """(lineNumber, linePosition) of the token ``path`` names in the JSON ``text`` (or of its deepest ancestor
    present), or None when ``text`` does not hold a JSON value."""
    position = _space(text, 0)
    if position >= len(text):
        return None
    for segment in path_segments(path):
        child = _child(text, position, segment)
        if child is None:
            break
        position = child
    return _line_info(text, position)


def with_positions(error: dict, source: bytes | str | None) -> dict:
    """The ARM error object with each ``TemplateViolation``'s lineNumber and linePosition taken from ``source``
    (the request body), in its details too. Unchanged without a source."""
    if not source:
        return error
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    if text.startswith("\ufeff"):
        text = text[1:]

    def rewrite(item: dict) -> None:
        for info in item.get("additionalInfo") or []:
            details = info.get("info") if isinstance(info, dict) else None
            if info.get("type") == "TemplateViolation" and isinstance(details, dict) and details.get("path"):
                found = locate(text, details["path"])
                if found:
                    details["lineNumber"], details["linePosition"] = found
        for detail in item.get("details") or []:
            if isinstance(detail, dict):
                rewrite(detail)

    rewrite(error)
    return error
