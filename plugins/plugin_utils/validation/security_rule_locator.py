# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a rendered resource is declared in its template: the JSON path that a security rule's finding names."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class _Declaration:
    json_path: str
    type: str  # lowercase, full
    loop: str | None
    symbolic: str | None
    fragments: tuple  # literal text of the name and scope expressions, variables followed


class Locator:
    """Finds the declaration a rendered resource came from, to name its JSON path in the template file.

    The engine's result gives each resource in declaration order with its copy loop (and symbolic name in
    languageVersion 2.0) but not its declaration. A copy loop or a symbolic name identifies the declaration;
    otherwise the declarations of the same type are told apart by the literal text of their name and scope
    expressions (with variables followed): the one whose literals best match the rendered name and scope.
    """

    def __init__(self, templates: dict):
        self._templates = templates
        self._declarations: dict = {}

    def locate(self, template_kind: str, resource: dict) -> tuple[str, str]:
        source = self._templates[template_kind]
        declarations = self._declarations.get(template_kind)
        if declarations is None:
            declarations = self._declarations[template_kind] = list(_declarations_of(source.template))
        return source.template_file, _best_declaration(declarations, resource)


def _declarations_of(template: dict):
    variables = template.get("variables")
    if not isinstance(variables, dict):
        variables = {}
    section = template.get("resources")
    if isinstance(section, dict):
        items = [(f"$.resources.{name}", name, body) for name, body in section.items()]
    else:
        items = [(f"$.resources[{index}]", None, body) for index, body in enumerate(section or [])]
    pending = [(path, symbolic, body, "") for path, symbolic, body in items]
    while pending:
        path, symbolic, body, parent_type = pending.pop(0)
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            continue
        own_type = body["type"]
        full_type = own_type if not parent_type or "." in own_type.split("/")[0] else f"{parent_type}/{own_type}"
        loop = body.get("copy", {}).get("name") if isinstance(body.get("copy"), dict) else None
        text = f"{_followed(body.get('name'), variables)} {_followed(body.get('scope'), variables)}"
        yield _Declaration(path, full_type.lower(), loop, symbolic, tuple(_literals(text)))
        children = body.get("resources")
        if isinstance(children, list):
            pending.extend(
                (f"{path}.resources[{index}]", None, child, full_type) for index, child in enumerate(children)
            )


def _followed(expression, variables: dict, depth: int = 0) -> str:
    """The expression's text with every ``variables('x')`` replaced by x's own text (a few levels deep)."""
    if not isinstance(expression, str):
        return ""
    if depth > 3:
        return expression
    return re.sub(
        r"variables\('([^']+)'\)",
        lambda match: _followed(variables.get(match.group(1)), variables, depth + 1),
        expression,
    )


def _literals(text: str):
    """The literal parts of quoted strings in an expression, split at format placeholders such as {0}."""
    for quoted in re.findall(r"'((?:[^']|'')*)'", text):
        for part in re.split(r"\{\d+\}", quoted.replace("''", "'")):
            if len(part) >= 2:
                yield part.lower()


def _best_declaration(declarations: list, resource: dict) -> str:
    resource_type = str(resource.get("type", "")).lower()
    candidates = [declaration for declaration in declarations if declaration.type == resource_type]
    symbolic = resource.get("symbolicName")
    loop = (resource.get("copy") or {}).get("name")
    if symbolic:
        candidates = [declaration for declaration in candidates if declaration.symbolic == symbolic] or candidates
    elif loop:
        candidates = [declaration for declaration in candidates if declaration.loop == loop] or candidates
    else:
        candidates = [declaration for declaration in candidates if declaration.loop is None] or candidates
    if not candidates:
        return "$.resources"
    rendered = f"{resource.get('name', '')} {resource.get('scope', '')} {resource.get('id', '')}".lower()

    def score(declaration) -> int:
        return sum(len(fragment) for fragment in declaration.fragments if fragment in rendered)

    return max(candidates, key=score).json_path  # the first of equals: declaration order
