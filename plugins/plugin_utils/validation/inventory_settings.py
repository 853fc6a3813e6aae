# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An environment's variables, read through Ansible's own inventory machinery and checked by schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleError
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.vars.manager import VariableManager

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding, json_path_of
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import (
    UnreadableFile,
    read_json,
    read_yaml,
    relative_name,
)

try:
    import jsonschema
except ImportError:  # reported by the validator's dependency check
    jsonschema = None

INVENTORIES_FOLDER = "inventories"
VARIABLE_PREFIX = "dlinfra_"
RUN_TIME_ONLY_PREFIX = "dlinfra_role_test_"
GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# Azure's tag rules: names of 1-512 characters without < > % & \ ? /, values of up to 256 characters, at most 50
# tags per resource, one of which is the workPackage tag each template adds.
TAG_NAME_PATTERN = r"^[^<>%&\\?/]{1,512}$"
TAG_VALUE = {"type": "string", "minLength": 1, "maxLength": 256}
MAX_INVENTORY_TAGS = 49
REQUIRED_TAGS = ("environment", "costCentre", "dataClassification")
DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"]
KEY_VAULT_TEMPLATE = "arm-templates/keyvault/keyvault.json"
PURGE_PROTECTION = "enablePurgeProtection"

INVENTORY_VARIABLES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "dlinfra_environment",
        "dlinfra_subscription_id",
        "dlinfra_location",
        "dlinfra_resource_group",
        "dlinfra_name_prefix",
        "dlinfra_ephemeral",
        "dlinfra_private_subnet_id",
        "dlinfra_compute_vm_size",
        "dlinfra_compute_max_nodes",
        "dlinfra_work_packages",
        "dlinfra_cost_centre",
        "dlinfra_data_classification",
        "dlinfra_resource_tags",
        "dlinfra_delete_locks",
        "dlinfra_customer_managed_keys",
    ],
    "properties": {
        "dlinfra_environment": {
            "enum": ["dev", "int", "pro"],
            "description": "which parameter files (<resource>.parameters.<environment>.json) this inventory deploys",
        },
        "dlinfra_subscription_id": {
            "type": "string",
            "pattern": GUID_PATTERN,
            "description": "a subscription id (a GUID)",
        },
        "dlinfra_location": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9]{2,39}$",
            "description": "an Azure region name such as westeurope",
        },
        "dlinfra_resource_group": {
            "type": "string",
            "pattern": r"^[-\w._()]{1,89}[-\w_()]$",
            "description": "a resource group name: 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
        },
        "dlinfra_name_prefix": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9]{1,9}$",
            "description": "2-10 lowercase letters and digits, starting with a letter (it is part of storage "
            "account names, which allow nothing else)",
        },
        "dlinfra_ephemeral": {"type": "boolean", "description": "true or false"},
        "dlinfra_private_subnet_id": {
            "type": "string",
            "pattern": "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Network/"
            "virtualNetworks/[^/]+/subnets/[^/]+$",
            "description": "a subnet resource id, /subscriptions/<id>/resourceGroups/<rg>/providers/"
            "Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
        },
        "dlinfra_compute_vm_size": {
            "type": "string",
            "pattern": "^Standard_[A-Za-z0-9_]+$",
            "description": "an Azure VM size such as Standard_DS3_v2",
        },
        "dlinfra_compute_max_nodes": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "description": "an integer from 1 to 100",
        },
        "dlinfra_work_packages": {
            "type": "array",
            "minItems": 1,
            "description": "a non-empty list of {name, developer_group_object_id}",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "developer_group_object_id"],
                "properties": {
                    "name": {
                        "type": "string",
                        "pattern": "^[a-z][a-z0-9]+$",
                        "description": "lowercase letters and digits, starting with a letter (the "
                        "templates' workPackageName parameter sets the length limit)",
                    },
                    "developer_group_object_id": {
                        "type": "string",
                        "pattern": GUID_PATTERN,
                        "description": "the Entra ID object id (a GUID) of the work package's developer group",
                    },
                },
            },
        },
        "dlinfra_cost_centre": {
            **TAG_VALUE,
            "description": "the cost centre the environment is booked to, e.g. CC-4711-ML (a tag value: 1-256 characters)",
        },
        "dlinfra_data_classification": {
            "enum": DATA_CLASSIFICATIONS,
            "description": f"the classification of the data the environment holds: one of {', '.join(DATA_CLASSIFICATIONS)}",
        },
        "dlinfra_resource_tags": {
            "type": "object",
            "required": list(REQUIRED_TAGS),
            "maxProperties": MAX_INVENTORY_TAGS,
            "propertyNames": {
                "pattern": TAG_NAME_PATTERN,
                "not": {"const": "workPackage"},
                "description": "tag names of 1-512 characters without < > % & \\ ? /, and no workPackage (each "
                "template adds its own)",
            },
            "additionalProperties": TAG_VALUE,
            "description": "a mapping of tag names to string values with at least "
            f"{', '.join(REQUIRED_TAGS)} (built from dlinfra_environment, dlinfra_cost_centre and "
            f"dlinfra_data_classification), at most {MAX_INVENTORY_TAGS} tags, and no workPackage (each template "
            "adds its own)",
        },
        "dlinfra_delete_locks": {
            "type": "boolean",
            "description": "true or false: whether the protected resources get CanNotDelete locks (pro: true)",
        },
        "dlinfra_customer_managed_keys": {
            "type": "boolean",
            "description": "true or false: whether storage, registries and workspaces encrypt with keys from the "
            "environment's Key Vault (pro: true)",
        },
    },
}


@dataclass
class InventorySettings:
    """One inventory's ``dlinfra_*`` variables, templated, as plain Python values."""

    name: str
    folder: str
    variables: dict
    variable_files: dict  # variable name -> relative file that sets it

    @property
    def environment(self) -> str | None:
        return self.variables.get("dlinfra_environment")

    @property
    def work_packages(self) -> list:
        return self.variables.get("dlinfra_work_packages") or []

    def file_of(self, variable: str) -> str:
        return self.variable_files.get(variable, f"{self.folder}/group_vars/all/")


def discover_inventories(repository_root: Path) -> list:
    root = repository_root / INVENTORIES_FOLDER
    return sorted(path.name for path in root.iterdir() if path.is_dir()) if root.is_dir() else []


def load_inventory_settings(repository_root: Path, inventory_name: str):
    """Return ``(InventorySettings or None, [Finding])`` for ``inventories/<inventory_name>``."""
    folder = repository_root / INVENTORIES_FOLDER / inventory_name
    folder_name = relative_name(folder, repository_root)
    variable_files, findings = _variable_files(folder, repository_root)
    if findings:
        return None, findings
    try:
        variables = _templated_variables(folder)
    except AnsibleError as error:
        return None, [
            Finding(
                folder_name,
                "$",
                f"Ansible cannot read this inventory: {error.message}",
                "correct the variable or file the message names.",
                inventory_name,
            )
        ]
    if variables is None:
        return None, [
            Finding(
                folder_name,
                "$",
                "has no host.",
                "declare localhost in hosts.yml (see inventories/dev/hosts.yml).",
                inventory_name,
            )
        ]
    settings = InventorySettings(inventory_name, folder_name, variables, variable_files)
    return settings, settings_findings(settings, repository_root)


def settings_findings(settings: InventorySettings, repository_root: Path | None = None) -> list:
    """Schema and semantic problems of an inventory's variables (also of variables Ansible already templated).

    With ``repository_root``, the switches that need something of a template's parameter file are checked too.
    """
    findings = _schema_findings(settings) + _semantic_findings(settings)
    if repository_root is not None and settings.variables.get("dlinfra_customer_managed_keys") is True:
        findings.extend(_purge_protection_findings(settings, repository_root))
    return findings


def variable_files_of(folder: Path, repository_root: Path):
    """``({variable: relative file}, [Finding])`` of the ``dlinfra_*`` variables set in ``folder``'s vars files."""
    return _variable_files(folder, repository_root)


def _variable_files(folder: Path, repository_root: Path):
    """Map each top-level ``dlinfra_*`` variable to the group_vars/host_vars file that sets it."""
    variable_files: dict = {}
    findings: list = []
    for path in sorted(folder.glob("*_vars/**/*")):
        if path.suffix not in (".yml", ".yaml", ".json") or not path.is_file():
            continue
        try:
            document = read_yaml(path, repository_root)
        except UnreadableFile as unreadable:
            findings.append(unreadable.finding)
            continue
        for key in (document or {}) if isinstance(document, dict) else ():
            if str(key).startswith(VARIABLE_PREFIX):
                variable_files.setdefault(key, relative_name(path, repository_root))
    return variable_files, findings


def _templated_variables(folder: Path):
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(folder)])
    hosts = inventory.get_hosts()
    if not hosts:
        return None
    host_variables = VariableManager(loader=loader, inventory=inventory).get_vars(host=hosts[0])
    templar = Templar(loader=loader, variables=host_variables)
    # The role test's principal comes from a secret source at run time (environment, connection.json): the offline
    # validation neither reads nor needs it.
    ours = {
        name: value
        for name, value in host_variables.items()
        if name.startswith(VARIABLE_PREFIX) and not name.startswith(RUN_TIME_ONLY_PREFIX)
    }
    # A JSON round trip turns Ansible's tagged values into plain ones.
    return json.loads(json.dumps(templar.template(ours)))


def _schema_findings(settings: InventorySettings):
    if jsonschema is None:
        return []
    findings = []
    validator = jsonschema.Draft202012Validator(INVENTORY_VARIABLES_SCHEMA)
    for error in sorted(validator.iter_errors(settings.variables), key=lambda error: list(error.absolute_path)):
        path = list(error.absolute_path)
        if error.validator == "required" and not path:
            missing = error.message.split("'")[1]
            description = INVENTORY_VARIABLES_SCHEMA["properties"][missing]["description"]
            findings.append(
                Finding(
                    settings.file_of(missing),
                    "$",
                    f"the variable '{missing}' is not set.",
                    f"set {missing} to {description}.",
                    settings.name,
                )
            )
            continue
        file_name = settings.file_of(path[0]) if path else settings.folder
        schema_description = error.schema.get("description") if isinstance(error.schema, dict) else None
        value = json.dumps(error.instance)
        problem = f"{value} is not valid: {error.message}."
        if error.validator == "additionalProperties":
            problem = f"{error.message}."
        fix = f"set it to {schema_description}." if schema_description else "correct the value."
        findings.append(Finding(file_name, json_path_of(path), problem, fix, settings.name))
    return findings


def _semantic_findings(settings: InventorySettings):
    findings = []
    names = [package.get("name") for package in settings.work_packages if isinstance(package, dict)]
    for index, name in enumerate(names):
        if name in names[:index]:
            findings.append(
                Finding(
                    settings.file_of("dlinfra_work_packages"),
                    f"$.dlinfra_work_packages[{index}].name",
                    f"work package '{name}' is listed twice; its workspace and role assignments would collide.",
                    "remove or rename one of them.",
                    settings.name,
                )
            )
    if settings.environment == "pro" and settings.variables.get("dlinfra_ephemeral") is True:
        findings.append(
            Finding(
                settings.file_of("dlinfra_ephemeral"),
                "$.dlinfra_ephemeral",
                "a pro environment is marked ephemeral, so a release would tear production down after testing it.",
                "set dlinfra_ephemeral: false for pro.",
                settings.name,
            )
        )
    if settings.variables.get("dlinfra_delete_locks") is True and settings.variables.get("dlinfra_ephemeral") is True:
        findings.append(
            Finding(
                settings.file_of("dlinfra_delete_locks"),
                "$.dlinfra_delete_locks",
                "delete locks are switched on in an ephemeral environment, so its teardown after the release "
                "tests would fail on the locks (the cleanup never removes a lock).",
                "set dlinfra_delete_locks: false, or dlinfra_ephemeral: false if the environment is kept.",
                settings.name,
            )
        )
    return findings


def _purge_protection_findings(settings: InventorySettings, repository_root: Path) -> list:
    """Customer-managed keys need a purge-protected Key Vault: Azure refuses a key from a vault without it."""
    environment = settings.environment
    if environment is None:
        return []
    parameter_file = f"arm-templates/keyvault/keyvault.parameters.{environment}.json"
    try:
        parameters = read_json(repository_root / parameter_file, repository_root).get("parameters") or {}
        template = read_json(repository_root / KEY_VAULT_TEMPLATE, repository_root)
    except (UnreadableFile, AttributeError):
        return []  # the template-set checks report an unreadable or malformed file
    entry = parameters.get(PURGE_PROTECTION)
    if isinstance(entry, dict) and "value" in entry:
        file_name, json_path, value = parameter_file, f"$.parameters.{PURGE_PROTECTION}.value", entry["value"]
    else:
        declaration = (template.get("parameters") or {}).get(PURGE_PROTECTION) or {}
        file_name, json_path = KEY_VAULT_TEMPLATE, f"$.parameters.{PURGE_PROTECTION}.defaultValue"
        value = declaration.get("defaultValue", True)
    if value is not False:
        return []
    return [
        Finding(
            file_name,
            json_path,
            f"{settings.file_of('dlinfra_customer_managed_keys')} switches customer-managed keys on "
            f"(dlinfra_customer_managed_keys: true), but the {environment} Key Vault has no purge protection; Azure "
            "refuses keys for storage, registry and workspace encryption from such a vault.",
            f"set {PURGE_PROTECTION} to true here (irreversible once deployed), or set "
            f"dlinfra_customer_managed_keys: false in {settings.file_of('dlinfra_customer_managed_keys')}.",
            settings.name,
        )
    ]
