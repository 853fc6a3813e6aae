"""The cleanup guard: only an inventory that is ephemeral in its own files, and neither dev nor pro, may be torn down."""

from __future__ import annotations

import pytest

from ansible_collections.it4ad.dlinfra.plugins.filter.cleanup_refusals import FilterModule, cleanup_refusals


def files(folder: str, **settings) -> list[dict]:
    return [
        {"path": f"{folder}/group_vars/all/environment.yml", "content": settings},
        {"path": f"{folder}/group_vars/all/work_packages.yml", "content": {"dlinfra_work_packages": []}},
    ]


def test_an_ephemeral_int_inventory_may_be_cleaned_up():
    found = files("/repo/inventories/int", dlinfra_environment="int", dlinfra_ephemeral=True)
    assert cleanup_refusals("/repo/inventories/int", "int", True, found) == []


@pytest.mark.parametrize("environment", ["dev", "pro"])
def test_dev_and_pro_are_refused_even_when_every_value_says_ephemeral(environment):
    found = files("/repo/inventories/x", dlinfra_environment=environment, dlinfra_ephemeral=True)
    reasons = cleanup_refusals("/repo/inventories/x", environment, True, found)
    assert any(f"dlinfra_environment is '{environment}'" in reason for reason in reasons), reasons
    assert any("environment.yml sets dlinfra_environment" in reason for reason in reasons), reasons


@pytest.mark.parametrize("folder", ["dev", "pro"])
def test_extra_vars_cannot_make_dev_or_pro_ephemeral(folder):
    """-e dlinfra_ephemeral=true -e dlinfra_environment=int: the files and the folder still say otherwise."""
    inventory = f"/repo/inventories/{folder}"
    reasons = cleanup_refusals(
        inventory, "int", True, files(inventory, dlinfra_environment=folder, dlinfra_ephemeral=False)
    )
    assert f"the inventory {inventory} is the {folder} inventory: dev and pro are never ephemeral" in reasons
    assert f"{inventory}/group_vars/all/environment.yml sets dlinfra_ephemeral: False" in reasons[1], reasons


def test_a_resolved_false_refuses_whatever_the_files_say():
    found = files("/repo/inventories/local", dlinfra_environment="int", dlinfra_ephemeral=True)
    reasons = cleanup_refusals("/repo/inventories/local", "int", False, found)
    assert reasons == [
        "dlinfra_ephemeral is False; it must be true, as only an environment that is torn down after "
        "every release may be cleaned up"
    ]


@pytest.mark.parametrize("value", ["true", "yes", 1, None, "{{ true }}"])
def test_only_a_literal_true_counts(value):
    found = files("/repo/inventories/int", dlinfra_environment="int", dlinfra_ephemeral=value)
    assert cleanup_refusals("/repo/inventories/int", "int", value, found) != []


def test_an_inventory_whose_files_do_not_set_ephemeral_is_refused():
    found = [{"path": "/repo/inventories/int/group_vars/all/x.yml", "content": {"dlinfra_environment": "int"}}]
    reasons = cleanup_refusals("/repo/inventories/int", "int", True, found)
    assert len(reasons) == 1 and "an extra var alone cannot make an environment ephemeral" in reasons[0]


def test_the_filter_is_registered():
    assert FilterModule().filters()["cleanup_refusals"] is cleanup_refusals
