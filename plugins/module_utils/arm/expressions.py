"""The ARM template expression language: recognising, tokenising and parsing.

A JSON string is an expression when it starts with ``[`` and ends with ``]``; a leading ``[[``
escapes that, leaving a literal string that starts with ``[``. Inside the brackets:

* function calls ``name(arg, ...)``, optionally namespaced (``contoso.uniqueName(...)``),
  with case-insensitive names;
* single-quoted strings (``''`` is a quote) and integer literals (optionally negative);
* property access with ``.name`` or ``['name']`` and indexing with ``[expression]``.

Each distinct expression string is parsed once; the abstract syntax trees are cached.
An AST node is a tuple:
``("literal", value)``, ``("call", lower_name, name, (args...))``, ``("member", target, key_node)``.
"""

from __future__ import annotations

import functools
import re

from .errors import ArmTemplateError

LITERAL, CALL, MEMBER = "literal", "call", "member"

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>[()\[\],.])
""",
    re.VERBOSE,
)

_TOKEN_NAMES = {
    "(": "LeftParenthesis",
    ")": "RightParenthesis",
    "[": "LeftSquareBracket",
    "]": "RightSquareBracket",
    ",": "Comma",
    ".": "Dot",
}


def is_expression(value) -> bool:
    """True if a JSON value is a template expression (``[...]``, not escaped by ``[[``)."""
    return isinstance(value, str) and len(value) >= 2 and value[0] == "[" and value[-1] == "]" and value[1] != "["


def unescape_literal(value: str) -> str:
    """A ``[[...]`` string stands for ``[...]``."""
    if len(value) >= 2 and value.startswith("[[") and value.endswith("]"):
        return value[1:]
    return value


def _parse_error(text: str, detail: str) -> ArmTemplateError:
    return ArmTemplateError(f"Unable to parse language expression '{text}': {detail}")


def _tokenize(text: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise _parse_error(text, f"the character '{text[position]}' at position '{position}' is not expected.")
        kind = match.lastgroup
        raw = match.group()
        position = match.end()
        if kind == "space":
            continue
        if kind == "string":
            tokens.append(("string", raw[1:-1].replace("''", "'")))
        elif kind == "number":
            tokens.append(("number", float(raw) if "." in raw else int(raw)))
        elif kind == "name":
            tokens.append(("name", raw))
        else:
            tokens.append((raw, raw))
    tokens.append(("end", None))
    return tokens


def _describe(token) -> str:
    kind, value = token
    if kind == "end":
        return "EndOfData"
    if kind in ("string", "number"):
        return "Literal"
    if kind == "name":
        return "Identifier"
    return _TOKEN_NAMES.get(kind, kind)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self, offset: int = 0):
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def take(self, kind: str):
        token = self.peek()
        if token[0] != kind:
            expected = _TOKEN_NAMES.get(kind, {"name": "Identifier", "end": "EndOfData"}.get(kind, kind))
            raise _parse_error(self.text, f"expected token '{expected}' and actual '{_describe(token)}'.")
        self.index += 1
        return token

    def parse(self):
        if self.peek()[0] == "end":
            raise _parse_error(self.text, "the expression is empty.")
        node = self.expression()
        self.take("end")
        return node

    def expression(self):
        node = self.primary()
        while True:
            kind = self.peek()[0]
            if kind == ".":
                self.index += 1
                node = (MEMBER, node, (LITERAL, self.take("name")[1]))
            elif kind == "[":
                self.index += 1
                key = self.expression()
                self.take("]")
                node = (MEMBER, node, key)
            else:
                return node

    def primary(self):
        kind, value = self.peek()
        if kind in ("string", "number"):
            self.index += 1
            return (LITERAL, value)
        if kind != "name":
            raise _parse_error(self.text, f"expected token 'Identifier' and actual '{_describe(self.peek())}'.")
        self.index += 1
        name = value
        if self.peek()[0] == "." and self.peek(1)[0] == "name" and self.peek(2)[0] == "(":
            self.index += 1
            name = f"{name}.{self.take('name')[1]}"
        self.take("(")
        args = []
        if self.peek()[0] != ")":
            args.append(self.expression())
            while self.peek()[0] == ",":
                self.index += 1
                args.append(self.expression())
        self.take(")")
        return (CALL, name.lower(), name, tuple(args))


@functools.lru_cache(maxsize=16384)
def parse_expression(text: str):
    """Parse the inside of ``[...]`` (without the brackets) into an AST; cached per string."""
    return _Parser(text).parse()


def to_text(node) -> str:
    """Render an AST back to expression text (for messages)."""
    kind = node[0]
    if kind == LITERAL:
        value = node[1]
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        return str(value)
    if kind == CALL:
        return f"{node[2]}({', '.join(to_text(arg) for arg in node[3])})"
    key = node[2]
    if key[0] == LITERAL and isinstance(key[1], str) and re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", key[1]):
        return f"{to_text(node[1])}.{key[1]}"
    return f"{to_text(node[1])}[{to_text(key)}]"
