"""Checkov runs for real over a small template tree; the skip file needs a reason for every skip."""

import json

import pytest

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation import checkov_scan

INSECURE_STORAGE_TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "resources": [
        {
            "type": "Microsoft.Storage/storageAccounts",
            "apiVersion": "2023-05-01",
            "name": "insecurest",
            "location": "westeurope",
            "sku": {"name": "Standard_LRS"},
            "kind": "StorageV2",
            "properties": {"supportsHttpsTrafficOnly": False, "minimumTlsVersion": "TLS1_0"},
        }
    ],
}


@pytest.fixture
def insecure_tree(tmp_path):
    folder = tmp_path / "arm-templates" / "insecure"
    folder.mkdir(parents=True)
    (folder / "insecure.json").write_text(json.dumps(INSECURE_STORAGE_TEMPLATE, indent=2))
    return tmp_path


def test_an_insecure_storage_account_fails_named_checks(insecure_tree):
    findings = checkov_scan.checkov_findings(insecure_tree)
    failed_ids = {finding.problem.split()[1] for finding in findings}
    assert "CKV_AZURE_3" in failed_ids, [finding.render() for finding in findings]  # HTTPS only
    assert "CKV_AZURE_35" in failed_ids  # network access denied by default
    assert all(finding.file == "arm-templates/insecure/insecure.json" for finding in findings)
    assert all(checkov_scan.SKIP_FILE in finding.fix for finding in findings)


def test_a_skip_with_a_reason_silences_its_check(insecure_tree):
    (insecure_tree / checkov_scan.SKIP_FILE).write_text(
        "skips:\n  - id: CKV_AZURE_3\n    reason: test of the skip file\n"
    )
    findings = checkov_scan.checkov_findings(insecure_tree)
    failed_ids = {finding.problem.split()[1] for finding in findings}
    assert "CKV_AZURE_3" not in failed_ids
    assert "CKV_AZURE_35" in failed_ids


def test_a_skip_without_a_reason_is_itself_a_finding(insecure_tree):
    (insecure_tree / checkov_scan.SKIP_FILE).write_text("skips:\n  - id: CKV_AZURE_3\n")
    findings = checkov_scan.checkov_findings(insecure_tree)
    assert len(findings) == 1
    assert findings[0].file == checkov_scan.SKIP_FILE
    assert findings[0].json_path == "$.skips[0]"
    assert "reason" in findings[0].problem
