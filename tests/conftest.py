"""The test session imports the collection as ``ansible_collections.it4ad.dlinfra`` and the endpoint as
``localazure``; ``make setup`` puts both on the venv's path (a .pth file), so nothing is set up here but a
clear message when that step is missing."""

import importlib

import pytest

try:
    for _package in ("ansible_collections.it4ad.dlinfra.plugins", "localazure"):
        importlib.import_module(_package)
except ImportError as error:
    raise pytest.UsageError(f"{error}: run 'make setup' first, then the venv's pytest (.venv/bin/pytest)") from None
