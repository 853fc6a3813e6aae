"""Engine fidelity found by real templates and Microsoft's documented examples (issue 8, section 3)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue

REPOSITORY = Path(__file__).resolve().parents[5]
SUBSCRIPTION = "11111111-1111-1111-1111-111111111111"
CONTEXT = DeploymentContext(subscription_id=SUBSCRIPTION, resource_group="rg1")
RG = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg1"


def output(expression: str):
    template = {"resources": [], "outputs": {"o": {"type": "string", "value": f"[{expression}]"}}}
    return evaluate_template(template, {}, CONTEXT).outputs["o"]


# template-functions-date.md, dateTimeAdd remarks: "P1Y should be interpreted as P365D, while P1M should be
# interpreted as P30D" (.NET XmlConvert durations); its examples add P1Y/P1M to 2023 and 2024 dates.
@pytest.mark.parametrize(
    "base, duration, expected",
    [
        ("2023-01-01 00:00:00Z", "P1Y", "2024-01-01T00:00:00Z"),
        ("2024-01-01 00:00:00Z", "P1Y", "2024-12-31T00:00:00Z"),
        ("2023-02-01 00:00:00Z", "P1M", "2023-03-03T00:00:00Z"),
        ("2024-02-01 00:00:00Z", "P1M", "2024-03-02T00:00:00Z"),
        ("2020-04-07 14:53:14Z", "P3Y", "2023-04-07T14:53:14Z"),
        ("2020-04-07 14:53:14Z", "-P9D", "2020-03-29T14:53:14Z"),
        ("2020-04-07 14:53:14Z", "PT1H", "2020-04-07T15:53:14Z"),
        ("2023-03-03 00:00:00Z", "-P1M", "2023-02-01T00:00:00Z"),
        ("2024-12-31 00:00:00Z", "-P1Y", "2024-01-01T00:00:00Z"),
        ("2023-01-31 00:00:00Z", "P1M", "2023-03-02T00:00:00Z"),
        ("2023-01-01 00:00:00Z", "P1Y2M3DT4H5M6S", "2024-03-04T04:05:06Z"),
    ],
)
def test_date_time_add_uses_xml_convert_durations(base, duration, expected):
    assert output(f"dateTimeAdd('{base}', '{duration}')") == expected


def test_date_time_add_with_fractional_seconds():
    assert (
        output("dateTimeAdd('2023-01-01 00:00:00Z', 'PT1.5S', 'yyyy-MM-ddTHH:mm:ss.fffZ')")
        == "2023-01-01T00:00:01.500Z"
    )
    assert (
        output("dateTimeAdd('2023-01-01 00:00:00Z', '-PT0.25S', 'yyyy-MM-ddTHH:mm:ss.fffZ')")
        == "2022-12-31T23:59:59.750Z"
    )


STORAGE_ID = f"{RG}/providers/Microsoft.Storage/storageAccounts/sa1"


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("resourceId('Microsoft.Storage/storageAccounts/', 'sa1')", STORAGE_ID),
        ("resourceId('rg1', 'Microsoft.Storage/storageAccounts/', 'sa1')", STORAGE_ID),
        (
            "resourceId('Microsoft.Network/virtualNetworks/subnets/', 'vnet', 'default')",
            f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default",
        ),
        (
            "subscriptionResourceId('Microsoft.Resources/resourceGroups/', 'rg2')",
            f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg2",
        ),
        (
            "subscriptionResourceId('Microsoft.Authorization/roleDefinitions/', 'abc')",
            f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/abc",
        ),
        (
            "tenantResourceId('Microsoft.Authorization/policyDefinitions/', 'p1')",
            "/providers/Microsoft.Authorization/policyDefinitions/p1",
        ),
        (
            f"extensionResourceId('{STORAGE_ID}', 'Microsoft.Authorization/locks/', 'lock1')",
            f"{STORAGE_ID}/providers/Microsoft.Authorization/locks/lock1",
        ),
        (
            "managementGroupResourceId('mg1', 'Microsoft.Authorization/policyDefinitions/', 'p1')",
            "/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p1",
        ),
    ],
)
def test_id_functions_accept_a_type_with_a_trailing_slash(expression, expected):
    assert output(expression) == expected


IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


def identity_with_inner_role_assignment() -> dict:
    """A user-assigned identity, and a nested deployment (inner scope) that grants it Reader on the group,
    the role assignment named from guid(..., principalId): the shape of public quickstart templates."""
    inner = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"principalId": {"type": "string"}, "roleDefinitionId": {"type": "string"}},
        "resources": [
            {
                "type": "Microsoft.Authorization/roleAssignments",
                "apiVersion": "2022-04-01",
                "name": "[guid(resourceGroup().id, parameters('principalId'), parameters('roleDefinitionId'))]",
                "properties": {
                    "roleDefinitionId": "[parameters('roleDefinitionId')]",
                    "principalId": "[parameters('principalId')]",
                    "principalType": "ServicePrincipal",
                },
            }
        ],
        "outputs": {"assignment": {"type": "string", "value": "[guid(resourceGroup().id, parameters('principalId'))]"}},
    }
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"identityName": {"type": "string", "defaultValue": "id-runner"}},
        "variables": {"reader": f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{READER}')]"},
        "resources": [
            {
                "type": IDENTITY_TYPE,
                "apiVersion": "2023-01-31",
                "name": "[parameters('identityName')]",
                "location": "[resourceGroup().location]",
            },
            {
                "type": "Microsoft.Resources/deployments",
                "apiVersion": "2022-09-01",
                "name": "grant-reader",
                "dependsOn": [f"[resourceId('{IDENTITY_TYPE}', parameters('identityName'))]"],
                "properties": {
                    "mode": "Incremental",
                    "expressionEvaluationOptions": {"scope": "inner"},
                    "parameters": {
                        "principalId": {
                            "value": f"[reference(resourceId('{IDENTITY_TYPE}', "
                            "parameters('identityName')), '2023-01-31').principalId]"
                        },
                        "roleDefinitionId": {"value": "[variables('reader')]"},
                    },
                    "template": inner,
                },
            },
        ],
    }


def test_inner_scope_nested_deployment_named_from_a_reference_is_kept_with_unknown_values():
    result = evaluate_template(identity_with_inner_role_assignment(), {}, CONTEXT)
    deployment_id = f"{RG}/providers/Microsoft.Resources/deployments/grant-reader"
    nested = result.nested[deployment_id]
    [assignment] = nested.resources
    assert assignment["type"] == "Microsoft.Authorization/roleAssignments"
    assert (
        assignment["properties"]["roleDefinitionId"]
        == f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    )
    assert isinstance(assignment["properties"]["principalId"], UnknownValue)
    assert assignment["id"].startswith(f"{RG}/providers/Microsoft.Authorization/roleAssignments/")
    assert isinstance(nested.outputs["assignment"], UnknownValue)
    assert [resource["type"] for resource in result.all_resources()] == [
        IDENTITY_TYPE,
        "Microsoft.Resources/deployments",
        "Microsoft.Authorization/roleAssignments",
    ]


def test_a_resource_name_from_reference_at_the_top_level_is_still_refused():
    template = identity_with_inner_role_assignment()
    template["resources"].append(
        {
            "type": "Microsoft.Authorization/roleAssignments",
            "apiVersion": "2022-04-01",
            "name": f"[guid(reference(resourceId('{IDENTITY_TYPE}', 'id-runner'), '2023-01-31').principalId)]",
            "properties": {"roleDefinitionId": "[variables('reader')]", "principalId": "x"},
        }
    )
    with pytest.raises(Exception, match="known before deployment"):
        evaluate_template(template, {}, CONTEXT)


def test_arm_eval_prints_the_nested_role_assignment(tmp_path):
    path = tmp_path / "main.json"
    path.write_text(json.dumps(identity_with_inner_role_assignment()))
    completed = subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "arm-eval"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    printed = json.loads(completed.stdout)
    assert [resource["type"] for resource in printed["resources"]] == [
        IDENTITY_TYPE,
        "Microsoft.Resources/deployments",
        "Microsoft.Authorization/roleAssignments",
    ]
    assert printed["resources"][2]["properties"]["principalId"] is None


def test_what_if_shows_values_known_only_at_deployment_as_json_text():
    from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.whatif import resource_change

    desired = {
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "principalId": UnknownValue("reference(/subscriptions/s/identity)"),
            "principalType": "ServicePrincipal",
        },
    }
    created = resource_change("/x/roleAssignments/a", None, desired)
    modified = resource_change("/x/roleAssignments/a", {"properties": {"principalType": "User"}}, desired)
    for change in (created, modified):
        text = json.dumps(change)
        assert "[reference(/subscriptions/s/identity)]" in text
    assert created["changeType"] == "Create" and modified["changeType"] == "Deploy"
