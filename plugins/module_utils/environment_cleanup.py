# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tear down one environment: its resource group, its ML workspaces for good, and its soft-deleted Key Vaults.

The Azure REST calls (Resource Manager, ``Microsoft.MachineLearningServices``, ``Microsoft.KeyVault``,
``Microsoft.Authorization/locks``) go through the ``ResourceManagementClient`` pipeline of the client factory, so
they share its credential, CA bundle, retry policy and timeouts. Each call raises ``DlinfraError`` naming what
it did; "not found" is ``None``.

Order, and why:

1. Read: the group, its locks, the workspaces and vaults in it, and the planned vaults' soft-deleted entries.
2. A lock anywhere in the group: the group DELETE goes first, so Azure refuses it (409 ``ScopeLocked``) before
   anything is deleted. Locks are never removed here.
3. Every workspace of the group is deleted with ``forceToPurge=true`` (permanently, so its name is free at once);
   planned workspaces that are not live get the same DELETE, which purges a soft-deleted one. Azure offers no
   read of soft-deleted workspaces, and once the group is gone they cannot be addressed any more, so this happens
   while the group still exists.
4. The group is deleted (a long-running operation), which soft-deletes the Key Vaults in it.
5. Each soft-deleted vault is purged (``POST .../deletedVaults/{name}/purge``, long-running), then read until
   Azure no longer lists it.
"""

from __future__ import annotations

import time

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import (
    DlinfraError,
    azure_operation,
    describe,
    is_not_found,
)

WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
VAULT_TYPE = "Microsoft.KeyVault/vaults"
WORKSPACE_API_VERSION = "2024-10-01"
KEY_VAULT_API_VERSION = "2023-07-01"
LOCKS_API_VERSION = "2020-05-01"

LOCK_HINT = (
    "a management lock protects this environment, and cleanup never removes a lock. If the environment is really "
    "to be torn down, remove the lock deliberately (az lock delete --ids <lock id>), then run the cleanup again."
)


class CleanupService:
    """The REST calls of one cleanup, on the factory's ``ResourceManagementClient`` pipeline."""

    def __init__(self, factory):
        self.factory = factory
        self.subscription_id = factory.subscription_id

    # -- plumbing -------------------------------------------------------------------------------------
    @property
    def _client(self):
        return self.factory.resources()

    def _send(self, method: str, path: str, api_version: str, params: dict | None = None):
        """The pipeline response of one request; HTTP errors raise ``HttpResponseError`` with ARM's error body."""
        from azure.core.exceptions import HttpResponseError
        from azure.core.rest import HttpRequest
        from azure.mgmt.core.exceptions import ARMErrorFormat

        pipeline = self._client._client  # noqa: SLF001 - the generated client's configured ARM pipeline
        request = HttpRequest(
            method, self.factory.cloud.arm_endpoint + path, params={"api-version": api_version, **(params or {})}
        )
        pipeline_response = pipeline._pipeline.run(request)  # noqa: SLF001
        response = pipeline_response.http_response
        if response.status_code >= 400:
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        return pipeline_response

    def _wait(self, pipeline_response, operation: str) -> None:
        """Follow a 201/202 answer's ``Azure-AsyncOperation`` or ``Location`` until the operation has finished."""
        if pipeline_response.http_response.status_code not in (201, 202):
            return
        from azure.core.polling import LROPoller
        from azure.mgmt.core.polling.arm_polling import ARMPolling

        poller = LROPoller(
            self._client._client,  # noqa: SLF001
            pipeline_response,
            lambda response: None,
            ARMPolling(self.factory.polling_interval),
        )
        self.factory.wait(poller, operation)

    def _get_or_none(self, path: str, api_version: str):
        try:
            return self._send("GET", path, api_version).http_response.json()
        except Exception as error:  # noqa: BLE001 - only 'not found' is absorbed
            if is_not_found(error):
                return None
            raise

    # -- reads ----------------------------------------------------------------------------------------
    def group_path(self, group: str) -> str:
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{group}"

    def resource_group(self, group: str) -> dict | None:
        with azure_operation(f"read resource group '{group}'"):
            try:
                return self._client.resource_groups.get(group).as_dict()
            except Exception as error:  # noqa: BLE001 - only 'not found' is absorbed
                if is_not_found(error):
                    return None
                raise

    def resources_of_type(self, group: str, resource_type: str) -> list[dict]:
        with azure_operation(f"list the {resource_type} resources of resource group '{group}'"):
            listed = self._client.resources.list_by_resource_group(group, filter=f"resourceType eq '{resource_type}'")
            return sorted(
                ({"name": item.name, "id": item.id, "location": item.location} for item in listed),
                key=lambda item: item["name"],
            )

    def locks(self, group: str) -> list[dict]:
        """The management locks of the group and of everything in it."""
        path = f"{self.group_path(group)}/providers/Microsoft.Authorization/locks"
        with azure_operation(f"list the management locks of resource group '{group}'"):
            body = self._send("GET", path, LOCKS_API_VERSION).http_response.json()
        return sorted(
            (
                {"id": lock["id"], "level": (lock.get("properties") or {}).get("level")}
                for lock in body.get("value", [])
            ),
            key=lambda lock: lock["id"],
        )

    def deleted_vault_path(self, location: str, name: str) -> str:
        return f"/subscriptions/{self.subscription_id}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}"

    def deleted_vault(self, location: str, name: str) -> dict | None:
        with azure_operation(f"read the soft-deleted Key Vault '{name}' in {location}"):
            return self._get_or_none(self.deleted_vault_path(location, name), KEY_VAULT_API_VERSION)

    # -- writes ---------------------------------------------------------------------------------------
    def delete_resource_group(self, group: str, locks: list[dict] | None = None) -> None:
        operation = f"delete resource group '{group}'"
        try:
            poller = self._client.resource_groups.begin_delete(group)
            self.factory.wait(poller, operation)
        except Exception as error:  # noqa: BLE001 - one readable failure, with the lock's fix
            failed = describe(operation, error)
            if str(failed.code).lower() == "scopelocked" or locks:
                held = "".join(f"\n  - {lock['id']} ({lock['level']})" for lock in locks or [])
                message = failed.message + (f"\nLocks in the group:{held}" if held else "") + f"\nFix: {LOCK_HINT}"
                raise DlinfraError(message, code=failed.code, status=failed.status, details=failed.details) from None
            raise failed from None

    def purge_workspace(self, group: str, name: str) -> bool:
        """DELETE with ``forceToPurge=true``: True when Azure deleted or purged a workspace, False when none was."""
        path = f"{self.group_path(group)}/providers/{WORKSPACE_TYPE}/{name}"
        operation = f"permanently delete ML workspace '{name}' in resource group '{group}'"
        with azure_operation(operation):
            response = self._send("DELETE", path, WORKSPACE_API_VERSION, {"forceToPurge": "true"})
            self._wait(response, operation)
        return response.http_response.status_code != 204

    def purge_vault(self, location: str, name: str) -> None:
        operation = f"purge the soft-deleted Key Vault '{name}' in {location}"
        with azure_operation(operation):
            response = self._send("POST", self.deleted_vault_path(location, name) + "/purge", KEY_VAULT_API_VERSION)
            self._wait(response, operation)
        deadline = time.monotonic() + self.factory.operation_timeout
        while self.deleted_vault(location, name) is not None:
            if time.monotonic() > deadline:
                raise DlinfraError(
                    f"{operation}: Azure still lists the deleted vault after {self.factory.operation_timeout} s. Fix: "
                    "raise operation_timeout, then run again; Azure goes on purging meanwhile."
                )
            time.sleep(self.factory.polling_interval)


def read_state(service: CleanupService, group: str, workspaces: list[str], vaults: list[str], location: str) -> dict:
    """What exists now: the group, its locks, its workspaces and vaults, and the soft-deleted vaults."""
    state: dict = {"resource_group": None, "locks": [], "workspaces": [], "key_vaults": [], "deleted_key_vaults": []}
    vault_locations = {name: location for name in vaults}
    body = service.resource_group(group)
    if body is not None:
        state["resource_group"] = body.get("id") or service.group_path(group)
        state["locks"] = service.locks(group)
        state["workspaces"] = [item["name"] for item in service.resources_of_type(group, WORKSPACE_TYPE)]
        live_vaults = service.resources_of_type(group, VAULT_TYPE)
        state["key_vaults"] = [item["name"] for item in live_vaults]
        for item in live_vaults:
            vault_locations[item["name"]] = (item["location"] or location).replace(" ", "").lower()
    state["vault_locations"] = vault_locations
    for name in sorted(vault_locations):
        if name not in state["key_vaults"] and service.deleted_vault(vault_locations[name], name) is not None:
            state["deleted_key_vaults"].append(name)
    return state


def plan_actions(state: dict, workspaces: list[str]) -> dict:
    """What the cleanup does from ``state``: every list empty and ``delete_resource_group`` False means nothing."""
    group_exists = state["resource_group"] is not None
    return {
        "delete_resource_group": group_exists,
        "purge_workspaces": sorted(set(state["workspaces"])),
        # Azure shows no soft-deleted workspace, so a planned one that is not live is purged on the off chance,
        # while the group still exists to address it.
        "purge_if_soft_deleted": sorted(set(workspaces) - set(state["workspaces"])) if group_exists else [],
        "purge_key_vaults": sorted(set(state["key_vaults"]) | set(state["deleted_key_vaults"])),
    }


def run_cleanup(service: CleanupService, group: str, state: dict, actions: dict) -> dict:
    """Carry out ``actions``; returns what was done."""
    purged_workspaces: list[str] = []
    purged_vaults: list[str] = []
    done: dict = {
        "resource_group_deleted": False,
        "workspaces_purged": purged_workspaces,
        "key_vaults_purged": purged_vaults,
    }
    if actions["delete_resource_group"] and state["locks"]:
        # Azure refuses the whole delete while a lock sits anywhere in the group, before deleting anything.
        service.delete_resource_group(group, state["locks"])
        done["resource_group_deleted"] = True
    if not done["resource_group_deleted"]:
        for name in actions["purge_workspaces"]:
            service.purge_workspace(group, name)
            purged_workspaces.append(name)
        for name in actions["purge_if_soft_deleted"]:
            if service.purge_workspace(group, name):
                purged_workspaces.append(name)
    if actions["delete_resource_group"] and not done["resource_group_deleted"]:
        service.delete_resource_group(group)
        done["resource_group_deleted"] = True
    locations = state["vault_locations"]
    for name in actions["purge_key_vaults"]:
        if service.deleted_vault(locations[name], name) is None:
            raise DlinfraError(
                f"the Key Vault '{name}' of resource group '{group}' is not in the soft-deleted vaults of "
                f"{locations[name]} after the group was deleted, so it cannot be purged. Fix: check with "
                "az keyvault list-deleted whether it was recovered or is in another location."
            )
        service.purge_vault(locations[name], name)
        purged_vaults.append(name)
    return done
