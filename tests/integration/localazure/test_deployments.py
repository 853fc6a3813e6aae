"""ARM deployments in the local endpoint through the unmodified azure-mgmt-resource-deployments SDK and raw REST:
lifecycle and long-running states, what-if deltas, validation errors, failures with ARM's DeploymentFailed,
complete mode, subscription scope with a nested deployment, cancel, and secure parameters."""

import json
import sqlite3
import time

import pytest
from azure.core.exceptions import HttpResponseError

ENDPOINT_ARGS = ("--lro-retry-after", "0")
NETWORK_VERSION = "2024-05-01"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
DEPLOYMENT_FAILED = (
    "At least one resource deployment operation failed. Please list deployment operations for "
    "details. Please see https://aka.ms/arm-deployment-operations for usage details."
)


@pytest.fixture(scope="module")
def client(endpoint):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    return endpoint.mgmt_client(DeploymentsMgmtClient, polling_interval=0.05)


@pytest.fixture(scope="module")
def groups(endpoint):
    return endpoint.resource_client(polling_interval=0.05).resource_groups


def vnet(name: str, prefix: str = "10.0.0.0/16", **extra) -> dict:
    return {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": NETWORK_VERSION,
        "name": name,
        "location": "[resourceGroup().location]",
        "properties": {"addressSpace": {"addressPrefixes": [prefix]}},
        **extra,
    }


def subnet(vnet_name: str, name: str, prefix: str) -> dict:
    return {
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "apiVersion": NETWORK_VERSION,
        "name": f"{vnet_name}/{name}",
        "properties": {"addressPrefix": prefix},
        "dependsOn": [f"[resourceId('Microsoft.Network/virtualNetworks', '{vnet_name}')]"],
    }


def template(*resources, parameters=None, outputs=None) -> dict:
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": parameters or {},
        "resources": list(resources),
        "outputs": outputs or {},
    }


def deployment(body_template: dict, mode: str = "Incremental", **parameters) -> dict:
    return {
        "properties": {
            "mode": mode,
            "template": body_template,
            "parameters": {name: {"value": value} for name, value in parameters.items()},
        }
    }


def group_path(endpoint, group: str) -> str:
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}"


def vnet_id(endpoint, group: str, name: str) -> str:
    return f"{group_path(endpoint, group)}/providers/Microsoft.Network/virtualNetworks/{name}"


def wait_for_state(client, group: str, name: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.deployments.get(group, name).properties.provisioning_state
        if state not in ("Accepted", "Running"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"deployment {group}/{name} still running after {timeout} s")


def test_create_get_list_head_operations_export_and_delete(endpoint, client, groups):
    groups.create_or_update("rg-dep-life", {"location": "westeurope"})
    body = deployment(
        template(
            vnet("[parameters('name')]"),
            subnet("net-life", "s1", "10.0.1.0/24"),
            parameters={"name": {"type": "string"}},
            outputs={
                "prefixes": {
                    "type": "array",
                    "value": "[reference(resourceId("
                    "'Microsoft.Network/virtualNetworks', parameters('name')), "
                    f"'{NETWORK_VERSION}').addressSpace.addressPrefixes]",
                }
            },
        ),
        name="net-life",
    )
    result = client.deployments.begin_create_or_update("rg-dep-life", "life", body).result()
    assert result.properties.provisioning_state == "Succeeded"
    assert result.properties.outputs == {"prefixes": {"type": "Array", "value": ["10.0.0.0/16"]}}
    assert result.properties.parameters == {"name": {"type": "String", "value": "net-life"}}
    assert sorted(item.id for item in result.properties.output_resources) == sorted(
        [vnet_id(endpoint, "rg-dep-life", "net-life"), vnet_id(endpoint, "rg-dep-life", "net-life") + "/subnets/s1"]
    )
    assert (
        endpoint.call(
            "GET", vnet_id(endpoint, "rg-dep-life", "net-life") + "/subnets/s1", api_version=NETWORK_VERSION
        ).json()["properties"]["addressPrefix"]
        == "10.0.1.0/24"
    )
    assert [item.name for item in client.deployments.list_by_resource_group("rg-dep-life")] == ["life"]
    assert client.deployments.check_existence("rg-dep-life", "life") is True
    assert client.deployments.check_existence("rg-dep-life", "nope") is False
    operations = list(client.deployment_operations.list("rg-dep-life", "life"))
    created = {
        item.properties.target_resource.resource_name: item.properties
        for item in operations
        if item.properties.provisioning_operation == "Create"
    }
    assert set(created) == {"net-life", "net-life/s1"}
    assert all(item.provisioning_state == "Succeeded" and item.status_code == "Created" for item in created.values())
    assert created["net-life/s1"].target_resource.resource_type == "Microsoft.Network/virtualNetworks/subnets"
    one = client.deployment_operations.get("rg-dep-life", "life", operations[0].operation_id)
    assert one.operation_id == operations[0].operation_id
    assert client.deployments.export_template("rg-dep-life", "life").template == body["properties"]["template"]
    client.deployments.begin_delete("rg-dep-life", "life").result()
    assert client.deployments.check_existence("rg-dep-life", "life") is False
    assert (
        endpoint.call("GET", vnet_id(endpoint, "rg-dep-life", "net-life"), api_version=NETWORK_VERSION).status_code
        == 200
    ), "deleting a deployment keeps its resources"


def test_calculate_template_hash_matches_the_deployments_template_hash(endpoint, client, groups):
    groups.create_or_update("rg-dep-hash", {"location": "westeurope"})
    body = deployment(template(vnet("net-hash")))
    result = client.deployments.begin_create_or_update("rg-dep-hash", "hash", body).result()
    hashed = client.deployments.calculate_template_hash(body["properties"]["template"])
    assert hashed.template_hash == result.properties.template_hash
    assert json.loads(hashed.minified_template) == body["properties"]["template"]
    other = client.deployments.calculate_template_hash(template(vnet("net-other")))
    assert other.template_hash != hashed.template_hash


def test_put_is_long_running_accepted_running_succeeded(endpoint, client, groups):
    groups.create_or_update("rg-dep-lro", {"location": "westeurope"})
    endpoint.admin(
        "POST", "latency", {"method": "PUT", "path": "virtualNetworks/net-slow$", "milliseconds": 1500, "count": 1}
    )
    path = f"{group_path(endpoint, 'rg-dep-lro')}/providers/Microsoft.Resources/deployments/lro"
    response = endpoint.call("PUT", path, api_version="2026-06-01", body=deployment(template(vnet("net-slow"))))
    assert response.status_code == 201, response.text
    assert response.json()["properties"]["provisioningState"] == "Accepted"
    assert response.headers["Retry-After"] == "0"
    status_path = response.headers["Azure-AsyncOperation"][len(endpoint.arm) :].split("?")[0]
    assert status_path.startswith(path + "/operationStatuses/")
    states = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not states or states[-1] not in ("Succeeded", "Failed", "Canceled")):
        states.append(endpoint.call("GET", status_path, api_version="2026-06-01").json()["status"])
        time.sleep(0.1)
    # The first poll may come before the run thread starts (Accepted), as Azure's may before ARM picks the job up.
    assert states[0] in ("Accepted", "Running") and "Running" in states and states[-1] == "Succeeded", states
    # The rerun writes an unchanged vnet, which answers at once; latency keeps the rerun running for the conflict.
    endpoint.admin(
        "POST", "latency", {"method": "PUT", "path": "virtualNetworks/net-slow$", "milliseconds": 1500, "count": 1}
    )
    again = endpoint.call("PUT", path, api_version="2026-06-01", body=deployment(template(vnet("net-slow"))))
    assert again.status_code == 200
    conflict = endpoint.call("PUT", path, api_version="2026-06-01", body=deployment(template(vnet("net-slow"))))
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "DeploymentActive"
    assert wait_for_state(client, "rg-dep-lro", "lro") == "Succeeded"


def test_what_if_reports_real_deltas_and_a_rerun_writes_nothing(endpoint, client, groups):
    groups.create_or_update("rg-dep-whatif", {"location": "westeurope"})
    first = deployment(template(vnet("net-a", tags={"owner": "ml"}), subnet("net-a", "s1", "10.0.1.0/24")))
    preview = client.deployments.begin_what_if("rg-dep-whatif", "wi", first).result()
    assert sorted(change.change_type for change in preview.changes) == ["Create", "Create"]
    client.deployments.begin_create_or_update("rg-dep-whatif", "wi", first).result()
    before = endpoint.requests_log()[-1]["seq"]
    rerun = client.deployments.begin_what_if("rg-dep-whatif", "wi", first).result()
    assert [change.change_type for change in rerun.changes] == ["NoChange", "NoChange"]
    writes = [
        entry
        for entry in endpoint.requests_log(since=str(before), kind="write")
        if entry["method"] in ("PUT", "PATCH", "DELETE")
    ]
    assert writes == [], f"a what-if must not write: {writes}"
    changed = deployment(
        template(vnet("net-a", "10.9.0.0/16", tags={"owner": "data"}), subnet("net-a", "s1", "10.0.1.0/24"))
    )
    modified = client.deployments.begin_what_if("rg-dep-whatif", "wi", changed).result()
    change = next(item for item in modified.changes if item.resource_id.endswith("/virtualNetworks/net-a"))
    assert change.change_type == "Modify"
    deltas = {item.path: item for item in change.delta}
    assert deltas["tags.owner"].before == "ml" and deltas["tags.owner"].after == "data"
    assert deltas["properties.addressSpace.addressPrefixes"].property_change_type == "Array"
    redeployed = client.deployments.begin_create_or_update("rg-dep-whatif", "wi", first).result()
    assert redeployed.properties.provisioning_state == "Succeeded"
    puts = [entry["path"] for entry in endpoint.requests_log(since=str(before), method="PUT")]
    assert vnet_id(endpoint, "rg-dep-whatif", "net-a") in puts, "a deployment's resource writes are in the log"


def test_invalid_template_is_rejected_synchronously(endpoint, client, groups):
    groups.create_or_update("rg-dep-invalid", {"location": "westeurope"})
    broken = deployment(template(vnet("[concat('a', parameters('missing'))]")))
    path = f"{group_path(endpoint, 'rg-dep-invalid')}/providers/Microsoft.Resources/deployments/bad"
    response = endpoint.call("PUT", path, api_version="2026-06-01", body=broken)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "InvalidTemplate" and "'missing' is not found" in error["message"]
    assert error["additionalInfo"][0]["type"] == "TemplateViolation"
    with pytest.raises(HttpResponseError) as raised:
        client.deployments.begin_validate("rg-dep-invalid", "bad", broken).result()
    assert raised.value.error.code == "InvalidTemplate"
    assert client.deployments.check_existence("rg-dep-invalid", "bad") is False
    wrong_version = deployment(template({**vnet("net-x"), "apiVersion": "1999-01-01"}))
    with pytest.raises(HttpResponseError) as raised:
        client.deployments.begin_create_or_update("rg-dep-invalid", "bad", wrong_version)
    assert raised.value.error.code == "InvalidTemplateDeployment"
    assert raised.value.error.details[0].code == "NoRegisteredProviderFound"
    no_mode = endpoint.call(
        "PUT", path, api_version="2026-06-01", body={"properties": {"template": template(vnet("net-x"))}}
    )
    assert no_mode.status_code == 400 and no_mode.json()["error"]["code"] == "InvalidRequestContent"
    valid = client.deployments.begin_validate("rg-dep-invalid", "good", deployment(template(vnet("net-x")))).result()
    assert [item.id for item in valid.properties.validated_resources] == [vnet_id(endpoint, "rg-dep-invalid", "net-x")]
    assert (
        endpoint.call("GET", vnet_id(endpoint, "rg-dep-invalid", "net-x"), api_version=NETWORK_VERSION).status_code
        == 404
    ), "validate deploys nothing"


def test_failing_resource_fails_the_deployment_with_details(endpoint, client, groups):
    groups.create_or_update("rg-dep-fail", {"location": "westeurope"})
    failing = vnet_id(endpoint, "rg-dep-fail", "net-broken")
    endpoint.admin(
        "POST",
        "provisioning-failures",
        {"resource_id": failing, "code": "InternalServerError", "message": "The network could not be provisioned."},
    )
    body = deployment(
        template(vnet("net-fine"), vnet("net-broken", "10.1.0.0/16"), subnet("net-broken", "s1", "10.1.1.0/24"))
    )
    with pytest.raises(HttpResponseError) as raised:
        client.deployments.begin_create_or_update("rg-dep-fail", "failing", body).result()
    assert raised.value.error.code == "DeploymentFailed"
    got = client.deployments.get("rg-dep-fail", "failing").properties
    assert got.provisioning_state == "Failed"
    assert got.error.code == "DeploymentFailed" and got.error.message == DEPLOYMENT_FAILED
    assert got.error.target.endswith("/deployments/failing")
    assert [(item.code, item.message) for item in got.error.details] == [
        ("InternalServerError", "The network could not be provisioned.")
    ]
    operations = {
        item.properties.target_resource.resource_name: item.properties
        for item in client.deployment_operations.list("rg-dep-fail", "failing")
    }
    assert operations["net-broken"].provisioning_state == "Failed"
    assert operations["net-broken"].status_message["error"]["code"] == "InternalServerError"
    assert operations["net-fine"].provisioning_state == "Succeeded"
    assert "net-broken/s1" not in operations, "a resource depending on a failed one is not deployed"


def test_missing_referenced_resource_is_not_found_inside_the_deployment(endpoint, client, groups):
    groups.create_or_update("rg-dep-ref", {"location": "westeurope"})
    ghost = (
        "[reference(resourceId('Microsoft.Network/virtualNetworks', 'ghost'), "
        f"'{NETWORK_VERSION}').addressSpace.addressPrefixes[0]]"
    )
    body = deployment(template(vnet("net-ref", ghost)))
    with pytest.raises(HttpResponseError):
        client.deployments.begin_create_or_update("rg-dep-ref", "ref", body).result()
    error = client.deployments.get("rg-dep-ref", "ref").properties.error
    assert error.code == "DeploymentFailed"
    assert error.details[0].code == "ResourceNotFound"
    assert (
        "'Microsoft.Network/virtualNetworks/ghost' under resource group 'rg-dep-ref' was not found"
        in error.details[0].message
    )


def test_complete_mode_deletes_what_the_template_does_not_contain(endpoint, client, groups):
    groups.create_or_update("rg-dep-complete", {"location": "westeurope"})
    client.deployments.begin_create_or_update(
        "rg-dep-complete", "both", deployment(template(vnet("net-keep"), vnet("net-extra", "10.2.0.0/16")))
    ).result()
    only_keep = template(vnet("net-keep"))
    incremental = client.deployments.begin_what_if("rg-dep-complete", "c", deployment(only_keep)).result()
    complete = client.deployments.begin_what_if("rg-dep-complete", "c", deployment(only_keep, "Complete")).result()
    extra = vnet_id(endpoint, "rg-dep-complete", "net-extra")
    assert {item.resource_id: item.change_type for item in incremental.changes}[extra] == "Ignore"
    assert {item.resource_id: item.change_type for item in complete.changes}[extra] == "Delete"
    client.deployments.begin_create_or_update("rg-dep-complete", "inc", deployment(only_keep)).result()
    assert endpoint.call("GET", extra, api_version=NETWORK_VERSION).status_code == 200
    done = client.deployments.begin_create_or_update("rg-dep-complete", "c", deployment(only_keep, "Complete")).result()
    assert done.properties.mode == "Complete"
    assert endpoint.call("GET", extra, api_version=NETWORK_VERSION).json()["error"]["code"] == "ResourceNotFound"
    assert (
        endpoint.call("GET", vnet_id(endpoint, "rg-dep-complete", "net-keep"), api_version=NETWORK_VERSION).status_code
        == 200
    )


def test_subscription_scope_with_a_nested_deployment(endpoint, client, groups):
    inner = template(
        vnet("net-nested"),
        outputs={
            "vnetId": {"type": "string", "value": "[resourceId('Microsoft.Network/virtualNetworks', 'net-nested')]"}
        },
    )
    outer = {
        "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {
                "type": "Microsoft.Resources/resourceGroups",
                "apiVersion": "2022-09-01",
                "name": "rg-dep-sub",
                "location": "westeurope",
            },
            {
                "type": "Microsoft.Resources/deployments",
                "apiVersion": "2022-09-01",
                "name": "inner",
                "resourceGroup": "rg-dep-sub",
                "dependsOn": ["[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-dep-sub')]"],
                "properties": {
                    "mode": "Incremental",
                    "expressionEvaluationOptions": {"scope": "inner"},
                    "template": inner,
                },
            },
        ],
        "outputs": {"nestedVnet": {"type": "string", "value": "[reference('inner').outputs.vnetId.value]"}},
    }
    body = {"location": "westeurope", "properties": {"mode": "Incremental", "template": outer}}
    result = client.deployments.begin_create_or_update_at_subscription_scope("sub-level", body).result()
    assert result.properties.provisioning_state == "Succeeded"
    assert result.id == f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Resources/deployments/sub-level"
    assert result.location == "westeurope"
    assert result.properties.outputs["nestedVnet"]["value"] == vnet_id(endpoint, "rg-dep-sub", "net-nested")
    assert groups.check_existence("rg-dep-sub") is True
    child = client.deployments.get("rg-dep-sub", "inner")
    assert child.properties.provisioning_state == "Succeeded"
    assert child.properties.outputs["vnetId"]["value"] == vnet_id(endpoint, "rg-dep-sub", "net-nested")
    child_operations = list(client.deployment_operations.list("rg-dep-sub", "inner"))
    assert [
        item.properties.target_resource.resource_name for item in child_operations if item.properties.target_resource
    ] == ["net-nested"]
    parent_operations = list(client.deployment_operations.list_at_subscription_scope("sub-level"))
    assert sorted(
        item.properties.target_resource.resource_type for item in parent_operations if item.properties.target_resource
    ) == ["Microsoft.Resources/deployments", "Microsoft.Resources/resourceGroups"]
    assert "sub-level" in [item.name for item in client.deployments.list_at_subscription_scope()]
    missing_location = endpoint.call(
        "PUT", result.id, api_version="2026-06-01", body={"properties": {"mode": "Incremental", "template": outer}}
    )
    assert missing_location.status_code == 400 and missing_location.json()["error"]["code"] == "LocationRequired"


def test_cancel_stops_a_running_deployment(endpoint, client, groups):
    groups.create_or_update("rg-dep-cancel", {"location": "westeurope"})
    endpoint.admin(
        "POST", "latency", {"method": "PUT", "path": "virtualNetworks/net-first$", "milliseconds": 2000, "count": 1}
    )
    body = deployment(
        template(
            vnet("net-first"),
            {
                **vnet("net-second", "10.3.0.0/16"),
                "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', 'net-first')]"],
            },
        )
    )
    client.deployments.begin_create_or_update("rg-dep-cancel", "cancelled", body)
    client.deployments.cancel("rg-dep-cancel", "cancelled")
    assert wait_for_state(client, "rg-dep-cancel", "cancelled") == "Canceled"
    assert (
        endpoint.call("GET", vnet_id(endpoint, "rg-dep-cancel", "net-second"), api_version=NETWORK_VERSION).status_code
        == 404
    )
    with pytest.raises(HttpResponseError) as raised:
        client.deployments.cancel("rg-dep-cancel", "cancelled")
    assert raised.value.status_code == 409


def test_secure_parameters_are_never_shown(endpoint, client, groups):
    secret = "s3cr3t-Value-4711"
    groups.create_or_update("rg-dep-secure", {"location": "westeurope"})
    secure_template = template(
        vnet("net-secure", tags={"hint": "[parameters('password')]"}),
        parameters={"password": {"type": "securestring"}, "plain": {"type": "string"}},
        outputs={
            "echo": {"type": "securestring", "value": "[parameters('password')]"},
            "plainEcho": {"type": "string", "value": "[parameters('plain')]"},
        },
    )
    body = deployment(secure_template, password=secret, plain="visible")
    path = f"{group_path(endpoint, 'rg-dep-secure')}/providers/Microsoft.Resources/deployments/secure"
    since = endpoint.requests_log()[-1]["seq"]
    result = client.deployments.begin_create_or_update("rg-dep-secure", "secure", body).result()
    assert result.properties.parameters["password"] == {"type": "SecureString"}
    assert result.properties.outputs["echo"] == {"type": "SecureString"}
    assert result.properties.outputs["plainEcho"] == {"type": "String", "value": "visible"}
    client.deployments.begin_what_if("rg-dep-secure", "secure", body).result()
    shown = [
        endpoint.call("GET", path, api_version="2026-06-01").text,
        endpoint.call("GET", path.rsplit("/", 1)[0], api_version="2026-06-01").text,
        endpoint.call("GET", path + "/operations", api_version="2026-06-01").text,
        endpoint.call(
            "GET", f"{group_path(endpoint, 'rg-dep-secure')}/deployments/secure/operations", api_version="2026-06-01"
        ).text,
        endpoint.call("POST", path + "/exportTemplate", api_version="2026-06-01").text,
        json.dumps(endpoint.requests_log(since=str(since))),
    ]
    assert "net-secure" in shown[2], "the operations list names the deployed resource"
    for text in shown:
        assert secret not in text
    with sqlite3.connect(endpoint.state_dir / "state.sqlite3") as database:
        stored = [
            row
            for table in ("deployments", "deployment_operations")
            for row in database.execute(f"SELECT * FROM {table}")
        ]  # noqa: S608 - fixed table names
    assert any("net-secure" in str(row) for row in stored)
    assert not [row for row in stored if secret in str(row)], "a secure value was stored"
