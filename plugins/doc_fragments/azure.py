# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation of the authentication and cloud options of every it4ad.dlinfra module."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  auth_source:
    description:
      - Where the credential comes from.
      - V(auto) tries, in order, O(client_id)/O(secret)/O(tenant), the environment variables of V(env),
        those of V(workload_identity), the profile of V(credential_file), the Azure CLI (when C(az) is on the
        PATH), and finally the machine's managed identity.
      - V(env) reads azure.azcollection's variables E(AZURE_CLIENT_ID), E(AZURE_SECRET), E(AZURE_TENANT) (what
        AWX's Azure Resource Manager credential injects) or azure-identity's E(AZURE_CLIENT_SECRET) and
        E(AZURE_TENANT_ID).
      - V(workload_identity) uses E(AZURE_FEDERATED_TOKEN_FILE), E(AZURE_CLIENT_ID) and E(AZURE_TENANT_ID), as an
        Azure DevOps service connection with workload identity federation sets them.
      - V(credential_file) reads the INI profile O(profile) (or E(AZURE_PROFILE), else C(default)) of
        C(~/.azure/credentials) with C(subscription_id), C(client_id), C(secret) and C(tenant).
      - V(cli) uses the account C(az login) signed in; V(msi) the managed identity (O(client_id) picks a
        user-assigned one).
    type: str
    default: auto
    choices: [auto, env, cli, msi, credential_file, workload_identity]
  subscription_id:
    description: Subscription to work in. Defaults to E(AZURE_SUBSCRIPTION_ID), then the credential file profile.
    type: str
  client_id:
    description: Application (client) id of a service principal, or of a user-assigned managed identity with V(msi).
    type: str
  secret:
    description: Client secret of O(client_id). Never logged.
    type: str
  tenant:
    description: Entra ID tenant id of O(client_id).
    type: str
  profile:
    description: Profile of C(~/.azure/credentials) for O(auth_source=credential_file). Defaults to E(AZURE_PROFILE).
    type: str
  cloud:
    description:
      - V(public), V(china), V(usgovernment) (also azure.azcollection's names C(AzureCloud),
        C(AzureChinaCloud), C(AzureUSGovernment)), or the https URL of a cloud metadata document such as
        C(https://<resource manager>/metadata/endpoints?api-version=2022-09-01) (Azure Stack, the local endpoint).
      - Defaults to E(AZURE_CLOUD_ENVIRONMENT) (which AWX's Azure Resource Manager credential sets where the
        credential names a cloud), else V(public).
    type: str
  arm_endpoint:
    description: Resource Manager URL; overrides what O(cloud) says.
    type: str
  authority_host:
    description:
      - Entra ID authority URL; overrides what O(cloud) says. Instance discovery is switched off for an
        authority outside Microsoft's clouds.
    type: str
  ca_bundle:
    description: PEM file of the CA certificates to trust for every request, instead of the system store.
    type: path
  operation_timeout:
    description:
      - Seconds to wait for one long-running operation (a deployment, a what-if) before failing. Azure goes on
        with the operation; a rerun picks up its result.
    type: int
    default: 1800
  polling_interval:
    description: Seconds between polls of a long-running operation when Azure sends no C(Retry-After).
    type: float
    default: 5
notes:
  - Requests are retried with azure-core's policy on HTTP 408, 429, 500, 502, 503 and 504 and on dropped
    connections, honouring C(Retry-After), at most 8 times.
  - Set these options once per play with C(module_defaults) and the action group C(group/it4ad.dlinfra.azure).
"""
