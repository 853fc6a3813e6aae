"""A disposable copy of the repository's desired state, plus a small fixture template to break."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

REPOSITORY_ROOT = Path(__file__).resolve().parents[5]

FIXTURE_TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {
        "location": {"type": "string"},
        "namePrefix": {"type": "string"},
        "environmentName": {"type": "string", "allowedValues": ["dev", "int", "pro"]},
        "retentionDays": {"type": "int", "minValue": 7, "maxValue": 90},
        "skuName": {"type": "string", "allowedValues": ["Standard_LRS", "Standard_ZRS"]},
        "label": {"type": "string", "minLength": 3, "maxLength": 8, "defaultValue": "fixture"},
    },
    "variables": {
        "accountName": "[format('{0}{1}fixturestore', parameters('namePrefix'), parameters('environmentName'))]"
    },
    "resources": [
        {
            "type": "Microsoft.Storage/storageAccounts",
            "apiVersion": "2023-05-01",
            "name": "[variables('accountName')]",
            "location": "[parameters('location')]",
            "sku": {"name": "[parameters('skuName')]"},
            "kind": "StorageV2",
            "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False},
        }
    ],
    "outputs": {"accountName": {"type": "string", "value": "[variables('accountName')]"}},
}
PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


class RepositoryCopy:
    """Files of a copied repository, with helpers to read and rewrite them."""

    def __init__(self, root: Path):
        self.root = root

    def read_json(self, relative: str):
        return json.loads((self.root / relative).read_text())

    def write_json(self, relative: str, document) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2))

    def read_yaml(self, relative: str):
        return yaml.safe_load((self.root / relative).read_text())

    def write_yaml(self, relative: str, document) -> None:
        (self.root / relative).write_text(yaml.safe_dump(document, sort_keys=False))

    def set_fixture_parameter(self, environment: str, name: str, value) -> None:
        relative = f"arm-templates/fixturestore/fixturestore.parameters.{environment}.json"
        document = self.read_json(relative)
        document["parameters"][name] = {"value": value}
        self.write_json(relative, document)

    def remove_fixture_parameter(self, environment: str, name: str) -> None:
        relative = f"arm-templates/fixturestore/fixturestore.parameters.{environment}.json"
        document = self.read_json(relative)
        del document["parameters"][name]
        self.write_json(relative, document)


@pytest.fixture
def plain_repository(tmp_path) -> RepositoryCopy:
    """A copy of the repository's templates and inventories as they are."""
    for folder in ("arm-templates", "inventories"):
        shutil.copytree(REPOSITORY_ROOT / folder, tmp_path / folder)
    return RepositoryCopy(tmp_path)


@pytest.fixture
def repository(plain_repository) -> RepositoryCopy:
    """The copy plus the fixture template, deployed last."""
    copy = plain_repository
    copy.write_json("arm-templates/fixturestore/fixturestore.json", FIXTURE_TEMPLATE)
    for environment, (days, sku) in {
        "dev": (7, "Standard_LRS"),
        "int": (7, "Standard_LRS"),
        "pro": (30, "Standard_ZRS"),
    }.items():
        copy.write_json(
            f"arm-templates/fixturestore/fixturestore.parameters.{environment}.json",
            {
                "$schema": PARAMETERS_SCHEMA,
                "contentVersion": "1.0.0.0",
                "parameters": {"retentionDays": {"value": days}, "skuName": {"value": sku}},
            },
        )
    plan = copy.read_yaml("arm-templates/deployment_plan.yml")
    plan["deployments"].append({"template": "fixturestore"})
    copy.write_yaml("arm-templates/deployment_plan.yml", plan)
    return copy
