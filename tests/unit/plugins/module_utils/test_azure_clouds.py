"""resolve_cloud: known clouds and their aliases, overrides, https only, and the metadata document."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_clouds import CloudEndpoints, resolve_cloud
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError

METADATA_URL = "https://arm.contoso.test:8443/metadata/endpoints?api-version=2022-09-01"


def cloud_entry(name, arm, login, storage=None):
    entry = {"name": name, "resourceManager": arm, "authentication": {"loginEndpoint": login}}
    if storage:
        entry["suffixes"] = {"storage": storage}
    return entry


def served(document):
    """A ``fetch`` hook that returns ``document`` and records what it was asked."""

    def fetch(url, ca_bundle):
        fetch.calls.append((url, ca_bundle))
        return document

    fetch.calls = []
    return fetch


@pytest.mark.parametrize(
    "cloud, name, arm, authority",
    [
        (None, "AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com"),
        ("public", "AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com"),
        ("AzureCloud", "AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com"),
        ("china", "AzureChinaCloud", "https://management.chinacloudapi.cn", "https://login.chinacloudapi.cn"),
        (
            "AZURE_CHINA_CLOUD",
            "AzureChinaCloud",
            "https://management.chinacloudapi.cn",
            "https://login.chinacloudapi.cn",
        ),
        (
            " AzureUSGovernment ",
            "AzureUSGovernment",
            "https://management.usgovcloudapi.net",
            "https://login.microsoftonline.us",
        ),
        (
            "azure_us_gov_cloud",
            "AzureUSGovernment",
            "https://management.usgovcloudapi.net",
            "https://login.microsoftonline.us",
        ),
    ],
)
def test_known_clouds_and_aliases(cloud, name, arm, authority):
    endpoints = resolve_cloud(cloud)
    assert (endpoints.name, endpoints.arm_endpoint, endpoints.authority_host) == (name, arm, authority)
    assert not endpoints.custom_authority


def test_unknown_cloud_name_is_refused():
    with pytest.raises(DlinfraError, match="cloud 'azurestack' is not known"):
        resolve_cloud("azurestack")


def test_overrides_replace_the_cloud_endpoints_without_trailing_slash():
    endpoints = resolve_cloud("public", arm_endpoint="https://arm.local:8443/", authority_host="https://login.local/")
    assert (endpoints.name, endpoints.arm_endpoint, endpoints.authority_host) == (
        "AzureCloud",
        "https://arm.local:8443",
        "https://login.local",
    )
    assert endpoints.custom_authority
    assert endpoints.token_scope == "https://arm.local:8443/.default"


@pytest.mark.parametrize(
    "overrides, option",
    [
        ({"arm_endpoint": "http://arm.local"}, "arm_endpoint"),
        ({"authority_host": "http://login.local"}, "authority_host"),
        ({"arm_endpoint": "arm.local"}, "arm_endpoint"),
    ],
)
def test_non_https_endpoints_are_refused(overrides, option):
    with pytest.raises(DlinfraError, match=f"{option} '.*' is not an https URL"):
        resolve_cloud("public", **overrides)


def test_metadata_list_picks_the_cloud_of_the_metadata_host():
    fetch = served(
        [
            cloud_entry("AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com"),
            cloud_entry(
                "Contoso", "https://arm.contoso.test:8443/", "https://login.contoso.test/", "blob.contoso.test"
            ),
        ]
    )
    endpoints = resolve_cloud(METADATA_URL, ca_bundle="/ca.pem", fetch=fetch)
    assert endpoints == CloudEndpoints(
        "Contoso", "https://arm.contoso.test:8443", "https://login.contoso.test", "blob.contoso.test"
    )
    assert fetch.calls == [(METADATA_URL, "/ca.pem")]
    assert endpoints.custom_authority


def test_metadata_legacy_single_object():
    endpoints = resolve_cloud(
        METADATA_URL, fetch=served(cloud_entry("", "https://arm.elsewhere.test", "https://login.microsoftonline.com"))
    )
    assert endpoints.name == "arm.contoso.test:8443"
    assert endpoints.arm_endpoint == "https://arm.elsewhere.test"
    assert endpoints.storage_suffix == "core.windows.net"
    assert not endpoints.custom_authority


@pytest.mark.parametrize(
    "document",
    [
        {"resourceManager": "https://arm.contoso.test:8443"},
        {"authentication": {"loginEndpoint": "https://login.contoso.test"}},
        [],
        ["not an object"],
    ],
)
def test_metadata_without_required_fields_is_refused(document):
    with pytest.raises(DlinfraError, match="has no resourceManager or authentication.loginEndpoint"):
        resolve_cloud(METADATA_URL, fetch=served(document))


def test_metadata_with_http_resource_manager_is_refused():
    with pytest.raises(DlinfraError, match="arm_endpoint 'http://arm.contoso.test' is not an https URL"):
        resolve_cloud(METADATA_URL, fetch=served(cloud_entry("c", "http://arm.contoso.test", "https://login.test")))


def test_metadata_fetch_failure_names_the_url():
    def fetch(url, ca_bundle):
        raise ConnectionError("connection refused")

    with pytest.raises(
        DlinfraError, match="read the cloud metadata document .*arm.contoso.test.* failed: connection refused"
    ) as raised:
        resolve_cloud(METADATA_URL, fetch=fetch)
    assert METADATA_URL in raised.value.message


def test_custom_authority_ignores_a_trailing_slash_on_known_hosts():
    assert not CloudEndpoints("c", "https://arm.test", "https://login.microsoftonline.us/").custom_authority
    assert CloudEndpoints("c", "https://arm.test", "https://login.microsoftonline.com.evil.test").custom_authority
