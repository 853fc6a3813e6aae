"""ml_service: SDK entities as plain facts without secrets, and 404 handling (missing item vs missing workspace)."""

from types import SimpleNamespace

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.ml_service import (
    MLService,
    compute_facts,
    credentials_kind,
    datastore_facts,
    read_facts,
    workspace_facts,
)

entities = pytest.importorskip("azure.ai.ml.entities")


class NotFound(Exception):
    status_code = 404


class Denied(Exception):
    status_code = 403


def test_datastore_facts_carry_no_secret():
    datastore = entities.AzureBlobDatastore(
        name="keyed",
        account_name="stdata",
        container_name="c",
        tags={"a": "b"},
        credentials=entities.AccountKeyConfiguration(account_key="s3cret"),
    )
    facts = datastore_facts(datastore, default_name="keyed")
    assert facts == {
        "name": "keyed",
        "type": "AzureBlob",
        "account_name": "stdata",
        "container_name": "c",
        "description": None,
        "tags": {"a": "b"},
        "credentials_type": "account_key",
        "is_default": True,
    }
    assert "s3cret" not in str(facts)


def test_credential_kinds():
    assert credentials_kind(None) == "identity"
    assert credentials_kind(entities.SasTokenConfiguration(sas_token="t")) == "sas_token"
    assert (
        credentials_kind(entities.AzureBlobDatastore(name="n", account_name="a", container_name="c").credentials)
        == "identity"
    )


def test_workspace_and_compute_facts():
    workspace = entities.Workspace(
        name="ws",
        location="westeurope",
        storage_account="/sa",
        hbi_workspace=False,
        public_network_access="Disabled",
        tags={"wp": "perception"},
    )
    facts = workspace_facts(workspace)
    assert facts["name"] == "ws" and facts["public_network_access"] == "Disabled" and facts["identity"] is None
    assert facts["tags"] == {"wp": "perception"} and "system_datastores_auth_mode" in facts
    cluster = entities.AmlCompute(
        name="gpu",
        size="Standard_NC6s_v3",
        min_instances=0,
        max_instances=4,
        idle_time_before_scale_down=1800,
        tier="low_priority",
        enable_node_public_ip=False,
        network_settings=entities.NetworkSettings(subnet="/subnets/snet-ml"),
    )
    facts = compute_facts(cluster)
    assert (facts["type"], facts["max_instances"], facts["subnet"], facts["enable_node_public_ip"]) == (
        "amlcompute",
        4,
        "/subnets/snet-ml",
        False,
    )


def raising(error):
    def call(*args, **kwargs):
        raise error

    return call


def service(**operations):
    client = SimpleNamespace(**{name: SimpleNamespace(**calls) for name, calls in operations.items()})
    return MLService(client, "rg", "ws")


def test_a_missing_datastore_is_none_when_the_workspace_exists():
    ml = service(datastores={"get": raising(NotFound("gone"))}, workspaces={"get": lambda name: object()})
    assert ml.datastore("x") is None


def test_a_missing_workspace_is_a_clear_error():
    ml = service(
        datastores={"get": raising(NotFound("gone")), "list": raising(NotFound("gone"))},
        workspaces={"get": raising(NotFound("gone"))},
    )
    for call in (lambda: ml.datastore("x"), ml.datastores):
        with pytest.raises(DlinfraError, match="workspace 'ws' does not exist in resource group 'rg'"):
            call()


def test_other_errors_name_the_operation():
    ml = service(datastores={"list": raising(Denied("no"))})
    with pytest.raises(DlinfraError, match="list the datastores in workspace 'ws' of resource group 'rg' failed"):
        ml.datastores()


def test_detach_of_a_missing_datastore_is_no_error():
    service(datastores={"delete": raising(NotFound("gone"))}).detach_datastore("x")


def test_no_default_datastore_is_none():
    assert service(datastores={"get_default": raising(StopIteration())}).default_datastore_name() is None


def test_read_facts_by_name_or_all():
    items = {"a": SimpleNamespace(name="a"), "b": SimpleNamespace(name="b")}
    names = read_facts(lambda: list(items.values()), items.get, lambda item: item.name, None)
    assert names == ["a", "b"]
    assert read_facts(None, items.get, lambda item: item.name, "b") == ["b"]
    assert read_facts(None, items.get, lambda item: item.name, "zzz") == []
