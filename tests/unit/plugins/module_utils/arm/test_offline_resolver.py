"""The offline resolver's unknowns say, in fields a program reads, which resource and function they stand for."""

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import OfflineResolver, UnknownValue

ACCOUNT = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st"


def fields(value: UnknownValue) -> tuple:
    return value.kind, value.resource_id, value.function, value.source


def test_reference_is_an_unknown_for_the_resource():
    assert fields(OfflineResolver().reference(ACCOUNT, "2023-01-01", full=True)) == (
        "reference",
        ACCOUNT,
        "reference",
        f"reference({ACCOUNT})",
    )


def test_a_list_function_is_an_unknown_naming_the_function():
    assert fields(OfflineResolver().list("listKeys", ACCOUNT, "2023-01-01")) == (
        "list",
        ACCOUNT,
        "listKeys",
        f"listKeys({ACCOUNT})",
    )


def test_an_existing_resource_is_an_unknown_for_the_resource():
    assert fields(OfflineResolver().existing(ACCOUNT)) == ("existing", ACCOUNT, "existing", f"existing({ACCOUNT})")


def test_a_linked_template_is_an_unknown_that_stands_for_no_resource():
    unknown = OfflineResolver().linked_template("https://example.com/main.json")
    assert fields(unknown) == (None, None, None, "linkedTemplate(https://example.com/main.json)")
