"""The custom role test's matrix: rows from the static data, the role's deniedActions and the data containers;
the report table and the JUnit XML."""

from xml.etree import ElementTree

import pytest

from ansible_collections.it4ad.dlinfra.plugins.filter.role_test_report import role_test_report
from ansible_collections.it4ad.dlinfra.plugins.filter.role_test_rows import role_test_rows
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.role_test_matrix import MatrixError, matrix_rows

WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
TARGETS = {
    "workspace_id": WS,
    "ml_api_version": "2024-10-01-preview",
    "blob_endpoint": "https://{account}.blob.core.windows.net",
    "storage_account_ids": {
        "data": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/data"
    },
}
STATIC = [
    {
        "name": "delete the workspace",
        "expect": "denied",
        "kind": "arm",
        "request": {"method": "DELETE", "path": "{workspace_id}", "api_version": "{ml_api_version}"},
    },
    {
        "name": "read the workspace",
        "expect": "allowed",
        "kind": "arm",
        "request": {"method": "GET", "path": "{workspace_id}", "api_version": "{ml_api_version}"},
    },
    {
        "name": "pull",
        "expect": "allowed",
        "kind": "registry",
        "registry": {"login_url": "x", "service": "x", "operation": "pull"},
    },
]
ROLE = {
    "deniedActions": [
        {"action": "Microsoft.MachineLearningServices/workspaces/listKeys/action", "category": "keys and secrets"},
        {"action": "Microsoft.MachineLearningServices/workspaces/computes/*/write", "category": "workspace"},
    ]
}
CONTAINERS = [
    {"account_name": "data", "container_name": "datasets", "tags": {"readOnly": "true"}},
    {"account_name": "data", "container_name": "metrics", "tags": {"readOnly": "false"}},
]


def test_rows_join_the_three_sources_allowed_first():
    rows = matrix_rows(STATIC, ROLE, CONTAINERS, TARGETS)
    assert [row["name"] for row in rows] == [
        "write a blob into the writable container data/metrics",
        "read the workspace",
        "pull",
        "write a blob into the read-only container data/datasets",
        "delete the workspace",
        "role data denies workspaces/listKeys/action",
        "role data denies workspaces/computes/*/write",
    ]
    by_name = {row["name"]: row for row in rows}
    assert by_name["delete the workspace"]["request"] == {
        "method": "DELETE",
        "path": WS,
        "api_version": "2024-10-01-preview",
        "guard": True,
    }
    assert by_name["read the workspace"]["request"]["path"] == WS
    assert "guard" not in by_name["read the workspace"]["request"]
    assert by_name["role data denies workspaces/listKeys/action"]["request"]["path"] == f"{WS}/listKeys"
    assert by_name["role data denies workspaces/computes/*/write"]["kind"] == "permission"
    assert "skip_reason" not in by_name["pull"]
    assert by_name["write a blob into the read-only container data/datasets"]["blob"]["account_url"] == (
        "https://data.blob.core.windows.net"
    )


def test_an_unknown_placeholder_or_a_duplicate_row_is_refused():
    with pytest.raises(MatrixError, match="no known target"):
        matrix_rows(
            [{"name": "x", "expect": "allowed", "kind": "arm", "request": {"path": "{nothing}"}}], {}, [], TARGETS
        )
    with pytest.raises(MatrixError, match="same name"):
        matrix_rows(STATIC + STATIC[:1], {}, [], TARGETS)


def test_the_filter_reports_the_error_as_a_filter_error():
    from ansible.errors import AnsibleFilterError

    with pytest.raises(AnsibleFilterError, match="role_test_rows"):
        role_test_rows(STATIC + STATIC[:1], {}, [], TARGETS)


def test_the_report_names_failing_rows_and_writes_junit():
    rows = matrix_rows(STATIC, ROLE, CONTAINERS, TARGETS)
    results = [
        {"name": "read the workspace", "passed": True, "detail": "expected allowed, got allowed (HTTP 200)"},
        {
            "name": "delete the workspace",
            "passed": False,
            "detail": "expected denied, got error (HTTP 412)",
            "message": "The condition is not met.",
        },
        {"name": "role data denies workspaces/listKeys/action", "failed": True, "msg": "authenticate failed"},
    ]
    report = role_test_report(rows, results)
    assert report["failed"] == ["delete the workspace", "role data denies workspaces/listKeys/action"]
    statuses = {entry["name"]: entry["status"] for entry in report["rows"]}
    assert statuses["read the workspace"] == "pass"
    assert statuses["pull"] == "not run"
    assert statuses["write a blob into the writable container data/metrics"] == "not run"
    assert any(line.startswith("FAIL") and "delete the workspace" in line for line in report["table"])
    suite = ElementTree.fromstring(report["junit"].split("\n", 1)[1]).find("testsuite")
    assert suite.get("tests") == str(len(rows)) and suite.get("failures") == "2"
    failure = [case for case in suite.iter("testcase") if case.get("name") == "delete the workspace"][0].find("failure")
    assert "HTTP 412" in failure.get("message")


def test_check_mode_results_are_skipped_not_failed():
    rows = matrix_rows(STATIC[:2], {}, [], TARGETS)
    report = role_test_report(rows, [{"name": row["name"], "passed": None, "detail": "check mode"} for row in rows])
    assert report["failed"] == [] and {entry["status"] for entry in report["rows"]} == {"skipped"}


def test_the_report_reads_the_results_of_the_registered_probe_run():
    rows = matrix_rows(STATIC[:2], {}, [], TARGETS)
    probe = {
        "changed": False,
        "results": [
            {"name": rows[0]["name"], "passed": True, "detail": "expected allowed, got allowed (HTTP 200)"},
            {
                "name": rows[1]["name"],
                "passed": False,
                "outcome": "error",
                "detail": "the probe could not run",
                "message": "GET /x failed: connection reset",
            },
        ],
    }
    report = role_test_report(rows, probe)
    assert [entry["status"] for entry in report["rows"]] == ["pass", "FAIL"]
    assert report["rows"][1]["detail"] == "the probe could not run: GET /x failed: connection reset"
    assert report["failed"] == [rows[1]["name"]]


def test_a_probe_run_that_failed_as_a_whole_fails_every_row_with_its_message():
    rows = matrix_rows(STATIC[:2], {}, [], TARGETS)
    report = role_test_report(rows, {"failed": True, "msg": "authenticate as 'app' failed: AADSTS7000215"})
    assert [entry["status"] for entry in report["rows"]] == ["FAIL", "FAIL"]
    assert {entry["detail"] for entry in report["rows"]} == {
        "the probe could not run: authenticate as 'app' failed: AADSTS7000215"
    }


def test_rows_are_not_run_when_an_earlier_task_failed():
    rows = matrix_rows(STATIC[:2], {}, [], TARGETS)
    report = role_test_report(rows, {})
    assert {entry["status"] for entry in report["rows"]} == {"not run"} and report["failed"] == []


def test_containers_split_as_the_rows_judge_them():
    from ansible_collections.it4ad.dlinfra.plugins.filter.role_test_containers import role_test_containers

    containers = [
        {"container_name": "datasets", "tags": {"readOnly": "True"}},
        {"container_name": "metrics", "tags": {"readOnly": "false"}},
        {"container_name": "metrics", "tags": {"readOnly": "false"}},
        {"container_name": "scratch", "tags": {}},
    ]
    split = role_test_containers(containers)
    assert split == {"writable": ["metrics", "scratch"], "read_only": ["datasets"]}
    targets = {"blob_endpoint": "https://{account}.blob", "storage_account_ids": {"data": "/acc"}}
    rows = matrix_rows([], {}, [{**item, "account_name": "data"} for item in containers], targets)
    expected = {name: "allowed" for name in split["writable"]} | {name: "denied" for name in split["read_only"]}
    assert {row["blob"]["container"]: row["expect"] for row in rows} == expected
