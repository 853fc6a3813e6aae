# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Azure ML calls of the ML modules, and plain-dict views of what azure-ai-ml returns.

``MLService`` wraps one ``azure.ai.ml.MLClient`` (built by ``ClientFactory.ml_client``). Every call raises
``DlinfraError`` with a readable verb; a missing datastore or compute is ``None``, a missing workspace under a
datastore or compute call is an error that says so. azure-ai-ml itself is imported only where an entity is built.
The ``*_facts`` functions turn SDK entities into the dicts the modules return; they never carry a secret.
"""

from __future__ import annotations

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import (
    DlinfraError,
    azure_operation,
    is_not_found,
)

# azure-ai-ml credential configuration class -> the credentials_type the modules report.
_CREDENTIAL_KINDS = {
    "NoneCredentialConfiguration": "identity",
    "AccountKeyConfiguration": "account_key",
    "SasTokenConfiguration": "sas_token",
}


def _text(value):
    """An SDK enum or string as a plain string (``DatastoreType.AZURE_BLOB`` -> ``AzureBlob``)."""
    if value is None:
        return None
    return str(getattr(value, "value", value))


def credentials_kind(credentials) -> str:
    if credentials is None:
        return "identity"
    name = type(credentials).__name__
    return _CREDENTIAL_KINDS.get(name, name.replace("Configuration", "").lower())


def datastore_facts(datastore, default_name: str | None = None) -> dict:
    """What ``ml_datastore_info`` returns for one datastore; no secret, whatever the SDK object holds."""
    return {
        "name": datastore.name,
        "type": _text(getattr(datastore, "type", None)),
        "account_name": getattr(datastore, "account_name", None),
        "container_name": getattr(datastore, "container_name", None),
        "description": getattr(datastore, "description", None),
        "tags": dict(getattr(datastore, "tags", None) or {}),
        "credentials_type": credentials_kind(getattr(datastore, "credentials", None)),
        "is_default": datastore.name == default_name,
    }


def _identity(identity) -> dict | None:
    if identity is None:
        return None
    return {"type": _text(getattr(identity, "type", None)), "principal_id": getattr(identity, "principal_id", None)}


def workspace_facts(workspace) -> dict:
    return {
        "name": workspace.name,
        "id": getattr(workspace, "id", None),
        "location": getattr(workspace, "location", None),
        "storage_account": getattr(workspace, "storage_account", None),
        "key_vault": getattr(workspace, "key_vault", None),
        "application_insights": getattr(workspace, "application_insights", None),
        "container_registry": getattr(workspace, "container_registry", None),
        "public_network_access": _text(getattr(workspace, "public_network_access", None)),
        "hbi_workspace": getattr(workspace, "hbi_workspace", None),
        "identity": _identity(getattr(workspace, "identity", None)),
        "tags": dict(getattr(workspace, "tags", None) or {}),
        "system_datastores_auth_mode": _text(getattr(workspace, "system_datastores_auth_mode", None)),
    }


def compute_facts(compute) -> dict:
    network = getattr(compute, "network_settings", None)
    identity = getattr(compute, "identity", None)
    return {
        "name": compute.name,
        "type": _text(getattr(compute, "type", None)),
        "size": getattr(compute, "size", None),
        "min_instances": getattr(compute, "min_instances", None),
        "max_instances": getattr(compute, "max_instances", None),
        "idle_time_before_scale_down": getattr(compute, "idle_time_before_scale_down", None),
        "tier": _text(getattr(compute, "tier", None)),
        "subnet": getattr(network, "subnet", None) if network is not None else None,
        "enable_node_public_ip": getattr(compute, "enable_node_public_ip", None),
        "ssh_public_access_enabled": getattr(compute, "ssh_public_access_enabled", None),
        "provisioning_state": _text(getattr(compute, "provisioning_state", None)),
        "identity_type": _text(getattr(identity, "type", None)) if identity is not None else None,
        "tags": dict(getattr(compute, "tags", None) or {}),
    }


class MLService:
    """The calls the ML modules make in one resource group (and, for datastores and computes, one workspace)."""

    def __init__(self, ml_client, resource_group: str, workspace_name: str | None = None):
        self.client = ml_client
        self.resource_group = resource_group
        self.workspace_name = workspace_name

    def _workspace_missing(self) -> DlinfraError:
        return DlinfraError(
            f"workspace '{self.workspace_name}' does not exist in resource group '{self.resource_group}'. Fix: "
            "check workspace_name and resource_group, or create the workspace first (the mlworkspace template).",
            code="WorkspaceNotFound",
            status=404,
        )

    def _read(self, operation: str, call, missing_is_none: bool = False):
        """``call()``, with a 404 as ``None`` (``missing_is_none``) or as a missing workspace."""
        with azure_operation(operation):
            try:
                return call()
            except Exception as error:  # noqa: BLE001 - only 'not found' is handled here; the rest goes to azure_operation
                if not is_not_found(error):
                    raise
        if missing_is_none:
            return None
        raise self._workspace_missing()

    def _in_workspace(self) -> str:
        return f"in workspace '{self.workspace_name}' of resource group '{self.resource_group}'"

    def _named(self, kind: str, name: str, call):
        """One item of the workspace, ``None`` when it does not exist (but an error when the workspace does not)."""
        found = self._read(f"read {kind} '{name}' {self._in_workspace()}", call, missing_is_none=True)
        if found is None:
            self.require_workspace()
        return found

    # -- workspaces ---------------------------------------------------------------------------------
    def workspaces(self) -> list:
        with azure_operation(f"list the ML workspaces of resource group '{self.resource_group}'"):
            return list(self.client.workspaces.list(scope="resource_group"))

    def workspace(self, name: str):
        return self._read(
            f"read ML workspace '{name}' in resource group '{self.resource_group}'",
            lambda: self.client.workspaces.get(name),
            missing_is_none=True,
        )

    def require_workspace(self) -> None:
        if self.workspace_name is None or self.workspace(self.workspace_name) is None:
            raise self._workspace_missing()

    # -- datastores ---------------------------------------------------------------------------------
    def datastores(self) -> list:
        return self._read(f"list the datastores {self._in_workspace()}", lambda: list(self.client.datastores.list()))

    def datastore(self, name: str):
        return self._named("datastore", name, lambda: self.client.datastores.get(name))

    def default_datastore_name(self) -> str | None:
        def read():
            try:
                return self.client.datastores.get_default().name
            except StopIteration:  # the list behind get_default() is empty: no default datastore
                return None

        return self._read(f"read the default datastore {self._in_workspace()}", read)

    def attach_blob_datastore(self, desired: dict, secrets: dict) -> None:
        """Create or update an Azure Blob datastore; ``secrets`` holds ``account_key`` or ``sas_token`` or nothing."""
        from azure.ai.ml.entities import AccountKeyConfiguration, AzureBlobDatastore, SasTokenConfiguration

        credentials: AccountKeyConfiguration | SasTokenConfiguration | None = None
        if secrets.get("account_key"):
            credentials = AccountKeyConfiguration(account_key=secrets["account_key"])
        elif secrets.get("sas_token"):
            credentials = SasTokenConfiguration(sas_token=secrets["sas_token"])
        datastore = AzureBlobDatastore(
            name=desired["name"],
            account_name=desired["account_name"],
            container_name=desired["container_name"],
            description=desired["description"],
            tags=dict(desired["tags"]),
            credentials=credentials,
        )
        with azure_operation(f"attach datastore '{desired['name']}' {self._in_workspace()}"):
            self.client.datastores.create_or_update(datastore)

    def detach_datastore(self, name: str) -> None:
        """Remove the datastore from the workspace (the storage and its data stay); a missing one is no error."""

        def delete():
            self.client.datastores.delete(name)
            return True

        self._read(f"detach datastore '{name}' {self._in_workspace()}", delete, missing_is_none=True)

    # -- computes -----------------------------------------------------------------------------------
    def computes(self) -> list:
        return self._read(f"list the computes {self._in_workspace()}", lambda: list(self.client.compute.list()))

    def compute(self, name: str):
        return self._named("compute", name, lambda: self.client.compute.get(name))


def service_for(make_factory, resource_group: str, workspace_name: str | None = None) -> MLService:
    """An ``MLService`` on the factory's MLClient; call it only after the module's own argument checks."""
    factory = make_factory()
    return MLService(factory.ml_client(resource_group, workspace_name), resource_group, workspace_name)


def read_facts(list_all, read_one, to_facts, name: str | None) -> list[dict]:
    """Every item's facts, or the named item's facts (an empty list when it does not exist)."""
    if name:
        found = read_one(name)
        return [] if found is None else [to_facts(found)]
    return [to_facts(item) for item in list_all()]
