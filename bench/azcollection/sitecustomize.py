"""Benchmark-only shim for the azure.azcollection virtual environment (bench/bench_mlenv.py).

Never part of the collection or the project's own venv: bench_mlenv.py copies it into the site-packages of
``.build/bench-azcollection-venv``, where Python imports it at every interpreter start.

azure.azcollection 3.12 resolves a custom cloud (``AZURE_CLOUD_ENVIRONMENT=<url>``) through
``azure.cli.core.cloud.get_cloud_from_metadata_endpoint``, which its pinned azure-cli-core 2.75 no longer
has. This restores that function, lazily: nothing is imported at start-up; when ``azure.cli.core.cloud`` is
first imported, the function is added to it unless it is already there.

The restored function reads the endpoint's legacy metadata document
(``GET {arm}/metadata/endpoints?api-version=2015-01-01``: ``galleryEndpoint``, ``graphEndpoint``,
``authentication.loginEndpoint`` and ``audiences``) and builds an ``azure.cli.core.cloud.Cloud`` whose
``resource_manager`` and ``management`` are the ARM endpoint. It accepts the ARM endpoint itself or any
metadata URL of it (``{arm}/metadata/endpoints?api-version=...``). TLS trust comes from the environment
(``REQUESTS_CA_BUNDLE``), as for every other request the modules make.
"""

import importlib.abc
import sys

_TARGET = "azure.cli.core.cloud"
_LEGACY_API_VERSION = "2015-01-01"


class MetadataEndpointError(Exception):
    """azure_rm_common formats ``exception.message`` when the cloud cannot be resolved."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _arm_base(url):
    marker = "/metadata/endpoints"
    base = url.split(marker, 1)[0] if marker in url else url.split("?", 1)[0]
    return base.rstrip("/") + "/"


def get_cloud_from_metadata_endpoint(arm_endpoint, name=None, session=None):
    import requests
    from azure.cli.core import cloud as cli_cloud

    base = _arm_base(arm_endpoint)
    url = f"{base}metadata/endpoints?api-version={_LEGACY_API_VERSION}"
    try:
        response = (session or requests).get(url, timeout=30)
        response.raise_for_status()
        document = response.json()
        authentication = document["authentication"]
        audiences = authentication["audiences"]
    except (requests.RequestException, ValueError, KeyError, TypeError, IndexError) as error:
        raise MetadataEndpointError(f"cloud metadata {url} unreadable: {error}") from error
    endpoints = cli_cloud.CloudEndpoints(
        management=base,
        resource_manager=base,
        gallery=document.get("galleryEndpoint"),
        active_directory_graph_resource_id=document.get("graphEndpoint"),
        active_directory=authentication["loginEndpoint"].rstrip("/"),
        active_directory_resource_id=audiences[0] if audiences else None,
        portal=document.get("portalEndpoint"),
    )
    return cli_cloud.Cloud(name or base, endpoints=endpoints)


class _AddMissingFunction(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``azure.cli.core.cloud`` through the other finders and adds the function after it executes."""

    def find_spec(self, fullname, path, target=None):
        if fullname != _TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                self._wrapped = spec.loader
                spec.loader = self
                return spec
        return None

    def create_module(self, spec):
        return self._wrapped.create_module(spec)

    def exec_module(self, module):
        self._wrapped.exec_module(module)
        if not hasattr(module, "get_cloud_from_metadata_endpoint"):
            module.get_cloud_from_metadata_endpoint = get_cloud_from_metadata_endpoint


sys.meta_path.insert(0, _AddMissingFunction())
