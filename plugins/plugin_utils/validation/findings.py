# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the offline validator reports: one finding per problem, each naming file, JSON path and fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in the repository's desired state.

    ``file`` is relative to the repository root, ``json_path`` points into that file (``$`` is the
    document root), ``problem`` says what is wrong and ``fix`` how to mend it. ``environment`` names
    the inventory the problem was found for, when it depends on one.
    """

    file: str
    json_path: str
    problem: str
    fix: str
    environment: str | None = None

    def render(self) -> str:
        where = f"{self.file} {self.json_path}"
        scope = f" [{self.environment}]" if self.environment else ""
        return f"{where}{scope}: {self.problem} Fix: {self.fix}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "json_path": self.json_path,
            "problem": self.problem,
            "fix": self.fix,
            "environment": self.environment,
        }


def json_path_of(path_elements) -> str:
    """Render a sequence of keys and indexes (as jsonschema reports them) as ``$.a.b[0]``."""
    rendered = "$"
    for element in path_elements:
        if isinstance(element, int):
            rendered += f"[{element}]"
        elif element.isidentifier():
            rendered += f".{element}"
        else:
            rendered += f"[{element!r}]"
    return rendered
