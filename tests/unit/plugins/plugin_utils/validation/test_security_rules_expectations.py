"""What each kind of expectation of a security rule accepts, and how property paths read a resource."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import UnknownValue
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_model import (
    Expectation,
    PropertyPath,
    RuleFileError,
)

RESOURCE = {
    "properties": {
        "policies": {"exportPolicy": {"status": "disabled"}},
        "logs": [{"category": "StorageRead", "enabled": True}, {"category": "StorageWrite", "enabled": False}],
        "permissions": [{"notActions": ["a/write", "b/delete"]}, {"notActions": ["c/action"]}],
        "publicNetworkAccess": None,
    },
    "tags": {"environment": "dev", "cost centre": "CC-1"},
}


def expectation(kind, value, ignore_case=False):
    return Expectation(kind, value, ignore_case, "$.rules[0].expect")


def holds(kind, value, path, ignore_case=False):
    return expectation(kind, value, ignore_case).holds(PropertyPath.parse(path, "$").read(RESOURCE), value)[0]


@pytest.mark.parametrize(
    "kind, value, path, ignore_case, expected",
    [
        ("equals", "disabled", "properties.policies.exportPolicy.status", False, True),
        ("equals", "Disabled", "properties.policies.exportPolicy.status", False, False),
        ("equals", "Disabled", "properties.policies.exportPolicy.status", True, True),
        ("equals", "disabled", "Properties.Policies.ExportPolicy.Status", False, True),  # ARM's keys ignore case
        ("equals", "disabled", "properties.policies.importPolicy.status", False, False),
        ("one_of", ["enabled", "disabled"], "properties.policies.exportPolicy.status", False, True),
        ("one_of", ["enabled"], "properties.policies.exportPolicy.status", False, False),
        ("matches", "^dis", "properties.policies.exportPolicy.status", False, True),
        ("matches", "^DIS", "properties.policies.exportPolicy.status", False, False),
        ("matches", "^DIS", "properties.policies.exportPolicy.status", True, True),
        ("matches", ".", "properties.logs", False, False),  # not a string
        ("present", True, "tags.environment", False, True),
        ("present", True, "properties.publicNetworkAccess", False, False),  # null is not a value
        ("absent", True, "properties.publicNetworkAccess", False, True),
        ("absent", True, "tags.environment", False, False),
        ("contains_all", [{"category": "StorageRead", "enabled": True}], "properties.logs", False, True),
        ("contains_all", [{"category": "StorageWrite", "enabled": True}], "properties.logs", False, False),
        ("contains_all", ["environment", "cost centre"], "tags", False, True),
        ("contains_all", ["environment", "workPackage"], "tags", False, False),
        ("contains_all", ["B/DELETE"], "properties.permissions[0].notActions", True, True),
        ("contains_all", ["B/DELETE"], "properties.permissions[0].notActions", False, False),
        ("contains_all", ["c/action"], "properties.permissions[0].notActions", False, False),
        ("contains_all", ["a/write", "c/action"], "properties.permissions[*].notActions[*]", False, True),
        ("equals", "CC-1", "tags['cost centre']", False, True),
        ("equals", "b/delete", "properties.permissions[0].notActions[1]", False, True),
        ("equals", "b/delete", "properties.permissions[0].notActions[5]", False, False),
    ],
)
def test_an_expectation_holds_exactly_when_it_should(kind, value, path, ignore_case, expected):
    assert holds(kind, value, path, ignore_case) is expected


def test_contains_all_says_what_is_lacking():
    ok, lacking = expectation("contains_all", ["environment", "workPackage", "costCentre"]).holds(
        RESOURCE["tags"], ["environment", "workPackage", "costCentre"]
    )
    assert not ok
    assert lacking == ["workPackage", "costCentre"]


@pytest.mark.parametrize("kind, value", [("equals", True), ("absent", True), ("matches", "x"), ("one_of", [1])])
def test_a_value_known_only_after_deployment_passes_every_expectation(kind, value):
    assert expectation(kind, value).holds(UnknownValue("reference"), value) == (True, None)


@pytest.mark.parametrize("text", ["", ".a", "a..b", "a[x]", "a[0", "a b"])
def test_a_malformed_property_path_is_refused(text):
    with pytest.raises(RuleFileError) as raised:
        if not text:
            raise RuleFileError("$", "empty", "")  # the schema refuses an empty path (minLength)
        PropertyPath.parse(text, "$.rules[0].property")
    assert raised.value.json_path in ("$", "$.rules[0].property")


def test_a_property_path_renders_as_a_json_path_suffix():
    path = PropertyPath.parse("properties.permissions[0].notActions[*]", "$")
    assert path.json_suffix() == ".properties.permissions[0].notActions[*]"
    assert PropertyPath.parse("tags['cost centre']", "$").json_suffix() == ".tags['cost centre']"
