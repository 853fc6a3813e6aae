"""api-versions: several per type, the SDK defaults and the templates' versions among them, published
versions without installed models judged by the nearest installed one, unknown versions refused."""

import pytest
from template_bodies import bodies_of_type

from localazure.schema import (
    SUPPORTED_TYPES,
    RequestBodyValidator,
    UnsupportedApiVersion,
    UnsupportedResourceType,
    catalog,
)

VALIDATOR = RequestBodyValidator()


@pytest.mark.parametrize("resource_type", SUPPORTED_TYPES)
def test_several_api_versions_each_resolving_to_models(resource_type):
    versions = VALIDATOR.api_versions(resource_type)
    assert len(versions) >= 3
    assert versions == sorted(versions)
    assert VALIDATOR.default_api_version(resource_type) in versions
    for version in versions:
        assert VALIDATOR.model_version(resource_type, version) in versions
        assert VALIDATOR._root(resource_type, version).type_name == catalog.MODELS[resource_type].class_name


def test_template_api_versions_are_supported():
    for resource_type in SUPPORTED_TYPES:
        for template, api_version, _body in bodies_of_type(resource_type):
            assert api_version in VALIDATOR.api_versions(resource_type), (template, resource_type, api_version)


@pytest.mark.parametrize(
    "resource_type, client_module, expected",
    [
        (
            "Microsoft.Storage/storageAccounts",
            "azure.mgmt.storage._configuration",
            "StorageManagementClientConfiguration",
        ),
        ("Microsoft.KeyVault/vaults", "azure.mgmt.keyvault._configuration", "KeyVaultManagementClientConfiguration"),
        (
            "Microsoft.Resources/resourceGroups",
            "azure.mgmt.resource.resources._configuration",
            "ResourceManagementClientConfiguration",
        ),
    ],
)
def test_default_is_the_installed_clients_default(resource_type, client_module, expected):
    import importlib

    configuration = getattr(importlib.import_module(client_module), expected)(credential=object(), subscription_id="s")
    assert VALIDATOR.default_api_version(resource_type) == configuration.api_version


def test_msrest_defaults_are_the_clients_profiles():
    from azure.mgmt.applicationinsights import ApplicationInsightsManagementClient
    from azure.mgmt.authorization import AuthorizationManagementClient

    profile = ApplicationInsightsManagementClient.LATEST_PROFILE.get_profile_dict()
    assert (
        VALIDATOR.default_api_version("Microsoft.Insights/components")
        == profile["azure.mgmt.applicationinsights.ApplicationInsightsManagementClient"]["components"]
    )
    assert (
        VALIDATOR.default_api_version("Microsoft.Authorization/roleAssignments")
        == AuthorizationManagementClient.DEFAULT_API_VERSION
    )


def test_msrest_versions_are_validated_against_their_own_models():
    body = {
        "properties": {
            "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r",
            "principalId": "4b0c6f1e-2a7d-4e93-a5c8-1f6b9d3e7a10",
            "principalType": "Group",
        }
    }
    assert VALIDATOR.validate("Microsoft.Authorization/roleAssignments", "2022-04-01", body) == []
    old = VALIDATOR.validate("Microsoft.Authorization/roleAssignments", "2015-07-01", body)
    assert [problem.target for problem in old] == ["properties.principalType"]
    assert VALIDATOR.model_version("Microsoft.Authorization/roleAssignments", "2015-07-01") == "2015-07-01"


def test_published_version_without_models_uses_nearest_installed():
    assert VALIDATOR.model_version("Microsoft.Storage/storageAccounts", "2023-05-01") == "2026-09-01"
    assert VALIDATOR.model_version("Microsoft.MachineLearningServices/workspaces", "2024-10-01-preview") == "2025-12-01"


def test_api_version_matches_case_insensitively():
    assert (
        VALIDATOR.model_version("Microsoft.MachineLearningServices/workspaces/computes", "2024-10-01-PREVIEW")
        == "2025-12-01"
    )


def test_unknown_api_version_is_refused_with_the_supported_list():
    with pytest.raises(UnsupportedApiVersion) as raised:
        VALIDATOR.validate("Microsoft.KeyVault/vaults", "2001-01-01", {})
    assert raised.value.error["code"] == "NoRegisteredProviderFound"
    assert "'2001-01-01'" in raised.value.error["message"]
    assert "2026-05-15" in raised.value.error["message"]


def test_unknown_type_is_refused():
    with pytest.raises(UnsupportedResourceType):
        VALIDATOR.api_versions("Microsoft.Compute/virtualMachines")


def test_resource_type_matches_case_insensitively():
    assert VALIDATOR.api_versions("microsoft.storage/STORAGEACCOUNTS") == VALIDATOR.api_versions(
        "Microsoft.Storage/storageAccounts"
    )


def test_workspace_members_removed_at_2025_12_01_are_accepted_by_older_versions():
    body = {"location": "westeurope", "properties": {"allowRoleAssignmentOnRG": True}}
    workspace = "Microsoft.MachineLearningServices/workspaces"
    assert VALIDATOR.validate(workspace, "2024-10-01-preview", body) == []
    assert [problem.target for problem in VALIDATOR.validate(workspace, "2025-12-01", body)] == [
        "properties.allowRoleAssignmentOnRG"
    ]
    wrong = {"location": "westeurope", "properties": {"allowRoleAssignmentOnRG": "yes"}}
    assert [problem.target for problem in VALIDATOR.validate(workspace, "2024-10-01-preview", wrong)] == [
        "properties.allowRoleAssignmentOnRG"
    ]
