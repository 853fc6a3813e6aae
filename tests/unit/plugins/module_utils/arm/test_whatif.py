"""What-if changes in the shape Microsoft documents (deployment-what-if.md): change types and property deltas."""
import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.values import UnknownValue
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.whatif import resource_change

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
    assert change["delta"] == [{"path": "properties.encryption.services.blob.enabled",
                                "propertyChangeType": "Modify", "before": False, "after": True}]


def test_added_and_removed_properties():
    change = resource_change(ID, account(a=1, b=2), account(a=1, b=None, c=3))
    kinds = {entry["path"]: entry["propertyChangeType"] for entry in change["delta"]}
    assert kinds == {"properties.b": "Delete", "properties.c": "Create"}


def test_array_changes_are_reported_by_index_as_children():
    current = account(rules=[{"value": "10.0.0.1", "action": "Allow"}, {"value": "10.0.0.2", "action": "Allow"}],
                      zones=["1"])
    desired = account(rules=[{"value": "10.0.0.1", "action": "Allow"}, {"value": "10.0.0.9", "action": "Allow"},
                             {"value": "10.0.0.3", "action": "Allow"}], zones=["1"])
    change = resource_change(ID, current, desired)
    assert change["changeType"] == "Modify"
    (array,) = change["delta"]
    assert array["path"] == "properties.rules" and array["propertyChangeType"] == "Array"
    modified, created = array["children"]
    assert modified["path"] == "1" and modified["propertyChangeType"] == "Modify"
    assert modified["children"] == [{"path": "value", "propertyChangeType": "Modify", "before": "10.0.0.2",
                                     "after": "10.0.0.9"}]
    assert created == {"path": "2", "propertyChangeType": "Create", "after": {"value": "10.0.0.3",
                                                                              "action": "Allow"}}


def test_shorter_array_deletes_by_index():
    (array,) = resource_change(ID, account(zones=["1", "2"]), account(zones=["1"]))["delta"]
    assert array["children"] == [{"path": "1", "propertyChangeType": "Delete", "before": "2"}]


def test_read_only_and_server_defaulted_properties_do_not_count():
    current = account(minimumTlsVersion="TLS1_2", provisioningState="Succeeded", creationTime="2024-01-01",
                      primaryEndpoints={"blob": "https://sa.blob.core.windows.net/"}, accessTier="Hot")
    current.update(etag="W/\"1\"", id=ID, name="sa", type="Microsoft.Storage/storageAccounts")
    change = resource_change(ID, current, account(minimumTlsVersion="TLS1_2"))
    assert change["changeType"] == "NoChange" and change["delta"] == []


def test_template_setting_a_read_only_property_is_no_effect():
    change = resource_change(ID, account(provisioningState="Succeeded"), account(provisioningState="Creating"))
    assert change["changeType"] == "NoChange"
    assert change["delta"] == [{"path": "properties.provisioningState", "propertyChangeType": "NoEffect",
                                "before": "Succeeded", "after": "Creating"}]


def test_read_only_property_inside_an_array_item_is_no_effect():
    current = account(endpoints=[{"name": "e1", "provisioningState": "Succeeded"}])
    desired = account(endpoints=[{"name": "e1", "provisioningState": "Updating"}])
    change = resource_change(ID, current, desired)
    assert change["changeType"] == "NoChange"
    assert change["delta"][0]["children"][0]["propertyChangeType"] == "NoEffect"


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
    return {"location": "centralus", "tags": tags,
            "properties": {"addressSpace": {"addressPrefixes": [prefix]},
                           "subnets": [{"name": name, "properties": {"addressPrefix": address}}
                                       for name, address in subnets]}}


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
        {"path": "properties.addressSpace.addressPrefixes", "propertyChangeType": "Array",
         "before": ["10.0.0.0/16"], "after": ["10.0.0.0/15"], "children": [
             {"path": "0", "propertyChangeType": "Delete", "before": "10.0.0.0/16"},
             {"path": "0", "propertyChangeType": "Create", "after": "10.0.0.0/15"}]},
        {"path": "properties.subnets", "propertyChangeType": "Array",
         "before": before["properties"]["subnets"], "after": after["properties"]["subnets"], "children": [
             {"path": "0", "propertyChangeType": "Delete",
              "before": {"name": "subnet001", "properties": {"addressPrefix": "10.0.0.0/24"}}}]},
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
