"""The engine's one facade (arm/api.py), and the import path `make setup` gives every venv python."""

import ast
import subprocess
import sys
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm import api
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.resolver import OfflineResolver

REPOSITORY = Path(__file__).resolve().parents[5]
ENGINE = "ansible_collections.it4ad.dlinfra.plugins.module_utils.arm"


def engine_imports(path: Path) -> set[str]:
    """The engine modules a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(ENGINE):
            found.add(node.module if node.module != ENGINE else f"{ENGINE}.{node.names[0].name}")
    return found


def test_the_endpoint_and_the_validator_import_only_the_facade():
    callers = [
        *sorted((REPOSITORY / "localazure").rglob("*.py")),
        REPOSITORY / "plugins" / "plugin_utils" / "validation" / "environment_render.py",
        REPOSITORY / "scripts" / "arm-eval",
    ]
    imported = {str(path.relative_to(REPOSITORY)): engine_imports(path) for path in callers}
    assert {name: modules for name, modules in imported.items() if modules - {f"{ENGINE}.api"}} == {}
    assert imported["localazure/deployments/engine.py"] == {f"{ENGINE}.api"}


def test_the_offline_resolver_is_a_resolver():
    resolver: api.Resolver = OfflineResolver()
    assert all(callable(getattr(resolver, name)) for name in ("reference", "list", "existing", "linked_template"))
    assert isinstance(resolver.reference("/x"), api.UnknownValue)


def test_the_venv_python_imports_the_collection_and_the_endpoint_from_anywhere(tmp_path):
    """No bootstrap: the .pth file `make setup` writes is enough, from any working directory."""
    code = (
        "import localazure.deployments.engine as engine, ansible_collections.it4ad.dlinfra.plugins."
        "module_utils.arm.api as api; print(engine.evaluate_template is api.evaluate_template)"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert completed.stdout.strip() == "True", completed.stderr
