# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The custom role test's permission matrix: the rows as data, the report table and the JUnit XML.

``matrix_rows`` joins three sources into the rows M(it4ad.dlinfra.permission_probe) runs:
- the role's static rows (``roles/role_test/vars/permission_matrix.yml``: what issue 10 allows and denies),
- one denied row per ``deniedActions`` entry of the role's data file, read at run time, so the role and its
  test cannot drift apart,
- one row per data container of the work package's datastores: write allowed into a writable one, denied into a
  read-only one.
Placeholders ``{name}`` in the rows' strings are filled from ``targets`` (the environment's names and ids).
"""

from __future__ import annotations

import copy
from typing import Any
from xml.etree import ElementTree

from ansible_collections.it4ad.dlinfra.plugins.module_utils.role_test_probe import request_for_action

WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
BLOB_READ = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
BLOB_WRITE = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"
PROBE_BODY: dict[str, dict] = {"properties": {}}


class MatrixError(ValueError):
    """A matrix that cannot be built: a row or a target is missing what it needs."""


def _fill(value, targets: dict):
    if isinstance(value, str):
        try:
            return value.format_map(targets)
        except (KeyError, IndexError, ValueError) as error:
            raise MatrixError(f"the matrix value '{value}' names no known target ({error})") from None
    if isinstance(value, dict):
        return {key: _fill(item, targets) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, targets) for item in value]
    return value


def denied_action_rows(role_data: dict, targets: dict) -> list[dict]:
    """One denied row per ``deniedActions`` entry: the request that asks for the action on the workspace (a
    probe-named child), guarded; wildcards and actions without a request are checked by the permissions API."""
    rows = []
    for entry in role_data.get("deniedActions") or []:
        action = entry["action"]
        row: dict[str, Any] = {
            "name": f"role data denies {action.removeprefix('Microsoft.MachineLearningServices/')}",
            "source": f"deniedActions ({entry.get('category', '')})",
            "expect": "denied",
            "permission": {"scope": targets["workspace_id"], "action": action},
        }
        request = request_for_action(action, targets["workspace_id"], WORKSPACE_TYPE)
        if request is None:
            row["kind"] = "permission"
        else:
            method, path = request
            row["kind"] = "arm"
            row["request"] = {"method": method, "path": path, "api_version": targets["ml_api_version"]}
            if method in ("PUT", "PATCH", "POST"):
                row["request"]["body"] = PROBE_BODY
        rows.append(row)
    return rows


def is_read_only(container: dict) -> bool:
    """Whether the environment plan marks a datastore's container read-only (its ``readOnly`` tag, any case)."""
    return str((container.get("tags") or {}).get("readOnly", container.get("read_only", False))).lower() == "true"


def container_split(containers: list) -> dict[str, list[str]]:
    """The work package's container names, each once in plan order: ``writable`` and ``read_only``."""
    split: dict[str, list[str]] = {"writable": [], "read_only": []}
    for container in containers:
        names = split["read_only" if is_read_only(container) else "writable"]
        if container["container_name"] not in names:
            names.append(container["container_name"])
    return split


def container_rows(containers: list, targets: dict) -> list[dict]:
    """Write into each data container of the work package: allowed where writable, denied where read-only. Two
    datastores on one container give one row."""
    rows = []
    seen = set()
    for container in containers:
        name = container["container_name"]
        account = container["account_name"]
        if (account, name) in seen:
            continue
        seen.add((account, name))
        expect = "denied" if is_read_only(container) else "allowed"
        kind_text = "read-only" if expect == "denied" else "writable"
        rows.append(
            {
                "name": f"write a blob into the {kind_text} container {account}/{name}",
                "source": "datastore_config.json",
                "expect": expect,
                "kind": "blob",
                "blob": {
                    "account_url": targets["blob_endpoint"].format(account=account),
                    "container": name,
                    "operation": "write",
                },
                "permission": {
                    "scope": f"{targets['storage_account_ids'][account]}/blobServices/default/containers/{name}",
                    "action": BLOB_WRITE,
                    "data_action": True,
                },
            }
        )
    return rows


def matrix_rows(static_rows: list, role_data: dict, containers: list, targets: dict) -> list[dict]:
    """Every row, allowed ones first: once they pass, the test's role assignments are in effect, so a denial
    that follows is the role's and not a late assignment's."""
    rows = container_rows(containers, targets)  # first: a written blob is what a later row reads back
    for row in static_rows:
        filled = _fill(copy.deepcopy(row), targets)
        filled.setdefault("source", "issue 10")
        rows.append(filled)
    rows += denied_action_rows(role_data, targets)
    names = [row["name"] for row in rows]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise MatrixError(f"the matrix has rows of the same name: {', '.join(duplicates)}")
    for row in rows:
        if row.get("kind") == "arm" and row["expect"] == "denied":
            # A wrongly allowed write fails with 412 instead of changing the environment.
            row["request"]["guard"] = row["request"]["method"] in ("PUT", "PATCH", "DELETE")
    return sorted(rows, key=lambda row: row["expect"] != "allowed")


def report_rows(rows: list, results: list, failure: str | None = None) -> list[dict]:
    """One entry per row: name, expect, source, kind, status (pass, FAIL, skipped, not run), detail. ``failure`` is
    the message of a probe run that failed as a whole (its rows without a result fail with it)."""
    by_name: dict[str, dict] = {}
    for result in results:
        if isinstance(result, dict):
            item = result.get("item")
            name = (item.get("name") if isinstance(item, dict) else None) or result.get("name")
            if name:
                by_name[name] = result
    report = []
    for row in rows:
        result = by_name.get(row["name"]) or {}
        if not result and failure:
            status, detail = "FAIL", f"the probe could not run: {failure}"
        elif not result:
            status, detail = "not run", "an earlier failure stopped the test"
        elif "passed" not in result or result.get("failed"):
            status, detail = "FAIL", f"the probe could not run: {result.get('msg') or 'no result'}"
        elif result.get("passed") is None:
            status, detail = "skipped", result.get("detail") or "check mode"
        elif result.get("passed"):
            status, detail = "pass", result.get("detail", "")
        else:
            status = "FAIL"
            detail = result.get("detail") or result.get("msg") or "the probe failed"
            if result.get("message"):
                detail += f": {result['message']}"
        report.append(
            {
                "name": row["name"],
                "expect": row["expect"],
                "source": row.get("source", ""),
                "kind": row.get("kind", ""),
                "status": status,
                "detail": detail,
            }
        )
    return report


def table(report: list) -> list[str]:
    """The report as text lines of a fixed-width table."""
    width = max([len("row")] + [len(entry["name"]) for entry in report])
    lines = [f"{'result':<8} {'expect':<8} {'row':<{width}}  detail"]
    for entry in report:
        lines.append(f"{entry['status']:<8} {entry['expect']:<8} {entry['name']:<{width}}  {entry['detail']}")
    counts = {
        status: sum(1 for entry in report if entry["status"] == status)
        for status in ("pass", "FAIL", "skipped", "not run")
    }
    lines.append(", ".join(f"{count} {status}" for status, count in counts.items()))
    return lines


def junit_xml(report: list, suite: str = "custom role test") -> str:
    """JUnit XML of the report: one test case per row; FAIL rows as failures, skipped and not run as skipped."""
    failures = sum(1 for entry in report if entry["status"] == "FAIL")
    skipped = sum(1 for entry in report if entry["status"] in ("skipped", "not run"))
    suites = ElementTree.Element("testsuites", name=suite)
    element = ElementTree.SubElement(
        suites,
        "testsuite",
        name=suite,
        tests=str(len(report)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    for entry in report:
        case = ElementTree.SubElement(
            element, "testcase", name=entry["name"], classname=f"role_test.{entry['expect']}.{entry['kind']}"
        )
        if entry["status"] == "FAIL":
            failure = ElementTree.SubElement(case, "failure", message=entry["detail"][:500])
            failure.text = f"{entry['name']}: expected {entry['expect']}; {entry['detail']}"
        elif entry["status"] in ("skipped", "not run"):
            ElementTree.SubElement(case, "skipped", message=entry["detail"])
        properties = ElementTree.SubElement(case, "properties")
        ElementTree.SubElement(properties, "property", name="source", value=entry["source"])
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
