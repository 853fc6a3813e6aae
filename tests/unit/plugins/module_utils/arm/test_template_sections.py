"""Nested child resources (also in copied parents), languageVersion 2.0 user-defined types, linked templates."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.errors import ArmTemplateError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.resolver import OfflineResolver
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template

CONTEXT = DeploymentContext(subscription_id="11111111-1111-1111-1111-111111111111", resource_group="rg1")
RG = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg1"


def vnet_with_subnet(**parent_extra):
    return {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": "2023-04-01",
        "location": "westeurope",
        "name": parent_extra.pop("name", "vnet"),
        **parent_extra,
        "resources": [
            {
                "type": "subnets",
                "apiVersion": "2023-04-01",
                "name": "snet",
                "properties": {"addressPrefix": "10.0.0.0/24"},
            }
        ],
    }


def test_child_resource_name_type_and_implicit_dependency_on_its_parent():
    result = evaluate_template({"resources": [vnet_with_subnet()]}, {}, CONTEXT)
    parent, child = result.resources
    assert child["type"] == "Microsoft.Network/virtualNetworks/subnets"
    assert child["name"] == "vnet/snet"
    assert child["id"] == f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet"
    assert child["dependsOn"] == [parent["id"]]
    assert result.waves == [[parent["id"]], [child["id"]]]


def test_child_resources_of_a_copied_parent_follow_each_iteration():
    parent = vnet_with_subnet(name="[format('vnet{0}', copyIndex())]", copy={"name": "nets", "count": 2})
    parent["resources"][0]["properties"] = {"addressPrefix": "[format('10.{0}.0.0/24', copyIndex())]"}
    result = evaluate_template({"resources": [parent]}, {}, CONTEXT)
    assert [resource["name"] for resource in result.resources] == ["vnet0", "vnet0/snet", "vnet1", "vnet1/snet"]
    assert result.resources[3]["properties"] == {"addressPrefix": "10.1.0.0/24"}
    assert result.resources[3]["dependsOn"] == [result.resources[2]["id"]]
    assert [len(wave) for wave in result.waves] == [2, 2]


def test_child_with_a_full_type_and_name_keeps_them():
    parent = vnet_with_subnet()
    parent["resources"][0].update(type="Microsoft.Network/virtualNetworks/subnets", name="vnet/full")
    result = evaluate_template({"resources": [parent]}, {}, CONTEXT)
    assert result.resources[1]["name"] == "vnet/full"


TYPED = {
    "languageVersion": "2.0",
    "definitions": {
        "workPackage": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2},
                "maxNodes": {"type": "int", "minValue": 1, "nullable": True},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}, "nullable": True},
            },
        },
        "store": {
            "type": "object",
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    "blob": {"type": "object", "properties": {"container": {"type": "string"}}},
                    "file": {"type": "object", "properties": {"share": {"type": "string"}}},
                },
            },
        },
    },
    "parameters": {
        "packages": {"type": "array", "items": {"$ref": "#/definitions/workPackage"}},
        "store": {"$ref": "#/definitions/store"},
        "optional": {"$ref": "#/definitions/workPackage", "nullable": True},
    },
    "resources": {},
    "outputs": {"first": {"$ref": "#/definitions/workPackage", "value": "[parameters('packages')[0]]"}},
}


def test_user_defined_types_accept_conforming_values():
    result = evaluate_template(
        TYPED,
        {
            "packages": [{"name": "perception", "maxNodes": 2}, {"name": "planning"}],
            "store": {"kind": "blob", "container": "data"},
        },
        CONTEXT,
    )
    assert result.outputs["first"] == {"name": "perception", "maxNodes": 2}


@pytest.mark.parametrize(
    "values, where, problem",
    [
        (
            {"packages": [{"name": 7}], "store": {"kind": "blob", "container": "c"}},
            "packages[0].name",
            "expected a value of type 'String' but the provided value is of type 'Integer'",
        ),
        (
            {"packages": [{"maxNodes": 1}], "store": {"kind": "blob", "container": "c"}},
            "packages[0].name",
            "the required property is missing",
        ),
        (
            {"packages": [{"name": "ab", "extra": 1}], "store": {"kind": "blob", "container": "c"}},
            "packages[0].extra",
            "the property is not allowed by the type",
        ),
        (
            {"packages": [{"name": "ab", "tags": {"a": 1}}], "store": {"kind": "blob", "container": "c"}},
            "packages[0].tags.a",
            "expected a value of type 'String'",
        ),
        (
            {"packages": [], "store": {"kind": "disk"}},
            "store.kind",
            "the discriminator value 'disk' is not one of 'blob, file'",
        ),
        (
            {"packages": [], "store": {"kind": "file", "container": "c"}},
            "store.share",
            "the required property is missing",
        ),
    ],
)
def test_user_defined_type_violations_are_arm_errors_with_the_path(values, where, problem):
    with pytest.raises(ArmTemplateError) as caught:
        evaluate_template(TYPED, values, CONTEXT)
    error = caught.value
    assert error.code == "InvalidTemplate"
    assert error.target == f"parameters.{where.split('.')[0].split('[')[0]}"
    assert f"at '{where}' {problem}" in error.message
    assert error.message.startswith("Deployment template validation failed: 'The provided value")


def test_user_defined_output_type_is_checked():
    template = {**TYPED, "outputs": {"first": {"$ref": "#/definitions/workPackage", "value": {"name": 3}}}}
    with pytest.raises(ArmTemplateError, match="at 'first.name' expected a value of type 'String'") as caught:
        evaluate_template(template, {"packages": [], "store": {"kind": "file", "share": "s"}}, CONTEXT)
    assert caught.value.target == "outputs.first"


def test_unknown_type_reference_is_reported():
    template = {"parameters": {"p": {"$ref": "#/definitions/missing"}}, "resources": []}
    with pytest.raises(ArmTemplateError, match="'#/definitions/missing' is not defined"):
        evaluate_template(template, {"p": 1}, CONTEXT)


LINKING = {
    "resources": [
        {
            "type": "Microsoft.Resources/deployments",
            "apiVersion": "2022-09-01",
            "name": "linked",
            "properties": {
                "mode": "Incremental",
                "templateLink": {"relativePath": "nested/storage.json"},
                "parameters": {"accountName": {"value": "stlinked"}},
            },
        }
    ],
    "outputs": {"accountId": {"type": "string", "value": "[reference('linked').outputs.accountId.value]"}},
}
LINKED = {
    "parameters": {"accountName": {"type": "string"}},
    "resources": [
        {
            "type": "Microsoft.Storage/storageAccounts",
            "apiVersion": "2023-01-01",
            "name": "[parameters('accountName')]",
            "location": "westeurope",
        }
    ],
    "outputs": {
        "accountId": {
            "type": "string",
            "value": "[resourceId('Microsoft.Storage/storageAccounts', parameters('accountName'))]",
        }
    },
}


class LinkingResolver(OfflineResolver):
    def __init__(self):
        self.asked = []

    def linked_template(self, location):
        self.asked.append(location)
        return LINKED if location == "nested/storage.json" else super().linked_template(location)


def test_linked_template_is_evaluated_when_the_resolver_supplies_it():
    resolver = LinkingResolver()
    result = evaluate_template(LINKING, {}, CONTEXT, resolver)
    assert resolver.asked == ["nested/storage.json"]
    assert [resource["name"] for resource in result.all_resources()] == ["linked", "stlinked"]
    assert result.outputs["accountId"] == f"{RG}/providers/Microsoft.Storage/storageAccounts/stlinked"


def test_linked_template_offline_is_known_only_after_deployment():
    result = evaluate_template(LINKING, {}, CONTEXT)
    assert [resource["name"] for resource in result.all_resources()] == ["linked"]
    assert result.nested == {}
    assert result.to_json()["outputs"]["accountId"].__class__.__name__ == "UnknownValue"


def test_errors_inside_a_linked_template_name_it():
    class Broken(OfflineResolver):
        def linked_template(self, location):
            return {
                "parameters": {"accountName": {"type": "string"}},
                "resources": [
                    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "[nope()]"}
                ],
            }

    with pytest.raises(ArmTemplateError) as caught:
        evaluate_template(LINKING, {}, CONTEXT, Broken())
    assert caught.value.target == "resources[0].properties.templateLink(nested/storage.json).resources[0].name"
