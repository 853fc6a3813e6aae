"""The README's table of denied actions is the role's data file, row by row, so the two cannot drift apart."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ROLE_DATA = ROOT / "arm-templates" / "customrole" / "model_developer_role.json"
PREFIX = "Microsoft.MachineLearningServices/workspaces/"
ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$", re.MULTILINE)


def readme_rows() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Least privilege of the model developer role", 1)[1].split("\n### ", 1)[0]
    return [(PREFIX + action, category.strip(), reason.strip()) for action, category, reason in ROW.findall(section)]


def test_the_readme_lists_every_denied_action_of_the_role_data_file_in_order():
    data = json.loads(ROLE_DATA.read_text(encoding="utf-8"))
    expected = [(entry["action"], entry["category"], entry["reason"]) for entry in data["deniedActions"]]
    assert readme_rows() == expected, "regenerate the README table from model_developer_role.json"
