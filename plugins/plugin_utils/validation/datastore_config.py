# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``arm-templates/mlworkspace/datastore_config.json``: which datastore goes to which workspaces."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding, json_path_of
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import UnreadableFile, read_json
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.naming_rules import leaf_name

try:
    import jsonschema
except ImportError:  # reported by the validator's dependency check
    jsonschema = None

DATASTORE_CONFIG_FILE = "arm-templates/mlworkspace/datastore_config.json"
DATASTORE_SCHEMA_FILE = "arm-templates/mlworkspace/datastore_config.schema.json"
ALL_WORK_PACKAGES = "*"
_STORAGE_TEMPLATES = {"data": "datastorage", "ml": "mlstorage"}
_CONTAINER_TYPE = "microsoft.storage/storageaccounts/blobservices/containers"


def load_datastore_config(repository_root: Path):
    """Return ``(config or None, [Finding])``, the config checked against its JSON Schema."""
    try:
        config = read_json(repository_root / DATASTORE_CONFIG_FILE, repository_root)
        schema = read_json(repository_root / DATASTORE_SCHEMA_FILE, repository_root)
    except UnreadableFile as unreadable:
        return None, [unreadable.finding]
    validator = jsonschema.Draft202012Validator(schema)
    findings = [
        Finding(DATASTORE_CONFIG_FILE, json_path_of(error.absolute_path), f"{error.message}.", _schema_fix(error))
        for error in sorted(validator.iter_errors(config), key=lambda error: list(error.absolute_path))
    ]
    if findings:
        return None, findings
    names = [datastore["name"] for datastore in config["datastores"]]
    for index, name in enumerate(names):
        if name in names[:index]:
            findings.append(
                Finding(
                    DATASTORE_CONFIG_FILE,
                    f"$.datastores[{index}].name",
                    f"datastore '{name}' is defined twice.",
                    "give each datastore its own name.",
                )
            )
    return config, findings


def _schema_fix(error) -> str:
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if description:
        return description
    return f"make it match the schema in {DATASTORE_SCHEMA_FILE}."


def datastores_for(config: dict, work_package: str) -> list:
    return [
        datastore
        for datastore in config["datastores"]
        if ALL_WORK_PACKAGES in datastore["workspaces"] or work_package in datastore["workspaces"]
    ]


def environment_findings(config: dict, rendered_environment) -> list:
    """Check the config against one rendered environment: work packages and containers exist."""
    settings = rendered_environment.settings
    known_packages = [package["name"] for package in settings.work_packages]
    findings = []
    for index, datastore in enumerate(config["datastores"]):
        for position, workspace in enumerate(datastore["workspaces"]):
            if workspace != ALL_WORK_PACKAGES and workspace not in known_packages:
                findings.append(
                    Finding(
                        DATASTORE_CONFIG_FILE,
                        f"$.datastores[{index}].workspaces[{position}]",
                        f"names work package '{workspace}', which {settings.folder} does not have "
                        f"(it has: {', '.join(known_packages)}).",
                        f"add '{workspace}' to dlinfra_work_packages in {settings.file_of('dlinfra_work_packages')}, "
                        "or remove it from this list.",
                        settings.name,
                    )
                )
        template = _STORAGE_TEMPLATES[datastore["storageAccount"]]
        storage_resources = rendered_environment.resources_of(template)
        containers = {
            leaf_name(resource["name"])
            for resource in storage_resources
            if str(resource.get("type", "")).lower() == _CONTAINER_TYPE
        }
        if storage_resources and template == "datastorage" and datastore["container"] not in containers:
            findings.append(
                Finding(
                    DATASTORE_CONFIG_FILE,
                    f"$.datastores[{index}].container",
                    f"container '{datastore['container']}' is not created by arm-templates/{template} in "
                    f"{settings.folder} (it creates: {', '.join(sorted(containers)) or 'none'}).",
                    f"add it to containerNames in arm-templates/{template}/{template}.parameters."
                    f"{settings.environment}.json, or attach a container that exists.",
                    settings.name,
                )
            )
    return findings
