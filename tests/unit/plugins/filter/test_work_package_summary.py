"""work_package_summary on hand-made registered results: success, a failed work package, a failed datastore
workspace, and failures that name no work package."""

from ansible_collections.it4ad.dlinfra.plugins.filter.work_package_summary import FilterModule, work_package_summary

PLAN = {
    "deployments": [{"key": "dlinfra-keyvault", "group": "shared"}]
    + [
        {"key": f"dlinfra-{template}-{package}", "group": package}
        for template in ("mlworkspace", "mlcompute", "roleassignments")
        for package in ("perception", "planning")
    ],
    "datastores": {
        "perception": {"name": "ws-perception", "datastores": [{"name": "shared_datasets"}, {"name": "init"}]},
        "planning": {"name": "ws-planning", "datastores": [{"name": "shared_datasets"}]},
    },
}
COMPUTE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/{}/computes/gpu"


def deployed(package, changed=False):
    return {
        f"dlinfra-mlworkspace-{package}": {"changed": changed, "outputs": {"workspaceName": f"ws-{package}"}},
        f"dlinfra-mlcompute-{package}": {"changed": False, "outputs": {"computeId": COMPUTE.format(package)}},
        f"dlinfra-roleassignments-{package}": {"changed": False, "outputs": {"roleAssignmentIds": ["a", "b", "c"]}},
    }


def all_deployed(**changed):
    return {
        "changed": any(changed.values()),
        "failures": {},
        "deployments": {
            **deployed("perception", changed.get("perception", False)),
            **deployed("planning", changed.get("planning", False)),
        },
    }


DATASTORES_OK = {
    "changed": True,
    "failures": {},
    "workspaces": {"ws-perception": {"changed": True}, "ws-planning": {"changed": False}},
}


def test_success():
    summary = work_package_summary(PLAN, all_deployed(planning=True), DATASTORES_OK)
    assert summary == {
        "perception": {
            "failed": False,
            "changed": True,
            "workspace": "ws-perception",
            "compute": "gpu",
            "role_assignments": 3,
            "datastores": ["shared_datasets", "init"],
            "problems": [],
        },
        "planning": {
            "failed": False,
            "changed": True,
            "workspace": "ws-planning",
            "compute": "gpu",
            "role_assignments": 3,
            "datastores": ["shared_datasets"],
            "problems": [],
        },
    }


def test_nothing_changed_anywhere():
    datastores = {"changed": False, "failures": {}, "workspaces": {"ws-perception": {"changed": False}}}
    summary = work_package_summary(PLAN, all_deployed(), datastores)
    assert [entry["changed"] for entry in summary.values()] == [False, False]


def test_a_failed_group_fails_only_its_work_package():
    message = "dlinfra-mlcompute-planning: deploy failed: QuotaExceeded"
    results = deployed("perception")
    results.update(
        {
            "dlinfra-mlworkspace-planning": {"changed": True, "outputs": {"workspaceName": "ws-planning"}},
            "dlinfra-mlcompute-planning": {"failed": True, "changed": False, "msg": message},
            "dlinfra-roleassignments-planning": {"failed": True, "skipped": True, "changed": False},
        }
    )
    summary = work_package_summary(
        PLAN, {"failed": True, "deployments": results, "failures": {"planning": [message]}}, DATASTORES_OK
    )
    assert summary["planning"]["failed"] and summary["planning"]["problems"] == [message]
    assert (summary["planning"]["compute"], summary["planning"]["role_assignments"]) == (None, 0)
    assert summary["planning"]["changed"] is True
    assert not summary["perception"]["failed"]


def test_a_failed_datastore_workspace_is_reported_on_its_work_package():
    datastores = {
        "failed": True,
        "msg": "1 workspace(s) failed",
        "workspaces": {},
        "failures": {"ws-perception": "create datastore 'init' failed: HTTP 403 AuthorizationFailed"},
    }
    summary = work_package_summary(PLAN, all_deployed(), datastores)
    assert summary["perception"]["problems"] == [
        "datastores: create datastore 'init' failed: HTTP 403 AuthorizationFailed"
    ]
    assert summary["perception"]["failed"] and not summary["planning"]["failed"]


def test_failures_that_name_no_work_package_are_reported_on_each():
    deployments = {"failed": True, "msg": "deployments[3]: key 'x' is used twice"}
    datastores = {"failed": True, "msg": "workspaces: missing"}
    summary = work_package_summary(PLAN, deployments, datastores)
    for name in ("perception", "planning"):
        assert summary[name]["problems"] == ["datastores: workspaces: missing", "deployments[3]: key 'x' is used twice"]
        assert summary[name]["workspace"] == f"ws-{name}"


def test_datastore_failure_without_workspace_is_not_repeated_where_the_group_failed():
    deployments = {"failed": True, "deployments": deployed("perception"), "failures": {"planning": ["boom"]}}
    summary = work_package_summary(PLAN, deployments, {"failed": True, "msg": "skipped", "failures": {}})
    assert summary["planning"]["problems"] == ["boom"]
    assert summary["perception"]["problems"] == ["datastores: skipped"]


def test_filter_is_registered():
    assert FilterModule().filters() == {"work_package_summary": work_package_summary}
