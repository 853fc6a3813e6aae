"""arm_deployment's and arm_deployments' main() with the Resource Manager calls patched: the JSON result,
check mode, argument errors before any client is built, and secure parameter values never printed."""

import json
from types import SimpleNamespace

import pytest
from test_ml_datastore import AUTH, run_main

from ansible_collections.it4ad.dlinfra.plugins.module_utils import arm_deployment_service as service
from ansible_collections.it4ad.dlinfra.plugins.module_utils import client_factory
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.modules import arm_deployment, arm_deployments

ADMIN_PASSWORD = "Adm1n-unit-test-password"
VM_ID = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {"vmName": {"type": "string"}, "adminPassword": {"type": "securestring"}},
    "resources": [
        {
            "type": "Microsoft.Compute/virtualMachines",
            "apiVersion": "2024-03-01",
            "name": "[parameters('vmName')]",
            "location": "westeurope",
            "properties": {
                "osProfile": {"adminUsername": "azureuser", "adminPassword": "[parameters('adminPassword')]"}
            },
        }
    ],
    "outputs": {
        "vmId": {"type": "string", "value": "[resourceId('Microsoft.Compute/virtualMachines', parameters('vmName'))]"}
    },
}
MODIFY = [
    {
        "resourceId": VM_ID,
        "changeType": "Modify",
        "delta": [
            {
                "path": "properties.hardwareProfile.vmSize",
                "propertyChangeType": "Modify",
                "before": "B2s",
                "after": "D2s",
            }
        ],
    }
]


@pytest.fixture
def template(tmp_path):
    path = tmp_path / "vm.json"
    path.write_text(json.dumps(TEMPLATE))
    return str(path)


@pytest.fixture
def arm(monkeypatch):
    """Resource Manager as seen by the runner: existing groups, what-if answers, and the calls made."""
    state = SimpleNamespace(groups={"rg"}, changes=[], calls=[], factories=[])

    def call(function, answer=None):
        def fake(factory, target, *args):
            state.calls.append((function, getattr(target, "name", target)))
            return answer(target) if answer else None

        return fake

    monkeypatch.setattr(
        service,
        "get_resource_group",
        call("get_resource_group", lambda name: {"name": name} if name in state.groups else None),
    )
    monkeypatch.setattr(service, "create_resource_group", call("create_resource_group"))
    monkeypatch.setattr(service, "validate", call("validate"))
    monkeypatch.setattr(service, "what_if", call("what_if", lambda target: state.changes))
    monkeypatch.setattr(service, "get_deployment", call("get_deployment"))
    monkeypatch.setattr(
        service,
        "deploy",
        call(
            "deploy",
            lambda target: {
                "properties": {
                    "provisioningState": "Succeeded",
                    "outputs": {"vmId": {"type": "String", "value": VM_ID}},
                }
            },
        ),
    )
    monkeypatch.setattr(
        client_factory,
        "ClientFactory",
        lambda options: state.factories.append(options) or SimpleNamespace(subscription_id="sub"),
    )
    return state


@pytest.fixture
def no_client(monkeypatch):
    def refuse(options):
        pytest.fail("a client factory was built although the arguments are invalid")

    monkeypatch.setattr(client_factory, "ClientFactory", refuse)


def deployment_args(template, **args):
    return {
        "template": template,
        "resource_group": "rg",
        "name": "dlinfra-vm",
        "parameters": {"vmName": "vm1", "adminPassword": ADMIN_PASSWORD},
        **args,
    }


def run(module, args, capsys, check=False):
    return run_main(module, {**AUTH, "_ansible_check_mode": check, "_ansible_diff": True, **args}, capsys)


def functions(arm):
    return [function for function, _name in arm.calls]


def test_check_mode_reports_the_what_if_and_never_deploys(arm, template, capsys):
    arm.changes = MODIFY
    result = run(arm_deployment, deployment_args(template), capsys, check=True)
    assert result["changed"] is True and result["deployed"] is False
    assert result["change_summary"] == ["~ Microsoft.Compute/virtualMachines/vm1 (Modify)"]
    assert set(result["diff"]) == {"before", "after", "before_header", "after_header"}
    assert result["diff"]["after"].splitlines() == [
        "Microsoft.Compute/virtualMachines/vm1:",
        '  properties.hardwareProfile.vmSize: "D2s"',
    ]
    assert result["outputs"] == {"vmId": VM_ID}
    assert "deploy" not in functions(arm)
    assert ADMIN_PASSWORD not in json.dumps(result)


def test_real_run_deploys_once_and_returns_outputs(arm, template, capsys):
    arm.changes = MODIFY
    result = run(arm_deployment, deployment_args(template), capsys)
    assert (result["changed"], result["deployed"], result["outputs"]) == (True, True, {"vmId": VM_ID})
    assert functions(arm) == ["get_resource_group", "validate", "what_if", "deploy"]
    assert len(arm.factories) == 1


def test_secure_parameter_never_printed_even_in_a_predicted_create(arm, template, capsys):
    arm.groups.clear()
    result = run(arm_deployment, deployment_args(template, location="westeurope"), capsys, check=True)
    assert result["change_summary"] == [
        "+ resourceGroups/rg (Create)",
        "+ Microsoft.Compute/virtualMachines/vm1 (Create)",
    ]
    assert "properties.osProfile.adminPassword" in result["diff"]["after"]
    assert ADMIN_PASSWORD not in json.dumps(result)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"template": "/nonexistent/vm.json"}, "template /nonexistent/vm.json does not exist"),
        (
            {"parameters": {"vmName": "vm1", "adminPassword": ADMIN_PASSWORD, "vmSize": "D2s"}},
            "the parameters option sets parameter 'vmSize'",
        ),
        ({"scope": "subscription"}, "has scope subscription but no location. Fix: set location."),
        ({"name": "dlinfra vm!"}, "deployment name 'dlinfra vm!' is not valid"),
    ],
)
def test_bad_arguments_fail_before_any_client(no_client, template, capsys, change, message):
    result = run(arm_deployment, {**deployment_args(template), **change}, capsys)
    assert result["failed"] is True
    assert message in result["msg"]
    if change.get("template") is None:  # the template declares adminPassword secure: never printed, even here
        assert ADMIN_PASSWORD not in json.dumps(result)


def batch_entry(template, key, **args):
    return {"key": key, **deployment_args(template, name=key), **args}


@pytest.mark.parametrize(
    "entries, message",
    [
        (lambda t: [batch_entry(t, "a"), batch_entry(t, "a", name="other")], "deployments[1]: key 'a' is used twice"),
        (
            lambda t: [batch_entry(t, "a"), batch_entry(t, "b", scope="subscription", resource_group=None)],
            "deployments[1]: deployment 'b' has scope subscription but no location",
        ),
        (
            lambda t: [batch_entry(t, "a", parameters={"vmNmae": "x"})],
            "deployments[0]: the parameters option sets parameter 'vmNmae'",
        ),
    ],
)
def test_batch_argument_errors_fail_before_any_client(no_client, template, capsys, entries, message):
    result = run(arm_deployments, {"deployments": entries(template)}, capsys)
    assert result["failed"] is True and result["msg"].startswith(message)


def test_batch_check_mode_summarizes_by_key_and_hides_secrets(arm, template, capsys):
    arm.changes = MODIFY
    entries = [
        batch_entry(template, "vm-a", group="wp1"),
        batch_entry(template, "vm-b", group="wp2", depends_on=["vm-a"]),
    ]
    result = run(arm_deployments, {"deployments": entries}, capsys, check=True)
    assert result["changed"] is True and result["failures"] == {}
    assert result["change_summary"] == [
        "vm-a: ~ Microsoft.Compute/virtualMachines/vm1 (Modify)",
        "vm-b: ~ Microsoft.Compute/virtualMachines/vm1 (Modify)",
    ]
    assert result["diff"]["after"].startswith("# vm-a\n")
    assert "deploy" not in functions(arm)
    assert ADMIN_PASSWORD not in json.dumps(result)


def test_batch_failure_fails_the_task_with_a_summary_per_group(arm, template, capsys, monkeypatch):
    def validate(factory, target, *args):
        if target.name == "vm-a":
            raise DlinfraError("validate vm-a failed: QuotaExceeded", code="QuotaExceeded")

    monkeypatch.setattr(service, "validate", validate)
    arm.changes = MODIFY
    entries = [batch_entry(template, "vm-a", group="wp1"), batch_entry(template, "vm-b", group="wp2")]
    result = run(arm_deployments, {"deployments": entries}, capsys)
    assert result["failed"] is True
    assert result["msg"] == "1 deployment(s) failed, per group:\nwp1:\n  vm-a: validate vm-a failed: QuotaExceeded"
    assert result["deployments"]["vm-b"]["deployed"] is True
    assert [name for function, name in arm.calls if function == "deploy"] == ["vm-b"]
