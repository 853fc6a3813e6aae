"""The offline validator accepts what Azure accepts: an inner-scope nested deployment whose role assignment is
named from the outer template's reference() (known only when the nested deployment runs)."""

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    validate_repository,
)

IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"
IDENTITY_ID = (
    f"resourceId('{IDENTITY_TYPE}', format('{{0}}{{1}}-runner', parameters('namePrefix'), "
    "parameters('environmentName')))"
)
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


def with_identity_granted_reader(template: dict) -> dict:
    """``template`` plus a user-assigned identity granted Reader by an inner-scope nested deployment."""
    inner = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"principalId": {"type": "string"}},
        "resources": [
            {
                "type": "Microsoft.Authorization/roleAssignments",
                "apiVersion": "2022-04-01",
                "name": f"[guid(resourceGroup().id, parameters('principalId'), '{READER}')]",
                "properties": {
                    "roleDefinitionId": f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{READER}')]",
                    "principalId": "[parameters('principalId')]",
                    "principalType": "ServicePrincipal",
                },
            }
        ],
    }
    template["resources"] += [
        {
            "type": IDENTITY_TYPE,
            "apiVersion": "2023-01-31",
            "location": "[parameters('location')]",
            "name": "[format('{0}{1}-runner', parameters('namePrefix'), parameters('environmentName'))]",
        },
        {
            "type": "Microsoft.Resources/deployments",
            "apiVersion": "2022-09-01",
            "name": "grant-reader",
            "dependsOn": [f"[{IDENTITY_ID}]"],
            "properties": {
                "mode": "Incremental",
                "expressionEvaluationOptions": {"scope": "inner"},
                "parameters": {"principalId": {"value": f"[reference({IDENTITY_ID}, '2023-01-31').principalId]"}},
                "template": inner,
            },
        },
    ]
    return template


def test_a_role_assignment_named_from_an_outer_reference_is_valid_and_kept(repository):
    fixture_template = repository.read_json("arm-templates/fixturestore/fixturestore.json")
    repository.write_json(
        "arm-templates/fixturestore/fixturestore.json", with_identity_granted_reader(fixture_template)
    )
    report = validate_repository(repository.root, ["dev"], run_checkov=False, check_security_rules=False)
    assert report.findings == [], "\n".join(finding.render() for finding in report.findings)
    [environment] = report.environments
    [fixture] = [deployment for deployment in environment.deployments if deployment.template == "fixturestore"]
    assert [resource["type"] for resource in fixture.resources] == [
        "Microsoft.Storage/storageAccounts",
        IDENTITY_TYPE,
        "Microsoft.Resources/deployments",
    ]
