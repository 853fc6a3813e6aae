# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the repository's JSON and YAML files, turning syntax errors into findings."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding


class UnreadableFile(Exception):
    """A file could not be parsed; ``finding`` says where and why."""

    def __init__(self, finding: Finding):
        super().__init__(finding.render())
        self.finding = finding


def relative_name(path: Path, repository_root: Path) -> str:
    try:
        return str(path.resolve().relative_to(repository_root.resolve()))
    except ValueError:
        return str(path)


def read_json(path: Path, repository_root: Path):
    name = relative_name(path, repository_root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UnreadableFile(
            Finding(name, "$", f"cannot be read: {error.strerror}.", "restore the file or correct its permissions.")
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            Finding(
                name,
                "$",
                f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
                "correct the JSON syntax at that position.",
            )
        ) from None


def read_yaml(path: Path, repository_root: Path):
    name = relative_name(path, repository_root)
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream)
    except OSError as error:
        raise UnreadableFile(
            Finding(name, "$", f"cannot be read: {error.strerror}.", "restore the file or correct its permissions.")
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        position = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise UnreadableFile(
            Finding(name, "$", f"is not valid YAML: {problem}{position}.", "correct the YAML syntax at that position.")
        ) from None
