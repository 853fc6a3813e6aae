"""``UnknownValue`` names the resource it stands for in structured fields, which the endpoint reads instead of
parsing ``source`` back with a regex (issue 8, section 5)."""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue
from localazure.deployments.resolver import missing_resource

ACCOUNT = (
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-x/providers/"
    "Microsoft.Storage/storageAccounts/stx"
)


def test_an_unknown_for_a_resource_has_structured_fields_and_the_same_text():
    unknown = UnknownValue.for_resource("list", ACCOUNT, "listKeys")
    assert (unknown.kind, unknown.resource_id, unknown.function) == ("list", ACCOUNT, "listKeys")
    assert unknown.source == f"listKeys({ACCOUNT})"
    assert str(unknown) == repr(unknown) == f"UnknownValue('listKeys({ACCOUNT})')"
    reference = UnknownValue.for_resource("reference", ACCOUNT)
    assert (reference.kind, reference.function, reference.source) == ("reference", "reference", f"reference({ACCOUNT})")


def test_other_unknowns_have_no_resource():
    unknown = UnknownValue("concat")
    assert (unknown.kind, unknown.resource_id, unknown.function) == (None, None, None)
    assert str(unknown) == "UnknownValue('concat')"


def test_a_missing_resource_is_read_from_the_fields():
    error = missing_resource(UnknownValue.for_resource("existing", ACCOUNT))
    assert (error.status, error.code) == (404, "ResourceNotFound")
    assert "'Microsoft.Storage/storageAccounts/stx' under resource group 'rg-x' was not found" in error.message
    group = missing_resource(UnknownValue.for_resource("reference", "/subscriptions/s/resourceGroups/rg-gone"))
    assert (group.status, group.code, group.message) == (
        404,
        "ResourceGroupNotFound",
        "Resource group 'rg-gone' could not be found.",
    )


def test_text_that_merely_looks_like_a_resource_is_not_parsed():
    """Only the fields count: an unknown whose text names a resource, without the fields, is no resource."""
    error = missing_resource(UnknownValue(f"reference({ACCOUNT})"))
    assert (error.status, error.code) == (400, "InvalidTemplate")
