"""uniqueString and guid against values Azure itself produced, each with its public source."""

import uuid

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.hashing import deterministic_guid, unique_string

# (arguments, value, source). Each value was produced by Azure Resource Manager (or by Microsoft's own
# library) and published independently of this project.
KNOWN_UNIQUE_STRINGS = [
    (("aaa",), "zavj67f3en4hc", "issue 3 / DESIGN.md (known ARM output)"),
    (("xxx", "yyy", "zzz"), "lghi7k5js7itq", "issue 3 / DESIGN.md (known ARM output)"),
    # 62 bytes: seven full 8-byte blocks and a 6-byte tail, so the block loop is exercised, not only the tail.
    (
        ("/subscriptions/00000000-0000-0000-0000-000000000000", "resource-id"),
        "cwvxuqg24sifi",
        "Azure/terraform-provider-azapi internal/services/functions/unique_string_function_test.go",
    ),
    # 150 bytes; the test calls it 'valueFromArmTemplate' (an earlier revision of the same file carried a
    # different value, yeygmhukyx3qg, later corrected to this one).
    (
        (
            "/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/rg-modm201-20230913120256/providers/"
            "Microsoft.Compute/virtualMachines/bobjacmodm201",
        ),
        "yvjxno3je5on2",
        "modm ArmFunctionsTests.UniqueStringShouldEqualValueCreatedFromArmTemplate (Modm.Tests.UnitTests)",
    ),
]


@pytest.mark.parametrize(
    "arguments, expected, source",
    KNOWN_UNIQUE_STRINGS,
    ids=[case[2].split()[0] + f"-{len(''.join(case[0]))}" for case in KNOWN_UNIQUE_STRINGS],
)
def test_unique_string_matches_azure(arguments, expected, source):
    assert unique_string(*arguments) == expected, source


def test_unique_string_shape():
    for arguments in (("",), ("a" * 7,), ("a" * 8,), ("a" * 9,), ("é", "ü")):
        value = unique_string(*arguments)
        assert len(value) == 13 and set(value) <= set("abcdefghijklmnopqrstuvwxyz234567"), arguments


def test_unique_string_joins_arguments_with_a_hyphen():
    assert unique_string("a", "b") == unique_string("a-b")
    assert unique_string("a", "b") != unique_string("ab")


def test_guid_is_a_version_5_uuid_in_the_documented_namespace():
    # template-functions-string.md: guid() implements RFC 4122 section 4.3 (name-based, SHA-1); DESIGN.md
    # records the namespace and the '-' join. Python's uuid5 is an independent RFC 4122 implementation.
    value = deterministic_guid("subscriptionId", "rg", "storage")
    parsed = uuid.UUID(value)
    assert parsed.version == 5 and parsed.variant == uuid.RFC_4122
    assert value == str(uuid.uuid5(uuid.UUID("11fb06fb-712d-4ddd-98c7-e71bbd588830"), "subscriptionId-rg-storage"))
    assert value == value.lower() and len(value) == 36


def test_guid_joins_arguments_with_a_hyphen_and_is_deterministic():
    assert deterministic_guid("a", "b") == deterministic_guid("a-b")
    assert deterministic_guid("a", "b") != deterministic_guid("ab")
    assert deterministic_guid("x") == deterministic_guid("x")
