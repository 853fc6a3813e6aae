"""Bad input fails before any request to Azure, with a message that names the file, the field and the fix.

Each case breaks a scratch copy of the project, runs the real playbook against a real endpoint and reads the
endpoint's request log: the run must have made no Resource Manager request at all.
"""

from __future__ import annotations

import pytest
from playbook_runs import copy_project, edit_json, edit_yaml, run_playbook

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def assert_refused_without_requests(run, *expected_texts):
    assert run.returncode != 0, run.explain()
    assert run.arm_requests == [], f"requests were made: {[entry['path'] for entry in run.arm_requests]}"
    assert "nothing was sent to Azure" in run.output, run.explain()
    for text in expected_texts:
        assert text in run.output, f"'{text}' missing from the message\n{run.explain()}"


def test_a_malformed_inventory_variable_names_the_variable_value_and_fix(project, endpoint):
    edit_yaml(
        project / "inventories/local/group_vars/all/environment.yml",
        lambda document: document.update(dlinfra_compute_max_nodes="two"),
    )
    run = run_playbook(project, endpoint)
    assert_refused_without_requests(
        run,
        "inventories/local/group_vars/all/environment.yml",
        "$.dlinfra_compute_max_nodes",
        '"two" is not valid',
        "Fix: set it to an integer",
    )


def test_a_missing_parameter_file_is_named(project, endpoint):
    (project / "arm-templates/keyvault/keyvault.parameters.int.json").unlink()
    run = run_playbook(project, endpoint)
    assert_refused_without_requests(run, "keyvault.parameters.int.json")


def test_a_datastore_config_naming_an_unknown_work_package_is_refused(project, endpoint):
    edit_json(
        project / "arm-templates/mlworkspace/datastore_config.json",
        lambda document: document["datastores"][2]["workspaces"].append("ghost"),
    )
    run = run_playbook(project, endpoint)
    assert_refused_without_requests(
        run,
        "arm-templates/mlworkspace/datastore_config.json",
        "$.datastores[2].workspaces[2]",
        "work package 'ghost'",
        "add 'ghost' to dlinfra_work_packages",
    )


def test_an_unknown_work_package_for_the_workspace_playbook_is_refused(project, endpoint):
    run = run_playbook(project, endpoint, playbook="workspace.yml", extra_vars={"work_package": "ghost"})
    assert_refused_without_requests(run, "work package 'ghost' is not in this inventory")


def test_a_wrong_client_secret_fails_at_the_token_request_naming_the_credential(project, endpoint):
    edit_yaml(
        project / "inventories/local/group_vars/all/azure_connection.yml",
        lambda document: document["azure_connection"].update(secret="not-the-secret"),
    )
    run = run_playbook(project, endpoint)
    assert run.returncode != 0, run.explain()
    assert run.arm_requests == [], f"ARM requests were made: {[entry['path'] for entry in run.arm_requests]}"
    token_requests = [entry for entry in run.requests if entry["path"].endswith("/token")]
    assert token_requests and all(entry["status"] in (400, 401) for entry in token_requests), run.requests
    assert "authenticate with client secret of client_id" in run.output, run.explain()
    assert "auth_source=auto" in run.output and "not-the-secret" not in run.output, run.explain()
    assert run.output.count("authenticate with client secret") <= 3, run.explain()


def test_a_template_that_breaks_a_security_rule_is_refused_with_the_rule(project, endpoint):
    def enable_export(template):
        for resource in template["resources"]:
            if resource["type"] == "Microsoft.ContainerRegistry/registries":
                resource["properties"]["policies"]["exportPolicy"]["status"] = "enabled"

    edit_json(project / "arm-templates/containerregistry/containerregistry.json", enable_export)
    run = run_playbook(project, endpoint)
    assert_refused_without_requests(
        run,
        "arm-templates/containerregistry/containerregistry.json",
        ".properties.policies.exportPolicy.status",
        "registry-export-disabled",
        "Fix: ",
    )
