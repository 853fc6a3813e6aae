"""Template sections: resources with copy/condition/dependsOn, languageVersion 2.0, nested deployments,
outputs, limits, errors and secure values."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.errors import ArmTemplateError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import REDACTED, evaluate_template
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue

CONTEXT = DeploymentContext(
    subscription_id="11111111-1111-1111-1111-111111111111",
    resource_group="rg1",
    location="westeurope",
    deployment_name="main",
)
RG = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg1"


def storage(name, **extra):
    return {
        "type": "Microsoft.Storage/storageAccounts",
        "apiVersion": "2023-01-01",
        "name": name,
        "location": "[resourceGroup().location]",
        **extra,
    }


def evaluate(resources, **sections):
    return evaluate_template({"resources": resources, **sections}, sections.pop("values", {}), CONTEXT)


def test_resource_fields_are_fully_evaluated():
    result = evaluate(
        [
            storage(
                "[concat('sa', uniqueString('aaa'))]",
                sku={"name": "Standard_LRS"},
                kind="StorageV2",
                tags={"env": "[toUpper('dev')]"},
                properties={"minimumTlsVersion": "TLS1_2", "literal": "[[not an expression]"},
            )
        ]
    )
    resource = result.resources[0]
    assert resource["id"] == f"{RG}/providers/Microsoft.Storage/storageAccounts/sazavj67f3en4hc"
    assert resource["location"] == "westeurope"
    assert resource["tags"] == {"env": "DEV"}
    assert resource["properties"] == {"minimumTlsVersion": "TLS1_2", "literal": "[not an expression]"}
    assert resource["condition"] is True and resource["dependsOn"] == []
    assert result.waves == [[resource["id"]]]


def test_copy_loop_with_depends_on_loop_name_and_waves():
    result = evaluate(
        [
            storage("data"),
            {
                "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
                "apiVersion": "2023-01-01",
                "name": "[format('data/default/c{0}', copyIndex(1))]",
                "copy": {"name": "containers", "count": 3},
                "dependsOn": ["data"],
            },
            {
                "type": "Microsoft.Resources/tags",
                "apiVersion": "2022-09-01",
                "name": "default",
                "dependsOn": ["containers"],
                "properties": {},
            },
        ]
    )
    names = [resource["name"] for resource in result.resources]
    assert names == ["data", "data/default/c1", "data/default/c2", "data/default/c3", "default"]
    assert [len(wave) for wave in result.waves] == [1, 3, 1]
    assert len(result.resources[4]["dependsOn"]) == 3


def test_serial_copy_with_batch_size_deploys_in_batches():
    result = evaluate(
        [
            storage(
                "[concat('sa', copyIndex())]", copy={"name": "accounts", "count": 5, "mode": "serial", "batchSize": 2}
            )
        ]
    )
    assert [[resource_id.rsplit("/", 1)[1] for resource_id in wave] for wave in result.waves] == [
        ["sa0", "sa1"],
        ["sa2", "sa3"],
        ["sa4"],
    ]


def test_depends_on_by_resource_id_and_by_type_and_name():
    result = evaluate(
        [
            storage("first"),
            storage("second", dependsOn=["[resourceId('Microsoft.Storage/storageAccounts', 'first')]"]),
            storage("third", dependsOn=["Microsoft.Storage/storageAccounts/second"]),
        ]
    )
    assert [len(wave) for wave in result.waves] == [1, 1, 1]


def test_dependency_on_a_resource_not_in_the_template_is_an_error():
    with pytest.raises(ArmTemplateError, match="The resource 'ghost' is not defined in the template") as caught:
        evaluate([storage("a", dependsOn=["ghost"])])
    assert caught.value.target == "resources[0].dependsOn[0]"


def test_circular_dependency_is_an_error():
    with pytest.raises(ArmTemplateError, match="Circular dependency detected"):
        evaluate([storage("a", dependsOn=["b"]), storage("b", dependsOn=["a"])])


def test_condition_false_resources_are_listed_but_not_deployed():
    result = evaluate([storage("a", condition="[equals(1, 2)]"), storage("b", dependsOn=["a"])])
    assert [resource["condition"] for resource in result.resources] == [False, True]
    assert result.resources[1]["dependsOn"] == []
    assert result.waves == [[result.resources[1]["id"]]]


def test_property_copy_and_variable_copy():
    result = evaluate(
        [
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2023-04-01",
                "name": "vnet",
                "properties": {
                    "copy": [
                        {
                            "name": "subnets",
                            "count": 2,
                            "input": {
                                "name": "[concat('s', copyIndex('subnets'))]",
                                "addressPrefix": "[cidrSubnet('10.0.0.0/16', 24, copyIndex('subnets'))]",
                            },
                        }
                    ]
                },
            }
        ],
        variables={"copy": [{"name": "disks", "count": 2, "input": "[concat('d', copyIndex('disks'))]"}]},
        outputs={"disks": {"type": "array", "value": "[variables('disks')]"}},
    )
    assert result.resources[0]["properties"]["subnets"] == [
        {"name": "s0", "addressPrefix": "10.0.0.0/24"},
        {"name": "s1", "addressPrefix": "10.0.1.0/24"},
    ]
    assert result.outputs == {"disks": ["d0", "d1"]}


def test_outputs_with_copy_and_condition():
    result = evaluate(
        [],
        outputs={
            "names": {"type": "array", "copy": {"count": 2, "input": "[concat('n', copyIndex())]"}},
            "hidden": {"type": "string", "condition": "[false()]", "value": "x"},
            "shown": {"type": "bool", "value": "[true()]"},
        },
    )
    assert result.outputs == {"names": ["n0", "n1"], "shown": True}


def test_user_defined_functions():
    result = evaluate(
        [],
        functions=[
            {
                "namespace": "contoso",
                "members": {
                    "uniqueName": {
                        "parameters": [{"name": "namePrefix", "type": "string"}],
                        "output": {"type": "string", "value": "[concat(toLower(parameters('namePrefix')), 'x')]"},
                    }
                },
            }
        ],
        outputs={"name": {"type": "string", "value": "[contoso.uniqueName('ABC')]"}},
    )
    assert result.outputs == {"name": "abcx"}


def test_language_version_2_symbolic_names_and_existing_resources():
    template = {
        "languageVersion": "2.0",
        "resources": {
            "vault": {"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-02-01", "name": "kv1", "existing": True},
            "account": storage("sa1", properties={"vaultUri": "[reference('vault').vaultUri]"}),
            "lock": {
                "type": "Microsoft.Authorization/locks",
                "apiVersion": "2020-05-01",
                "name": "lock",
                "scope": "Microsoft.Storage/storageAccounts/sa1",
                "dependsOn": ["account"],
                "properties": {"level": "CanNotDelete"},
            },
        },
    }
    result = evaluate_template(template, {}, CONTEXT)
    assert [resource["symbolicName"] for resource in result.resources] == ["account", "lock"]
    assert isinstance(result.resources[0]["properties"]["vaultUri"], UnknownValue)
    lock = result.resources[1]
    assert (
        lock["id"]
        == f"{RG}/providers/Microsoft.Storage/storageAccounts/sa1/providers/Microsoft.Authorization/locks/lock"
    )
    assert lock["dependsOn"] == [result.resources[0]["id"]]


def nested(scope, resource_group="other-rg"):
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": "inner",
        "resourceGroup": resource_group,
        "properties": {
            "mode": "Incremental",
            "expressionEvaluationOptions": {"scope": scope},
            "parameters": {"prefix": {"value": "[parameters('prefix')]"}} if scope == "inner" else {},
            "template": {
                "parameters": {"prefix": {"type": "string", "defaultValue": "fromInner"}} if scope == "inner" else {},
                "resources": [storage("[concat(parameters('prefix'), 'sa')]")],
                "outputs": {"rg": {"type": "string", "value": "[resourceGroup().name]"}},
            },
        },
    }


@pytest.mark.parametrize("scope, expected_rg_output", [("inner", "other-rg"), ("outer", "rg1")])
def test_nested_deployment_scopes(scope, expected_rg_output):
    template = {
        "parameters": {"prefix": {"type": "string", "defaultValue": "outer"}},
        "resources": [nested(scope)],
        "outputs": {"fromNested": {"type": "string", "value": "[reference('inner').outputs.rg.value]"}},
    }
    result = evaluate_template(template, {}, CONTEXT)
    deployment = result.resources[0]
    assert deployment["id"] == (
        "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/other-rg/"
        "providers/Microsoft.Resources/deployments/inner"
    )
    inner = result.nested[deployment["id"]]
    assert inner.resources[0]["id"].endswith(
        "/resourceGroups/other-rg/providers/Microsoft.Storage/storageAccounts/outersa"
    )
    assert inner.outputs == {"rg": expected_rg_output}
    assert result.outputs == {"fromNested": expected_rg_output}
    assert [resource["name"] for resource in result.all_resources()] == ["inner", "outersa"]


def test_reference_is_unknown_offline_and_propagates():
    result = evaluate(
        [storage("a"), storage("b", properties={"endpoint": "[concat(reference('a').primaryEndpoints.blob, 'x')]"})]
    )
    assert isinstance(result.resources[1]["properties"]["endpoint"], UnknownValue)
    assert result.resources[1]["dependsOn"] == [result.resources[0]["id"]]


def test_resolver_supplies_reference_and_list_values():
    class Resolver:
        def reference(self, resource_id, api_version=None, full=False):
            return {"principalId": "p-1"}

        def list(self, function_name, resource_id, api_version=None, body=None):
            return {"keys": [{"value": "k"}]}

        def existing(self, resource_id, api_version=None):
            return {}

    template = {
        "resources": [],
        "outputs": {
            "principal": {
                "type": "string",
                "value": "[reference('/subscriptions/s/resourceGroups/g/providers/A.B/c/d', '2020-01-01').principalId]",
            },
            "key": {
                "type": "string",
                "value": "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2023-01-01').keys[0].value]",
            },
        },
    }
    assert evaluate_template(template, {}, CONTEXT, Resolver()).outputs == {"principal": "p-1", "key": "k"}


def test_expression_errors_name_function_and_path():
    with pytest.raises(ArmTemplateError) as caught:
        evaluate([storage("a", properties={"x": {"y": "[noSuchFunction()]"}})])
    assert caught.value.code == "InvalidTemplate"
    assert caught.value.target == "resources[0].properties.x.y"
    assert "The template function 'noSuchFunction' is not valid" in caught.value.message
    with pytest.raises(ArmTemplateError, match="'toLower': function requires 1 argument"):
        evaluate([], outputs={"o": {"type": "string", "value": "[toLower('a', 'b')]"}})
    with pytest.raises(
        ArmTemplateError, match="expects its parameter to be of type 'String'. The provided value is of type 'Integer'"
    ):
        evaluate([], outputs={"o": {"type": "string", "value": "[toLower(1)]"}})
    with pytest.raises(ArmTemplateError, match="Unable to parse language expression"):
        evaluate([], outputs={"o": {"type": "string", "value": "[concat('a']"}})


def test_names_of_functions_parameters_and_variables_are_case_insensitive():
    result = evaluate_template(
        {
            "parameters": {"Location": {"type": "string", "defaultValue": "x"}},
            "variables": {"Name": "v"},
            "resources": [],
            "outputs": {
                "o": {
                    "type": "string",
                    "value": "[CONCAT(PARAMETERS('location'), Variables('NAME'), resourceGroup().NAME)]",
                }
            },
        },
        {},
        CONTEXT,
    )
    assert result.outputs == {"o": "xvrg1"}


def test_secure_values_never_appear_in_results_or_errors():
    secret = "Sup3r-Secret-Value"
    template = {
        "parameters": {"password": {"type": "secureString"}, "cfg": {"type": "secureObject"}},
        "resources": [
            storage("a", properties={"pw": "[concat('pre-', parameters('password'))]", "cfg": "[parameters('cfg')]"})
        ],
        "outputs": {"leak": {"type": "string", "value": "[parameters('password')]"}},
    }
    result = evaluate_template(template, {"password": secret, "cfg": {"token": "tok-123456"}}, CONTEXT)
    text = repr(result)
    assert secret not in text and "tok-123456" not in text
    assert result.resources[0]["properties"]["pw"] == f"pre-{REDACTED}"
    assert result.outputs["leak"] == REDACTED
    bad = {**template, "outputs": {"o": {"type": "int", "value": "[parameters('password')]"}}}
    with pytest.raises(ArmTemplateError) as caught:
        evaluate_template(bad, {"password": secret, "cfg": {}}, CONTEXT)
    assert secret not in str(caught.value.to_arm_error())
    revealed = evaluate_template(template, {"password": secret, "cfg": {}}, CONTEXT, reveal_secure_values=True)
    assert revealed.outputs["leak"] == secret


@pytest.mark.parametrize("section, count, limit", [("parameters", 257, 256), ("outputs", 65, 64)])
def test_documented_section_limits(section, count, limit):
    entries = {
        f"n{index}": {"type": "string", "defaultValue": "x"}
        if section == "parameters"
        else {"type": "string", "value": "x"}
        for index in range(count)
    }
    with pytest.raises(ArmTemplateError, match=f"exceeds the maximum number of {section} '{limit}'"):
        evaluate_template({section: entries, "resources": []}, {}, CONTEXT)


def test_resource_limit_counts_copy_instances():
    with pytest.raises(ArmTemplateError, match="exceeds the maximum number of resources '800'"):
        evaluate(
            [
                storage("[concat('a', copyIndex())]", copy={"name": "l", "count": 400}),
                storage("[concat('b', copyIndex())]", copy={"name": "m", "count": 401}),
            ]
        )


def test_template_size_limit():
    with pytest.raises(ArmTemplateError, match="exceeds the maximum template size"):
        evaluate([], variables={"big": "x" * (4 * 1024 * 1024 + 1)})


def test_subscription_scope_deployment():
    context = CONTEXT.replace(scope="subscription")
    result = evaluate_template(
        {
            "resources": [
                {
                    "type": "Microsoft.Resources/resourceGroups",
                    "apiVersion": "2022-09-01",
                    "name": "rg-new",
                    "location": "westeurope",
                }
            ]
        },
        {},
        context,
    )
    assert result.resources[0]["id"] == "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-new"
    with pytest.raises(ArmTemplateError, match="'resourceGroup' is not expected"):
        evaluate_template(
            {"resources": [], "outputs": {"o": {"type": "string", "value": "[resourceGroup().name]"}}}, {}, context
        )


def test_one_id_declared_twice_is_allowed_when_only_one_declaration_is_deployed():
    def storage(condition):
        return {
            "condition": condition,
            "type": "Microsoft.Storage/storageAccounts",
            "apiVersion": "2023-01-01",
            "name": "same",
            "location": "westeurope",
            "properties": {"note": str(condition)},
        }

    result = evaluate_template({"resources": [storage(False), storage(True)]}, {})
    assert [resource["condition"] for resource in result.resources] == [False, True]
    with pytest.raises(ArmTemplateError, match="is defined multiple times"):
        evaluate_template({"resources": [storage(True), storage(True)]}, {})


def test_the_depends_on_of_a_resource_that_is_not_deployed_is_not_resolved():
    skipped = {
        "condition": False,
        "type": "Microsoft.Storage/storageAccounts",
        "apiVersion": "2023-01-01",
        "name": "skipped",
        "location": "westeurope",
        "dependsOn": ["[resourceId('Microsoft.Storage/storageAccounts', '')]"],
    }
    result = evaluate_template({"resources": [skipped]}, {})
    assert result.resources[0]["condition"] is False
    deployed = dict(skipped, condition=True)
    with pytest.raises(ArmTemplateError, match="is not defined in the template"):
        evaluate_template({"resources": [deployed]}, {})
