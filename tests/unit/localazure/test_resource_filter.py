"""ARM's $filter and $top on resource lists: each supported clause selects what it names, tag conditions pair a
name with its value, and anything unsupported is refused with InvalidFilterInQueryString."""

import pytest

from localazure.errors import AzureError
from localazure.resource_filter import GROUP_PROPERTIES, page, parse_filter

SUB = "/subscriptions/00000000-0000-0000-0000-000000000001"


def item(group, name, kind, location="westeurope", **tags):
    return {
        "id": f"{SUB}/resourceGroups/{group}/providers/{kind}/{name}",
        "name": name,
        "type": kind,
        "location": location,
        **({"tags": tags} if tags else {}),
    }


ITEMS = [
    item("rg-a", "vnet-one", "Microsoft.Network/virtualNetworks", env="prod", team="ml"),
    item("rg-a", "stone", "Microsoft.Storage/storageAccounts", "northeurope", env="dev"),
    item("RG-B", "vnet-two", "Microsoft.Network/virtualNetworks", department="x"),
    item("rg-b", "kv", "Microsoft.KeyVault/vaults"),
]


def names(text):
    wanted = parse_filter(text)
    return [body["name"] for body in ITEMS if wanted(body)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, ["vnet-one", "stone", "vnet-two", "kv"]),
        ("", ["vnet-one", "stone", "vnet-two", "kv"]),
        ("resourceGroup eq 'rg-b'", ["vnet-two", "kv"]),
        ("resourceType eq 'microsoft.network/VIRTUALNETWORKS'", ["vnet-one", "vnet-two"]),
        ("resourceType ne 'Microsoft.Network/virtualNetworks'", ["stone", "kv"]),
        ("name eq 'KV'", ["kv"]),
        ("substringof('one', name)", ["vnet-one", "stone"]),
        ("substringof('vnet', name) and resourceGroup eq 'rg-a'", ["vnet-one"]),
        ("substringof('-b', resourceGroup)", ["vnet-two", "kv"]),
        ("location eq 'North Europe'", ["stone"]),
        ("tagName eq 'env'", ["vnet-one", "stone"]),
        ("tagName eq 'ENV' and tagValue eq 'prod'", ["vnet-one"]),
        ("tagName eq 'team' and tagValue eq 'prod'", []),
        ("startswith(tagName, 'depart')", ["vnet-two"]),
        ("name eq 'kv' or name eq 'stone'", ["stone", "kv"]),
        (
            "resourceType eq 'Microsoft.Network/virtualNetworks' and resourceGroup eq 'rg-a' or name eq 'kv'",
            ["vnet-one", "kv"],
        ),
        ("name eq 'it''s'", []),
        ("  name   EQ  'kv'  ", ["kv"]),
        # azure-cli 2.91 spells the tag clauses in lower case (resource/custom.py _list_resources_odata_filter_builder)
        ("tagname eq 'env' and tagvalue eq 'dev'", ["stone"]),
        ("startswith(tagname, 'dep')", ["vnet-two"]),
        (
            "resourceGroup eq 'rg-a' and name eq 'stone' and location eq 'northeurope' and "
            "resourceType eq 'Microsoft.Storage/storageAccounts'",
            ["stone"],
        ),
    ],
)
def test_supported_filters_select_what_they_name(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "identity/principalId eq 'x'",
        "plan eq 'x'",
        "tagValue eq 'prod'",
        "tagName ne 'env'",
        "tagName eq 'env' and resourceType eq 'Microsoft.Network/virtualNetworks'",
        "(name eq 'kv')",
        "name eq kv",
        "name eq 'kv' and",
        "contains(name, 'kv')",
        "substringof('x', location)",
        "name gt 'a'",
        "$filter=name eq 'kv'",
        "name eq 'unterminated",
        "name eq 'kv' name eq 'x'",
    ],
)
def test_unsupported_filters_get_invalid_filter_in_query_string(text):
    with pytest.raises(AzureError) as raised:
        parse_filter(text)
    assert raised.value.status == 400
    assert raised.value.code == "InvalidFilterInQueryString"
    assert raised.value.message == f"Invalid $filter '{text}' specified in the query string."


def test_resource_group_lists_filter_by_tags_only():
    assert parse_filter("tagName eq 'env' and tagValue eq 'prod'", GROUP_PROPERTIES)(ITEMS[0]) is True
    with pytest.raises(AzureError) as raised:
        parse_filter("name eq 'rg-a'", GROUP_PROPERTIES)
    assert raised.value.code == "InvalidFilterInQueryString"


def test_top_pages_with_next_links_until_the_last_item():
    query = {"api-version": "2021-04-01", "$top": "3", "$filter": "name eq 'x'"}
    items = [{"name": str(index)} for index in range(7)]
    seen, pages = [], 0
    while True:
        body = page(items, query, "https://arm.example/subscriptions/s/resources")
        seen.extend(entry["name"] for entry in body["value"])
        pages += 1
        assert len(body["value"]) <= 3
        if "nextLink" not in body:
            break
        link = body["nextLink"]
        assert link.startswith("https://arm.example/subscriptions/s/resources?")
        assert "%24filter=name+eq+%27x%27" in link and "%24top=3" in link
        query = {**query, "$skiptoken": link.rsplit("%24skiptoken=", 1)[1]}
    assert seen == [str(index) for index in range(7)] and pages == 3
    assert page(items, {}, "unused") == {"value": items}


@pytest.mark.parametrize(
    "query, code",
    [
        ({"$top": "0"}, "InvalidTopInQueryString"),
        ({"$top": "-1"}, "InvalidTopInQueryString"),
        ({"$top": "many"}, "InvalidTopInQueryString"),
        ({"$skiptoken": "abc"}, "InvalidSkipToken"),
    ],
)
def test_bad_paging_parameters_get_400(query, code):
    with pytest.raises(AzureError) as raised:
        page([{"name": "a"}], query, "unused")
    assert raised.value.status == 400 and raised.value.code == code


def test_only_a_tag_value_filter_hides_tags():
    assert parse_filter("tagName eq 'env' and tagValue eq 'dev'").by_tag_value is True
    assert parse_filter("tagName eq 'env'").by_tag_value is False
    assert parse_filter(None).by_tag_value is False
