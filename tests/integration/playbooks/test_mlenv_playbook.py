"""End to end: `ansible-playbook playbooks/mlenv.yml -i inventories/local` against a real local endpoint.

The tests run in order on one endpoint, as a user would: check mode on an empty subscription, the first run, the
no-change rerun, drift made directly through REST, then changes to the inventory. Every check reads the endpoint
independently (plain SDK clients, raw REST, the request log), never through the modules under test. The
expected resources come from the offline render of the same inventory (the desired state).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playbook_runs import REPOSITORY_ROOT, copy_project, edit_json, edit_yaml, run_playbook

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import render_environment
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    load_environment_inputs,
)

SEED = Path(__file__).resolve().parent / "seeds" / "extra_work_package.yml"
ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05", "--seed", str(SEED))
RESOURCE_GROUP = "rg-it4ad-dl-local"
ML_API = "2024-10-01-preview"
NEW_WORK_PACKAGE = {"name": "mapping", "developer_group_object_id": "5d3c1b2a-7e6f-4a9b-8c0d-1e2f3a4b5c60"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("project"))


def rendered_environment(project: Path):
    plan, templates, settings = load_environment_inputs(project, "local")
    rendered, findings = render_environment(plan, templates, settings)
    assert not findings, [finding.render() for finding in findings]
    return rendered


def is_top_level(resource: dict) -> bool:
    """A resource group's own resource (not a child, not an extension resource such as a role assignment, not a
    nested deployment: Azure lists deployments apart from the group's resources)."""
    return (
        resource["type"].count("/") == 1
        and resource["id"].lower().count("/providers/") == 1
        and resource["type"].lower() != "microsoft.resources/deployments"
    )


def top_level_ids(rendered) -> set[str]:
    return {
        resource["id"].lower()
        for deployment in rendered.deployments
        if deployment.scope != "subscription"
        for resource in deployment.resources
        if is_top_level(resource)
    }


def all_ids(rendered) -> set[str]:
    return {resource["id"].lower() for deployment in rendered.deployments for resource in deployment.resources}


def get(endpoint, resource_id: str, api_version: str) -> dict:
    response = endpoint.call("GET", resource_id, api_version=api_version)
    assert response.status_code == 200, f"GET {resource_id}: {response.status_code} {response.text}"
    return response.json()


def workspace_id(endpoint, work_package: str) -> str:
    return (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/it4adloc-{work_package}-int"
    )


def test_check_mode_on_an_empty_subscription_lists_every_resource_as_create(project, endpoint):
    run = run_playbook(project, endpoint, check=True, diff=True)
    assert run.returncode == 0, run.explain()
    assert run.writes == [], f"check mode wrote: {run.written_paths()}"
    for resource_id in all_ids(rendered_environment(project)):
        label = resource_id.split("/providers/", 1)[1]
        assert f"+{label}:  # create" in run.output.lower(), f"{label} is not listed as a Create\n{run.explain()}"
    assert "+  properties.properties.scaleSettings.maxNodeCount: 2" in run.output, run.explain()
    groups = endpoint.call("GET", f"/subscriptions/{endpoint.subscription_id}/resourcegroups/{RESOURCE_GROUP}")
    assert groups.status_code == 404, "check mode created the resource group"


def test_first_run_creates_exactly_the_expected_resources(project, endpoint):
    run = run_playbook(project, endpoint)
    assert run.returncode == 0, run.explain()
    assert run.recap["changed"] > 0 and run.recap["failed"] == 0
    rendered = rendered_environment(project)
    resource_client = endpoint.resource_client()
    found = {resource.id.lower() for resource in resource_client.resources.list_by_resource_group(RESOURCE_GROUP)}
    assert found == top_level_ids(rendered)

    subnet_id = rendered.settings.variables["dlinfra_private_subnet_id"]
    for deployment in rendered.deployments:
        for resource in deployment.resources:
            if not is_top_level(resource) or deployment.scope == "subscription":
                continue
            live = get(endpoint, resource["id"], resource["apiVersion"])
            if resource.get("sku"):
                assert live["sku"]["name"] == resource["sku"]["name"], resource["id"]
            if resource["type"] == "Microsoft.Network/privateEndpoints":
                assert live["properties"]["subnet"]["id"].lower() == subnet_id.lower()
            if resource["type"] == "Microsoft.MachineLearningServices/workspaces":
                assert live["identity"]["type"] == "SystemAssigned"
                assert live["properties"]["publicNetworkAccess"] == "Disabled"

    for package in rendered.settings.work_packages:
        workspace = workspace_id(endpoint, package["name"])
        compute = get(endpoint, f"{workspace}/computes/train-cluster", ML_API)["properties"]["properties"]
        assert compute["vmSize"] == rendered.settings.variables["dlinfra_compute_vm_size"]
        assert compute["scaleSettings"]["maxNodeCount"] == rendered.settings.variables["dlinfra_compute_max_nodes"]
        assert compute["scaleSettings"]["minNodeCount"] == 0
        assert compute["enableNodePublicIp"] is False
        assert compute["remoteLoginPortPublicAccess"] == "Disabled"
        assert compute["subnet"]["id"].lower() == subnet_id.lower()
        datastores = endpoint.call("GET", f"{workspace}/datastores", api_version=ML_API).json()["value"]
        ours = {
            item["name"]: item["properties"]
            for item in datastores
            if (item["properties"].get("tags") or {}).get("managed-by") == "it4ad.dlinfra"
        }
        assert set(ours) == {"shared_datasets", "shared_metrics", "initialization_networks"}
        assert all(item["credentials"]["credentialsType"] == "None" for item in ours.values())
        assert ours["shared_datasets"]["containerName"] == "datasets"
        assignments = endpoint.call(
            "GET",
            f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/roleAssignments",
            api_version="2022-04-01",
        ).json()["value"]
        scopes = {
            item["properties"]["scope"].lower()
            for item in assignments
            if item["properties"]["principalId"] == package["developer_group_object_id"]
        }
        assert workspace.lower() in scopes, scopes
        assert any(scope.endswith("/registries/it4adlocintacrstaging") for scope in scopes), scopes


def test_rerun_changes_nothing_and_writes_nothing(project, endpoint):
    check = run_playbook(project, endpoint, check=True, diff=True)
    assert check.returncode == 0, check.explain()
    assert check.recap["changed"] == 0, check.explain()
    run = run_playbook(project, endpoint)
    assert run.returncode == 0, run.explain()
    assert run.recap["changed"] == 0, run.explain()
    assert run.writes == [], f"the rerun wrote: {run.written_paths()}"
    assert not [
        entry
        for entry in run.requests
        if entry["path"].endswith("/deployments/") or (entry["method"] == "PUT" and "/deployments/" in entry["path"])
    ]


def test_drift_is_shown_by_check_diff_and_restored(project, endpoint):
    subscription = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/providers"
    storage = f"{subscription}/Microsoft.Storage/storageAccounts/it4adlocintmlst"
    registry = f"{subscription}/Microsoft.ContainerRegistry/registries/it4adlocintacr"
    vault = f"{subscription}/Microsoft.KeyVault/vaults/it4adloc-int-kv"
    compute = f"{workspace_id(endpoint, 'perception')}/computes/train-cluster"
    other_tenant = "0f0f0f0f-1111-4222-8333-444444444444"
    for path, version, change in (
        (storage, "2023-05-01", lambda body: body["properties"].update(allowBlobPublicAccess=True)),
        (registry, "2023-07-01", lambda body: body["properties"].update(adminUserEnabled=True)),
        (vault, "2023-07-01", lambda body: body["properties"].update(tenantId=other_tenant)),
        (compute, ML_API, lambda body: body["properties"]["properties"]["scaleSettings"].update(maxNodeCount=7)),
    ):
        body = get(endpoint, path, version)
        change(body)
        response = endpoint.call("PUT", path, api_version=version, body=body)
        assert response.status_code in (200, 201, 202), f"drift PUT {path}: {response.status_code} {response.text}"

    check = run_playbook(project, endpoint, check=True, diff=True)
    assert check.returncode == 0, check.explain()
    for before, after in (
        ("properties.allowBlobPublicAccess: true", "properties.allowBlobPublicAccess: false"),
        ("properties.adminUserEnabled: true", "properties.adminUserEnabled: false"),
        (f'properties.tenantId: "{other_tenant}"', f'properties.tenantId: "{endpoint.tenant_id}"'),
        ("properties.properties.scaleSettings.maxNodeCount: 7", "properties.properties.scaleSettings.maxNodeCount: 2"),
    ):
        assert f"-  {before}" in check.output, f"--diff does not show {before}\n{check.explain()}"
        assert f"+  {after}" in check.output, f"--diff does not show {after}\n{check.explain()}"
    assert check.writes == []

    run = run_playbook(project, endpoint)
    assert run.returncode == 0, run.explain()
    assert get(endpoint, storage, "2023-05-01")["properties"]["allowBlobPublicAccess"] is False
    assert get(endpoint, registry, "2023-07-01")["properties"]["adminUserEnabled"] is False
    assert get(endpoint, vault, "2023-07-01")["properties"]["tenantId"] == endpoint.tenant_id
    assert get(endpoint, compute, ML_API)["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 2
    rerun = run_playbook(project, endpoint)
    assert rerun.recap["changed"] == 0 and rerun.writes == [], rerun.explain()


def test_a_new_work_package_deploys_only_that_work_package(project, endpoint):
    edit_yaml(
        project / "inventories/local/group_vars/all/work_packages.yml",
        lambda document: document["dlinfra_work_packages"].append(NEW_WORK_PACKAGE),
    )
    run = run_playbook(project, endpoint)
    assert run.returncode == 0, run.explain()
    deployments_written = {
        entry["path"].rsplit("/", 1)[-1]
        for entry in run.writes
        if "/deployments/" in entry["path"] and entry["method"] == "PUT"
    }
    assert deployments_written == {
        "dlinfra-mlworkspace-mapping",
        "dlinfra-mlcompute-mapping",
        "dlinfra-roleassignments-mapping",
    }, run.written_paths()
    resource_writes = [path for path in run.written_paths() if "/deployments/" not in path]
    assert any("/workspaces/it4adloc-mapping-int" in path for path in resource_writes), resource_writes
    compute = get(endpoint, f"{workspace_id(endpoint, 'mapping')}/computes/train-cluster", ML_API)
    principals = {NEW_WORK_PACKAGE["developer_group_object_id"], compute["identity"]["principalId"]}
    for path in resource_writes:
        if "mapping" in path:
            continue
        # The new work package's role assignments on shared resources (registries, storage) name its group or the
        # identity of its compute cluster.
        assert "/providers/Microsoft.Authorization/roleAssignments/" in path, f"{path} is not the new work package's"
        assignment = get(endpoint, path, "2022-04-01")
        assert assignment["properties"]["principalId"] in principals, path


def test_a_datastore_removed_from_the_config_is_detached(project, endpoint):
    def drop_initialization_networks(document):
        document["datastores"] = [item for item in document["datastores"] if item["name"] != "initialization_networks"]

    edit_json(project / "arm-templates/mlworkspace/datastore_config.json", drop_initialization_networks)
    run = run_playbook(project, endpoint)
    assert run.returncode == 0, run.explain()
    for package in ("perception", "planning"):
        path = f"{workspace_id(endpoint, package)}/datastores/initialization_networks"
        assert endpoint.call("GET", path, api_version=ML_API).status_code == 404, f"{path} is still attached"
        assert (
            endpoint.call(
                "GET", f"{workspace_id(endpoint, package)}/datastores/shared_datasets", api_version=ML_API
            ).status_code
            == 200
        )
    assert [entry["method"] for entry in run.writes] == ["DELETE", "DELETE"], run.written_paths()


def test_a_changed_max_nodes_modifies_only_the_clusters(project, endpoint):
    edit_yaml(
        project / "inventories/local/group_vars/all/environment.yml",
        lambda document: document.update(dlinfra_compute_max_nodes=4),
    )
    run = run_playbook(project, endpoint)
    assert run.returncode == 0, run.explain()
    written = run.written_paths()
    assert written and all("/computes/" in path or "-mlcompute-" in path for path in written), written
    for package in ("perception", "planning", "mapping"):
        compute = get(endpoint, f"{workspace_id(endpoint, package)}/computes/train-cluster", ML_API)
        assert compute["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 4
    repository_inventory = (REPOSITORY_ROOT / "inventories/local/group_vars/all/environment.yml").read_text()
    assert "dlinfra_compute_max_nodes: 2" in repository_inventory, "the test changed the repository's inventory"


def test_a_failing_work_package_does_not_stop_the_others_and_fails_the_play_with_a_summary(project, endpoint):
    compute = f"{workspace_id(endpoint, 'perception')}/computes/train-cluster"
    endpoint.admin(
        "POST",
        "provisioning-failures",
        {"resource_id": compute, "code": "QuotaExceeded", "message": "Not enough quota for the cluster."},
    )
    edit_yaml(
        project / "inventories/local/group_vars/all/environment.yml",
        lambda document: document.update(dlinfra_compute_max_nodes=5),
    )
    run = run_playbook(project, endpoint)
    assert run.returncode != 0, run.explain()
    assert "perception failed:" in run.output and "dlinfra-mlcompute-perception" in run.output, run.explain()
    assert "planning failed" not in run.output and "mapping failed" not in run.output, run.explain()
    for package in ("planning", "mapping"):
        cluster = get(endpoint, f"{workspace_id(endpoint, package)}/computes/train-cluster", ML_API)
        assert cluster["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 5, package
    assert run.recap["failed"] == 1, run.explain()
