# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which credential a module uses, chosen from its options and the environment.

``auth_source`` is one of auto, env, cli, msi, credential_file, workload_identity. Both azure.azcollection's
variables (AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT, AZURE_SUBSCRIPTION_ID, AZURE_PROFILE: what AWX's Azure
Resource Manager credential injects) and azure-identity's (AZURE_CLIENT_SECRET, AZURE_TENANT_ID,
AZURE_FEDERATED_TOKEN_FILE: what Azure DevOps workload identity federation sets) are read. ``choose_credential``
is pure: it returns a description and a builder, and azure-identity is imported only when the builder runs.
"""

from __future__ import annotations

import configparser
import os
import shutil
from dataclasses import dataclass, field

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

AUTH_SOURCES = ("auto", "env", "cli", "msi", "credential_file", "workload_identity")
CREDENTIAL_FILE = "~/.azure/credentials"


@dataclass
class CredentialChoice:
    source: str  # the auth_source that was used
    description: str  # e.g. "client secret of AZURE_CLIENT_ID from the environment"; never a secret
    kind: str  # client_secret, workload_identity, cli, msi
    settings: dict = field(default_factory=dict, repr=False)
    subscription_id: str | None = None


def _first(environment: dict, *names: str) -> str | None:
    return next((environment[name] for name in names if environment.get(name)), None)


def _from_parameters(options: dict) -> CredentialChoice | None:
    if not (options.get("client_id") and options.get("secret") and options.get("tenant")):
        return None
    return CredentialChoice(
        "auto",
        f"client secret of client_id '{options['client_id']}' from the module options",
        "client_secret",
        {"tenant_id": options["tenant"], "client_id": options["client_id"], "client_secret": options["secret"]},
    )


def _from_environment(environment: dict) -> CredentialChoice | None:
    client_id = _first(environment, "AZURE_CLIENT_ID")
    secret = _first(environment, "AZURE_SECRET", "AZURE_CLIENT_SECRET")
    tenant = _first(environment, "AZURE_TENANT", "AZURE_TENANT_ID")
    if not (client_id and secret and tenant):
        return None
    names = "AZURE_SECRET" if environment.get("AZURE_SECRET") else "AZURE_CLIENT_SECRET"
    return CredentialChoice(
        "env",
        f"client secret ({names}) of AZURE_CLIENT_ID '{client_id}' from the environment",
        "client_secret",
        {"tenant_id": tenant, "client_id": client_id, "client_secret": secret},
    )


def _from_workload_identity(environment: dict) -> CredentialChoice | None:
    token_file = _first(environment, "AZURE_FEDERATED_TOKEN_FILE")
    client_id = _first(environment, "AZURE_CLIENT_ID")
    tenant = _first(environment, "AZURE_TENANT_ID", "AZURE_TENANT")
    if not (token_file and client_id and tenant):
        return None
    return CredentialChoice(
        "workload_identity",
        f"workload identity federation of AZURE_CLIENT_ID '{client_id}' with the token in AZURE_FEDERATED_TOKEN_FILE",
        "workload_identity",
        {"tenant_id": tenant, "client_id": client_id, "token_file_path": token_file},
    )


def _from_credential_file(options: dict, environment: dict, path: str) -> CredentialChoice | None:
    profile = options.get("profile") or environment.get("AZURE_PROFILE") or "default"
    file_name = os.path.expanduser(path)
    if not os.path.isfile(file_name):
        return None
    parser = configparser.ConfigParser()
    try:
        parser.read(file_name)
    except configparser.Error as error:
        raise DlinfraError(
            f"{path} cannot be read: {error}. Fix: write it as INI sections of subscription_id, "
            "client_id, secret and tenant."
        ) from None
    if not parser.has_section(profile):
        return None
    section = parser[profile]
    missing = [key for key in ("client_id", "secret", "tenant") if not section.get(key)]
    if missing:
        raise DlinfraError(
            f"profile [{profile}] of {path} lacks {', '.join(missing)}. Fix: add them to the "
            "profile, or choose another auth_source."
        )
    return CredentialChoice(
        "credential_file",
        f"client secret of profile [{profile}] in {path}",
        "client_secret",
        {"tenant_id": section["tenant"], "client_id": section["client_id"], "client_secret": section["secret"]},
        section.get("subscription_id"),
    )


def choose_credential(
    options: dict, environment: dict | None = None, credential_file: str = CREDENTIAL_FILE
) -> CredentialChoice:
    """The credential for ``options`` (the module's auth options) and ``environment`` (os.environ)."""
    environment = dict(os.environ if environment is None else environment)
    source = options.get("auth_source") or "auto"
    if source not in AUTH_SOURCES:
        raise DlinfraError(f"auth_source '{source}' is not one of {', '.join(AUTH_SOURCES)}.")
    choice = None
    if source == "auto":
        choice = (
            _from_parameters(options)
            or _from_environment(environment)
            or _from_workload_identity(environment)
            or _from_credential_file(options, environment, credential_file)
            or (CredentialChoice("cli", "the Azure CLI's signed-in account", "cli") if shutil.which("az") else None)
            or CredentialChoice(
                "msi", "the managed identity of this machine", "msi", {"client_id": options.get("client_id")}
            )
        )
    elif source == "env":
        choice = _from_parameters(options) or _from_environment(environment)
        if choice is None:
            raise DlinfraError(
                "auth_source=env found no credential. Fix: set AZURE_CLIENT_ID, AZURE_SECRET (or "
                "AZURE_CLIENT_SECRET) and AZURE_TENANT (or AZURE_TENANT_ID), or the client_id, "
                "secret and tenant options."
            )
        choice.source = "env"
    elif source == "workload_identity":
        choice = _from_workload_identity(environment)
        if choice is None:
            raise DlinfraError(
                "auth_source=workload_identity needs AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and "
                "AZURE_TENANT_ID. Fix: use the Azure DevOps service connection with workload identity "
                "federation, which sets them."
            )
    elif source == "credential_file":
        choice = _from_credential_file(options, environment, credential_file)
        if choice is None:
            profile = options.get("profile") or environment.get("AZURE_PROFILE") or "default"
            raise DlinfraError(
                f"auth_source=credential_file found no profile [{profile}] in {credential_file}. "
                "Fix: create it, or set profile / AZURE_PROFILE to an existing profile."
            )
    elif source == "cli":
        choice = CredentialChoice(
            "cli", "the Azure CLI's signed-in account", "cli", {"tenant_id": options.get("tenant")}
        )
    else:
        choice = CredentialChoice(
            "msi", "the managed identity of this machine", "msi", {"client_id": options.get("client_id")}
        )
    choice.subscription_id = (
        options.get("subscription_id") or environment.get("AZURE_SUBSCRIPTION_ID") or choice.subscription_id
    )
    return choice


def build_credential(choice: CredentialChoice, cloud, ca_bundle: str | None):
    """The azure-identity credential for ``choice`` in ``cloud`` (CloudEndpoints)."""
    from azure import identity  # azure-identity; checked by the module's dependency gate

    common = {"authority": cloud.authority_host}
    if cloud.custom_authority:
        common["disable_instance_discovery"] = True
    if ca_bundle:
        common["connection_verify"] = ca_bundle
    settings = {key: value for key, value in choice.settings.items() if value}
    if choice.kind == "client_secret":
        return identity.ClientSecretCredential(
            settings["tenant_id"], settings["client_id"], settings["client_secret"], **common
        )
    if choice.kind == "workload_identity":
        return identity.WorkloadIdentityCredential(
            tenant_id=settings["tenant_id"],
            client_id=settings["client_id"],
            token_file_path=settings["token_file_path"],
            **common,
        )
    if choice.kind == "cli":
        return identity.AzureCliCredential(tenant_id=settings.get("tenant_id", ""), process_timeout=30)
    return identity.ManagedIdentityCredential(client_id=settings.get("client_id"))
