"""execution-environment.yml: `ansible-builder create` makes the AWX image's build context offline, and that context
installs this collection (the tarball `make build` makes) and, through its introspection, its Python requirements."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml
from playbook_runs import REPOSITORY_ROOT

BIN = Path(os.environ.get("VIRTUAL_ENV", REPOSITORY_ROOT / ".venv")) / "bin"


def run(command: list[str], cwd: Path, **env: str) -> str:
    completed = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300, env={**os.environ, **env}
    )
    assert completed.returncode == 0, f"{command}: {completed.stdout}{completed.stderr}"
    return completed.stdout


def test_ansible_builder_creates_a_context_that_installs_the_collection(tmp_path):
    version = yaml.safe_load((REPOSITORY_ROOT / "galaxy.yml").read_text())["version"]
    shutil.copy(REPOSITORY_ROOT / "execution-environment.yml", tmp_path)
    run(
        [str(BIN / "ansible-galaxy"), "collection", "build", str(REPOSITORY_ROOT), "--output-path", ".build/dist"],
        tmp_path,
    )
    run(
        [
            str(BIN / "ansible-builder"),
            "create",
            "--file",
            "execution-environment.yml",
            "--context",
            "context",
            "--output-filename",
            "Containerfile",
        ],
        tmp_path,
    )
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile, containerfile
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile, containerfile
    tarball = context / "_build" / "collections" / f"it4ad-dlinfra-{version}.tar.gz"
    assert tarball.is_file(), f"the context lacks {tarball.name}: galaxy.yml's version and the EE file disagree"

    # The galaxy stage of the Containerfile, run here: install from _build/requirements.yml offline, then introspect.
    collections = tmp_path / "collections"
    run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "install",
            "--offline",
            "-r",
            "requirements.yml",
            "-p",
            str(collections),
        ],
        context / "_build",
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_COLLECTIONS_PATH=str(collections),
    )
    assert (collections / "ansible_collections" / "it4ad" / "dlinfra" / "MANIFEST.json").is_file()
    introspected = yaml.safe_load(
        run(
            [
                str(BIN / "python"),
                str(context / "_build" / "scripts" / "introspect.py"),
                "introspect",
                str(collections),
            ],
            tmp_path,
        )
    )
    wanted = {
        line.split(">=")[0]
        for line in (REPOSITORY_ROOT / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#") and not line.startswith(("ansible-core", "PyYAML"))
    }
    found = {entry.split(">=")[0].split()[0] for entry in introspected["python"]}
    assert wanted <= found, f"missing from the image's Python requirements: {wanted - found}"
