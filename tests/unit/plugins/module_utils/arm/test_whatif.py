"""What-if changes in the shape Microsoft documents (deployment-what-if.md): change types and property deltas."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.whatif import (
    EFFECTIVE_CHANGE_TYPES,
    effective_change_type,
    resource_change,
)

ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa"


def account(**properties):
    return {"location": "westeurope", "sku": {"name": "Standard_LRS"}, "properties": properties}


def test_absent_resource_is_created():
    change = resource_change(ID, None, account(minimumTlsVersion="TLS1_2"))
    assert change["changeType"] == "Create" and change["delta"] == [] and change["before"] is None


@pytest.mark.parametrize("mode, expected", [("Incremental", "Ignore"), ("Complete", "Delete")])
def test_resource_in_the_group_but_not_in_the_template(mode, expected):
    assert resource_change(ID, account(), None, mode=mode)["changeType"] == expected


def test_identical_resource_is_no_change():
    assert resource_change(ID, account(a=1), account(a=1))["changeType"] == "NoChange"


def test_nested_object_property_is_a_modify_at_its_full_path():
    current = account(encryption={"services": {"blob": {"enabled": False}}, "keySource": "Microsoft.Storage"})
    desired = account(encryption={"services": {"blob": {"enabled": True}}, "keySource": "Microsoft.Storage"})
    change = resource_change(ID, current, desired)
    assert change["changeType"] == "Modify"
    assert change["delta"] == [
        {
            "path": "properties.encryption.services.blob.enabled",
            "propertyChangeType": "Modify",
            "before": False,
            "after": True,
        }
    ]


def test_added_and_removed_properties():
    change = resource_change(ID, account(a=1, b=2), account(a=1, b=None, c=3))
    kinds = {entry["path"]: entry["propertyChangeType"] for entry in change["delta"]}
    assert kinds == {"properties.b": "Delete", "properties.c": "Create"}


def test_array_changes_are_reported_by_index_as_children():
    current = account(
        rules=[{"value": "10.0.0.1", "action": "Allow"}, {"value": "10.0.0.2", "action": "Allow"}], zones=["1"]
    )
    desired = account(
        rules=[
            {"value": "10.0.0.1", "action": "Allow"},
            {"value": "10.0.0.9", "action": "Allow"},
            {"value": "10.0.0.3", "action": "Allow"},
        ],
        zones=["1"],
    )
    change = resource_change(ID, current, desired)
    assert change["changeType"] == "Modify"
    (array,) = change["delta"]
    assert array["path"] == "properties.rules" and array["propertyChangeType"] == "Array"
    modified, created = array["children"]
    assert modified["path"] == "1" and modified["propertyChangeType"] == "Modify"
    assert modified["children"] == [
        {"path": "value", "propertyChangeType": "Modify", "before": "10.0.0.2", "after": "10.0.0.9"}
    ]
    assert created == {"path": "2", "propertyChangeType": "Create", "after": {"value": "10.0.0.3", "action": "Allow"}}


def test_shorter_array_deletes_by_index():
    (array,) = resource_change(ID, account(zones=["1", "2"]), account(zones=["1"]))["delta"]
    assert array["children"] == [{"path": "1", "propertyChangeType": "Delete", "before": "2"}]


def test_read_only_and_server_defaulted_properties_do_not_count():
    current = account(
        minimumTlsVersion="TLS1_2",
        provisioningState="Succeeded",
        creationTime="2024-01-01",
        primaryEndpoints={"blob": "https://sa.blob.core.windows.net/"},
        accessTier="Hot",
    )
    current.update(etag='W/"1"', id=ID, name="sa", type="Microsoft.Storage/storageAccounts")
    change = resource_change(ID, current, account(minimumTlsVersion="TLS1_2"))
    assert change["changeType"] == "NoChange" and change["delta"] == []


def test_template_setting_a_read_only_property_is_a_modify_of_no_effect():
    """Azure's what-if noise: the resource is Modify, its every property change NoEffect."""
    change = resource_change(ID, account(provisioningState="Succeeded"), account(provisioningState="Creating"))
    assert change["changeType"] == "Modify"
    assert change["delta"] == [
        {
            "path": "properties.provisioningState",
            "propertyChangeType": "NoEffect",
            "before": "Succeeded",
            "after": "Creating",
        }
    ]
    assert effective_change_type(change) == "NoChange"


def test_read_only_property_inside_an_array_item_is_no_effect():
    current = vnet("10.0.0.0/16", [("s1", "10.0.0.0/24")])
    current["properties"]["subnets"][0]["properties"]["provisioningState"] = "Succeeded"
    desired = vnet("10.0.0.0/16", [("s1", "10.0.0.0/24")])
    desired["properties"]["subnets"][0]["properties"]["provisioningState"] = "Updating"
    change = resource_change(VNET_ID, current, desired)
    assert change["changeType"] == "Modify" and effective_change_type(change) == "NoChange"
    (array,) = change["delta"]
    (item,) = array["children"]
    assert item["propertyChangeType"] == "NoEffect"
    assert item["children"] == [
        {
            "path": "properties.provisioningState",
            "propertyChangeType": "NoEffect",
            "before": "Succeeded",
            "after": "Updating",
        }
    ]


def test_a_property_read_only_in_another_type_counts_where_it_is_writable():
    """Read-only is decided by type and path: the same name may be read-only in one place and not in another."""
    current = account(endpoints=[{"name": "e1", "provisioningState": "Succeeded"}])
    desired = account(endpoints=[{"name": "e1", "provisioningState": "Updating"}])
    change = resource_change(ID, current, desired)
    assert effective_change_type(change) == "Modify"
    assert change["delta"][0]["children"][0]["propertyChangeType"] == "Modify"


KEY_VAULT_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
WORKSPACE_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
TENANT, OTHER_TENANT = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"


def key_vault(tenant_id):
    return {
        "location": "westeurope",
        "properties": {
            "tenantId": tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enableRbacAuthorization": True,
        },
    }


def workspace(**properties):
    return {
        "location": "westeurope",
        "identity": {"type": "SystemAssigned", "principalId": "p1", "tenantId": TENANT},
        "properties": {"friendlyName": "ws", **properties},
    }


def test_a_key_vaults_tenant_is_writable_so_a_new_tenant_is_a_modify():
    change = resource_change(KEY_VAULT_ID, key_vault(TENANT), key_vault(OTHER_TENANT))
    assert change["changeType"] == "Modify" and effective_change_type(change) == "Modify"
    assert change["delta"] == [
        {"path": "properties.tenantId", "propertyChangeType": "Modify", "before": TENANT, "after": OTHER_TENANT}
    ]


def test_a_workspaces_tenant_and_identity_ids_are_read_only():
    current = workspace(tenantId=TENANT)
    desired = workspace(tenantId=OTHER_TENANT)
    desired["identity"].update(principalId="p2", tenantId=OTHER_TENANT)
    change = resource_change(WORKSPACE_ID, current, desired)
    assert change["changeType"] == "Modify" and effective_change_type(change) == "NoChange"
    assert {entry["path"]: entry["propertyChangeType"] for entry in change["delta"]} == {
        "identity.principalId": "NoEffect",
        "identity.tenantId": "NoEffect",
        "properties.tenantId": "NoEffect",
    }


def test_hbi_workspace_is_writable_so_a_change_shows():
    """Immutable after creation in Azure, but not read-only in the model: what-if shows the change."""
    change = resource_change(WORKSPACE_ID, workspace(hbiWorkspace=False), workspace(hbiWorkspace=True))
    assert effective_change_type(change) == "Modify"
    assert change["delta"] == [
        {"path": "properties.hbiWorkspace", "propertyChangeType": "Modify", "before": False, "after": True}
    ]


def test_map_values_of_user_assigned_identities_are_read_only_below_any_key():
    identity_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u"
    current, desired = workspace(), workspace()
    current["identity"]["userAssignedIdentities"] = {identity_id: {"principalId": "p1", "clientId": "c1"}}
    desired["identity"]["userAssignedIdentities"] = {identity_id: {"principalId": "p9", "clientId": "c9"}}
    change = resource_change(WORKSPACE_ID, current, desired)
    assert [entry["propertyChangeType"] for entry in change["delta"]] == ["NoEffect", "NoEffect"]


def test_an_empty_member_name_is_an_ordinary_name():
    change = resource_change(WORKSPACE_ID, {"tags": {"": "a"}}, {"tags": {"": "b"}})
    assert change["delta"] == [{"path": "tags.", "propertyChangeType": "Modify", "before": "a", "after": "b"}]


def test_the_bodies_type_decides_over_the_id():
    current, desired = key_vault(TENANT), key_vault(OTHER_TENANT)
    current["type"] = desired["type"] = "Microsoft.MachineLearningServices/workspaces"
    assert effective_change_type(resource_change(KEY_VAULT_ID, current, desired)) == "NoChange"


def test_a_type_without_a_table_falls_back_to_the_universal_server_fields():
    other_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Example/widgets/w"
    current = {
        "identity": {"principalId": "p1"},
        "etag": "1",
        "properties": {"tenantId": TENANT, "rules": [{"provisioningState": "Succeeded"}]},
    }
    desired = {
        "identity": {"principalId": "p2"},
        "etag": "2",
        "properties": {"tenantId": OTHER_TENANT, "rules": [{"provisioningState": "Updating"}]},
    }
    change = resource_change(other_id, current, desired)
    assert {entry["path"]: entry["propertyChangeType"] for entry in change["delta"]} == {
        "identity.principalId": "NoEffect",
        "properties.tenantId": "Modify",
        "properties.rules": "Array",
    }
    assert change["delta"][-1]["children"][0]["propertyChangeType"] == "NoEffect"


def test_effective_change_type_reads_azures_rest_shape():
    def change(*delta, change_type="Modify"):
        return {"resourceId": ID, "changeType": change_type, "delta": list(delta)}

    no_effect = {"path": "properties.provisioningState", "propertyChangeType": "NoEffect", "before": "a", "after": "b"}
    noise_array = {
        "path": "properties.subnets",
        "propertyChangeType": "Array",
        "children": [
            {
                "path": "0",
                "propertyChangeType": "Modify",
                "children": [{"path": "properties.provisioningState", "propertyChangeType": "NoEffect"}],
            },
            {"path": "1", "propertyChangeType": "NoEffect", "children": None},
        ],
    }
    real = {
        "path": "properties.minimumTlsVersion",
        "propertyChangeType": "Modify",
        "before": "TLS1_0",
        "after": "TLS1_2",
    }
    assert effective_change_type(change(no_effect, noise_array)) == "NoChange"
    assert effective_change_type(change(no_effect, real)) == "Modify"
    assert effective_change_type(change({**noise_array, "children": [real]})) == "Modify"
    assert effective_change_type(change({"path": "tags.a", "propertyChangeType": "Delete", "before": "x"})) == "Modify"
    assert effective_change_type({"resourceId": ID, "changeType": "Modify", "delta": None}) == "NoChange"
    for kept in ("Create", "Delete", "Deploy", "NoChange", "Ignore", "Unsupported"):
        assert effective_change_type(change(no_effect, change_type=kept)) == kept
    assert EFFECTIVE_CHANGE_TYPES == ("Create", "Delete", "Modify", "Deploy")


def test_case_of_ids_and_location_spelling_are_not_changes():
    current = {"location": "westeurope", "properties": {"subnet": ID.upper()}}
    desired = {"location": "West Europe", "properties": {"subnet": ID}}
    assert resource_change(ID, current, desired)["changeType"] == "NoChange"


def test_values_known_only_after_deployment_make_it_deploy():
    change = resource_change(ID, account(key="a"), account(key=UnknownValue("listKeys")))
    assert change["changeType"] == "Deploy"


def test_a_resource_must_exist_on_one_side():
    with pytest.raises(ValueError):
        resource_change(ID, None, None)


VNET_ID = "/subscriptions/s/resourceGroups/ExampleGroup/providers/Microsoft.Network/virtualNetworks/vnet-001"


def vnet(prefix, subnets, tags=None):
    return {
        "location": "centralus",
        "tags": tags,
        "properties": {
            "addressSpace": {"addressPrefixes": [prefix]},
            "subnets": [{"name": name, "properties": {"addressPrefix": address}} for name, address in subnets],
        },
    }


def test_the_documented_example():
    """deploy-what-if.md (MicrosoftDocs azure-docs), "See results": deploying what-if-after.json over
    what-if-before.json (Azure/azure-docs-json-samples, azure-resource-manager/what-if) prints

      ~ Microsoft.Network/virtualNetworks/vnet-001 [2018-10-01]
        - tags.Owner: "Team A"
        ~ properties.addressSpace.addressPrefixes: [
          - 0: "10.0.0.0/16"
          + 0: "10.0.0.0/15"
          ]
        ~ properties.subnets: [
          - 0:
              name:                     "subnet001"
              properties.addressPrefix: "10.0.0.0/24"
          ]
    """
    before = vnet("10.0.0.0/16", [("subnet001", "10.0.0.0/24"), ("subnet002", "10.0.1.0/24")], {"Owner": "Team A"})
    after = vnet("10.0.0.0/15", [("subnet002", "10.0.1.0/24")])
    change = resource_change(VNET_ID, before, after)
    assert change["changeType"] == "Modify" and change["before"] is before and change["after"] is after
    assert change["delta"] == [
        {"path": "tags.Owner", "propertyChangeType": "Delete", "before": "Team A"},
        {
            "path": "properties.addressSpace.addressPrefixes",
            "propertyChangeType": "Array",
            "before": ["10.0.0.0/16"],
            "after": ["10.0.0.0/15"],
            "children": [
                {"path": "0", "propertyChangeType": "Delete", "before": "10.0.0.0/16"},
                {"path": "0", "propertyChangeType": "Create", "after": "10.0.0.0/15"},
            ],
        },
        {
            "path": "properties.subnets",
            "propertyChangeType": "Array",
            "before": before["properties"]["subnets"],
            "after": after["properties"]["subnets"],
            "children": [
                {
                    "path": "0",
                    "propertyChangeType": "Delete",
                    "before": {"name": "subnet001", "properties": {"addressPrefix": "10.0.0.0/24"}},
                }
            ],
        },
    ]


def test_item_inserted_at_the_front_is_one_create_not_a_shift():
    (array,) = resource_change(ID, account(zones=["2", "3"]), account(zones=["1", "2", "3"]))["delta"]
    assert array["children"] == [{"path": "0", "propertyChangeType": "Create", "after": "1"}]


def test_reordered_items_are_a_change():
    (array,) = resource_change(ID, account(zones=["1", "2"]), account(zones=["2", "1"]))["delta"]
    assert [child["propertyChangeType"] for child in array["children"]] == ["Delete", "Create"]


def test_unsupported_resource_carries_the_reason():
    """WhatIfChange.unsupportedReason (resources.json): set when changeType is Unsupported."""
    change = resource_change(ID, account(), account(), unsupported_reason="Nested deployment with a parametersLink")
    assert change["changeType"] == "Unsupported"
    assert change["unsupportedReason"] == "Nested deployment with a parametersLink"
