"""``$filter`` and ``$top`` of ARM's resource lists (Resources - List, Resources - List By Resource Group and
Resource Groups - List), as their REST reference documents them:

- ``eq`` and ``ne`` on ``resourceType``, ``name``, ``resourceGroup`` and ``location``;
- ``substringof('text', name)`` and ``substringof('text', resourceGroup)``;
- ``tagName eq 'x'``, ``tagName eq 'x' and tagValue eq 'y'`` (a tag named x whose value is y) and
  ``startswith(tagName, 'prefix')``; a tag condition does not combine with other properties (ARM answers such a
  filter with InvalidFilterInQueryString, as azure-sdk-for-net#2757 shows);
- clauses joined by ``and``, alternatives by ``or`` (``and`` binds tighter).

Anything else (``identity``, ``plan``, parentheses, other functions) gets ARM's 400 InvalidFilterInQueryString
rather than an unfiltered list: a list wider than asked for is what a caller can least afford. The grammar is
OData v3's (``substringof``), which the OData v4 parsers on PyPI do not read, and it is a handful of clauses: it is
parsed here.

``$top`` is a page size: a page holds at most that many items and a ``nextLink`` (with ``$skiptoken``) leads to
the rest, as ARM pages.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from localazure.error_catalogue import INVALID_FILTER_IN_QUERY_STRING, INVALID_SKIP_TOKEN, INVALID_TOP_IN_QUERY_STRING
from localazure.errors import AzureError
from localazure.ids import scope_parts

RESOURCE_PROPERTIES = ("resourcetype", "name", "resourcegroup", "location", "tagname", "tagvalue")
GROUP_PROPERTIES = ("tagname", "tagvalue")
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<symbol>[(),])|(?P<word>[A-Za-z][\w/]*))")
_TAGS = ("tagname", "tagvalue", "startswith")


def invalid_filter(text: str) -> AzureError:
    return INVALID_FILTER_IN_QUERY_STRING(f"Invalid $filter '{text}' specified in the query string.")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        found = _TOKEN.match(text, position)
        if not found:
            raise invalid_filter(text)
        kind = found.lastgroup
        value = found.group(kind)
        tokens.append((kind, value[1:-1].replace("''", "'") if kind == "string" else value))
        position = found.end()
    return tokens


class _Parser:
    def __init__(self, text: str, properties: tuple[str, ...]):
        self.text = text
        self.properties = properties
        self.tokens = _tokens(text)
        self.position = 0

    def _next(self, kind: str, value: str | None = None) -> str:
        if self.position >= len(self.tokens):
            raise invalid_filter(self.text)
        found_kind, found_value = self.tokens[self.position]
        if found_kind != kind or (value is not None and found_value.lower() != value):
            raise invalid_filter(self.text)
        self.position += 1
        return found_value

    def _peek_word(self) -> str | None:
        if self.position < len(self.tokens) and self.tokens[self.position][0] == "word":
            return self.tokens[self.position][1].lower()
        return None

    def parse(self) -> list[list[tuple[str, str, str]]]:
        """Alternatives, each a list of (property, operator, value) clauses that must all hold."""
        alternatives = [self._conjunction()]
        while self._peek_word() == "or":
            self.position += 1
            alternatives.append(self._conjunction())
        if self.position != len(self.tokens):
            raise invalid_filter(self.text)
        return alternatives

    def _conjunction(self) -> list[tuple[str, str, str]]:
        clauses = [self._clause()]
        while self._peek_word() == "and":
            self.position += 1
            clauses.append(self._clause())
        properties = [clause[0] for clause in clauses]
        tags = [name for name in properties if name in _TAGS]
        if tags and (
            len(tags) != len(properties)
            or properties.count("tagvalue") > properties.count("tagname")
            or len(properties) > 2
        ):
            raise invalid_filter(self.text)
        return clauses

    def _clause(self) -> tuple[str, str, str]:
        word = self._next("word").lower()
        if word == "substringof":
            self._next("symbol", "(")
            value = self._next("string")
            self._next("symbol", ",")
            name = self._next("word").lower()
            self._next("symbol", ")")
            if name not in ("name", "resourcegroup") or name not in self.properties:
                raise invalid_filter(self.text)
            return name, "substringof", value
        if word == "startswith":
            self._next("symbol", "(")
            self._next("word", "tagname")
            self._next("symbol", ",")
            value = self._next("string")
            self._next("symbol", ")")
            return "startswith", "startswith", value
        operator = self._next("word").lower()
        value = self._next("string")
        if word not in self.properties or operator not in ("eq", "ne") or (word in _TAGS and operator != "eq"):
            raise invalid_filter(self.text)
        return word, operator, value


def _holds(clause: tuple[str, str, str], body: dict, tag_name: str | None) -> bool:
    name, operator, value = clause
    tags = body.get("tags") if isinstance(body.get("tags"), dict) else {}
    if name == "tagname":
        return any(key.lower() == value.lower() for key in tags)
    if name == "tagvalue":
        return any(key.lower() == (tag_name or "").lower() and item == value for key, item in tags.items())
    if name == "startswith":
        return any(key.lower().startswith(value.lower()) for key in tags)
    actual = {
        "resourcetype": body.get("type"),
        "name": body.get("name"),
        "resourcegroup": scope_parts(body.get("id", ""))[1],
        "location": body.get("location"),
    }[name] or ""
    if name == "location":
        actual, value = actual.replace(" ", ""), value.replace(" ", "")
    if operator == "substringof":
        return value.lower() in actual.lower()
    return (actual.lower() == value.lower()) == (operator == "eq")


class Filter:
    """A parsed ``$filter``: call it on a list item (``id``, ``name``, ``type``, ``location``, ``tags``)."""

    def __init__(self, alternatives: list[list[tuple[str, str, str]]]):
        self.alternatives = alternatives

    def __call__(self, body: dict) -> bool:
        if not self.alternatives:
            return True
        for clauses in self.alternatives:
            tag_name = next((value for name, dummy_operator, value in clauses if name == "tagname"), None)
            if all(_holds(clause, body, tag_name) for clause in clauses):
                return True
        return False

    @property
    def by_tag_value(self) -> bool:
        """Filtered by a tag's name and value: ARM then leaves the resources' tags out of the list (the REST
        reference of Resources - List: "the original tags for each resource will not be returned")."""
        return any(name == "tagvalue" for clauses in self.alternatives for name, dummy_operator, dummy in clauses)


def parse_filter(text: str | None, properties: tuple[str, ...] = RESOURCE_PROPERTIES) -> Filter:
    """The filter ``text`` names; 400 InvalidFilterInQueryString for what the list does not support."""
    if text is None or not text.strip():
        return Filter([])
    return Filter(_Parser(text, properties).parse())


def page(items: list[dict], query: dict[str, str], link_base: str) -> dict:
    """The list body for ``$top`` and ``$skiptoken``: one page, with a ``nextLink`` when more items follow."""
    top_text, token = query.get("$top"), query.get("$skiptoken")
    if token is not None and not token.isdigit():
        # NOT VERIFIED: ARM's code for a skip token it did not issue.
        raise INVALID_SKIP_TOKEN(f"The skip token '{token}' is invalid.")
    start = int(token or 0)
    if top_text is None:
        return {"value": items[start:]}
    if not top_text.isdigit() or int(top_text) < 1:
        # NOT VERIFIED: the message; the code is the one Azure's front ends give for a bad $top.
        raise INVALID_TOP_IN_QUERY_STRING(f"Invalid $top '{top_text}' specified in the query string.")
    end = start + int(top_text)
    body: dict = {"value": items[start:end]}
    if end < len(items):
        body["nextLink"] = f"{link_base}?{urlencode({**query, '$skiptoken': str(end)})}"
    return body
