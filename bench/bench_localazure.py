#!/usr/bin/env python
"""Benchmark the local Azure endpoint (localazure/) over HTTPS on the loopback address.

Starts its own endpoint (a free port, a temporary state dir, throttling off so that the token buckets do not
cap the rates) and reports, as JSON:

- GET requests per second on an ARM resource (token check, RBAC, store read) and their ratio to the metadata
  route in the same run (no auth, no store: what the server, TLS and HTTP cost alone), with 1 and N clients;
- PUT latency (resource group, storage account) and its ratio to a GET of the same resource;
- the time to deploy the project's full environment template set (every deployment of
  arm-templates/deployment_plan.yml for the ``local`` inventory, with generated work packages) in plan order
  through DeploymentsMgmtClient, and its ratio to the offline render of the same environment by the ARM engine.

Exits 1 if any deployment fails. Stops the endpoint by its PID.

usage: bench/bench_localazure.py [--requests 1000] [--rounds 5] [--seconds 10] [--clients 4] [--work-packages 20]
"""

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPOSITORY = Path(__file__).resolve().parents[1]

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import (
    deployment_parameter_values,
    render_environment,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (
    EnvironmentUnreadable,
    load_environment_inputs,
)
from tests.integration.localazure.endpoint_process import start_endpoint, stop_endpoint_process

INVENTORY = "local"
WORK_PACKAGE_NAMESPACE = uuid.UUID("0f3f4c8e-6a51-4d0b-9a57-2c1e0b7d5e42")
RESOURCE_GROUP_API = "2021-04-01"
STORAGE_API = "2023-05-01"
DEPLOYMENT_TIMEOUT_SECONDS = 180
BENCH_GROUP = "rg-bench-localazure"


# -- timing helpers ------------------------------------------------------------------------------------------------
def percentile(samples: list, fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(samples: list, elapsed: float) -> dict:
    return {
        "requests": len(samples),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(samples) / elapsed, 1),
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
    }


def timed_requests(send, count: int, seconds: float) -> list:
    """Latencies of up to ``count`` calls of ``send`` within ``seconds``; every answer must be a success."""
    samples = []
    deadline = time.monotonic() + seconds
    while len(samples) < count and time.monotonic() < deadline:
        start = time.perf_counter()
        response = send()
        samples.append(time.perf_counter() - start)
        if response.status_code >= 300:
            raise SystemExit(f"{response.request.method} {response.url}: {response.status_code} {response.text}")
    return samples


def rest_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the endpoint's CA; no proxy for loopback
    return session


def throughput(endpoint, url: str, headers: dict, count: int, seconds: float, clients: int, rounds: int) -> dict:
    """The median of ``rounds`` runs (and their spread) of ``count`` GETs of ``url`` from ``clients`` threads."""
    runs = [one_throughput_run(endpoint, url, headers, count, seconds, clients) for dummy_round in range(rounds)]
    rates = [run["requests_per_second"] for run in runs]
    middle = sorted(runs, key=lambda run: run["requests_per_second"])[len(runs) // 2]
    return {**middle, "rounds": rounds, "requests_per_second_min": min(rates), "requests_per_second_max": max(rates)}


def one_throughput_run(endpoint, url: str, headers: dict, count: int, seconds: float, clients: int) -> dict:
    """GET ``url`` from ``clients`` threads, each on its own keep-alive connection, ``count`` requests in all."""
    per_client = max(1, count // clients)
    barrier = threading.Barrier(clients)

    def client():
        session = rest_session()
        session.verify = endpoint.ca
        timed_requests(lambda: session.get(url, headers=headers, timeout=10), 10, seconds)  # warm the connection
        barrier.wait()
        return timed_requests(lambda: session.get(url, headers=headers, timeout=10), per_client, seconds)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda dummy_index: client(), range(clients)))
    elapsed = time.perf_counter() - start
    return summary([sample for samples in results for sample in samples], elapsed)


# -- GET and PUT ---------------------------------------------------------------------------------------------------
def request_benchmarks(endpoint, count: int, seconds: float, clients: int, rounds: int) -> dict:
    session = rest_session()
    session.verify = endpoint.ca
    headers = {"Authorization": f"Bearer {endpoint.token()}"}
    subscription = f"{endpoint.arm}/subscriptions/{endpoint.subscription_id}"
    group_url = f"{subscription}/resourcegroups/{BENCH_GROUP}?api-version={RESOURCE_GROUP_API}"
    account_url = (
        f"{subscription}/resourceGroups/{BENCH_GROUP}/providers/Microsoft.Storage/storageAccounts/"
        f"benchputsa?api-version={STORAGE_API}"
    )
    account = {
        "location": "westeurope",
        "sku": {"name": "Standard_LRS"},
        "kind": "StorageV2",
        "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False},
    }
    created = session.put(group_url, json={"location": "westeurope"}, headers=headers, timeout=10)
    accepted = session.put(account_url, json=account, headers=headers, timeout=10)
    if created.status_code >= 300 or accepted.status_code != 202:
        raise SystemExit(f"setup: resource group {created.status_code}, storage account {accepted.status_code}")
    wait_for_location(session, accepted.headers["Location"], headers)

    metadata_url = f"{endpoint.arm}/metadata/endpoints?api-version=2019-05-01"
    report = {"get": {}, "put": {}}
    for label, url in (
        ("metadata_baseline", metadata_url),
        ("resource_group", group_url),
        ("storage_account", account_url),
    ):
        report["get"][label] = {
            "1_client": throughput(endpoint, url, headers, count, seconds, 1, rounds),
            f"{clients}_clients": throughput(endpoint, url, headers, count, seconds, clients, rounds),
        }
    baseline = report["get"]["metadata_baseline"]
    for label in ("resource_group", "storage_account"):
        for clients_label, measured in report["get"][label].items():
            measured["ratio_to_metadata_baseline"] = round(
                measured["requests_per_second"] / baseline[clients_label]["requests_per_second"], 2
            )

    tags = iter(range(count * 2))
    puts = {
        "resource_group": (group_url, lambda: {"location": "westeurope", "tags": {"bench": str(next(tags))}}),
        "storage_account": (account_url, lambda: {**account, "tags": {"bench": str(next(tags))}}),
    }
    put_count = max(20, count // 4)
    for label, (url, body) in puts.items():
        measured = put_latency(session, url, body, headers, put_count, seconds)
        del measured["requests_per_second"]
        get_median = report["get"][label]["1_client"]["median_ms"]
        measured["ratio_to_get_median"] = round(measured["median_ms"] / get_median, 2)
        report["put"][label] = measured
    report["put"]["storage_account"]["note"] = "the 202 Accepted answer; provisioning continues asynchronously"
    return report


def put_latency(session, url: str, body, headers: dict, count: int, seconds: float) -> dict:
    """Latency of up to ``count`` PUTs of ``body()`` (a new tag each time, so that each one is a real write)."""
    samples = timed_requests(lambda: session.put(url, json=body(), headers=headers, timeout=10), count, seconds)
    return summary(samples, sum(samples))


def wait_for_location(session, location: str, headers: dict) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = session.get(location, headers=headers, timeout=10)
        if response.status_code != 202:
            return
        time.sleep(float(response.headers.get("Retry-After", "1")))
    raise SystemExit(f"{location} still 202 after 30 s")


# -- the full environment --------------------------------------------------------------------------------------------
def generated_work_packages(count: int) -> list:
    return [
        {
            "name": f"wp{index:02d}",
            "developer_group_object_id": str(uuid.uuid5(WORK_PACKAGE_NAMESPACE, f"wp{index:02d}")),
        }
        for index in range(1, count + 1)
    ]


def environment(work_packages: list):
    try:
        return load_environment_inputs(REPOSITORY, INVENTORY, work_packages)
    except EnvironmentUnreadable as error:
        raise SystemExit(f"inventory {INVENTORY} unreadable: {error}") from None


def offline_render(plan, templates, settings) -> tuple[float, int]:
    start = time.perf_counter()
    rendered, findings = render_environment(plan, templates, settings)
    elapsed = time.perf_counter() - start
    if findings:
        raise SystemExit(f"the environment does not render offline: {[finding.problem for finding in findings]}")
    return elapsed, len(rendered.deployments)


def deployments_client(endpoint):
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    return DeploymentsMgmtClient(
        endpoint.credential(),
        endpoint.subscription_id,
        base_url=endpoint.arm,
        credential_scopes=[f"{endpoint.arm}/.default"],
        connection_verify=endpoint.ca,
        polling_interval=0.05,
    )


def deploy_environment(endpoint, plan, templates, settings, deadline: float) -> dict:
    """Every planned deployment in plan order; returns the timings and the failures."""
    from azure.core.exceptions import HttpResponseError

    client = deployments_client(endpoint)
    group = settings.variables["dlinfra_resource_group"]
    endpoint.resource_client().resource_groups.create_or_update(
        group, {"location": settings.variables["dlinfra_location"]}
    )
    outputs, timings, failures = {}, [], []
    start = time.perf_counter()
    for deployment in plan.deployments:
        source = templates[deployment.template]
        packages = settings.work_packages if deployment.per == "work_package" else [None]
        for index, package in enumerate(packages):
            package_name = package["name"] if package else None
            name = deployment.template + (f"-{package_name}" if package_name else "")
            if time.monotonic() > deadline:
                failures.append({"deployment": name, "error": "the benchmark's time limit was reached"})
                continue
            values = deployment_parameter_values(plan, deployment, source, settings, outputs, package, index)
            if values is None:
                failures.append({"deployment": name, "error": "an upstream deployment failed"})
                continue
            body = {
                "properties": {
                    "mode": "Incremental",
                    "template": source.template,
                    "parameters": {key: {"value": value} for key, value in values.items()},
                }
            }
            began = time.perf_counter()
            try:
                if deployment.scope == "subscription":
                    body["location"] = settings.variables["dlinfra_location"]
                    poller = client.deployments.begin_create_or_update_at_subscription_scope(name, body)
                else:
                    poller = client.deployments.begin_create_or_update(group, name, body)
                result = poller.result(timeout=DEPLOYMENT_TIMEOUT_SECONDS)
            except HttpResponseError as error:
                failures.append({"deployment": name, "error": error.message})
                continue
            timings.append((name, time.perf_counter() - began))
            if result is None or result.properties.provisioning_state != "Succeeded":
                failures.append({"deployment": name, "error": f"not Succeeded after {DEPLOYMENT_TIMEOUT_SECONDS} s"})
                continue
            outputs[(deployment.template, package_name)] = {
                key: output["value"] for key, output in (result.properties.outputs or {}).items()
            }
    total = time.perf_counter() - start
    samples = [seconds for dummy_name, seconds in timings]
    slowest = max(timings, key=lambda timing: timing[1]) if timings else ("", 0.0)
    resources = endpoint.resource_client().resources.list_by_resource_group(group)
    return {
        "deployments_succeeded": len(outputs),
        "resources_in_group": dict(sorted(Counter(item.type for item in resources).items())),
        "seconds": round(total, 2),
        "median_deployment_seconds": round(statistics.median(samples), 3) if samples else None,
        "slowest_deployment": {"name": slowest[0], "seconds": round(slowest[1], 3)},
        "failures": failures,
    }


def environment_benchmark(endpoint, plan, templates, settings, seconds: float) -> dict:
    render_seconds, rendered_count = offline_render(plan, templates, settings)
    logged = endpoint.requests_log()
    since = logged[-1]["seq"] if logged else 0
    deployed = deploy_environment(endpoint, plan, templates, settings, time.monotonic() + seconds)
    served = endpoint.requests_log(since=str(since))
    deployed.update(
        {
            "inventory": INVENTORY,
            "work_packages": len(settings.work_packages),
            "deployments_planned": rendered_count,
            "offline_render_seconds": round(render_seconds, 3),
            "ratio_to_offline_render": round(deployed["seconds"] / render_seconds, 1),
            # The log has the HTTP requests and the deployment engine's own resource operations.
            "requests_logged": len(served),
            "writes_logged": len([entry for entry in served if entry["method"] in ("PUT", "PATCH", "DELETE")]),
        }
    )
    return deployed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="GET requests per measurement (bounded)")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit of each GET/PUT measurement")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients of the second GET run")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each GET measurement (median reported)")
    parser.add_argument("--work-packages", type=int, default=20)
    parser.add_argument("--deploy-seconds", type=float, default=900.0, help="time limit of the environment deploy")
    args = parser.parse_args(argv)

    work_packages = generated_work_packages(args.work_packages)
    plan, templates, settings = environment(work_packages)
    with tempfile.TemporaryDirectory(prefix="bench-localazure-") as state_dir:
        seed = Path(state_dir) / "seed.json"
        seed.write_text(
            json.dumps(
                {
                    "groups": [
                        {
                            "object_id": package["developer_group_object_id"],
                            "display_name": f"{package['name']} developers",
                        }
                        for package in work_packages
                    ]
                }
            )
        )
        endpoint = start_endpoint(
            Path(state_dir) / "endpoint", "--no-throttling", "--lro-retry-after", "0", "--seed", str(seed)
        )
        try:
            report = {
                "endpoint_started_seconds": round(endpoint.started_in, 2),
                "environment": environment_benchmark(endpoint, plan, templates, settings, args.deploy_seconds),
                **request_benchmarks(endpoint, args.requests, args.seconds, args.clients, args.rounds),
            }
        finally:
            stop_endpoint_process(endpoint.process.pid)
            endpoint.process.wait(timeout=10)
    print(json.dumps(report, indent=2))
    return 1 if report["environment"]["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
