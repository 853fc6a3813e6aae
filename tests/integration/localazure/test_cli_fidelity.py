"""What Azure CLI 2.91 and azure.azcollection 3.12 found, through the unmodified azure-mgmt-resource clients they
use: resource group names as ARM allows them (Unicode letters and digits, percent-encoded by the SDK), and
invalid ones refused with ARM's error."""
import uuid

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


@pytest.mark.parametrize("name, fragment", [("rg!bang", "invalid characters: '!'"),
                                            ("rg-ü.", "must not end in a period"),
                                            ("é" * 91, "1-90 characters")])
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
    assignment = authorization.role_assignments.create(group.id, str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": f"/subscriptions/{endpoint.subscription_id}/providers/Microsoft.Authorization/"
                            f"roleDefinitions/{READER}",
        "principalId": developer["object_id"], "principalType": "ServicePrincipal"}})
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
            resource_id = (f"/subscriptions/{endpoint.subscription_id}/resourceGroups/{group}/providers/"
                           f"Microsoft.Network/virtualNetworks/{name}")
            client.resources.begin_create_or_update_by_id(resource_id, {
                "location": LOCATION, "tags": tags,
                "properties": {"addressSpace": {"addressPrefixes": [f"10.{index}.0.0/16"]}}}, api_version=NETWORK_VERSION).result()
            made[name] = resource_id
    return made


@pytest.mark.parametrize("group, text, expected", [
    (None, "resourceGroup eq 'rg-list-a'", ["vnet-a0", "vnet-a1"]),
    (None, "resourceType eq 'Microsoft.Network/virtualNetworks' and resourceGroup eq 'rg-list-b'",
     ["vnet-b0", "vnet-b1"]),
    (None, "name eq 'vnet-b1'", ["vnet-b1"]),
    (None, "substringof('vnet-a', name)", ["vnet-a0", "vnet-a1"]),
    (None, "tagName eq 'team'", ["vnet-a0", "vnet-b0"]),
    (None, "tagName eq 'env' and tagValue eq 'dev'", ["vnet-a1", "vnet-b1"]),
    ("rg-list-a", None, ["vnet-a0", "vnet-a1"]),
    ("rg-list-b", "tagName eq 'env' and tagValue eq 'prod'", ["vnet-b0"]),
    ("rg-list-b", "name eq 'vnet-a0'", []),
    ("rg-list-a", "location eq 'westeurope'", ["vnet-a0", "vnet-a1"]),
    ("rg-list-a", "location eq 'northeurope'", []),
])
def test_resource_lists_apply_filter(client, listed, group, text, expected):
    items = client.resources.list_by_resource_group(group, filter=text) if group else client.resources.list(
        filter=text)
    found = sorted(item.name for item in items if item.name.startswith("vnet-"))
    assert found == expected


def test_resource_lists_page_by_top(endpoint, client, listed):
    pages = [[item.name for item in current]
             for current in client.resources.list(filter="substringof('vnet-a', name) or substringof('vnet-b', name)", top=3).by_page()]
    assert [len(names) for names in pages] == [3, 1], pages
    assert sorted(sum(pages, [])) == sorted(listed)
    in_group = [[item.name for item in current]
                for current in client.resources.list_by_resource_group("rg-list-b", top=1).by_page()]
    assert in_group == [["vnet-b0"], ["vnet-b1"]]
    groups = [[group.name for group in current]
              for current in client.resource_groups.list(filter="tagName eq 'none'", top=1).by_page()]
    assert groups == [[]]


@pytest.mark.parametrize("text", ["identity/principalId eq 'x'", "tagName eq 'env' and name eq 'vnet-a0'",
                                  "name eq vnet-a0"])
def test_unsupported_filters_get_arms_400(client, listed, text):
    for call in (lambda: list(client.resources.list(filter=text)),
                 lambda: list(client.resources.list_by_resource_group("rg-list-a", filter=text)),
                 lambda: list(client.resource_groups.list(filter=text))):
        with pytest.raises(HttpResponseError) as raised:
            call()
        assert raised.value.status_code == 400
        assert raised.value.error.code == "InvalidFilterInQueryString"
        assert raised.value.error.message == f"Invalid $filter '{text}' specified in the query string."


def test_resource_group_list_filters_by_tag(client):
    client.resource_groups.create_or_update("rg-tagged-list", {"location": LOCATION, "tags": {"purpose": "list"}})
    found = [group.name for group in client.resource_groups.list(filter="tagName eq 'purpose' and tagValue eq 'list'")]
    assert found == ["rg-tagged-list"]
