"""The cleanup guard: only an inventory that is itself ephemeral, and neither dev nor pro, may be torn down. "Itself"
is ansible-inventory's export of the run's inventory sources: a folder's group_vars or an AWX inventory script."""

from __future__ import annotations

import pytest

from ansible_collections.it4ad.dlinfra.plugins.filter.cleanup_refusals import FilterModule, cleanup_refusals

HOST = "mlenv-controller"


def exported(host_vars: dict | None = None, **all_vars) -> dict:
    """``ansible-inventory --list --export`` output: group vars under each group, host vars under _meta."""
    return {
        "_meta": {"hostvars": {HOST: host_vars} if host_vars else {}},
        "all": {"children": ["ungrouped", "mlenv"], "vars": all_vars},
        "mlenv": {"hosts": [HOST]},
    }


def test_an_ephemeral_int_inventory_may_be_cleaned_up():
    inventory = exported(dlinfra_environment="int", dlinfra_ephemeral=True)
    assert cleanup_refusals(["/repo/inventories/int"], "int", True, inventory, HOST) == []


def test_an_awx_inventory_script_that_sets_ephemeral_may_be_cleaned_up():
    """AWX hands a job /runner/inventory/hosts (a script): no group_vars files, the values are in the export."""
    inventory = exported(dlinfra_environment="int", dlinfra_ephemeral=True)
    assert cleanup_refusals(["/runner/inventory/hosts"], "int", True, inventory, HOST) == []


@pytest.mark.parametrize("environment", ["dev", "pro"])
def test_dev_and_pro_are_refused_even_when_every_value_says_ephemeral(environment):
    inventory = exported(dlinfra_environment=environment, dlinfra_ephemeral=True)
    reasons = cleanup_refusals("/runner/inventory/hosts", environment, True, inventory, HOST)
    assert any(f"dlinfra_environment is '{environment}'" in reason for reason in reasons), reasons
    assert f"the inventory (group all) sets dlinfra_environment: {environment}: dev and pro are never ephemeral" in (
        reasons
    )


@pytest.mark.parametrize("folder", ["dev", "pro"])
def test_extra_vars_cannot_make_dev_or_pro_ephemeral(folder):
    """-e dlinfra_ephemeral=true -e dlinfra_environment=int: the inventory and its folder still say otherwise."""
    source = f"/repo/inventories/{folder}"
    reasons = cleanup_refusals(
        [source], "int", True, exported(dlinfra_environment=folder, dlinfra_ephemeral=False), HOST
    )
    assert f"the inventory {source} is the {folder} inventory: dev and pro are never ephemeral" in reasons
    assert "the inventory (group all) sets dlinfra_ephemeral: False" in reasons[1], reasons


def test_a_file_source_is_judged_by_its_folder_too():
    reasons = cleanup_refusals(["/repo/inventories/pro/hosts.yml"], "int", True, exported(dlinfra_ephemeral=True), HOST)
    assert reasons == [
        "the inventory /repo/inventories/pro/hosts.yml is the pro inventory: dev and pro are never ephemeral"
    ]


def test_host_variables_count_as_the_inventory():
    inventory = exported({"dlinfra_ephemeral": False}, dlinfra_environment="int", dlinfra_ephemeral=True)
    reasons = cleanup_refusals(["/repo/inventories/int"], "int", True, inventory, HOST)
    assert reasons == [
        f"the inventory (host {HOST}) sets dlinfra_ephemeral: False; an extra var cannot override what the "
        "inventory says, it must be true there"
    ]


def test_a_resolved_false_refuses_whatever_the_inventory_says():
    inventory = exported(dlinfra_environment="int", dlinfra_ephemeral=True)
    reasons = cleanup_refusals(["/repo/inventories/local"], "int", False, inventory, HOST)
    assert reasons == [
        "dlinfra_ephemeral is False; it must be true, as only an environment that is torn down after "
        "every release may be cleaned up"
    ]


@pytest.mark.parametrize("value", ["true", "yes", 1, None, "{{ true }}"])
def test_only_a_literal_true_in_the_inventory_counts(value):
    """The resolved value is true (as an extra var makes it); the inventory's own value decides."""
    inventory = exported(dlinfra_environment="int", dlinfra_ephemeral=value)
    reasons = cleanup_refusals(["/repo/inventories/int"], "int", True, inventory, HOST)
    assert reasons == [
        f"the inventory (group all) sets dlinfra_ephemeral: {value!r}; an extra var cannot override what the "
        "inventory says, it must be true there"
    ]


TARGETS = {"dlinfra_resource_group": "rg-it4ad-dl-int", "dlinfra_subscription_id": "7a2c9e4f"}


def test_the_targets_the_inventory_names_may_be_cleaned_up():
    inventory = exported(dlinfra_environment="int", dlinfra_ephemeral=True, **TARGETS)
    assert cleanup_refusals(["/repo/inventories/int"], "int", True, inventory, HOST, [], TARGETS) == []


@pytest.mark.parametrize("variable", sorted(TARGETS))
def test_extra_vars_cannot_point_the_cleanup_at_another_group_or_subscription(variable):
    inventory = exported(dlinfra_environment="int", dlinfra_ephemeral=True, **TARGETS)
    redirected = {**TARGETS, variable: "rg-it4ad-dl-pro"}
    reasons = cleanup_refusals(["/repo/inventories/int"], "int", True, inventory, HOST, [], redirected)
    assert reasons == [
        f"{variable} resolves to 'rg-it4ad-dl-pro', but the inventory (group all) sets '{TARGETS[variable]}': an "
        "extra var cannot point the cleanup at another resource group or subscription"
    ]


@pytest.mark.parametrize("value", [None, "{{ dlinfra_name_prefix }}-rg"])
def test_a_target_the_inventory_does_not_set_literally_is_refused(value):
    settings = {"dlinfra_resource_group": value} if value else {}
    inventory = exported(dlinfra_environment="int", dlinfra_ephemeral=True, **settings)
    targets = {"dlinfra_resource_group": "rg-x"}
    reasons = cleanup_refusals(["/repo/inventories/int"], "int", True, inventory, HOST, [], targets)
    assert reasons == [
        "the inventory does not set dlinfra_resource_group as a literal value; cleanup deletes what it names, so the "
        "ephemeral inventory must name it itself"
    ]


def test_a_host_variable_names_the_target_over_a_group():
    inventory = exported({"dlinfra_resource_group": "rg-host"}, dlinfra_ephemeral=True, dlinfra_resource_group="rg-all")
    targets = {"dlinfra_resource_group": "rg-host"}
    assert cleanup_refusals(["/repo/inventories/int"], "int", True, inventory, HOST, [], targets) == []


def test_an_inventory_that_does_not_set_ephemeral_is_refused():
    reasons = cleanup_refusals(["/repo/inventories/int"], "int", True, exported(dlinfra_environment="int"), HOST)
    assert len(reasons) == 1 and "an extra var alone cannot make an environment ephemeral" in reasons[0]


def test_the_filter_is_registered():
    assert FilterModule().filters()["cleanup_refusals"] is cleanup_refusals


def test_an_inventory_folder_names_the_file_that_sets_a_refused_value():
    files = [
        {"path": "/repo/inventories/dev/group_vars/all/azure.yml", "content": {"dlinfra_subscription_id": "x"}},
        {"path": "/repo/inventories/dev/group_vars/all/environment.yml", "content": {"dlinfra_ephemeral": False}},
    ]
    reasons = cleanup_refusals(["/repo/inventories/x"], "int", True, exported(dlinfra_ephemeral=False), HOST, files)
    assert reasons == [
        "the inventory (group all, /repo/inventories/dev/group_vars/all/environment.yml) sets dlinfra_ephemeral: "
        "False; an extra var cannot override what the inventory says, it must be true there"
    ]
