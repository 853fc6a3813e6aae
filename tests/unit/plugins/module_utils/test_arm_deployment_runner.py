"""run_deployment with the Resource Manager calls of arm_deployment_service replaced by a recording fake:
what-if noise, check mode, reruns, a missing resource group and references Azure cannot resolve yet."""

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils import arm_deployment_service as service
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_runner import (
    DeploymentRequest,
    run_deployment,
)
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_deployment_service import DeploymentTarget
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm_template_files import TemplateInput, load_template_input
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

REPOSITORY = Path(__file__).resolve().parents[4]
MONITORING = REPOSITORY / "arm-templates" / "monitoring"
FACTORY = SimpleNamespace(subscription_id="00000000-0000-4000-8000-000000000001")
EMPTY_TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "resources": [],
}
STORAGE_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
NOISE = [
    {
        "resourceId": STORAGE_ID,
        "changeType": "Modify",
        "delta": [{"path": "properties.provisioningState", "propertyChangeType": "NoEffect", "before": "Succeeded"}],
    }
]
MODIFY = [
    {
        "resourceId": STORAGE_ID,
        "changeType": "Modify",
        "delta": [
            {"path": "properties.allowBlobPublicAccess", "propertyChangeType": "Modify", "before": True, "after": False}
        ],
    }
]
RECORD_OUTPUTS = {
    "storageAccountName": {"type": "String", "value": "st"},
    "connectionString": {"type": "SecureString", "value": "should-not-be-here"},
    "settings": {"type": "secureObject", "value": {"k": "v"}},
}


def succeeded(outputs=None):
    return {"properties": {"provisioningState": "Succeeded", "outputs": outputs or {}}}


class FakeAzure:
    """Resource groups, deployment records and what-if answers; every call is recorded as ``(function, name)``."""

    def __init__(self):
        self.groups = set()
        self.records = {}
        self.changes = {}  # deployment name -> what-if changes
        self.validate_errors = {}  # deployment name -> DlinfraError
        self.calls = []
        self.deploy_seconds = 0  # a slow deploy makes a dependent that starts too early visible
        self.lock = threading.Lock()

    def record(self, function, name):
        with self.lock:
            self.calls.append((function, name))

    def called(self, function):
        return [name for called, name in self.calls if called == function]

    def get_resource_group(self, factory, name):
        self.record("get_resource_group", name)
        return {"name": name} if name.lower() in self.groups else None

    def create_resource_group(self, factory, name, location, tags=None):
        self.record("create_resource_group", (name, location, tags))
        self.groups.add(name.lower())
        return {"name": name}

    def validate(self, factory, target, template, parameters, mode):
        self.record("validate", target.name)
        if target.name in self.validate_errors:
            raise self.validate_errors[target.name]

    def what_if(self, factory, target, template, parameters, mode):
        self.record("what_if", target.name)
        return self.changes.get(target.name, [])

    def get_deployment(self, factory, target):
        self.record("get_deployment", target.name)
        return self.records.get(target.name)

    def deploy(self, factory, target, template, parameters, mode):
        self.record("deploy", target.name)
        time.sleep(self.deploy_seconds)
        self.records[target.name] = succeeded({"deployedBy": {"type": "String", "value": target.name}})
        self.record("deployed", target.name)
        return self.records[target.name]


@pytest.fixture
def azure(monkeypatch):
    fake = FakeAzure()
    for name in ("get_resource_group", "create_resource_group", "validate", "what_if", "get_deployment", "deploy"):
        monkeypatch.setattr(service, name, getattr(fake, name))
    return fake


def request(name="dlinfra-storage", resource_group="rg", location=None, source=None, tags=None):
    source = source or TemplateInput("storage.json", EMPTY_TEMPLATE, {})
    return DeploymentRequest(DeploymentTarget(name, resource_group, location), source, resource_group_tags=tags)


def monitoring_request(resource_group="rg-new"):
    values = {"location": "westeurope", "namePrefix": "it4adloc", "environmentName": "int"}
    source = load_template_input(
        str(MONITORING / "monitoring.json"), str(MONITORING / "monitoring.parameters.int.json"), values
    )
    return request("dlinfra-monitoring", resource_group, "westeurope", source)


MONITORING_CREATES = [
    "resourceGroups/rg-new",
    "Microsoft.OperationalInsights/workspaces/it4adloc-int-log",
    "Microsoft.Insights/components/it4adloc-int-appi",
    # The workspace's own audit log (an extension resource); its delete lock is off (deleteLocks false).
    "Microsoft.OperationalInsights/workspaces/it4adloc-int-log/providers/Microsoft.Insights/diagnosticSettings/"
    "audit-to-log-analytics",
]


def test_noise_only_with_a_succeeded_record_is_unchanged_and_reads_outputs_from_the_record(azure):
    azure.groups.add("rg")
    azure.changes["dlinfra-storage"] = NOISE
    azure.records["dlinfra-storage"] = succeeded(RECORD_OUTPUTS)
    result = run_deployment(FACTORY, request(), check_mode=False)
    assert (result["changed"], result["deployed"], result["changes"]) == (False, False, [])
    assert [entry["resource"] for entry in result["noise"]] == ["Microsoft.Storage/storageAccounts/st"]
    assert result["outputs"] == {"storageAccountName": "st"}
    assert azure.called("deploy") == [] and azure.called("create_resource_group") == []


def test_effective_change_in_check_mode_predicts_without_deploying(azure):
    azure.groups.add("rg")
    azure.changes["dlinfra-storage"] = MODIFY
    result = run_deployment(FACTORY, request(), check_mode=True)
    assert (result["changed"], result["deployed"]) == (True, False)
    assert result["change_summary"] == ["~ Microsoft.Storage/storageAccounts/st (Modify)"]
    assert result["diff"]["after"].splitlines() == [
        "Microsoft.Storage/storageAccounts/st:",
        "  properties.allowBlobPublicAccess: false",
    ]
    assert azure.called("deploy") == []


def test_effective_change_deploys_once(azure):
    azure.groups.add("rg")
    azure.changes["dlinfra-storage"] = MODIFY
    result = run_deployment(FACTORY, request(), check_mode=False)
    assert (result["changed"], result["deployed"], result["provisioning_state"]) == (True, True, "Succeeded")
    assert result["outputs"] == {"deployedBy": "dlinfra-storage"}
    assert azure.called("deploy") == ["dlinfra-storage"]


@pytest.mark.parametrize("check_mode, deploys", [(True, []), (False, ["dlinfra-storage"])])
def test_missing_or_failed_record_is_deployed_again(azure, check_mode, deploys):
    azure.groups.add("rg")
    azure.records["dlinfra-storage"] = {"properties": {"provisioningState": "Failed"}}
    result = run_deployment(FACTORY, request(), check_mode=check_mode)
    assert result["changed"] is True
    assert azure.called("deploy") == deploys


def test_missing_group_in_check_mode_predicts_every_resource_as_create_offline(azure):
    result = run_deployment(FACTORY, monitoring_request(), check_mode=True)
    assert [entry["resource"] for entry in result["changes"]] == MONITORING_CREATES
    assert {entry["change_type"] for entry in result["changes"]} == {"Create"}
    assert result["what_if_counts"] == {"Create": 4}
    assert result["outputs"]["applicationInsightsName"] == "it4adloc-int-appi"
    assert "'rg-new' does not exist yet" in result["reason"]
    assert [function for function, _name in azure.calls] == ["get_resource_group"]


def test_missing_group_without_location_is_refused(azure):
    with pytest.raises(DlinfraError, match="resource group 'rg' does not exist. Fix: create it, or give location"):
        run_deployment(FACTORY, request(), check_mode=True)


def test_missing_group_is_created_with_its_tags_and_reported(azure):
    azure.records["dlinfra-storage"] = succeeded()
    result = run_deployment(FACTORY, request(location="westeurope", tags={"env": "dev"}), check_mode=False)
    assert azure.called("create_resource_group") == [("rg", "westeurope", {"env": "dev"})]
    assert result["change_summary"] == ["+ resourceGroups/rg (Create)"]
    assert (result["changed"], result["deployed"]) == (True, False)


@pytest.mark.parametrize(
    "error",
    [
        DlinfraError("validate failed", code="InvalidResourceReference"),
        DlinfraError("validate failed", code="InvalidTemplateDeployment", details=[{"code": "ParentResourceNotFound"}]),
        # A user-assigned identity (customer-managed keys) that an earlier deployment of the plan creates.
        DlinfraError(
            "validate failed", code="InvalidTemplateDeployment", details=[{"code": "FailedIdentityOperation"}]
        ),
    ],
    ids=["code", "detail", "identity"],
)
def test_unresolvable_reference_in_check_mode_is_predicted_offline(azure, error):
    azure.groups.add("rg-new")
    azure.validate_errors["dlinfra-monitoring"] = error
    result = run_deployment(FACTORY, monitoring_request(), check_mode=True)
    assert [entry["resource"] for entry in result["changes"]] == MONITORING_CREATES[1:]
    assert result["reason"].startswith(f"Azure cannot validate it yet ({error.code}:")
    assert azure.called("what_if") == [] and azure.called("deploy") == []


def test_unresolvable_reference_in_real_mode_raises(azure):
    azure.groups.add("rg-new")
    error = DlinfraError("validate failed", code="InvalidResourceReference")
    azure.validate_errors["dlinfra-monitoring"] = error
    with pytest.raises(DlinfraError) as raised:
        run_deployment(FACTORY, monitoring_request(), check_mode=False)
    assert raised.value is error


def test_other_validation_errors_raise_in_check_mode(azure):
    azure.groups.add("rg")
    azure.validate_errors["dlinfra-storage"] = DlinfraError("bad sku", code="InvalidTemplate")
    with pytest.raises(DlinfraError, match="bad sku"):
        run_deployment(FACTORY, request(), check_mode=True)


def test_subscription_scope_asks_for_no_group(azure):
    azure.records["dlinfra-role"] = succeeded()
    result = run_deployment(FACTORY, request("dlinfra-role", None, "westeurope"), check_mode=True)
    assert (result["changed"], result["resource_group"]) == (False, None)
    assert azure.called("get_resource_group") == []
