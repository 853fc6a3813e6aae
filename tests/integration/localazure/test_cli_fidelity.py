"""What Azure CLI 2.91 and azure.azcollection 3.12 found, through the unmodified azure-mgmt-resource clients they
use: resource group names as ARM allows them (Unicode letters and digits, percent-encoded by the SDK), and
invalid ones refused with ARM's error."""

import json
import uuid
from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError

ENDPOINT_ARGS = ("--lro-retry-after", "0", "--no-throttling")
LOCATION = "westeurope"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
DEVELOPER = "model-developer-test"


@pytest.fixture(scope="module")
def client(endpoint):
    return endpoint.resource_client(polling_interval=0.01)


@pytest.mark.parametrize("name", ["rg-ünïcode-名前", "rg(paren).x_y", "Ωμέγα", "é" * 90])
def test_resource_group_names_arm_allows_are_accepted(endpoint, client, name):
    created = client.resource_groups.create_or_update(name, {"location": LOCATION})
    assert created.name == name
    assert created.id == f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{name}"
    assert client.resource_groups.get(name).name == name
    assert client.resource_groups.check_existence(name) is True
    assert name in [group.name for group in client.resource_groups.list()]
    client.resource_groups.begin_delete(name).result()
    assert client.resource_groups.check_existence(name) is False


@pytest.mark.parametrize(
    "name, fragment",
    [("rg!bang", "invalid characters: '!'"), ("rg-ü.", "must not end in a period"), ("é" * 91, "1-90 characters")],
)
def test_invalid_resource_group_names_get_invalid_resource_group(client, name, fragment):
    with pytest.raises(HttpResponseError) as raised:
        client.resource_groups.create_or_update(name, {"location": LOCATION})
    assert raised.value.status_code == 400
    assert raised.value.error.code == "InvalidResourceGroup"
    assert fragment in raised.value.error.message


def test_a_role_on_a_unicode_group_applies_to_requests_for_it(endpoint, client):
    from azure.mgmt.authorization import AuthorizationManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient

    name = "rg-prüfung(1)"
    group = client.resource_groups.create_or_update(name, {"location": LOCATION})
    authorization = endpoint.mgmt_client(AuthorizationManagementClient)
    developer = endpoint.principal(DEVELOPER)
    assignment = authorization.role_assignments.create(
        group.id,
        str(uuid.uuid4()),
        {
            "properties": {
                "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{READER}",
                "principalId": developer["object_id"],
                "principalType": "ServicePrincipal",
            }
        },
    )
    as_developer = endpoint.mgmt_client(ResourceManagementClient, DEVELOPER)
    assert as_developer.resource_groups.get(name).id == group.id
    authorization.role_assignments.delete_by_id(assignment.id)
    with pytest.raises(HttpResponseError) as raised:
        as_developer.resource_groups.get(name)
    assert raised.value.status_code == 403


# -- $filter and $top on the resource lists (az resource list -g/--resource-type/-n/--tag, azure_rm_resource_info)
NETWORK_VERSION = "2024-05-01"


@pytest.fixture(scope="module")
def listed(endpoint, client):
    """Two groups, each with two virtual networks, tagged differently; the test data of the list tests."""
    made = {}
    for group in ("rg-list-a", "rg-list-b"):
        client.resource_groups.create_or_update(group, {"location": LOCATION})
        for index, tags in enumerate(({"env": "prod", "team": "ml"}, {"env": "dev"})):
            name = f"vnet-{group[-1]}{index}"
            resource_id = (
                f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/"
                f"Microsoft.Network/virtualNetworks/{name}"
            )
            client.resources.begin_create_or_update_by_id(
                resource_id,
                {
                    "location": LOCATION,
                    "tags": tags,
                    "properties": {"addressSpace": {"addressPrefixes": [f"10.{index}.0.0/16"]}},
                },
                api_version=NETWORK_VERSION,
            ).result()
            made[name] = resource_id
    return made


@pytest.mark.parametrize(
    "group, text, expected",
    [
        (None, "resourceGroup eq 'rg-list-a'", ["vnet-a0", "vnet-a1"]),
        (
            None,
            "resourceType eq 'Microsoft.Network/virtualNetworks' and resourceGroup eq 'rg-list-b'",
            ["vnet-b0", "vnet-b1"],
        ),
        (None, "name eq 'vnet-b1'", ["vnet-b1"]),
        (None, "substringof('vnet-a', name)", ["vnet-a0", "vnet-a1"]),
        (None, "tagName eq 'team'", ["vnet-a0", "vnet-b0"]),
        (None, "tagName eq 'env' and tagValue eq 'dev'", ["vnet-a1", "vnet-b1"]),
        ("rg-list-a", None, ["vnet-a0", "vnet-a1"]),
        ("rg-list-b", "tagName eq 'env' and tagValue eq 'prod'", ["vnet-b0"]),
        ("rg-list-b", "name eq 'vnet-a0'", []),
        ("rg-list-a", "location eq 'westeurope'", ["vnet-a0", "vnet-a1"]),
        ("rg-list-a", "location eq 'northeurope'", []),
    ],
)
def test_resource_lists_apply_filter(client, listed, group, text, expected):
    items = client.resources.list_by_resource_group(group, filter=text) if group else client.resources.list(filter=text)
    found = sorted(item.name for item in items if item.name.startswith("vnet-"))
    assert found == expected


def test_a_tag_value_filter_leaves_the_tags_out_as_arm_does(client, listed):
    by_value = list(client.resources.list(filter="tagName eq 'team' and tagValue eq 'ml'"))
    assert sorted(item.name for item in by_value) == ["vnet-a0", "vnet-b0"]
    assert all(item.tags is None for item in by_value)
    by_name = list(client.resources.list(filter="tagName eq 'team'"))
    assert all(item.tags == {"env": "prod", "team": "ml"} for item in by_name)


def test_resource_lists_page_by_top(endpoint, client, listed):
    pages = [
        [item.name for item in current]
        for current in client.resources.list(
            filter="substringof('vnet-a', name) or substringof('vnet-b', name)", top=3
        ).by_page()
    ]
    assert [len(names) for names in pages] == [3, 1], pages
    assert sorted(sum(pages, [])) == sorted(listed)
    in_group = [
        [item.name for item in current]
        for current in client.resources.list_by_resource_group("rg-list-b", top=1).by_page()
    ]
    assert in_group == [["vnet-b0"], ["vnet-b1"]]
    groups = [
        [group.name for group in current]
        for current in client.resource_groups.list(filter="tagName eq 'none'", top=1).by_page()
    ]
    assert groups == [[]]


@pytest.mark.parametrize(
    "text", ["identity/principalId eq 'x'", "tagName eq 'env' and name eq 'vnet-a0'", "name eq vnet-a0"]
)
def test_unsupported_filters_get_arms_400(client, listed, text):
    for call in (
        lambda: list(client.resources.list(filter=text)),
        lambda: list(client.resources.list_by_resource_group("rg-list-a", filter=text)),
        lambda: list(client.resource_groups.list(filter=text)),
    ):
        with pytest.raises(HttpResponseError) as raised:
            call()
        assert raised.value.status_code == 400
        assert raised.value.error.code == "InvalidFilterInQueryString"
        assert raised.value.error.message == f"Invalid $filter '{text}' specified in the query string."


def test_resource_group_list_filters_by_tag(client):
    client.resource_groups.create_or_update("rg-tagged-list", {"location": LOCATION, "tags": {"purpose": "list"}})
    found = [group.name for group in client.resource_groups.list(filter="tagName eq 'purpose' and tagValue eq 'list'")]
    assert found == ["rg-tagged-list"]


# -- generic paths with an empty parent segment (az resource show/create/delete -g -n --resource-type)
def test_generic_resource_path_with_an_empty_parent_segment(endpoint, client):
    group, name = "rg-empty-parent", "vnet-empty-parent"
    client.resource_groups.create_or_update(group, {"location": LOCATION})
    resources = client.resources
    where = {
        "resource_group_name": group,
        "resource_provider_namespace": "Microsoft.Network",
        "parent_resource_path": "",
        "resource_type": "virtualNetworks",
        "resource_name": name,
        "api_version": NETWORK_VERSION,
    }
    assert resources.check_existence(**where) is False
    created = resources.begin_create_or_update(
        **where, parameters={"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}}}
    ).result()
    expected_id = (
        f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/"
        f"Microsoft.Network/virtualNetworks/{name}"
    )
    assert created.id.lower() == expected_id.lower()
    assert resources.check_existence(**where) is True
    assert resources.get(**where).properties["addressSpace"]["addressPrefixes"] == ["10.9.0.0/16"]
    assert resources.get_by_id(expected_id, api_version=NETWORK_VERSION).name == name
    raw = endpoint.call(
        "GET", expected_id.replace("Microsoft.Network/", "Microsoft.Network//"), api_version=NETWORK_VERSION
    )
    assert raw.status_code == 200 and raw.json()["id"].lower() == expected_id.lower()
    resources.begin_delete(**where).result()
    assert resources.check_existence(**where) is False
    assert resources.check_existence_by_id(expected_id, api_version=NETWORK_VERSION) is False


# -- api-versions the pinned clients send (client_api_versions.json, written by scripts/client-api-versions)
CLIENT_VERSIONS = json.loads((Path(__file__).parent / "client_api_versions.json").read_text())
MISSING_ROLE_ASSIGNMENT = "5b1c0a2e-95e8-4cd7-9b44-000000000000"


def probe_path(endpoint, kind: str) -> tuple[str, int]:
    """A request of the kind that needs no resource of its own, and the status it answers when served."""
    subscription = f"/subscriptions/{endpoint.subscription_id}"
    group = f"{subscription}/resourceGroups/rg-versions"
    return {
        "vaults": (f"{group}/providers/Microsoft.KeyVault/vaults/kv-missing-versions", 404),
        "deletedVaults": (f"{subscription}/providers/Microsoft.KeyVault/deletedVaults", 200),
        "registries": (f"{group}/providers/Microsoft.ContainerRegistry/registries/acrmissingversions", 404),
        "storageAccounts": (f"{group}/providers/Microsoft.Storage/storageAccounts/stmissingversions", 404),
        "virtualNetworks": (f"{group}/providers/Microsoft.Network/virtualNetworks/vnet-missing", 404),
        "workspaces": (f"{group}/providers/Microsoft.MachineLearningServices/workspaces/mlw-missing", 404),
        "datastores": (
            f"{group}/providers/Microsoft.MachineLearningServices/workspaces/mlw-missing/datastores/ds",
            404,
        ),
        "logAnalytics": (f"{group}/providers/Microsoft.OperationalInsights/workspaces/log-missing", 404),
        "containers": (
            f"{group}/providers/Microsoft.Storage/storageAccounts/stmissingversions/blobServices/default/"
            "containers/missing",
            404,
        ),
        "roleAssignments": (
            f"{subscription}/providers/Microsoft.Authorization/roleAssignments/{MISSING_ROLE_ASSIGNMENT}",
            404,
        ),
        "roleDefinitions": (f"{subscription}/providers/Microsoft.Authorization/roleDefinitions/{READER}", 200),
        "resourceGroups": (group, 200),
        "resources": (f"{subscription}/resources", 200),
        "subscriptions": (subscription, 200),
        "providers": (f"{subscription}/providers/Microsoft.Storage", 200),
    }[kind]


@pytest.mark.parametrize(
    "kind, api_version", sorted({(entry["kind"], entry["api_version"]) for entry in CLIENT_VERSIONS})
)
def test_versions_the_pinned_clients_send_are_served(endpoint, client, kind, api_version):
    client.resource_groups.create_or_update("rg-versions", {"location": LOCATION})
    path, expected = probe_path(endpoint, kind)
    response = endpoint.call("GET", path, api_version=api_version)
    sources = [
        entry["source"] for entry in CLIENT_VERSIONS if (entry["kind"], entry["api_version"]) == (kind, api_version)
    ]
    assert response.status_code == expected, f"{kind} at {api_version} ({sources}): {response.text}"


# The oldest and newest versions azure-rest-api-specs lists (localazure/schema/catalog.py names the folders).
@pytest.mark.parametrize(
    "kind, api_version",
    [
        ("vaults", "2015-06-01"),
        ("vaults", "2026-04-01"),
        ("deletedVaults", "2016-10-01"),
        ("registries", "2017-03-01"),
        ("registries", "2026-09-01-preview"),
        ("virtualNetworks", "2015-06-15"),
        ("virtualNetworks", "2026-01-01"),
        ("storageAccounts", "2015-06-15"),
        ("containers", "2018-02-01"),
        ("resourceGroups", "2015-11-01"),
        ("resources", "2016-09-01"),
        ("resourceGroups", "2025-04-01"),
        ("logAnalytics", "2015-11-01-preview"),
        ("logAnalytics", "2025-02-01"),
        ("workspaces", "2018-11-19"),
        ("workspaces", "2025-10-01-preview"),
        ("datastores", "2021-03-01-preview"),
    ],
)
def test_versions_azure_lists_are_served(endpoint, client, kind, api_version):
    client.resource_groups.create_or_update("rg-versions", {"location": LOCATION})
    path, expected = probe_path(endpoint, kind)
    response = endpoint.call("GET", path, api_version=api_version)
    assert response.status_code == expected, f"{kind} at {api_version}: {response.text}"


@pytest.mark.parametrize(
    "kind, api_version",
    [
        (kind, "2014-02-30")
        for kind in ("vaults", "registries", "virtualNetworks", "resourceGroups", "resources", "workspaces")
    ]
    + [("datastores", "2021-07-01"), ("containers", "2017-10-01")],
)
def test_a_version_azure_does_not_list_is_still_refused(endpoint, client, kind, api_version):
    client.resource_groups.create_or_update("rg-versions", {"location": LOCATION})
    path, dummy_expected = probe_path(endpoint, kind)
    response = endpoint.call("GET", path, api_version=api_version)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] in ("InvalidApiVersionParameter", "NoRegisteredProviderFound")


def test_provider_lists_the_versions_served(endpoint, client):
    body = client.providers.get("Microsoft.KeyVault")
    versions = {item.resource_type: item.api_versions for item in body.resource_types}
    assert "2026-02-01" in versions["vaults"] and "2015-06-01" in versions["vaults"]
    network = {
        item.resource_type: item.api_versions for item in client.providers.get("Microsoft.Network").resource_types
    }
    assert "2025-07-01" in network["virtualNetworks"]


def test_keyvault_show_without_group_finds_the_vault_by_type_at_2015_11_01(endpoint, listed):
    """az keyvault show -n X (no -g) lists the subscription's resources of one type at 2015-11-01 and picks the
    name; here with virtual networks, the same request shape."""
    response = endpoint.call(
        "GET",
        f"/subscriptions/{endpoint.subscription_id}/resources?$filter=resourceType eq "
        "'Microsoft.Network/virtualNetworks'",
        api_version="2015-11-01",
    )
    assert response.status_code == 200, response.text
    found = {item["name"]: item["type"] for item in response.json()["value"]}
    assert {"vnet-a0", "vnet-a1", "vnet-b0", "vnet-b1"} <= set(found)
    assert set(found.values()) == {"Microsoft.Network/virtualNetworks"}
