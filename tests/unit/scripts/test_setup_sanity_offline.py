"""scripts/setup-sanity-offline: the sanity tests see the shipped tree (the built collection) and
ansible-test's settings (tests/config.yml, tests/sanity/), never development-only code."""

import subprocess
import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = REPOSITORY_ROOT / "scripts" / "setup-sanity-offline"


def test_the_sanity_tree_is_the_shipped_tree_plus_ansible_test_settings(tmp_path):
    destination = tmp_path / "ansible_collections" / "it4ad" / "dlinfra"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), str(destination)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    present = {
        str(path.relative_to(destination))
        for path in destination.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(destination).parts
    }
    assert {"galaxy.yml", "MANIFEST.json"} & present == {"MANIFEST.json"}
    assert "plugins/modules/arm_deployments.py" in present and "meta/runtime.yml" in present
    assert {"tests/config.yml", "tests/sanity/ignore-2.19.txt"} <= present
    development_only = (
        "localazure/",
        "bench/",
        "tests/unit/",
        "tests/integration/",
        ".ci/",
        "scripts/generate-whatif-read-only",
        "scripts/setup-sanity-offline",
        "pyproject.toml",
    )
    assert [name for name in present if name.startswith(development_only)] == []
    assert (destination / ".git").is_dir()


def test_a_destination_outside_ansible_collections_is_refused(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "dlinfra")], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2 and "must end in ansible_collections/it4ad/dlinfra" in completed.stderr
