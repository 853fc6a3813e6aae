"""execution-environment.yml: `ansible-builder create` makes the AWX image's build context offline. The context sets
the base image, installs this collection (the tarball `make build` makes) and, through its introspection, the
collection's Python requirements (requirements.txt), and carries no secret: a canary secret planted where a
developer's local endpoint keeps its credentials (.localazure/connection.json) must not reach the context."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml
from playbook_runs import REPOSITORY_ROOT

BIN = Path(os.environ.get("VIRTUAL_ENV", REPOSITORY_ROOT / ".venv")) / "bin"
CANARY = "canary-client-secret-3f9a7c1e"
# Files a build context must never hold, and text that gives a private key or a literal secret away.
FORBIDDEN_NAMES = re.compile(r"(^|/)(\.localazure|\.venv|\.git|connection\.json|.*\.pem|.*\.key|\.env)(/|$)")
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def run(command: list[str], cwd: Path, **env: str) -> str:
    completed = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300, env={**os.environ, **env}
    )
    assert completed.returncode == 0, f"{command}: {completed.stdout}{completed.stderr}"
    return completed.stdout


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> Path:
    """The build context of a checkout that also holds a local endpoint's state with a (canary) secret."""
    root = tmp_path_factory.mktemp("ee")
    checkout = root / "checkout"
    shutil.copytree(
        REPOSITORY_ROOT,
        checkout,
        ignore=shutil.ignore_patterns(".venv", ".build", ".git", ".localazure", "*.tar.gz", "__pycache__", ".*_cache"),
    )
    (checkout / ".localazure").mkdir()
    (checkout / ".localazure" / "connection.json").write_text(f'{{"client_secret": "{CANARY}"}}')
    run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", ".build/dist"], checkout)
    run(
        [
            str(BIN / "ansible-builder"),
            "create",
            "--file",
            "execution-environment.yml",
            "--context",
            str(root / "context"),
            "--output-filename",
            "Containerfile",
        ],
        checkout,
    )
    return root / "context"


def test_the_images_ansible_core_and_runner_are_the_versions_constraints_txt_pins():
    """The image runs the ansible-core and ansible-runner that CI and .venv test with (read from the files, no build)."""
    dependencies = yaml.safe_load((REPOSITORY_ROOT / "execution-environment.yml").read_text())["dependencies"]
    pinned = dict(
        line.split("==", 1)
        for line in (REPOSITORY_ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for key, package in (("ansible_core", "ansible-core"), ("ansible_runner", "ansible-runner")):
        assert dependencies[key]["package_pip"] == f"{package}=={pinned[package]}", (key, pinned.get(package))


def test_the_context_sets_the_base_image_and_installs_the_collection(context):
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile, containerfile
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile, containerfile
    version = yaml.safe_load((REPOSITORY_ROOT / "galaxy.yml").read_text())["version"]
    tarball = context / "_build" / "collections" / f"it4ad-dlinfra-{version}.tar.gz"
    assert tarball.is_file(), f"the context lacks {tarball.name}: galaxy.yml's version and the EE file disagree"
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements["collections"] == [{"name": f"collections/{tarball.name}", "type": "file"}], requirements


def test_the_context_installs_the_collections_python_requirements(context, tmp_path):
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
        re.split(r"[<>=!~ ;]", line, maxsplit=1)[0].lower()
        for line in (REPOSITORY_ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # ansible-builder drops what the image gets anyway: ansible-core (the EE file's own dependency) and PyYAML (which
    # ansible-core requires).
    wanted -= {"ansible-core", "pyyaml"}
    found = {re.split(r"[<>=!~ ;]", entry, maxsplit=1)[0].lower() for entry in introspected["python"]}
    assert wanted and wanted <= found, f"missing from the image's Python requirements: {wanted - found}"


def test_the_context_holds_no_secret(context, tmp_path):
    unpacked = tmp_path / "unpacked"
    for tarball in (context / "_build" / "collections").glob("*.tar.gz"):
        with tarfile.open(tarball) as archive:
            archive.extractall(unpacked / tarball.name, filter="data")
    files = [path for path in [*context.rglob("*"), *unpacked.rglob("*")] if path.is_file()]
    assert len(files) > 20, f"too few files to be the collection: {files}"
    forbidden = [str(path) for path in files if FORBIDDEN_NAMES.search(path.relative_to(tmp_path.parent).as_posix())]
    assert forbidden == [], forbidden
    leaking = [
        str(path) for path in files if CANARY in (text := path.read_text(errors="replace")) or PRIVATE_KEY.search(text)
    ]
    assert leaking == [], f"secret or private key in the build context: {leaking}"
