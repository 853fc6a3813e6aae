# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where modules get Azure clients.

``ClientFactory`` turns the shared module options (see the ``it4ad.dlinfra.azure`` doc fragment) into a
credential, cloud endpoints, a CA bundle, azure-core's retry policy and timeouts, and builds each client once.
The credential gets its first token eagerly, so a wrong secret fails with one message naming the credential
source before any Resource Manager request is made. SDKs are imported only by the method that needs them.
"""

from __future__ import annotations

import os

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_auth import build_credential, choose_credential
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_clouds import CloudEndpoints, resolve_cloud
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError, error_parts

# azure-core's RetryPolicy retries 408, 429, 500, 502, 503 and 504 and dropped connections, and honours
# Retry-After; these bound it.
RETRY_TOTAL = 8
RETRY_BACKOFF_SECONDS = 1.0
RETRY_BACKOFF_MAX_SECONDS = 60
CONNECTION_TIMEOUT_SECONDS = 30
READ_TIMEOUT_SECONDS = 300


class ClientFactory:
    """Credential and clients for one module run. ``options`` are the module's parameters."""

    def __init__(self, options: dict, environment: dict | None = None):
        self.options = options
        self.ca_bundle = options.get("ca_bundle") or None
        if self.ca_bundle and not os.path.isfile(self.ca_bundle):
            raise DlinfraError(
                f"ca_bundle '{self.ca_bundle}' is not a file. Fix: give the path of a PEM file with "
                "the CA certificates to trust."
            )
        self.environment = dict(os.environ if environment is None else environment)
        self.choice = choose_credential(options, self.environment)
        subscription_id = self.choice.subscription_id
        if not subscription_id:
            raise DlinfraError(
                "no subscription id. Fix: set subscription_id (module_defaults of group "
                "it4ad.dlinfra.azure) or AZURE_SUBSCRIPTION_ID."
            )
        self.operation_timeout = int(options.get("operation_timeout") or 1800)
        self.polling_interval = float(options.get("polling_interval") or 5)
        self.subscription_id: str = subscription_id
        self._cloud: CloudEndpoints | None = None
        self._credential = None
        self._clients: dict = {}

    # -- identity ---------------------------------------------------------------------------------
    @property
    def cloud(self):
        if self._cloud is None:
            cloud = self.options.get("cloud") or self.environment.get("AZURE_CLOUD_ENVIRONMENT") or "public"
            self._cloud = resolve_cloud(
                cloud, self.options.get("arm_endpoint"), self.options.get("authority_host"), self.ca_bundle
            )
        return self._cloud

    @property
    def credential(self):
        if self._credential is None:
            credential = build_credential(self.choice, self.cloud, self.ca_bundle)
            try:
                credential.get_token(self.cloud.token_scope)
            except Exception as error:  # noqa: BLE001 - one readable authentication failure
                status, code, message, dummy = error_parts(error)
                raise DlinfraError(
                    f"authenticate with {self.choice.description} (auth_source={self.choice.source}) at "
                    f"{self.cloud.authority_host} failed: {message}. Fix: check that credential (client id, secret "
                    "or token file, tenant) and the cloud/authority_host it belongs to.",
                    code=code,
                    status=status,
                ) from None
            self._credential = credential
        return self._credential

    def _common(self) -> dict:
        settings = {
            "base_url": self.cloud.arm_endpoint,
            "credential_scopes": [self.cloud.token_scope],
            "retry_total": RETRY_TOTAL,
            "retry_backoff_factor": RETRY_BACKOFF_SECONDS,
            "retry_backoff_max": RETRY_BACKOFF_MAX_SECONDS,
            "connection_timeout": CONNECTION_TIMEOUT_SECONDS,
            "read_timeout": READ_TIMEOUT_SECONDS,
            "polling_interval": self.polling_interval,
        }
        if self.ca_bundle:
            settings["connection_verify"] = self.ca_bundle
        return settings

    # -- clients ----------------------------------------------------------------------------------
    def deployments(self):
        """``DeploymentsMgmtClient`` (azure-mgmt-resource-deployments): validate, what-if, deploy."""
        if "deployments" not in self._clients:
            from azure.mgmt.resource.deployments import DeploymentsMgmtClient

            self._clients["deployments"] = DeploymentsMgmtClient(
                self.credential, self.subscription_id, **self._common()
            )
        return self._clients["deployments"]

    def resources(self):
        """``ResourceManagementClient`` (azure-mgmt-resource): resource groups and generic resources."""
        if "resources" not in self._clients:
            from azure.mgmt.resource.resources import ResourceManagementClient

            self._clients["resources"] = ResourceManagementClient(
                self.credential, self.subscription_id, **self._common()
            )
        return self._clients["resources"]

    def authorization(self):
        """``AuthorizationManagementClient`` (azure-mgmt-authorization): role assignments and definitions."""
        if "authorization" not in self._clients:
            from azure.mgmt.authorization import AuthorizationManagementClient

            self._clients["authorization"] = AuthorizationManagementClient(
                self.credential, self.subscription_id, **self._common()
            )
        return self._clients["authorization"]

    def ml_client(self, resource_group: str, workspace_name: str | None = None):
        """azure-ai-ml's ``MLClient`` for one workspace; azure-ai-ml takes seconds to import, only ML modules call it."""
        key = ("ml", resource_group, workspace_name)
        if key not in self._clients:
            from azure.ai.ml import MLClient

            if self.ca_bundle:
                # MLClient's own HTTP stack trusts a CA only through this variable (this module's process only).
                os.environ["REQUESTS_CA_BUNDLE"] = self.ca_bundle
            arm = self.cloud.arm_endpoint + "/"
            cloud_arguments = {}
            if self.cloud.name != "AzureCloud" or self.cloud.arm_endpoint != "https://management.azure.com":
                cloud_arguments = {
                    "cloud": self.cloud.name,
                    "cloud_metadata": {
                        "azure_portal": arm,
                        "resource_manager": arm,
                        "active_directory": self.cloud.authority_host,
                        "aml_resource_id": arm,
                        "storage_endpoint": self.cloud.storage_suffix,
                        "registry_discovery_endpoint": arm,
                    },
                }
            self._clients[key] = MLClient(
                self.credential,
                self.subscription_id,
                resource_group,
                workspace_name,
                retry_total=RETRY_TOTAL,
                connection_timeout=CONNECTION_TIMEOUT_SECONDS,
                read_timeout=READ_TIMEOUT_SECONDS,
                **cloud_arguments,
            )
        return self._clients[key]

    def wait(self, poller, operation: str):
        """The result of a long-running operation, or a ``DlinfraError`` once ``operation_timeout`` has passed."""
        result = poller.result(timeout=self.operation_timeout)
        if not poller.done():
            raise DlinfraError(
                f"{operation} did not finish within {self.operation_timeout} s. Fix: raise "
                "operation_timeout, then run again; Azure goes on with the operation meanwhile."
            )
        return result
