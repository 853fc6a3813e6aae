"""scripts/generate-whatif-read-only: the committed what-if table is what the installed SDK models give today,
and it covers every resource type the project's templates deploy."""

import json
import subprocess
import sys
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.whatif_read_only import READ_ONLY_PATHS

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = REPOSITORY_ROOT / "scripts" / "generate-whatif-read-only"


def test_the_committed_table_is_not_stale():
    finished = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, f"{finished.stderr}{finished.stdout}"


def _deployed_types(resources):
    for resource in resources:
        if resource["type"].lower() == "microsoft.resources/deployments":
            # what-if compares what a nested deployment deploys, not the deployment itself
            yield from _deployed_types(((resource.get("properties") or {}).get("template") or {}).get("resources", ()))
            continue
        yield resource["type"]
        yield from _deployed_types(resource.get("resources") or ())


def test_every_type_the_templates_deploy_has_a_table():
    deployed = {
        resource_type.lower()
        for path in (REPOSITORY_ROOT / "arm-templates").glob("*/*.json")
        if ".parameters." not in path.name
        for resource_type in _deployed_types(json.loads(path.read_text(encoding="utf-8")).get("resources", ()))
    }
    assert deployed, "no template resources found under arm-templates/"
    assert deployed - set(READ_ONLY_PATHS) == set()


def test_read_only_is_by_type_and_path():
    assert "properties.tenantId" in READ_ONLY_PATHS["microsoft.machinelearningservices/workspaces"]
    assert "properties.tenantId" not in READ_ONLY_PATHS["microsoft.keyvault/vaults"]
    assert "properties.hbiWorkspace" not in READ_ONLY_PATHS["microsoft.machinelearningservices/workspaces"]
    storage = READ_ONLY_PATHS["microsoft.storage/storageaccounts"]
    # From the GET model (StorageAccount), but not what the PUT body sets (accessTier, networkAcls).
    assert "properties.primaryEndpoints" in storage and "properties.creationTime" in storage
    assert "properties.accessTier" not in storage and "properties.networkAcls" not in storage
