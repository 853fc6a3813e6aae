"""The collection's ARM template engine (``plugins/module_utils/arm/``), imported by its collection name.

The collection imports itself as ``ansible_collections.it4ad.dlinfra``; ``tests/conftest.py`` makes that
name resolve to the working tree with a symlink under ``.build/collections``. The endpoint process does the
same here, so that it runs the very engine the collection ships.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_ROOT = REPOSITORY_ROOT / ".build" / "collections"
COLLECTION_LINK = COLLECTIONS_ROOT / "ansible_collections" / "it4ad" / "dlinfra"
PACKAGE = "ansible_collections.it4ad.dlinfra.plugins.module_utils.arm"


def _make_collection_importable() -> None:
    if not COLLECTION_LINK.exists():
        COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
        COLLECTION_LINK.symlink_to(REPOSITORY_ROOT, target_is_directory=True)
    if str(COLLECTIONS_ROOT) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS_ROOT))


def _module(name: str):
    try:
        return importlib.import_module(f"{PACKAGE}.{name}")
    except ModuleNotFoundError:
        _make_collection_importable()
        return importlib.import_module(f"{PACKAGE}.{name}")


_template = _module("template")
_context = _module("context")
_errors = _module("errors")
_parameters = _module("parameters")
_secure = _module("secure")
_values = _module("values")
_hashing = _module("hashing")
whatif = _module("whatif")

evaluate_template = _template.evaluate_template
TemplateResult = _template.TemplateResult
DeploymentContext = _context.DeploymentContext
ArmTemplateError = _errors.ArmTemplateError
check_parameter_values = _parameters.check_parameter_values
plain_parameter_values = _parameters.plain_parameter_values
is_secure = _parameters.is_secure
REDACTED = _secure.REDACTED
scrub = _secure.scrub
secret_texts = _secure.secret_texts
supplied_secrets = _secure.supplied_secrets
UnknownValue = _values.UnknownValue
contains_unknown = _values.contains_unknown
murmur_hash64 = _hashing.murmur_hash64
AZURE_ENVIRONMENT = _context.AZURE_CLOUD_ENVIRONMENT
