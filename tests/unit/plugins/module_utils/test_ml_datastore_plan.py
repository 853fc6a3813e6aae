"""ml_datastore's pure logic: argument checks, desired datastores, field comparison and the plan."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.ml_datastore_plan import (
    OWNERSHIP_TAG_KEY,
    OWNERSHIP_TAG_VALUE,
    desired_datastores,
    differences,
    has_changes,
    is_managed,
    plan,
)

OWNED = {OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE}


def entry(name="shared_datasets", **options):
    return {"name": name, "account_name": "stdata", "container_name": "datasets", **options}


def current(name, managed=True, **fields):
    facts = {
        "name": name,
        "type": "AzureBlob",
        "account_name": "stdata",
        "container_name": "datasets",
        "description": None,
        "tags": dict(OWNED) if managed else {},
        "credentials_type": "identity",
        "is_default": False,
    }
    facts.update(fields)
    return facts


def desired(*entries, state="present"):
    return [item for item, dummy in desired_datastores(list(entries), state)]


def test_desired_adds_the_ownership_tag_and_defaults_to_identity():
    [(item, secrets)] = desired_datastores([entry(tags={"team": 1})], "present")
    assert item["tags"] == {"team": "1", **OWNED} and item["credentials_type"] == "identity" and secrets == {}
    assert item["type"] == "AzureBlob" and item["description"] is None


@pytest.mark.parametrize(
    "credentials, kind", [({"account_key": "k"}, "account_key"), ({"sas_token": "s", "account_key": None}, "sas_token")]
)
def test_secrets_are_kept_apart_from_the_compared_facts(credentials, kind):
    [(item, secrets)] = desired_datastores([entry(credentials=credentials)], "present")
    assert item["credentials_type"] == kind
    assert secrets == {option: value for option, value in credentials.items() if value}
    assert all(value not in item.values() for value in secrets.values())


@pytest.mark.parametrize(
    "bad, words",
    [
        (entry(name="bad-name"), "datastores[0].name 'bad-name'"),
        (entry(container_name="Datasets"), "container_name 'Datasets'"),
        (entry(container_name="ab"), "container_name 'ab'"),
        (entry(container_name="a--b"), "container_name 'a--b'"),
        (entry(container_name="data-"), "container_name 'data-'"),
        (entry(container_name="x" * 64), "container_name"),
        (entry(account_name="St-Data"), "account_name 'St-Data'"),
        (entry(container_name=None), "datastores[0].container_name is missing"),
        (entry(credentials={"account_key": "k", "sas_token": "s"}), "both account_key and sas_token"),
        (entry(credentials={}), "neither account_key nor sas_token"),
        (entry(tags={OWNERSHIP_TAG_KEY: "someone-else"}), "leave that tag out"),
    ],
)
def test_bad_entries_name_the_field_and_the_fix(bad, words):
    with pytest.raises(DlinfraError) as raised:
        desired_datastores([bad], "present")
    assert words in raised.value.message and "Fix:" in raised.value.message
    assert "'k'" not in raised.value.message


def test_valid_container_names_pass():
    for name in ("abc", "a-b-c", "x" * 63, "0data"):
        desired_datastores([entry(container_name=name)], "present")


def test_a_name_listed_twice_is_an_error():
    with pytest.raises(DlinfraError, match="listed twice"):
        desired_datastores([entry(), entry()], "present")


def test_absent_needs_only_the_name():
    assert desired_datastores([{"name": "old"}], "absent") == [({"name": "old"}, {})]


def test_differences_compare_every_managed_field():
    want = desired(entry(description="d", tags={"a": "b"}))[0]
    assert differences(current("shared_datasets", description="d", tags={"a": "b", **OWNED}), want) == []
    have = current(
        "shared_datasets",
        account_name="other",
        container_name="c2",
        tags=OWNED,
        credentials_type="account_key",
        type="AzureFile",
    )
    assert differences(have, want) == [
        "type",
        "account_name",
        "container_name",
        "description",
        "tags",
        "credentials_type",
    ]


def test_an_empty_and_a_missing_description_match():
    assert differences(current("shared_datasets", description=""), desired(entry())[0]) == []


def test_plan_creates_updates_and_leaves_equal_ones_alone():
    existing = {
        "workspaceblobstore": current("workspaceblobstore", managed=False, is_default=True),
        "shared_datasets": current("shared_datasets"),
        "shared_metrics": current("shared_metrics", container_name="old"),
    }
    steps = plan(
        existing,
        desired(entry(), entry("shared_metrics", container_name="metrics"), entry("new_one")),
        "present",
        False,
    )
    assert steps["create"] == ["new_one"] and steps["update"] == {"shared_metrics": ["container_name"]}
    assert steps["remove"] == [] and has_changes(steps)
    assert steps["after"]["shared_metrics"]["container_name"] == "metrics"
    assert steps["after"]["workspaceblobstore"] == existing["workspaceblobstore"]
    assert existing["shared_metrics"]["container_name"] == "old", "the plan changed its input"


def test_exclusive_detaches_only_tagged_unlisted_datastores():
    existing = {
        "workspaceblobstore": current("workspaceblobstore", managed=False),
        "dev_scratch": current("dev_scratch", managed=False),
        "old_managed": current("old_managed"),
        "shared_datasets": current("shared_datasets"),
    }
    steps = plan(existing, desired(entry()), "present", True)
    assert steps["remove"] == ["old_managed"] and steps["create"] == [] and steps["update"] == {}
    assert set(steps["after"]) == {"workspaceblobstore", "dev_scratch", "shared_datasets"}
    assert plan(existing, desired(entry()), "present", False)["remove"] == []


def test_absent_removes_listed_managed_ones_and_ignores_missing_ones():
    existing = {"shared_datasets": current("shared_datasets")}
    steps = plan(existing, desired({"name": "shared_datasets"}, {"name": "gone"}, state="absent"), "absent", True)
    assert steps["remove"] == ["shared_datasets"] and steps["after"] == {}
    again = plan({}, desired({"name": "shared_datasets"}, state="absent"), "absent", False)
    assert not has_changes(again)


@pytest.mark.parametrize("state", ["present", "absent"])
def test_a_listed_untagged_datastore_is_refused(state):
    existing = {"workspaceblobstore": current("workspaceblobstore", managed=False)}
    wanted = desired({"name": "workspaceblobstore"} if state == "absent" else entry("workspaceblobstore"), state=state)
    with pytest.raises(DlinfraError, match="without the tag managed-by: it4ad.dlinfra"):
        plan(existing, wanted, state, False)


def test_is_managed():
    assert is_managed({"tags": dict(OWNED)}) and not is_managed({"tags": None}) and not is_managed({})
