"""Template errors name the line and position of the offending token in the request body, as ARM reports them
(``TemplateViolation`` in ``additionalInfo``), for a body laid out like a template file (as azure-cli sends a
file's text) and for the SDK's one-line body."""

import json

import pytest
from azure.core.exceptions import HttpResponseError

GROUP = "rg-positions"
NETWORK = "Microsoft.Network/virtualNetworks"


def _template(*resources):
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": list(resources),
    }


def _vnet(name, **extra):
    return {
        "type": NETWORK,
        "apiVersion": "2023-04-01",
        "name": name,
        "location": "westeurope",
        "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
        **extra,
    }


def _violation(error: dict) -> dict:
    [violation] = [item["info"] for item in error["additionalInfo"] if item["type"] == "TemplateViolation"]
    return violation


def _line_and_end(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return text.count("\n", 0, start) + 1, start + len(needle) - (text.rfind("\n", 0, start) + 1)


@pytest.fixture(scope="module")
def group_path(endpoint):
    endpoint.resource_client().resource_groups.create_or_update(GROUP, {"location": "westeurope"})
    return f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"


def test_validate_reports_the_line_and_position_of_a_bad_expression(endpoint, group_path):
    template = _template(_vnet("net-fine"), _vnet("[concat('net-', parameters('missing'))]"))
    body = json.dumps({"properties": {"mode": "Incremental", "template": template}}, indent=2)
    response = endpoint.session.post(
        f"{endpoint.arm}{group_path}/providers/Microsoft.Resources/deployments/pos/validate",
        params={"api-version": "2025-04-01"},
        data=body.encode(),
        verify=endpoint.ca,
        timeout=30,
        headers={"Authorization": f"Bearer {endpoint.token()}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "InvalidTemplate"
    violation = _violation(response.json()["error"])
    assert violation["path"] == "properties.template.resources[1].name"
    line, position = _line_and_end(body, "\"[concat('net-', parameters('missing'))]\"")
    assert line > 1, "the body is laid out on many lines"
    assert (violation["lineNumber"], violation["linePosition"]) == (line, position)


def test_a_missing_property_is_reported_at_its_resource(endpoint, group_path):
    template = _template({"type": NETWORK, "name": "net-no-version", "location": "westeurope"})
    body = json.dumps({"properties": {"mode": "Incremental", "template": template}}, indent=4)
    response = endpoint.session.put(
        f"{endpoint.arm}{group_path}/providers/Microsoft.Resources/deployments/pos-missing",
        params={"api-version": "2025-04-01"},
        data=body.encode(),
        verify=endpoint.ca,
        timeout=30,
        headers={"Authorization": f"Bearer {endpoint.token()}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    violation = _violation(response.json()["error"])
    assert violation["path"] == "properties.template.resources[0].apiVersion"
    resources_line = body.count("\n", 0, body.index('"resources"')) + 1
    assert violation["lineNumber"] == resources_line + 1, "the resource's opening brace, the line after 'resources'"
    brace_line = body.splitlines()[resources_line]
    assert brace_line.strip() == "{" and violation["linePosition"] == len(brace_line)


def test_the_sdk_one_line_body_reports_line_1(endpoint, group_path):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    client = endpoint.mgmt_client(DeploymentsMgmtClient)
    template = _template(
        _vnet("net-a"),
        _vnet("net-b", dependsOn=["[resourceId('x', 'y', 'z', 'w', 'v')]"], tags="[variables('nowhere')]"),
    )
    with pytest.raises(HttpResponseError) as raised:
        client.deployments.begin_create_or_update(
            GROUP, "pos-sdk", {"properties": {"mode": "Incremental", "template": template}}
        )
    error = raised.value.response.json()["error"]
    violation = _violation(error)
    assert violation["lineNumber"] == 1 and violation["linePosition"] > 100, violation
    assert violation["path"].startswith("properties.template.resources[1]")


def test_azure_clis_spliced_body_reports_the_template_files_lines(endpoint, group_path):
    """azure-cli sends ``{"properties": {..., template:<the file's text>}}`` (JsonCTemplatePolicy)."""
    template_file = json.dumps(_template(_vnet("net-cli"), _vnet("[variables('nowhere')]")), indent=2)
    body = (
        json.dumps({"properties": {"mode": "Incremental", "parameters": {}}})[:-2]
        + ", template:"
        + template_file
        + "}}"
    )
    response = endpoint.session.post(
        f"{endpoint.arm}{group_path}/providers/Microsoft.Resources/deployments/pos-cli/validate",
        params={"api-version": "2025-04-01"},
        data=body.encode(),
        verify=endpoint.ca,
        timeout=30,
        headers={"Authorization": f"Bearer {endpoint.token()}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    violation = _violation(response.json()["error"])
    assert violation["path"] == "properties.template.resources[1].name"
    assert (violation["lineNumber"], violation["linePosition"]) == _line_and_end(
        template_file, "\"[variables('nowhere')]\""
    )
