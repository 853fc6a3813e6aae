"""End to end: what the deployed environment refuses to the model-developer test principal, through real requests.

`ansible-playbook playbooks/mlenv.yml -i inventories/local` deploys the environment; then the endpoint's
``model-developer-test`` principal, a member of the perception developer group, acts with its own Entra tokens:
- every action the role's data file denies (arm-templates/customrole/model_developer_role.json) is refused by
  Resource Manager with 403 AuthorizationFailed, while the work the role is for (reading the workspace, adding a
  datastore) goes through;
- the ARM permissions API shows the denied actions as the role's notActions on its workspace;
- through azure-storage-blob against the blob data plane: a write into a container that datastore_config.json
  marks read-only is refused with AuthorizationPermissionMismatch, a write into a writable one succeeds, a delete
  is refused, and the work package's own workspace container on the ML storage account is writable while another
  work package's is not.
"""

from __future__ import annotations

import json
import uuid

import pytest
from playbook_runs import REPOSITORY_ROOT, deployed_project

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--lro-step-seconds", "0.05")
RESOURCE_GROUP = "rg-it4ad-dl-local"
DEVELOPER = "model-developer-test"
ML_API = "2024-10-01-preview"
ROLE_DATA = REPOSITORY_ROOT / "arm-templates" / "customrole" / "model_developer_role.json"
DATASTORE_CONFIG = REPOSITORY_ROOT / "arm-templates" / "mlworkspace" / "datastore_config.json"
WORKSPACE_ACTIONS = "Microsoft.MachineLearningServices/workspaces/"
# What issue 9 says developers must not do; each must be in the role's data file, and refused.
REQUIRED_DENIALS = (
    "Microsoft.MachineLearningServices/workspaces/listStorageAccountKeys/action",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/token/action",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/regenerateKeys/action",
    "Microsoft.MachineLearningServices/workspaces/batchEndpoints/listKeys/action",
    "Microsoft.MachineLearningServices/workspaces/serverlessEndpoints/listKeys/action",
    "Microsoft.MachineLearningServices/workspaces/serverlessEndpoints/regenerateKeys/action",
    "Microsoft.MachineLearningServices/workspaces/environments/readSecrets/action",
    "Microsoft.MachineLearningServices/workspaces/privateEndpointConnectionsApproval/action",
    "Microsoft.MachineLearningServices/workspaces/privateEndpointConnectionProxies/write",
    "Microsoft.MachineLearningServices/workspaces/provisionManagedNetwork/action",
    "Microsoft.MachineLearningServices/workspaces/outboundRules/write",
    "Microsoft.MachineLearningServices/workspaces/outboundRules/delete",
    "Microsoft.MachineLearningServices/workspaces/providers/Microsoft.Insights/diagnosticSettings/write",
)
VERB_METHODS = {"action": "POST", "write": "PUT", "delete": "DELETE", "read": "GET"}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, endpoint):
    return deployed_project(tmp_path_factory.mktemp("project"), endpoint)


def denied_actions() -> list[str]:
    return [entry["action"] for entry in json.loads(ROLE_DATA.read_text())["deniedActions"]]


def workspace_id(endpoint, work_package: str) -> str:
    return (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/providers/"
        f"Microsoft.MachineLearningServices/workspaces/it4adloc-{work_package}-int"
    )


def request_for(action: str, workspace: str) -> tuple[str, str]:
    """The request that asks Resource Manager for ``action`` on ``workspace``: a probe-named child of each type."""
    assert action.startswith(WORKSPACE_ACTIONS), action
    *segments, verb = action[len(WORKSPACE_ACTIONS) :].split("/")
    if verb == "action":
        *segments, operation = segments
    else:
        operation = None
    path = workspace
    if segments[:1] == ["providers"]:  # an extension type on the workspace, e.g. Microsoft.Insights/diagnosticSettings
        path += f"/providers/{segments[1]}"
        segments = segments[2:]
    for segment in segments:
        path += f"/{segment}/probe"
    if operation:
        path += f"/{operation}"
    return VERB_METHODS[verb], path


def test_every_required_denial_is_in_the_role_data_file():
    missing = sorted(set(REQUIRED_DENIALS) - set(denied_actions()))
    assert not missing, f"{ROLE_DATA} does not deny: {missing}"


def test_the_denied_actions_are_refused_to_the_model_developer(deployed, endpoint):
    token = endpoint.token(DEVELOPER)
    workspace = workspace_id(endpoint, "perception")
    probed = [action for action in denied_actions() if "*" not in action]
    assert set(REQUIRED_DENIALS) <= set(probed)
    refusals = {}
    for action in probed:
        method, path = request_for(action, workspace)
        response = endpoint.call(method, path, token=token, api_version=ML_API, body={"properties": {}})
        refusals[action] = (response.status_code, response.json()["error"]["code"] if response.content else "")
        if response.status_code == 403:
            # Resource Manager names an extension type's action by its own provider (Microsoft.Insights/...).
            named = action.split("/providers/", 1)[-1]
            assert f"'{named}'".lower() in response.text.lower(), f"{method} {path}: {response.text}"
    wrong = {action: outcome for action, outcome in refusals.items() if outcome != (403, "AuthorizationFailed")}
    assert not wrong, f"not refused with 403 AuthorizationFailed: {wrong}"
    live = endpoint.call("GET", workspace, api_version=ML_API)
    assert live.status_code == 200, "a denied action removed the workspace"


def test_the_model_developer_still_works_inside_its_workspace(deployed, endpoint):
    token = endpoint.token(DEVELOPER)
    workspace = workspace_id(endpoint, "perception")
    assert endpoint.call("GET", workspace, token=token, api_version=ML_API).status_code == 200
    datastore = f"{workspace}/datastores/developer_added_{uuid.uuid4().hex[:8]}"
    body = {
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": "it4adlocintdatast",
            "containerName": "metrics",
            "endpoint": "core.windows.net",
            "protocol": "https",
            "credentials": {"credentialsType": "None"},
        }
    }
    created = endpoint.call("PUT", datastore, token=token, api_version=ML_API, body=body)
    assert created.status_code in (200, 201), created.text
    removed = endpoint.call("DELETE", datastore, token=token, api_version=ML_API)
    assert removed.status_code in (200, 204), removed.text
    other = endpoint.call("GET", workspace_id(endpoint, "planning"), token=token, api_version=ML_API)
    assert other.status_code == 403, "the perception developer can read the planning workspace"


def test_the_permissions_api_lists_the_denied_actions_as_not_actions(deployed, endpoint):
    token = endpoint.token(DEVELOPER)
    workspace = workspace_id(endpoint, "perception")
    response = endpoint.call(
        "GET", f"{workspace}/providers/Microsoft.Authorization/permissions", token=token, api_version="2022-04-01"
    )
    assert response.status_code == 200, response.text
    not_actions = {action for entry in response.json()["value"] for action in entry["notActions"]}
    assert set(denied_actions()) <= not_actions


# -- the blob data plane, as a model developer's tools reach it ---------------------------------------------------
def blob_service(endpoint, account: str):
    from azure.storage.blob import BlobServiceClient

    account_url = endpoint.connection["blob_endpoint"].format(account=account)
    return BlobServiceClient(account_url, credential=endpoint.credential(DEVELOPER), connection_verify=endpoint.ca)


def refused(call) -> str:
    from azure.core.exceptions import HttpResponseError

    with pytest.raises(HttpResponseError) as raised:
        call()
    assert raised.value.status_code == 403, raised.value
    return raised.value.error_code


def data_containers() -> tuple[set[str], set[str]]:
    """The perception work package's data containers: (read-only, writable), as datastore_config.json says."""
    datastores = json.loads(DATASTORE_CONFIG.read_text())["datastores"]
    mine = [item for item in datastores if {"*", "perception"} & set(item["workspaces"])]
    writable = {item["container"] for item in mine if not item.get("readOnly")}
    read_only = {item["container"] for item in mine if item.get("readOnly")} - writable
    return read_only, writable


def test_a_blob_write_into_a_read_only_container_is_refused(deployed, endpoint):
    read_only, writable = data_containers()
    assert read_only and writable, "datastore_config.json no longer has both kinds of container"
    service = blob_service(endpoint, "it4adlocintdatast")
    name = f"probe-{uuid.uuid4().hex[:8]}.txt"
    for container in sorted(read_only):
        client = service.get_container_client(container)
        assert refused(lambda client=client: client.upload_blob(name, b"x")) == "AuthorizationPermissionMismatch"
        assert [blob.name for blob in client.list_blobs()] == [], "reading is granted on the whole account"
    for container in sorted(writable):
        client = service.get_container_client(container)
        client.upload_blob(name, b"metrics of one run")
        assert client.download_blob(name).readall() == b"metrics of one run"
        assert refused(lambda client=client: client.delete_blob(name)) == "AuthorizationPermissionMismatch"


def test_each_work_package_writes_only_its_own_workspace_container(deployed, endpoint):
    def blob_container(work_package: str) -> str:
        workspace = endpoint.call("GET", workspace_id(endpoint, work_package), api_version=ML_API).json()
        return f"azureml-blobstore-{workspace['properties']['workspaceId']}"

    service = blob_service(endpoint, "it4adlocintmlst")
    own = service.get_container_client(blob_container("perception"))
    own.upload_blob("LocalUpload/snapshot.txt", b"code", overwrite=True)
    assert own.download_blob("LocalUpload/snapshot.txt").readall() == b"code"
    other = service.get_container_client(blob_container("planning"))
    assert refused(lambda: other.upload_blob("LocalUpload/snapshot.txt", b"code")) == "AuthorizationPermissionMismatch"
    assert refused(lambda: list(other.list_blobs())) == "AuthorizationPermissionMismatch"


def test_the_ephemeral_environment_has_no_locks_and_every_resource_is_tagged(deployed, endpoint):
    group = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}"
    locks = endpoint.call("GET", f"{group}/providers/Microsoft.Authorization/locks", api_version="2020-05-01")
    assert locks.status_code == 200, locks.text
    assert locks.json()["value"] == [], "an ephemeral environment must stay deletable"
    resources = endpoint.call("GET", f"{group}/resources").json()["value"]
    assert resources
    for resource in resources:
        tags = resource.get("tags") or {}
        assert {"environment", "workPackage", "costCentre", "dataClassification"} <= set(tags), resource["id"]
        assert tags["environment"] == "int", resource["id"]
    workspace_tags = {
        resource["name"]: resource["tags"]["workPackage"]
        for resource in resources
        if resource["type"] == "Microsoft.MachineLearningServices/workspaces"
    }
    assert workspace_tags == {"it4adloc-perception-int": "perception", "it4adloc-planning-int": "planning"}


ROLE_IDS = {
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
    "8311e382-0749-4cb8-b61a-304f252e45ec": "AcrPush",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "69566ab7-960f-475b-8e7c-b3118f30c6bd": "Storage File Data Privileged Contributor",
}


def granted(endpoint, principal_id: str) -> set[tuple[str, str]]:
    """(scope below the resource group, role name) of every assignment to ``principal_id``."""
    response = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/roleAssignments",
        api_version="2022-04-01",
    )
    assert response.status_code == 200, response.text
    group = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{RESOURCE_GROUP}/providers/".lower()
    found = set()
    for item in response.json()["value"]:
        properties = item["properties"]
        if properties["principalId"] != principal_id:
            continue
        role = properties["roleDefinitionId"].rsplit("/", 1)[1]
        found.add((properties["scope"].lower().removeprefix(group), ROLE_IDS.get(role, "model developer")))
    return found


def test_each_identity_has_exactly_its_access_at_the_narrowest_scope(deployed, endpoint):
    workspace = endpoint.call("GET", workspace_id(endpoint, "perception"), api_version=ML_API).json()
    compute = endpoint.call("GET", f"{workspace['id']}/computes/train-cluster", api_version=ML_API).json()
    own = workspace["properties"]["workspaceId"]
    ml_account = "microsoft.storage/storageaccounts/it4adlocintmlst"
    data_account = "microsoft.storage/storageaccounts/it4adlocintdatast"
    healthy = "microsoft.containerregistry/registries/it4adlocintacr"
    staging = "microsoft.containerregistry/registries/it4adlocintacrstaging"
    own_container = f"{ml_account}/blobservices/default/containers/azureml-blobstore-{own}"
    own_share = f"{ml_account}/fileservices/default/shares/azureml-filestore-{own}"
    read_only, writable = data_containers()
    writable_scopes = {f"{data_account}/blobservices/default/containers/{name}" for name in writable}
    assert granted(endpoint, compute["identity"]["principalId"]) == {
        (healthy, "AcrPull"),
        (staging, "AcrPush"),
        (data_account, "Storage Blob Data Reader"),
        (own_container, "Storage Blob Data Contributor"),
        *((scope, "Storage Blob Data Contributor") for scope in writable_scopes),
    }
    developers = "4b0c6f1e-2a7d-4e93-a5c8-1f6b9d3e7a10"
    assert granted(endpoint, developers) == {
        ("microsoft.machinelearningservices/workspaces/it4adloc-perception-int", "model developer"),
        (data_account, "Storage Blob Data Reader"),
        (own_container, "Storage Blob Data Contributor"),
        (own_share, "Storage File Data Privileged Contributor"),
        (healthy, "model developer"),
        (healthy, "AcrPull"),
        (staging, "model developer"),
        (staging, "AcrPush"),
        *((scope, "model developer") for scope in writable_scopes),
    }
