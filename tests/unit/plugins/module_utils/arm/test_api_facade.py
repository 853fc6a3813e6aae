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
    """The engine modules a file imports (absolute imports, ``import ... as`` ones included)."""
    package, _, engine_name = ENGINE.rpartition(".")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == package:
            found.update(ENGINE for alias in node.names if alias.name == engine_name)
        elif isinstance(node, ast.ImportFrom) and node.module == ENGINE:
            found.update(f"{ENGINE}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(f"{ENGINE}."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith(f"{ENGINE}."))
    return found


def relative_imports(path: Path) -> list[str]:
    """The relative imports of a file (which would reach the engine without naming it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [str(node.module) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]


def test_the_endpoint_and_the_validator_import_only_the_facade():
    callers = [
        *sorted((REPOSITORY / "localazure").rglob("*.py")),
        REPOSITORY / "plugins" / "plugin_utils" / "validation" / "environment_render.py",
        REPOSITORY / "scripts" / "arm-eval",
    ]
    imported = {str(path.relative_to(REPOSITORY)): engine_imports(path) for path in callers}
    assert {name: modules for name, modules in imported.items() if modules - {f"{ENGINE}.api"}} == {}
    assert imported["localazure/deployments/engine.py"] == {f"{ENGINE}.api"}


def test_the_shipped_code_outside_the_engine_imports_only_the_facade():
    engine_dir = REPOSITORY / "plugins" / "module_utils" / "arm"
    callers = [path for path in sorted((REPOSITORY / "plugins").rglob("*.py")) if engine_dir not in path.parents]
    imported = {str(path.relative_to(REPOSITORY)): engine_imports(path) for path in callers}
    assert {name: modules for name, modules in imported.items() if modules - {f"{ENGINE}.api"}} == {}
    assert {
        str(path.relative_to(REPOSITORY)): relative_imports(path) for path in callers if relative_imports(path)
    } == {}
    # The check sees the product modules that use the engine (so it cannot pass by finding no file).
    assert imported["plugins/module_utils/arm_deployment_runner.py"] == {f"{ENGINE}.api"}
    assert imported["plugins/plugin_utils/environment_plan.py"] == {f"{ENGINE}.api"}


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
