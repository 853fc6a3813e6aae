"""Deployment records as ARM keeps them: names checked as ARM checks them (at most 64 characters of letters,
digits, ``-``, ``.``, ``_``, ``(``, ``)``), one record per scope and name (a nested deployment never overwrites
its running parent's record), and a resource group's deployments deleted with the group."""

import pytest
from azure.core.exceptions import HttpResponseError

ENDPOINT_ARGS = ("--lro-retry-after", "0")
NETWORK_VERSION = "2024-05-01"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
API_VERSION = "2025-04-01"


@pytest.fixture(scope="module")
def client(endpoint):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    return endpoint.mgmt_client(DeploymentsMgmtClient, polling_interval=0.05)


@pytest.fixture(scope="module")
def groups(endpoint):
    return endpoint.resource_client(polling_interval=0.05).resource_groups


@pytest.fixture(scope="module")
def resources(endpoint):
    return endpoint.resource_client(polling_interval=0.05).resources


def template(*resources, outputs=None) -> dict:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": list(resources), "outputs": outputs or {}}


def vnet(name: str, prefix: str = "10.0.0.0/16") -> dict:
    return {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": NETWORK_VERSION,
        "name": name,
        "location": "westeurope",
        "properties": {"addressSpace": {"addressPrefixes": [prefix]}},
    }


def nested(name: str, inner: dict, **extra) -> dict:
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": name,
        "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"}, "template": inner},
        **extra,
    }


def deployment(body_template: dict) -> dict:
    return {"properties": {"mode": "Incremental", "template": body_template}}


def deployment_path(endpoint, group: str, name: str) -> str:
    return (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/"
        f"Microsoft.Resources/deployments/{name}"
    )


@pytest.mark.parametrize("name", ["d" * 64, "a.b_c-(d)", "déploiement-ü"])
def test_valid_deployment_names_are_accepted(endpoint, client, groups, name):
    groups.create_or_update("rg-names-ok", {"location": "westeurope"})
    result = client.deployments.begin_create_or_update("rg-names-ok", name, deployment(template())).result()
    assert result.properties.provisioning_state == "Succeeded"
    assert result.name == name


@pytest.mark.parametrize(
    "name, code",
    [
        ("d" * 65, "DeploymentNameLengthLimitExceeded"),
        ("bad!name", "DeploymentNameInvalidCharacters"),
        ("bad name", "DeploymentNameInvalidCharacters"),
    ],
)
def test_invalid_deployment_names_get_arms_400(endpoint, client, groups, name, code):
    groups.create_or_update("rg-names-bad", {"location": "westeurope"})
    for call in (client.deployments.begin_create_or_update, client.deployments.begin_validate):
        with pytest.raises(HttpResponseError) as raised:
            call("rg-names-bad", name, deployment(template())).result()
        assert raised.value.status_code == 400, raised.value
        assert raised.value.error.code == code, raised.value.error
    assert list(client.deployments.list_by_resource_group("rg-names-bad")) == []


def test_nested_deployment_with_an_invalid_name_fails_and_parent_records_why(endpoint, client, groups):
    groups.create_or_update("rg-names-nested", {"location": "westeurope"})
    body = deployment(template(nested("n" * 65, template())))
    with pytest.raises(HttpResponseError):
        client.deployments.begin_create_or_update("rg-names-nested", "outer", body).result()
    outer = client.deployments.get("rg-names-nested", "outer")
    assert outer.properties.provisioning_state == "Failed"
    codes = [
        operation.properties.status_message.error.code
        for operation in client.deployment_operations.list("rg-names-nested", "outer")
        if operation.properties.provisioning_state == "Failed"
    ]
    assert codes == ["DeploymentNameLengthLimitExceeded"], codes
    assert [item.name for item in client.deployments.list_by_resource_group("rg-names-nested")] == ["outer"]


def test_nested_deployment_named_like_its_running_parent_at_the_same_scope_fails(endpoint, client, groups, resources):
    groups.create_or_update("rg-same-scope", {"location": "westeurope"})
    body = deployment(
        template(
            vnet("net-parent"),
            nested("same", template(vnet("net-child", "10.1.0.0/16"))),
            outputs={"marker": {"type": "string", "value": "parent"}},
        )
    )
    with pytest.raises(HttpResponseError):
        client.deployments.begin_create_or_update("rg-same-scope", "same", body).result()
    record = client.deployments.get("rg-same-scope", "same")
    # The parent's own record: its template (two resources), not the nested one's, and its operations kept.
    assert record.properties.provisioning_state == "Failed"
    assert record.properties.error.code == "DeploymentFailed"
    operations = {
        operation.properties.target_resource.resource_name: operation.properties
        for operation in client.deployment_operations.list("rg-same-scope", "same")
    }
    assert operations["net-parent"].provisioning_state == "Succeeded"
    assert operations["same"].provisioning_state == "Failed"
    assert operations["same"].status_code == "Conflict"
    assert operations["same"].status_message.error.code == "DeploymentActive"
    exported = client.deployments.export_template("rg-same-scope", "same").template
    assert [resource["name"] for resource in exported["resources"]] == ["net-parent", "same"]
    names = [item.name for item in client.deployments.list_by_resource_group("rg-same-scope")]
    assert names == ["same"]
    assert (
        resources.check_existence_by_id(
            f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-same-scope/providers/"
            "Microsoft.Network/virtualNetworks/net-child",
            api_version=NETWORK_VERSION,
        )
        is False
    )


def test_nested_deployment_named_like_its_parent_at_another_scope_has_its_own_record(endpoint, client, groups):
    groups.create_or_update("rg-outer-scope", {"location": "westeurope"})
    groups.create_or_update("rg-inner-scope", {"location": "westeurope"})
    inner = template(vnet("net-inner", "10.2.0.0/16"), outputs={"who": {"type": "string", "value": "inner"}})
    body = deployment(
        template(
            vnet("net-outer"),
            nested("twin", inner, resourceGroup="rg-inner-scope"),
            outputs={"who": {"type": "string", "value": "outer"}},
        )
    )
    result = client.deployments.begin_create_or_update("rg-outer-scope", "twin", body).result()
    assert result.properties.provisioning_state == "Succeeded"
    outer = client.deployments.get("rg-outer-scope", "twin")
    child = client.deployments.get("rg-inner-scope", "twin")
    assert outer.properties.outputs["who"]["value"] == "outer"
    assert child.properties.outputs["who"]["value"] == "inner"
    assert outer.id == deployment_path(endpoint, "rg-outer-scope", "twin")
    assert child.id == deployment_path(endpoint, "rg-inner-scope", "twin")
    outer_targets = sorted(
        operation.properties.target_resource.resource_name
        for operation in client.deployment_operations.list("rg-outer-scope", "twin")
        if operation.properties.target_resource
    )
    assert outer_targets == ["net-outer", "twin"]
    inner_targets = [
        operation.properties.target_resource.resource_name
        for operation in client.deployment_operations.list("rg-inner-scope", "twin")
        if operation.properties.target_resource
    ]
    assert inner_targets == ["net-inner"]


def test_deleting_a_group_deletes_its_deployment_records(endpoint, client, groups, resources):
    groups.create_or_update("rg-recreated", {"location": "westeurope"})
    result = client.deployments.begin_create_or_update(
        "rg-recreated", "before", deployment(template(vnet("net-before"), nested("nested-before", template())))
    ).result()
    assert result.properties.provisioning_state == "Succeeded"
    assert len(list(client.deployments.list_by_resource_group("rg-recreated"))) == 2
    groups.begin_delete("rg-recreated").result()
    groups.create_or_update("rg-recreated", {"location": "westeurope"})
    assert list(client.deployments.list_by_resource_group("rg-recreated")) == []
    assert client.deployments.check_existence("rg-recreated", "before") is False
    for name in ("before", "nested-before"):
        response = endpoint.call("GET", deployment_path(endpoint, "rg-recreated", name), api_version=API_VERSION)
        assert response.status_code == 404 and response.json()["error"]["code"] == "DeploymentNotFound"
        operations = endpoint.call(
            "GET", deployment_path(endpoint, "rg-recreated", name) + "/operations", api_version=API_VERSION
        )
        assert operations.status_code == 404, operations.text
    assert (
        resources.check_existence_by_id(
            f"/subscriptions/{endpoint.subscription_id}/resourceGroups/rg-recreated/providers/"
            "Microsoft.Network/virtualNetworks/net-before",
            api_version=NETWORK_VERSION,
        )
        is False
    )
