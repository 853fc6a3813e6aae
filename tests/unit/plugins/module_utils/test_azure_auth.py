"""choose_credential's choice per auth_source and in auto order, and build_credential's azure-identity arguments."""

import pytest
from azure import identity

from ansible_collections.it4ad.dlinfra.plugins.module_utils import azure_auth
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_auth import build_credential, choose_credential
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_clouds import CloudEndpoints
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

OPTION_SECRET = "option-secret-value"
AZCOLLECTION_SECRET = "azcollection-secret-value"
IDENTITY_SECRET = "identity-secret-value"
FILE_SECRET = "file-secret-value"
SECRETS = (OPTION_SECRET, AZCOLLECTION_SECRET, IDENTITY_SECRET, FILE_SECRET)

OPTIONS = {"client_id": "opt-client", "secret": OPTION_SECRET, "tenant": "opt-tenant"}
AZCOLLECTION_ENV = {"AZURE_CLIENT_ID": "env-client", "AZURE_SECRET": AZCOLLECTION_SECRET, "AZURE_TENANT": "env-tenant"}
IDENTITY_ENV = {"AZURE_CLIENT_ID": "id-client", "AZURE_CLIENT_SECRET": IDENTITY_SECRET, "AZURE_TENANT_ID": "id-tenant"}
WORKLOAD_ENV = {
    "AZURE_CLIENT_ID": "wi-client",
    "AZURE_TENANT_ID": "wi-tenant",
    "AZURE_FEDERATED_TOKEN_FILE": "/var/run/token",
}
CREDENTIALS_INI = f"""
[default]
subscription_id = file-subscription
client_id = file-client
secret = {FILE_SECRET}
tenant = file-tenant

[other]
subscription_id = other-subscription
client_id = other-client
secret = {FILE_SECRET}
tenant = other-tenant

[incomplete]
client_id = half-client
"""


@pytest.fixture
def credentials(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(CREDENTIALS_INI)
    return str(path)


@pytest.fixture
def no_file(tmp_path):
    return str(tmp_path / "absent")


@pytest.fixture
def az_cli(monkeypatch):
    """Whether ``az`` is on PATH; the test sets ``az_cli.present``."""
    state = type("Which", (), {"present": False})()
    monkeypatch.setattr(
        azure_auth.shutil, "which", lambda name: "/usr/bin/az" if state.present and name == "az" else None
    )
    return state


def assert_no_secret(choice):
    for secret in SECRETS:
        assert secret not in choice.description, f"{secret!r} leaked into {choice.description!r}"
        assert secret not in repr(choice)


@pytest.mark.parametrize(
    "options, environment, with_file, cli, expected",
    [
        (
            OPTIONS,
            {**AZCOLLECTION_ENV, **WORKLOAD_ENV},
            True,
            True,
            ("auto", "client_secret", "opt-client", "opt-tenant"),
        ),
        (
            {},
            {**AZCOLLECTION_ENV, "AZURE_FEDERATED_TOKEN_FILE": "/t"},
            True,
            True,
            ("env", "client_secret", "env-client", "env-tenant"),
        ),
        ({}, IDENTITY_ENV, True, True, ("env", "client_secret", "id-client", "id-tenant")),
        ({}, WORKLOAD_ENV, True, True, ("workload_identity", "workload_identity", "wi-client", "wi-tenant")),
        ({}, {}, True, True, ("credential_file", "client_secret", "file-client", "file-tenant")),
        ({}, {}, False, True, ("cli", "cli", None, None)),
        ({}, {}, False, False, ("msi", "msi", None, None)),
    ],
    ids=["options", "azcollection-env", "identity-env", "workload-identity", "credential-file", "cli", "msi"],
)
def test_auto_takes_the_first_available_source(
    options, environment, with_file, cli, expected, credentials, no_file, az_cli
):
    az_cli.present = cli
    choice = choose_credential(options, environment, credential_file=credentials if with_file else no_file)
    assert (choice.source, choice.kind, choice.settings.get("client_id"), choice.settings.get("tenant_id")) == expected
    assert_no_secret(choice)


def test_azcollection_secret_wins_over_identity_secret_and_is_named(no_file):
    choice = choose_credential({}, {**IDENTITY_ENV, **AZCOLLECTION_ENV}, credential_file=no_file)
    assert choice.settings["client_secret"] == AZCOLLECTION_SECRET
    assert "(AZURE_SECRET)" in choice.description
    identity_only = choose_credential({}, IDENTITY_ENV, credential_file=no_file)
    assert "(AZURE_CLIENT_SECRET)" in identity_only.description


def test_incomplete_options_fall_through_to_the_environment(no_file):
    choice = choose_credential(
        {"client_id": "opt-client", "tenant": "opt-tenant"}, AZCOLLECTION_ENV, credential_file=no_file
    )
    assert choice.settings["client_id"] == "env-client"


def test_auth_source_env_uses_options_first_and_reports_env():
    choice = choose_credential({"auth_source": "env", **OPTIONS}, AZCOLLECTION_ENV)
    assert (choice.source, choice.settings["client_secret"]) == ("env", OPTION_SECRET)
    assert_no_secret(choice)


@pytest.mark.parametrize(
    "source, environment, named",
    [
        ("env", {"AZURE_CLIENT_ID": "c", "AZURE_TENANT": "t"}, "AZURE_SECRET"),
        ("workload_identity", {"AZURE_CLIENT_ID": "c", "AZURE_TENANT_ID": "t"}, "AZURE_FEDERATED_TOKEN_FILE"),
    ],
)
def test_explicit_source_without_its_pieces_fails_naming_them(source, environment, named):
    with pytest.raises(DlinfraError, match=f"auth_source={source}.*{named}"):
        choose_credential({"auth_source": source}, environment)


def test_workload_identity_settings():
    choice = choose_credential({"auth_source": "workload_identity"}, WORKLOAD_ENV)
    assert choice.settings == {"tenant_id": "wi-tenant", "client_id": "wi-client", "token_file_path": "/var/run/token"}


def test_explicit_cli_and_msi_pass_tenant_and_client_id(az_cli):
    cli = choose_credential({"auth_source": "cli", "tenant": "tenant-x"}, {})
    msi = choose_credential({"auth_source": "msi", "client_id": "user-assigned"}, AZCOLLECTION_ENV)
    assert (cli.kind, cli.settings) == ("cli", {"tenant_id": "tenant-x"})
    assert (msi.kind, msi.settings) == ("msi", {"client_id": "user-assigned"})


def test_unknown_auth_source_is_refused():
    with pytest.raises(DlinfraError, match="auth_source 'keychain' is not one of auto, env"):
        choose_credential({"auth_source": "keychain"}, {})


@pytest.mark.parametrize(
    "options, environment, profile, client",
    [
        ({}, {}, "default", "file-client"),
        ({}, {"AZURE_PROFILE": "other"}, "other", "other-client"),
        ({"profile": "other"}, {"AZURE_PROFILE": "default"}, "other", "other-client"),
    ],
)
def test_credential_file_profile_selection(options, environment, profile, client, credentials):
    choice = choose_credential({"auth_source": "credential_file", **options}, environment, credential_file=credentials)
    assert choice.settings["client_id"] == client
    assert f"profile [{profile}] in {credentials}" in choice.description
    assert_no_secret(choice)


def test_unknown_profile_fails_in_credential_file_mode_and_is_skipped_in_auto(credentials, az_cli):
    with pytest.raises(DlinfraError, match=r"found no profile \[missing\] in .*credentials"):
        choose_credential({"auth_source": "credential_file"}, {"AZURE_PROFILE": "missing"}, credential_file=credentials)
    assert choose_credential({}, {"AZURE_PROFILE": "missing"}, credential_file=credentials).kind == "msi"


def test_incomplete_profile_names_the_missing_keys(credentials):
    with pytest.raises(DlinfraError, match=r"profile \[incomplete\] .* lacks secret, tenant"):
        choose_credential({"profile": "incomplete"}, {}, credential_file=credentials)


def test_unreadable_credential_file_is_reported(tmp_path):
    path = tmp_path / "credentials"
    path.write_text("client_id = no section header\n")
    with pytest.raises(DlinfraError, match="cannot be read"):
        choose_credential({"auth_source": "credential_file"}, {}, credential_file=str(path))


@pytest.mark.parametrize(
    "options, environment, expected",
    [
        ({"subscription_id": "from-option"}, {"AZURE_SUBSCRIPTION_ID": "from-env"}, "from-option"),
        ({}, {"AZURE_SUBSCRIPTION_ID": "from-env"}, "from-env"),
        ({}, {}, "file-subscription"),
    ],
)
def test_subscription_id_precedence(options, environment, expected, credentials):
    assert choose_credential(options, environment, credential_file=credentials).subscription_id == expected


def test_msi_has_no_subscription_unless_given(no_file):
    assert choose_credential({"auth_source": "msi"}, {}, credential_file=no_file).subscription_id is None


class Recorder:
    """Stands in for an azure-identity credential class; remembers its arguments."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


@pytest.fixture
def identity_classes(monkeypatch):
    for name in (
        "ClientSecretCredential",
        "WorkloadIdentityCredential",
        "AzureCliCredential",
        "ManagedIdentityCredential",
    ):
        monkeypatch.setattr(identity, name, type(name, (Recorder,), {}))


PUBLIC = CloudEndpoints("AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com")
CUSTOM = CloudEndpoints("local", "https://localhost:8443", "https://localhost:8443/login")


def test_client_secret_on_a_custom_authority_disables_instance_discovery(identity_classes):
    choice = choose_credential({"auth_source": "env", **OPTIONS}, {})
    credential = build_credential(choice, CUSTOM, "/etc/ca.pem")
    assert type(credential).__name__ == "ClientSecretCredential"
    assert credential.args == ("opt-tenant", "opt-client", OPTION_SECRET)
    assert credential.kwargs == {
        "authority": "https://localhost:8443/login",
        "disable_instance_discovery": True,
        "connection_verify": "/etc/ca.pem",
    }


def test_workload_identity_on_public_cloud_keeps_instance_discovery(identity_classes):
    choice = choose_credential({"auth_source": "workload_identity"}, WORKLOAD_ENV)
    credential = build_credential(choice, PUBLIC, None)
    assert type(credential).__name__ == "WorkloadIdentityCredential"
    assert credential.kwargs == {
        "authority": "https://login.microsoftonline.com",
        "tenant_id": "wi-tenant",
        "client_id": "wi-client",
        "token_file_path": "/var/run/token",
    }


def test_cli_and_msi_credentials(identity_classes):
    cli = build_credential(choose_credential({"auth_source": "cli", "tenant": "t1"}, {}), CUSTOM, "/ca.pem")
    msi = build_credential(choose_credential({"auth_source": "msi"}, {}), PUBLIC, None)
    assert (type(cli).__name__, cli.kwargs) == ("AzureCliCredential", {"tenant_id": "t1", "process_timeout": 30})
    assert (type(msi).__name__, msi.kwargs) == ("ManagedIdentityCredential", {"client_id": None})
