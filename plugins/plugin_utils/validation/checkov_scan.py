# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checkov's ARM checks over ``arm-templates/``, with the skips (each with a reason) from one file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import UnreadableFile, read_yaml

SKIP_FILE = "arm-templates/checkov-skips.yml"
CHECKOV_TIMEOUT_SECONDS = 600


def checkov_findings(repository_root: Path) -> list:
    skipped, findings = _skipped_checks(repository_root)
    if findings:
        return findings
    executable = _checkov_executable()
    if executable is None:
        return [
            Finding(
                "requirements-dev.txt",
                "$",
                "checkov is not installed, so the templates' security checks cannot run.",
                "run 'make validate', which installs it into .venv.",
            )
        ]
    command = [
        executable,
        "--framework",
        "arm",
        "--directory",
        "arm-templates",
        "--skip-download",
        "--output",
        "json",
        "--quiet",
        "--compact",
    ]
    if skipped:
        command += ["--skip-check", ",".join(sorted(skipped))]
    environment = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    completed = subprocess.run(
        command,
        cwd=repository_root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=CHECKOV_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode not in (0, 1):
        return [
            Finding(
                "arm-templates",
                "$",
                f"checkov failed to run (exit {completed.returncode}): {completed.stderr.strip()[-500:]}",
                "run the command by hand to see why: " + " ".join(command),
            )
        ]
    return [_finding_of(check) for check in _failed_checks(completed.stdout)]


def _skipped_checks(repository_root: Path):
    path = repository_root / SKIP_FILE
    if not path.exists():
        return set(), []
    try:
        document = read_yaml(path, repository_root) or {}
    except UnreadableFile as unreadable:
        return set(), [unreadable.finding]
    skipped, findings = set(), []
    for index, entry in enumerate(document.get("skips") or []):
        if not (
            isinstance(entry, dict)
            and str(entry.get("id", "")).startswith("CKV")
            and isinstance(entry.get("reason"), str)
            and entry["reason"].strip()
        ):
            findings.append(
                Finding(
                    SKIP_FILE,
                    f"$.skips[{index}]",
                    "a skip needs a checkov id and a reason.",
                    'write {id: CKV_AZURE_<n>, reason: "why the check does not apply"}.',
                )
            )
            continue
        skipped.add(entry["id"])
    return skipped, findings


def _checkov_executable():
    beside_python = Path(sys.executable).with_name("checkov")
    return str(beside_python) if beside_python.exists() else shutil.which("checkov")


def _failed_checks(report_text: str) -> list:
    text = report_text.strip()
    if not text:
        return []
    report = json.loads(text)
    reports = report if isinstance(report, list) else [report]
    return [check for single in reports for check in (single.get("results") or {}).get("failed_checks", [])]


def _finding_of(check: dict) -> Finding:
    file_name = "arm-templates" + check.get("file_path", "")
    resource = check.get("resource", "")
    guideline = f" See {check['guideline']}." if check.get("guideline") else ""
    return Finding(
        file_name,
        f"$.resources (resource {resource}, lines {check.get('file_line_range')})",
        f"checkov {check['check_id']} failed: {check.get('check_name')}.",
        f"make the resource meet the check, or skip {check['check_id']} with a reason in {SKIP_FILE}.{guideline}",
    )
