"""azure_resource_info's main() on a fake ResourceManagementClient: api-versions from the provider (newest stable),
a 404 as found=false, a resource group listing, and any other error as one readable failure."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from test_ml_datastore import AUTH, run_main

from ansible_collections.it4ad.dlinfra.plugins.module_utils import client_factory
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_resource_service import (
    newest_api_version,
    split_resource_type,
)
from ansible_collections.it4ad.dlinfra.plugins.modules import azure_resource_info

RG = "/subscriptions/s/resourceGroups/rg"
REGISTRY = f"{RG}/providers/Microsoft.ContainerRegistry/registries/acr"
CONTAINER = f"{RG}/providers/Microsoft.Storage/storageAccounts/st/blobServices/default/containers/c"


class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self.reason = "Forbidden" if status == 403 else "OK"
        self._body = body

    def text(self):
        return json.dumps(self._body)


class FakeClient:
    def __init__(self, bodies):
        self.bodies = bodies
        self.sent = []
        types = {
            "Microsoft.ContainerRegistry": [("registries", ["2026-09-01-preview", "2025-11-01", "2023-07-01"])],
            "Microsoft.Storage": [("storageAccounts/blobServices/containers", ["2025-08-01"])],
        }
        self.providers = SimpleNamespace(
            get=lambda namespace: SimpleNamespace(
                resource_types=[
                    SimpleNamespace(resource_type=name, api_versions=versions) for name, versions in types[namespace]
                ]
            )
        )
        self.resources = SimpleNamespace(
            list_by_resource_group=lambda group, filter=None: [SimpleNamespace(id=REGISTRY)]
        )

    def send_request(self, request):
        self.sent.append(request.url)
        path = request.url.split("?", 1)[0]
        status, body = self.bodies.get(path, (404, {"error": {"code": "ResourceNotFound", "message": "gone"}}))
        return FakeResponse(status, body)


@pytest.fixture
def fake(monkeypatch):
    client = FakeClient({REGISTRY: (200, {"name": "acr", "properties": {"adminUserEnabled": False}})})
    factory = SimpleNamespace(resources=lambda: client)
    monkeypatch.setattr(client_factory, "ClientFactory", lambda options: factory)
    return client


def test_reads_by_id_in_the_newest_stable_version_and_reports_missing_ones(fake, capsys):
    result = run_main(azure_resource_info, {**AUTH, "ids": [REGISTRY, CONTAINER, REGISTRY]}, capsys)
    assert result["changed"] is False
    registry, container = result["resources"]
    assert registry == {
        "id": REGISTRY,
        "found": True,
        "api_version": "2025-11-01",
        "resource": {"name": "acr", "properties": {"adminUserEnabled": False}},
    }
    assert container["found"] is False and container["resource"] is None and container["api_version"] == "2025-08-01"
    assert fake.sent == [f"{REGISTRY}?api-version=2025-11-01", f"{CONTAINER}?api-version=2025-08-01"]


def test_lists_a_resource_group_and_honours_an_api_version_override(fake, capsys):
    args = {
        **AUTH,
        "resource_group": "rg",
        "resource_type": "Microsoft.ContainerRegistry/registries",
        "api_versions": {"Microsoft.ContainerRegistry/registries": "2023-07-01"},
    }
    result = run_main(azure_resource_info, args, capsys)
    assert [(item["id"], item["api_version"]) for item in result["resources"]] == [(REGISTRY, "2023-07-01")]


def test_a_refused_read_is_one_readable_failure(fake, capsys):
    fake.bodies[REGISTRY] = (403, {"error": {"code": "AuthorizationFailed", "message": "no read"}})
    result = run_main(azure_resource_info, {**AUTH, "ids": [REGISTRY]}, capsys)
    assert result["failed"] is True and result["error_code"] == "AuthorizationFailed"
    assert result["msg"].startswith(f"read resource '{REGISTRY}' failed: HTTP 403 AuthorizationFailed: no read")


@pytest.mark.parametrize(
    ("resource_id", "expected"),
    [
        (REGISTRY, ("Microsoft.ContainerRegistry", "registries")),
        (CONTAINER, ("Microsoft.Storage", "storageAccounts/blobServices/containers")),
        (
            f"{REGISTRY}/providers/Microsoft.Insights/diagnosticSettings/audit",
            ("Microsoft.Insights", "diagnosticSettings"),
        ),
        (
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g",
            ("Microsoft.Authorization", "roleDefinitions"),
        ),
        (RG, ("Microsoft.Resources", "resourceGroups")),
    ],
)
def test_split_resource_type(resource_id, expected):
    assert split_resource_type(resource_id) == expected


@pytest.mark.parametrize("bad", ["not-an-id", f"{RG}/providers/Microsoft.Storage/storageAccounts"])
def test_split_resource_type_refuses_what_is_not_an_id(bad):
    with pytest.raises(DlinfraError, match="is not a resource id"):
        split_resource_type(bad)


def test_newest_api_version_prefers_stable():
    assert newest_api_version(["2026-01-01-preview", "2025-01-01", "2024-01-01"]) == "2025-01-01"
    assert newest_api_version(["2026-01-01-preview", "2025-01-01-preview"]) == "2026-01-01-preview"
    assert newest_api_version([]) is None
