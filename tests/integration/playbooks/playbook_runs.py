"""Run the collection's playbooks for real against a local Azure endpoint, on a scratch copy of the project.

The copy holds arm-templates/, inventories/ and playbooks/ (what users edit), so a test can change an inventory
or the datastore config without touching the repository; the collection itself (roles, plugins) resolves to the
repository through ANSIBLE_COLLECTIONS_PATH, exactly as `make demo` runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS_PATH = REPOSITORY_ROOT / ".build" / "collections"
ANSIBLE_PLAYBOOK = Path(os.environ.get("VIRTUAL_ENV", REPOSITORY_ROOT / ".venv")) / "bin" / "ansible-playbook"
PLAYBOOK_TIMEOUT_SECONDS = 900
MUTATING_METHODS = ("PUT", "PATCH", "DELETE")
_RECAP = re.compile(r"^localhost\s*:\s*(?P<counts>.*)$", re.MULTILINE)


@dataclass
class PlaybookRun:
    returncode: int
    output: str
    requests: list  # the endpoint's request log entries made during the run

    @property
    def recap(self) -> dict:
        match = _RECAP.search(self.output)
        assert match, f"no PLAY RECAP in the output:\n{self.output[-3000:]}"
        return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group("counts"))}

    @property
    def writes(self) -> list:
        """Requests that change state: PUT, PATCH, DELETE, and any POST but validate, what-if and tokens."""
        return [
            entry
            for entry in self.requests
            if entry["method"] in MUTATING_METHODS
            or (entry["method"] == "POST" and not entry["path"].endswith(("/validate", "/whatIf", "/token")))
        ]

    @property
    def arm_requests(self) -> list:
        return [entry for entry in self.requests if entry["path"].startswith("/subscriptions")]

    def written_paths(self) -> list[str]:
        return sorted({entry["path"] for entry in self.writes})

    def explain(self) -> str:
        return f"exit {self.returncode}; output tail:\n{self.output[-6000:]}"


def copy_project(destination: Path) -> Path:
    for folder in ("arm-templates", "inventories", "playbooks"):
        shutil.copytree(REPOSITORY_ROOT / folder, destination / folder)
    return destination


def edit_yaml(path: Path, change) -> None:
    document = yaml.safe_load(path.read_text())
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def edit_json(path: Path, change) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


def last_request_sequence(endpoint) -> int:
    entries = endpoint.requests_log()
    return entries[-1]["seq"] if entries else 0


def run_playbook(
    project: Path,
    endpoint,
    *,
    playbook: str = "mlenv.yml",
    inventory: str = "local",
    check: bool = False,
    diff: bool = False,
    extra_vars: dict | None = None,
    environment: dict | None = None,
) -> PlaybookRun:
    """``ansible-playbook playbooks/<playbook> -i inventories/<inventory>`` against ``endpoint``."""
    since = last_request_sequence(endpoint)
    command = [
        str(ANSIBLE_PLAYBOOK),
        str(project / "playbooks" / playbook),
        "-i",
        str(project / "inventories" / inventory),
    ]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    all_extra_vars = {"localazure_polling_interval": 0.05, **(extra_vars or {})}
    command += ["-e", json.dumps(all_extra_vars)]
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "DLINFRA_LOCALAZURE_CONNECTION": str(endpoint.state_dir / "connection.json"),
        "ANSIBLE_LOCAL_TEMP": str(project / ".ansible-tmp"),
        **(environment or {}),
    }
    completed = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT_SECONDS, check=False
    )
    requests = endpoint.requests_log(since=str(since))
    return PlaybookRun(completed.returncode, completed.stdout + completed.stderr, requests)


def deployed_project(destination: Path, endpoint, **run_options) -> Path:
    """A scratch copy of the project with the environment deployed by ``playbooks/mlenv.yml`` (``run_options`` as
    :func:`run_playbook` takes them); the fixture of every module that starts from a deployed environment."""
    project = copy_project(destination)
    run = run_playbook(project, endpoint, **run_options)
    assert run.returncode == 0, run.explain()
    return project
