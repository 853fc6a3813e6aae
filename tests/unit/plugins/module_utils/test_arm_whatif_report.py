"""summarize / render_diff / resource_label / change_marks on what-if changes in Azure's REST shape."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_whatif_report import (
    change_marks,
    render_diff,
    resource_label,
    summarize,
)

RG = "/subscriptions/sub/resourceGroups/rg-dl"
STORAGE = f"{RG}/providers/Microsoft.Storage/storageAccounts/stdata"
VNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet"
VAULT = f"{RG}/providers/Microsoft.KeyVault/vaults/kv"
OLD = f"{RG}/providers/Microsoft.Insights/components/old"
DEPLOYED = f"{RG}/providers/Microsoft.Resources/deployments/nested"

CREATE_STORAGE = {
    "resourceId": STORAGE,
    "changeType": "Create",
    "after": {
        "id": STORAGE,
        "name": "stdata",
        "type": "Microsoft.Storage/storageAccounts",
        "location": "westeurope",
        "sku": {"name": "Standard_LRS"},
        "tags": {},
        "properties": {"allowBlobPublicAccess": False, "networkAcls": {"ipRules": [{"value": "1.2.3.4"}]}},
    },
}
MODIFY_VNET = {
    "resourceId": VNET,
    "changeType": "Modify",
    "delta": [
        {
            "path": "properties.subnets",
            "propertyChangeType": "Array",
            "children": [
                {
                    "path": "0",
                    "propertyChangeType": "Modify",
                    "children": [
                        {"path": "name", "propertyChangeType": "Modify", "before": "snet-a", "after": "snet-b"},
                        {"path": "etag", "propertyChangeType": "NoEffect", "before": "1", "after": "2"},
                    ],
                },
                {"path": "1", "propertyChangeType": "Create", "after": {"name": "snet-c"}},
            ],
        },
        {"path": "tags.owner", "propertyChangeType": "Delete", "before": "me"},
        {"path": "properties.provisioningState", "propertyChangeType": "NoEffect", "before": "Succeeded"},
    ],
}
NOISY_VAULT = {
    "resourceId": VAULT,
    "changeType": "Modify",
    "delta": [
        {"path": "properties.provisioningState", "propertyChangeType": "NoEffect", "before": "Succeeded"},
        {
            "path": "properties.accessPolicies",
            "propertyChangeType": "Array",
            "children": [{"path": "0", "propertyChangeType": "NoEffect", "before": {"objectId": "x"}}],
        },
    ],
}
UNCHANGED = [
    {"resourceId": f"{RG}/providers/Microsoft.Web/sites/app", "changeType": "NoChange"},
    {"resourceId": f"{RG}/providers/Microsoft.Web/sites/other", "changeType": "Ignore"},
]
DELETE_OLD = {"resourceId": OLD, "changeType": "Delete", "before": {"location": "westeurope"}}
DEPLOY_NESTED = {"resourceId": DEPLOYED, "changeType": "Deploy"}


def by_resource(entries):
    return {entry["resource"]: entry for entry in entries}


@pytest.fixture
def summary():
    return summarize([CREATE_STORAGE, MODIFY_VNET, NOISY_VAULT, *UNCHANGED, DELETE_OLD, DEPLOY_NESTED])


def test_effective_changes_noise_and_counts(summary):
    assert [entry["change_type"] for entry in summary["effective"]] == ["Create", "Modify", "Delete", "Deploy"]
    assert [entry["resource"] for entry in summary["noise"]] == ["Microsoft.KeyVault/vaults/kv"]
    assert summary["noise"][0]["change_type"] == "NoChange"
    assert summary["counts"] == {"Create": 1, "Modify": 1, "NoChange": 2, "Ignore": 1, "Delete": 1, "Deploy": 1}


def test_create_lists_the_leaf_properties_of_the_new_body(summary):
    created = by_resource(summary["effective"])["Microsoft.Storage/storageAccounts/stdata"]
    assert created["resource_id"] == STORAGE
    assert {change["path"]: change["after"] for change in created["properties"]} == {
        "location": "westeurope",
        "sku.name": "Standard_LRS",
        "properties.allowBlobPublicAccess": False,
        "properties.networkAcls.ipRules[0].value": "1.2.3.4",
        "tags": {},
    }
    assert {change["change"] for change in created["properties"]} == {"Create"}


def test_modify_flattens_nested_array_children_and_drops_no_effect(summary):
    modified = by_resource(summary["effective"])["Microsoft.Network/virtualNetworks/vnet"]
    assert modified["properties"] == [
        {"path": "properties.subnets[0].name", "change": "Modify", "before": "snet-a", "after": "snet-b"},
        {"path": "properties.subnets[1]", "change": "Create", "before": None, "after": {"name": "snet-c"}},
        {"path": "tags.owner", "change": "Delete", "before": "me", "after": None},
    ]


def test_only_no_change_is_nothing_effective():
    summary = summarize([NOISY_VAULT, *UNCHANGED])
    assert summary["effective"] == [] and len(summary["noise"]) == 1


def test_render_diff_before_and_after_lines(summary):
    diff = render_diff("deployment 'd' in resource group 'rg-dl'", summary["effective"])
    assert diff["before_header"] == "deployment 'd' in resource group 'rg-dl' (Azure now)"
    assert diff["before"].splitlines() == [
        "Microsoft.Insights/components/old:  # Delete",
        "Microsoft.Network/virtualNetworks/vnet:",
        '  properties.subnets[0].name: "snet-a"',
        '  tags.owner: "me"',
        "Microsoft.Resources/deployments/nested:",
    ]
    assert diff["after"].splitlines() == [
        "Microsoft.Network/virtualNetworks/vnet:",
        '  properties.subnets[0].name: "snet-b"',
        '  properties.subnets[1]: {"name": "snet-c"}',
        "Microsoft.Resources/deployments/nested:  # Deploy (values known only after deployment)",
        "Microsoft.Storage/storageAccounts/stdata:  # Create",
        '  location: "westeurope"',
        '  sku.name: "Standard_LRS"',
        "  properties.allowBlobPublicAccess: false",
        '  properties.networkAcls.ipRules[0].value: "1.2.3.4"',
        "  tags: {}",
    ]
    assert "stdata" not in diff["before"] and "components/old" not in diff["after"]


def test_render_diff_of_nothing_is_empty():
    diff = render_diff("d", [])
    assert (diff["before"], diff["after"]) == ("", "")


@pytest.mark.parametrize(
    "resource_id, label",
    [
        (STORAGE, "Microsoft.Storage/storageAccounts/stdata"),
        (f"{VNET}/subnets/snet", "Microsoft.Network/virtualNetworks/vnet/subnets/snet"),
        ("/subscriptions/sub/resourcegroups/rg-new/", "resourceGroups/rg-new"),
        (
            "/subscriptions/sub/PROVIDERS/Microsoft.Authorization/roleDefinitions/r1",
            "Microsoft.Authorization/roleDefinitions/r1",
        ),
        ("/subscriptions/sub", "/subscriptions/sub"),
        (
            f"{STORAGE}/providers/Microsoft.Authorization/locks/do-not-delete",
            "Microsoft.Storage/storageAccounts/stdata/providers/Microsoft.Authorization/locks/do-not-delete",
        ),
        (
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Authorization/locks/group-lock",
            "Microsoft.Authorization/locks/group-lock",
        ),
    ],
)
def test_resource_label(resource_id, label):
    assert resource_label(resource_id) == label


def test_change_marks(summary):
    assert change_marks(summary["effective"]) == [
        "+ Microsoft.Storage/storageAccounts/stdata (Create)",
        "~ Microsoft.Network/virtualNetworks/vnet (Modify)",
        "- Microsoft.Insights/components/old (Delete)",
        "! Microsoft.Resources/deployments/nested (Deploy)",
    ]
    assert change_marks([{"resource": "r", "change_type": "Unsupported"}]) == ["? r (Unsupported)"]
