"""Templates built to exhaust the endpoint are refused as ARM refuses them (400 InvalidTemplate), and the
endpoint's peak resident memory stays bounded while it evaluates them."""

from pathlib import Path

import pytest

# The limits are measured as the process's peak resident memory: a real process, not the test process.
ENDPOINT_PROCESS = True

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
GROUP = "rg-bounded"
PEAK_MEMORY_LIMIT_KB = 500 * 1024


def doubling_template(first, levels: int = 21) -> dict:
    """``levels`` variables, each the concatenation of the previous one with itself."""
    variables = {"v0": first}
    for level in range(1, levels):
        variables[f"v{level}"] = f"[concat(variables('v{level - 1}'), variables('v{level - 1}'))]"
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "variables": variables,
        "resources": [],
        "outputs": {"last": {"type": "int", "value": f"[length(variables('v{levels - 1}'))]"}},
    }


def peak_resident_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc/<pid>/status")


@pytest.fixture(scope="module")
def group_path(endpoint):
    path = f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{GROUP}"
    assert endpoint.call("PUT", path, body={"location": "westeurope"}).status_code in (200, 201)
    return path


@pytest.mark.parametrize(
    "first",
    ["abcdefghijklmnopqrstuvwxyz0123456789", "[createArray('abcdefghijklmnop', 'qrstuvwxyz')]"],
    ids=["string", "array"],
)
@pytest.mark.parametrize("verb, suffix", [("POST", "/validate"), ("PUT", "")], ids=["validate", "put"])
def test_doubling_template_is_refused_with_invalid_template(endpoint, group_path, first, verb, suffix):
    path = f"{group_path}/providers/Microsoft.Resources/deployments/doubling{suffix}"
    response = endpoint.call(
        verb, path, body={"properties": {"mode": "Incremental", "template": doubling_template(first)}}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "InvalidTemplate"
    assert "variables.v" in response.text
    assert peak_resident_kb(endpoint.process.pid) < PEAK_MEMORY_LIMIT_KB


def test_pad_left_to_a_huge_width_is_refused(endpoint, group_path):
    template = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "resources": [],
        "outputs": {"padded": {"type": "string", "value": "[padLeft('', 100000000)]"}},
    }
    response = endpoint.call(
        "POST",
        f"{group_path}/providers/Microsoft.Resources/deployments/pad/validate",
        body={"properties": {"mode": "Incremental", "template": template}},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "InvalidTemplate"
    assert peak_resident_kb(endpoint.process.pid) < PEAK_MEMORY_LIMIT_KB


def test_an_ordinary_template_still_validates(endpoint, group_path):
    template = doubling_template("ab", levels=8)
    response = endpoint.call(
        "POST",
        f"{group_path}/providers/Microsoft.Resources/deployments/small/validate",
        body={"properties": {"mode": "Incremental", "template": template}},
    )
    assert response.status_code == 200, response.text


def test_what_if_of_a_nested_deployment_named_from_reference_is_answered(endpoint, group_path):
    """The nested deployment's role assignment is named from reference(identity).principalId, known only when
    it runs: evaluated with unknown values, what-if shows them as expressions instead of failing with a 500."""
    inner = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {"principalId": {"type": "string"}},
        "resources": [
            {
                "type": "Microsoft.Storage/storageAccounts",
                "apiVersion": "2023-05-01",
                "name": "[concat('st', take(uniqueString(parameters('principalId')), 10))]",
                "location": "westeurope",
                "sku": {"name": "Standard_LRS"},
                "kind": "StorageV2",
                "tags": {"principal": "[parameters('principalId')]"},
            }
        ],
    }
    source = {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": "2024-05-01",
        "name": "net-source",
        "location": "westeurope",
        "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}},
    }
    template = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "resources": [
            source,
            {
                "type": "Microsoft.Resources/deployments",
                "apiVersion": "2022-09-01",
                "name": "inner",
                "dependsOn": ["net-source"],
                "properties": {
                    "mode": "Incremental",
                    "expressionEvaluationOptions": {"scope": "inner"},
                    "template": inner,
                    "parameters": {"principalId": {"value": "[reference('net-source').resourceGuid]"}},
                },
            },
        ],
    }
    response = endpoint.call(
        "POST",
        f"{group_path}/providers/Microsoft.Resources/deployments/nested/whatIf",
        body={"properties": {"mode": "Incremental", "template": template}},
    )
    assert response.status_code in (200, 202), response.text
