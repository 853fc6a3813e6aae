"""Every file and make target the READMEs name must exist, so that the docs cannot drift from the code unnoticed.

A file is a backticked path under a known top-level folder (``localazure/pipeline.py``), a Markdown link, or a
backticked ``.py`` path relative to one of the README's module folders (``MODULE_BASES``: ``routes/graph.py`` in
localazure/README.md). A make target is ``make <target>`` in backticks or at the start of a line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
READMES = ("README.md", "localazure/README.md", "bench/README.md")
TOP_LEVEL = ("localazure", "plugins", "roles", "playbooks", "scripts", "bench", "tests", "arm-templates", "inventories")
BACKTICKED = re.compile(r"`([^`\n]+)`")
PATH = re.compile(r"^(?:\.venv/bin/python )?((?:" + "|".join(TOP_LEVEL) + r")/[\w./-]*[\w-])")
MODULE = re.compile(r"^([\w/]+\.py)$")
MAKE_TARGET = re.compile(r"(?:^\s*|`)make ([a-z][\w-]*)", re.MULTILINE)
LINK = re.compile(r"\]\(([^)#\s]+)\)")
DEFINED_TARGET = re.compile(r"^([a-z][\w-]*):", re.MULTILINE)


def _text(readme: str) -> str:
    return (ROOT / readme).read_text(encoding="utf-8")


def _named_paths(readme: str) -> set[str]:
    names = set()
    for token in BACKTICKED.findall(_text(readme)):
        for word in token.split():
            found = PATH.match(word)
            if found and "<" not in word and "{" not in word and "…" not in word:
                names.add(found.group(1))
    base = Path(readme).parent
    names.update(str(base / link) for link in LINK.findall(_text(readme)) if "://" not in link)
    return names


def _named_modules(readme: str) -> set[str]:
    return {found.group(1) for token in BACKTICKED.findall(_text(readme)) if (found := MODULE.match(token))}


def _exists(name: str, *bases: Path) -> bool:
    return any((base / name).exists() for base in bases)


@pytest.mark.parametrize("readme", READMES)
def test_every_named_path_exists(readme):
    missing = sorted(name for name in _named_paths(readme) if not _exists(name, ROOT))
    assert missing == []


# Where a README's bare module names (``pipeline.py``, ``evaluator.py``) live.
MODULE_BASES = {
    "README.md": ("plugins/module_utils/arm", "localazure", "."),
    "localazure/README.md": ("localazure", ".", "tests/integration/localazure"),
    "bench/README.md": ("bench", "."),
}


@pytest.mark.parametrize("readme", READMES)
def test_every_module_named_exists(readme):
    bases = [ROOT / base for base in MODULE_BASES[readme]]
    missing = sorted(name for name in _named_modules(readme) if not _exists(name, *bases))
    assert missing == []


@pytest.mark.parametrize("readme", READMES)
def test_every_make_target_named_exists(readme):
    defined = set(DEFINED_TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    named = set(MAKE_TARGET.findall(_text(readme)))
    assert sorted(named - defined) == []


def test_the_readmes_name_files_at_all():
    """The patterns above must find something, or the tests would pass on any text."""
    assert "localazure/README.md" in _named_paths("README.md")
    assert "pipeline.py" in _named_modules("localazure/README.md") or "app.py" in _named_modules("localazure/README.md")
    assert "demo" in MAKE_TARGET.findall(_text("README.md"))
