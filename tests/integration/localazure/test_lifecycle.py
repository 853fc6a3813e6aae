"""Cloud metadata, persistence across restarts, concurrency, and make endpoint/endpoint-stop."""

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from endpoint_process import REPOSITORY_ROOT, process_endpoint

ENDPOINT_PROCESS = True  # smoke suite: restarts and `make endpoint` need real processes


def test_metadata_parsed_by_azure_ai_ml(endpoint, monkeypatch):
    from azure.ai.ml._azure_environments import _get_clouds_by_metadata_url

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", endpoint.ca)
    clouds = _get_clouds_by_metadata_url(endpoint.connection["metadata_url"])
    cloud = clouds["LocalAzure"]
    assert cloud["resource_manager"] == f"{endpoint.arm}/"
    assert cloud["active_directory"] == f"{endpoint.arm}/"
    assert cloud["storage_endpoint"] == "core.windows.net"
    newer = endpoint.session.get(f"{endpoint.arm}/metadata/endpoints?api-version=2022-09-01", verify=endpoint.ca).json()
    # azure-cli's `az cloud register --endpoint-resource-manager` reads this version as one object.
    assert isinstance(newer, dict) and newer["authentication"]["audiences"][0] == f"{endpoint.arm}/"
    assert newer["name"] == "LocalAzure" and newer["resourceManager"] == f"{endpoint.arm}/"
    legacy = endpoint.session.get(
        f"{endpoint.arm}/metadata/endpoints?api-version=2015-01-01", verify=endpoint.ca
    ).json()
    assert legacy["authentication"]["loginEndpoint"] == f"{endpoint.arm}/"


def test_concurrent_puts_leave_consistent_state(endpoint):
    client = endpoint.resource_client()
    names = [f"rg-concurrent-{index % 5}" for index in range(40)]

    def put(index_name):
        index, name = index_name
        return client.resource_groups.create_or_update(name, {"location": "westeurope", "tags": {"writer": str(index)}})

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(put, enumerate(names)))
    assert len(results) == 40
    groups = {group.name: group for group in client.resource_groups.list() if group.name.startswith("rg-concurrent-")}
    assert sorted(groups) == [f"rg-concurrent-{index}" for index in range(5)]
    for name, group in groups.items():
        writers = {str(index) for index, item in enumerate(names) if item == name}
        assert group.tags["writer"] in writers


@pytest.mark.slow
def test_state_persists_across_restarts(tmp_path):
    with process_endpoint(tmp_path / "state") as first:
        first.resource_client().resource_groups.create_or_update("rg-persist", {"location": "westeurope"})
        connection = first.connection
    with process_endpoint(tmp_path / "state") as second:
        assert second.connection["principals"] == connection["principals"]
        assert second.resource_client().resource_groups.get("rg-persist").location == "westeurope"
        assert Path(second.ca).read_bytes() == Path(connection["ca_bundle"]).read_bytes()


def _make(target, state_dir):
    return subprocess.run(
        [
            "make",
            target,
            f"LOCALAZURE_DIR={state_dir}",
            "LOCALAZURE_PORT=0",
            f"ENDPOINT_PYTHON={os.environ.get('PYTHON', __import__('sys').executable)}",
        ],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_make_endpoint_and_endpoint_stop_are_idempotent(tmp_path):
    state_dir = tmp_path / "made"
    first = _make("endpoint", state_dir)  # fails unless the endpoint is ready within make's own wait --timeout
    assert first.returncode == 0, first.stdout + first.stderr
    pid = int((state_dir / "localazure.pid").read_text())
    connection = json.loads((state_dir / "connection.json").read_text())
    try:
        second = _make("endpoint", state_dir)
        assert second.returncode == 0 and "already running" in second.stdout
        assert int((state_dir / "localazure.pid").read_text()) == pid
    finally:
        stopped = _make("endpoint-stop", state_dir)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert f"stopped pid {pid}" in stopped.stdout
    assert not (state_dir / "localazure.pid").exists()
    again = _make("endpoint-stop", state_dir)
    assert again.returncode == 0 and "not running" in again.stdout
    assert connection["port"] > 0
