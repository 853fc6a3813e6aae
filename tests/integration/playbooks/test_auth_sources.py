"""Every credential source a user meets, end to end: AWX's injected variables, azure-identity's variables, a
credential file profile, and the failures a user sees (a wrong secret, a principal without permission).

The module reads the subscription's deployments through the real endpoint; the request log says which principal
was authenticated."""

from __future__ import annotations

import json
import subprocess

from playbook_runs import ANSIBLE_PLAYBOOK, COLLECTIONS_PATH, last_request_sequence

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")


def read_deployments(tmp_path, endpoint, environment: dict, options: dict | None = None):
    connection = json.loads((endpoint.state_dir / "connection.json").read_text())
    defaults = {"ca_bundle": connection["ca_bundle"], **(options or {})}
    playbook = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": {"group/it4ad.dlinfra.azure": defaults},
            "tasks": [{"it4ad.dlinfra.arm_deployment_info": {"scope": "subscription"}}],
        }
    ]
    path = tmp_path / "play.yml"
    path.write_text(json.dumps(playbook))
    since = last_request_sequence(endpoint)
    completed = subprocess.run(
        [str(ANSIBLE_PLAYBOOK), str(path), "-i", "localhost,", "-c", "local"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            "PATH": f"{ANSIBLE_PLAYBOOK.parent}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "ANSIBLE_PYTHON_INTERPRETER": str(ANSIBLE_PLAYBOOK.parent / "python"),
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
            **environment,
        },
    )
    return completed, endpoint.requests_log(since=str(since))


def principal_env(endpoint, name: str = "deployer") -> tuple[dict, dict]:
    connection = json.loads((endpoint.state_dir / "connection.json").read_text())
    return connection, connection["principals"][name]


def arm_principals(requests) -> set:
    return {entry["principal"]["name"] for entry in requests if entry["path"].startswith("/subscriptions")}


def test_awx_azure_resource_manager_credential_variables(tmp_path, endpoint):
    connection, deployer = principal_env(endpoint)
    completed, requests = read_deployments(
        tmp_path,
        endpoint,
        {
            "AZURE_CLIENT_ID": deployer["client_id"],
            "AZURE_SECRET": deployer["client_secret"],
            "AZURE_TENANT": connection["tenant_id"],
            "AZURE_SUBSCRIPTION_ID": connection["subscription_id"],
            "AZURE_CLOUD_ENVIRONMENT": connection["metadata_url"],
        },
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert arm_principals(requests) == {"deployer"}, requests


def test_azure_identity_variables_with_auth_source_env(tmp_path, endpoint):
    connection, deployer = principal_env(endpoint)
    completed, requests = read_deployments(
        tmp_path,
        endpoint,
        {
            "AZURE_CLIENT_ID": deployer["client_id"],
            "AZURE_CLIENT_SECRET": deployer["client_secret"],
            "AZURE_TENANT_ID": connection["tenant_id"],
            "AZURE_SUBSCRIPTION_ID": connection["subscription_id"],
        },
        {"auth_source": "env", "cloud": connection["metadata_url"]},
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert arm_principals(requests) == {"deployer"}


def test_a_credential_file_profile(tmp_path, endpoint):
    connection, deployer = principal_env(endpoint)
    (tmp_path / ".azure").mkdir()
    (tmp_path / ".azure" / "credentials").write_text(
        f"[default]\nclient_id=nobody\nsecret=nothing\ntenant={connection['tenant_id']}\n\n"
        f"[ci]\nsubscription_id={connection['subscription_id']}\nclient_id={deployer['client_id']}\n"
        f"secret={deployer['client_secret']}\ntenant={connection['tenant_id']}\n"
    )
    completed, requests = read_deployments(
        tmp_path,
        endpoint,
        {"AZURE_PROFILE": "ci"},
        {"auth_source": "credential_file", "cloud": connection["metadata_url"]},
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert arm_principals(requests) == {"deployer"}


def test_a_wrong_secret_fails_once_at_the_token_request_naming_the_source(tmp_path, endpoint):
    connection, deployer = principal_env(endpoint)
    completed, requests = read_deployments(
        tmp_path,
        endpoint,
        {
            "AZURE_CLIENT_ID": deployer["client_id"],
            "AZURE_SECRET": "wrong-secret-value",
            "AZURE_TENANT": connection["tenant_id"],
            "AZURE_SUBSCRIPTION_ID": connection["subscription_id"],
            "AZURE_CLOUD_ENVIRONMENT": connection["metadata_url"],
        },
    )
    assert completed.returncode != 0
    assert f"client secret (AZURE_SECRET) of AZURE_CLIENT_ID '{deployer['client_id']}'" in completed.stdout
    assert "wrong-secret-value" not in completed.stdout and "Traceback" not in completed.stdout
    assert arm_principals(requests) == set(), "an ARM request was made with a wrong secret"


def test_a_principal_without_permission_gets_azure_s_error_and_the_fix(tmp_path, endpoint):
    connection, developer = principal_env(endpoint, "model-developer-test")
    completed, requests = read_deployments(
        tmp_path,
        endpoint,
        {},
        {
            "client_id": developer["client_id"],
            "secret": developer["client_secret"],
            "tenant": connection["tenant_id"],
            "subscription_id": connection["subscription_id"],
            "cloud": connection["metadata_url"],
        },
    )
    assert completed.returncode != 0
    assert "list the deployments of the subscription failed: HTTP 403 AuthorizationFailed" in completed.stdout, (
        completed.stdout[-3000:]
    )
    assert "Fix: grant the deploying principal a role" in completed.stdout
    assert [entry["status"] for entry in requests if entry["path"].startswith("/subscriptions")] == [403]
