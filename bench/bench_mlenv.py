#!/usr/bin/env python
"""Benchmark ``playbooks/mlenv.yml`` against the local Azure endpoint, side by side with azure_rm_deployment.

For each number of generated work packages (``--work-packages 1,10``), on an endpoint of its own (``--port 0``,
a temporary state dir, a ``--seed`` file with the work packages' developer groups, otherwise the endpoint's
defaults: ARM's throttling and long-running operations that answer ``Retry-After: 1``):

- ours: ``ansible-playbook playbooks/mlenv.yml -i inventories/local`` on a scratch copy of the collection (the
  generated work packages in the local inventory, every datastore attached to ``"*"``), the first run and then
  ``--rounds`` no-change reruns;
- baseline: the same no-change rerun with azure.azcollection's ``azure_rm_deployment`` (one task per planned
  resource-group deployment, the same templates, parameter values and deployment names, run by the
  ``ansible-playbook`` of a benchmark-only venv, ``.build/bench-azcollection-venv``), ``--rounds`` times,
  interleaved with ours.

Each run is measured as wall time, the PLAY RECAP's ``changed`` count, and the endpoint's request log over the
run's window: reads (GET/HEAD), writes (PUT/PATCH/DELETE) and POSTs, each by kind. Prints a JSON report with the
ratios and the issue's targets. Exits 1 when a playbook is missing or fails, or the environment cannot be built;
a missed target is reported, not an error. Stops each endpoint by its PID.

usage: bench/bench_mlenv.py [--work-packages 1,10] [--rounds 3] [--ours-only | --baseline-only | --skip-baseline]
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_localazure import (  # noqa: E402
    REPOSITORY,
    deploy_environment,
    deployments_client,
    generated_work_packages,
)

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import (  # noqa: E402
    deployment_parameter_values,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.repository_validation import (  # noqa: E402
    EnvironmentUnreadable,
    load_environment_inputs,
)
from tests.integration.localazure.endpoint_process import start_endpoint, stop_endpoint_process  # noqa: E402

INVENTORY = "local"
PLAYBOOK = "playbooks/mlenv.yml"
CONNECTION_VARIABLE = "DLINFRA_LOCALAZURE_CONNECTION"
# What the playbooks need of the collection; a scratch copy of these is the collection it4ad.dlinfra.
COLLECTION_CONTENT = (
    "galaxy.yml",
    "meta",
    "plugins",
    "roles",
    "playbooks",
    "arm-templates",
    "extensions",
    "requirements.txt",
    "ansible.cfg",
)
DATASTORE_CONFIG = "arm-templates/mlworkspace/datastore_config.json"
WORK_PACKAGES_FILE = f"inventories/{INVENTORY}/group_vars/all/work_packages.yml"

BASELINE_DIR = Path(__file__).resolve().parent / "azcollection"
BASELINE_VENV = REPOSITORY / ".build" / "bench-azcollection-venv"
AZCOLLECTION = "ansible_collections/azure/azcollection"
BASELINE_MODULE = "azure.azcollection.azure_rm_deployment"
BASELINE_BY_HAND_SECONDS_PER_TEMPLATE = 5.0  # /work/shared/DESIGN.md, "Outside clients"

LOG_PAGE = 10000  # the admin route's page size
READ_METHODS = ("GET", "HEAD")
WRITE_METHODS = ("PUT", "PATCH", "DELETE")
RECAP_LINE = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)
TARGETS = {"rerun_writes": 0, "rerun_speedup_min": 3.0, "rerun_speedup_aim": 10.0, "scaling_10_to_1_max": 3.0}


class BenchFailure(Exception):
    """A run that did not happen or failed: the report says what, and the benchmark exits 1."""


# -- the benchmark-only azure.azcollection venv ---------------------------------------------------------------------
def venv_site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def baseline_venv(report: dict) -> Path:
    """``.build/bench-azcollection-venv``, created on first use from bench/azcollection/; the shim copied in always."""
    requirements, constraints = BASELINE_DIR / "requirements.txt", BASELINE_DIR / "constraints.txt"
    stamp = BASELINE_VENV / ".installed"
    wanted = hashlib.sha256(requirements.read_bytes() + constraints.read_bytes()).hexdigest()
    if not (stamp.exists() and stamp.read_text().strip() == wanted):
        started = time.perf_counter()
        if BASELINE_VENV.exists():
            shutil.rmtree(BASELINE_VENV)
        pip = [str(BASELINE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", str(constraints)]
        steps = [[sys.executable, "-m", "venv", str(BASELINE_VENV)], [*pip, "pip"], [*pip, "-r", str(requirements)]]
        for step in steps:
            subprocess.run(step, check=True)
        collection_requirements = venv_site_packages(BASELINE_VENV) / AZCOLLECTION / "requirements.txt"
        subprocess.run([*pip, "-r", str(collection_requirements)], check=True)
        stamp.write_text(wanted + "\n")
        report["baseline_venv_created_seconds"] = round(time.perf_counter() - started, 1)
    shutil.copy2(BASELINE_DIR / "sitecustomize.py", venv_site_packages(BASELINE_VENV) / "sitecustomize.py")
    manifest = json.loads((venv_site_packages(BASELINE_VENV) / AZCOLLECTION / "MANIFEST.json").read_text())
    report["baseline_client"] = {
        "venv": str(BASELINE_VENV.relative_to(REPOSITORY)),
        "azure.azcollection": manifest["collection_info"]["version"],
        "module": BASELINE_MODULE,
    }
    return BASELINE_VENV


# -- the scratch collection -----------------------------------------------------------------------------------------
def scratch_collection(base: Path, work_packages: list) -> tuple[Path, Path]:
    """``(collections path, collection root)``: a copy of the collection with the generated work packages."""
    collections = base / "collections"
    root = collections / "ansible_collections" / "it4ad" / "dlinfra"
    root.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COLLECTION_CONTENT:
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, root / name)
    shutil.copytree(REPOSITORY / "inventories" / INVENTORY, root / "inventories" / INVENTORY, ignore=ignore)
    (root / WORK_PACKAGES_FILE).write_text(
        "---\n# Generated by bench/bench_mlenv.py.\n"
        + yaml.safe_dump({"dlinfra_work_packages": work_packages}, sort_keys=False)
    )
    config = json.loads((root / DATASTORE_CONFIG).read_text())
    for datastore in config["datastores"]:
        datastore["workspaces"] = ["*"]  # the real config names work packages the generated ones replace
    (root / DATASTORE_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    return collections, root


def environment_inputs(root: Path):
    try:
        return load_environment_inputs(root, INVENTORY)
    except EnvironmentUnreadable as error:
        raise BenchFailure(f"inventory {INVENTORY} of the scratch collection unreadable: {error}") from None


# -- running a playbook and reading the request log -----------------------------------------------------------------
def clean_environment(base: Path) -> dict:
    """The caller's environment without Azure, CA or Ansible settings; Ansible's home in the scratch dir."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AZURE_", "ANSIBLE_", "DLINFRA_"))
        and key not in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE")
    }
    environment.update(
        {
            "ANSIBLE_HOME": str(base / "ansible-home"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        }
    )
    return environment


def log_since(endpoint, since: int) -> list:
    """Every request-log entry after sequence number ``since`` (the admin route answers pages of 10000)."""
    entries = []
    while True:
        page = endpoint.requests_log(since=str(since))
        entries.extend(page)
        if len(page) < LOG_PAGE:
            return entries
        since = page[-1]["seq"]


def last_seq(endpoint) -> int:
    cursor = getattr(endpoint, "bench_log_cursor", 0)
    entries = log_since(endpoint, cursor)
    endpoint.bench_log_cursor = entries[-1]["seq"] if entries else cursor
    return endpoint.bench_log_cursor


def run_playbook(endpoint, command: list, environment: dict, cwd: Path, timeout: float, log: Path) -> dict:
    """Wall time, recap and request counts of one ``ansible-playbook`` run; raises BenchFailure if it fails."""
    since = last_seq(endpoint)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, dummy_error = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # this run's own process group
        output, dummy_error = process.communicate()
        log.write_text(output)
        raise BenchFailure(f"{' '.join(command[:2])}: still running after {timeout:.0f} s; output in {log}") from None
    seconds = time.perf_counter() - started
    log.write_text(output)
    recaps = RECAP_LINE.findall(output)
    if process.returncode != 0 or not recaps:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise BenchFailure(f"{' '.join(command[:2])} exited {process.returncode} after {seconds:.1f} s:\n{tail}")
    measured = {
        "seconds": round(seconds, 2),
        "changed": sum(int(recap[1]) for recap in recaps),
        "ok": sum(int(recap[0]) for recap in recaps),
    }
    entries = log_since(endpoint, since)
    log.with_suffix(".requests.json").write_text(json.dumps(entries, indent=0))
    measured.update(request_counts(entries))
    return measured


def request_counts(entries: list) -> dict:
    """Reads, writes and POSTs of a run's window of the request log, each by kind.

    The log also has the deployment engine's own resource operations (a deployment's resource PUTs), so a
    deployment rerun's writes show as ``writes_by_target.resources``.
    """
    reads = [entry for entry in entries if entry["method"] in READ_METHODS]
    writes = [entry for entry in entries if entry["method"] in WRITE_METHODS]
    posts = [entry for entry in entries if entry["method"] == "POST"]
    return {
        "requests": len(entries),
        "reads": len(reads),
        "writes": len(writes),
        "posts": len(posts),
        "reads_by_target": dict(Counter(target(entry["path"]) for entry in reads).most_common()),
        "writes_by_target": dict(Counter(target(entry["path"]) for entry in writes).most_common()),
        "posts_by_kind": dict(Counter(post_kind(entry["path"]) for entry in posts).most_common()),
        "throttled": len([entry for entry in entries if entry["status"] == 429]),
        "errors": len([entry for entry in entries if entry["status"] >= 400 and entry["status"] != 404]),
    }


def target(path: str) -> str:
    lowered = path.lower()
    if lowered.startswith("/metadata/"):
        return "cloud_metadata"
    if not lowered.startswith("/subscriptions/"):
        return "identity"  # token endpoints, OpenID discovery, JWKS
    if "/providers/microsoft.resources/deployments/" in lowered:
        return "deployment_operation_statuses" if "/operationstatuses/" in lowered else "deployments"
    if re.fullmatch(r"/subscriptions/[^/]+/resourcegroups/[^/]+", lowered):
        return "resource_groups"
    if "/operations/" in lowered or "/operationresults/" in lowered or "/asyncoperations/" in lowered:
        return "other_operation_statuses"
    return "resources"


def post_kind(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "token" if last == "token" else last


# -- ours -------------------------------------------------------------------------------------------------------------
def ours_command(root: Path) -> list:
    ansible_playbook = Path(sys.executable).parent / "ansible-playbook"
    return [
        str(ansible_playbook if ansible_playbook.exists() else shutil.which("ansible-playbook")),
        str(root / PLAYBOOK),
        "-i",
        str(root / "inventories" / INVENTORY),
    ]


def ours_environment(base: Path, collections: Path, endpoint) -> dict:
    environment = clean_environment(base)
    environment.update(
        {"ANSIBLE_COLLECTIONS_PATH": str(collections), CONNECTION_VARIABLE: str(endpoint.state_dir / "connection.json")}
    )
    return environment


def run_ours(endpoint, base: Path, collections: Path, root: Path, label: str, timeout: float) -> dict:
    if not (root / PLAYBOOK).exists():
        raise BenchFailure(f"{PLAYBOOK} does not exist in the repository yet; nothing of ours to measure")
    return run_playbook(
        endpoint,
        ours_command(root),
        ours_environment(base, collections, endpoint),
        root,
        timeout,
        base / f"ours-{label}.log",
    )


# -- the environment without our playbook (--baseline-only, or when ours failed) ------------------------------------
def build_environment_with_sdk(endpoint, plan, templates, settings, seconds: float) -> dict:
    since = last_seq(endpoint)
    deployed = deploy_environment(endpoint, plan, templates, settings, time.monotonic() + seconds)
    served = log_since(endpoint, since)
    summary = {
        "by": "DeploymentsMgmtClient (bench_localazure.deploy_environment)",
        "seconds": deployed["seconds"],
        "deployments_succeeded": deployed["deployments_succeeded"],
        "resources_in_group": deployed["resources_in_group"],
        "requests": len(served),
        "failures": deployed["failures"],
    }
    if deployed["failures"]:
        raise BenchFailure(f"the environment could not be built: {deployed['failures']}")
    return summary


# -- the baseline -----------------------------------------------------------------------------------------------------
def live_deployments(endpoint, group: str) -> dict:
    """``{(scope, name): outputs}`` of the deployments in the group and at the subscription."""
    client = deployments_client(endpoint)
    found = {}
    for scope, listed in (
        ("resourceGroup", client.deployments.list_by_resource_group(group)),
        ("subscription", client.deployments.list_at_subscription_scope()),
    ):
        for item in listed:
            if item.properties is None or item.properties.provisioning_state != "Succeeded":
                continue
            found[(scope, item.name)] = {
                key: output["value"] for key, output in (item.properties.outputs or {}).items()
            }
    return found


def deployment_name(live: dict, scope: str, template: str, package: str | None) -> tuple[str, bool]:
    """The name the environment's deployment of ``template`` (for ``package``) has, and whether it exists."""
    candidates = []
    for live_scope, name in live:
        tokens = set(re.split(r"[-_.]", name.lower()))
        if live_scope == scope and template.lower() in tokens and (package is None or package.lower() in tokens):
            others = tokens - {template.lower(), (package or "").lower()}
            candidates.append((len(others), name))
    if candidates:
        return min(candidates)[1], True
    return f"dlinfra-{template}" + (f"-{package}" if package else ""), False


def baseline_tasks(endpoint, plan, templates, settings, root: Path) -> tuple[list, list]:
    """One azure_rm_deployment task per planned resource-group deployment, with the values the validator
    assembles from the inventory, the parameter files and the live outputs of the environment's deployments."""
    group = settings.variables["dlinfra_resource_group"]
    live = live_deployments(endpoint, group)
    outputs, tasks, notes = {}, [], []
    for deployment in plan.deployments:
        source = templates[deployment.template]
        packages = settings.work_packages if deployment.per == "work_package" else [None]
        for index, package in enumerate(packages):
            package_name = package["name"] if package else None
            name, exists = deployment_name(live, deployment.scope, deployment.template, package_name)
            if exists:
                outputs[(deployment.template, package_name)] = live[(deployment.scope, name)]
            else:
                notes.append(f"no deployment of {deployment.template} {package_name or ''} found; named {name}")
            if deployment.scope == "subscription":
                notes.append(
                    f"{deployment.template} ({name}) skipped: {BASELINE_MODULE} deploys to a resource "
                    "group only (resource_group is required; no subscription scope)"
                )
                continue
            values = deployment_parameter_values(plan, deployment, source, settings, outputs, package, index)
            if values is None:
                raise BenchFailure(f"baseline: no live outputs for the inputs of {name}")
            tasks.append(
                {
                    "name": f"{deployment.template} {package_name or ''}".strip(),
                    BASELINE_MODULE: {
                        "resource_group": group,
                        "location": settings.variables["dlinfra_location"],
                        "name": name,
                        "deployment_mode": "incremental",
                        "template": f"{{{{ lookup('ansible.builtin.file', '{root / source.template_file}') | from_json }}}}",
                        "parameters": {key: {"value": value} for key, value in values.items()},
                    },
                }
            )
    if re.search(r"\{\{|\{%", json.dumps([task[BASELINE_MODULE]["parameters"] for task in tasks])):
        raise BenchFailure("baseline: a parameter value looks like Jinja; the generated playbook would template it")
    return tasks, notes


def write_baseline_playbook(base: Path, tasks: list, venv: Path) -> tuple[Path, Path]:
    folder = base / "baseline"
    folder.mkdir(exist_ok=True)
    inventory = folder / "hosts.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "hosts": {
                        "localhost": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": str(venv / "bin" / "python"),
                        }
                    }
                }
            },
            indent=1,
        )
    )
    playbook = folder / "rerun.yml"  # JSON is YAML
    playbook.write_text(
        json.dumps(
            [
                {
                    "name": f"the environment with {BASELINE_MODULE}",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": tasks,
                }
            ],
            indent=1,
        )
    )
    return playbook, inventory


def baseline_environment(base: Path, endpoint) -> dict:
    connection, principal = endpoint.connection, endpoint.principal("deployer")
    environment = clean_environment(base)
    empty = base / "no-collections"
    empty.mkdir(exist_ok=True)
    environment.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(empty),  # only the collections the venv's `ansible` package bundles
            "AZURE_CLIENT_ID": principal["client_id"],
            "AZURE_SECRET": principal["client_secret"],
            "AZURE_TENANT": principal.get("tenant_id", connection["tenant_id"]),
            "AZURE_SUBSCRIPTION_ID": connection["subscription_id"],
            "AZURE_CLOUD_ENVIRONMENT": connection["metadata_url"],
            "AZURE_DISABLE_INSTANCE_DISCOVERY": "true",
            "REQUESTS_CA_BUNDLE": connection["ca_bundle"],
        }
    )
    return environment


def run_baseline(endpoint, base: Path, playbook: Path, inventory: Path, venv: Path, label: str, timeout: float) -> dict:
    command = [str(venv / "bin" / "ansible-playbook"), str(playbook), "-i", str(inventory)]
    return run_playbook(
        endpoint,
        command,
        baseline_environment(base, endpoint),
        playbook.parent,
        timeout,
        base / f"baseline-{label}.log",
    )


# -- one environment size ---------------------------------------------------------------------------------------------
def rounds_summary(runs: list) -> dict:
    """The median run (by seconds) with the spread; every round's seconds, writes and changed."""
    middle = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    seconds = [run["seconds"] for run in runs]
    return {
        **middle,
        "rounds": len(runs),
        "seconds_median": round(statistics.median(seconds), 2),
        "seconds_min": min(seconds),
        "seconds_max": max(seconds),
        "per_round": [{key: run[key] for key in ("seconds", "reads", "writes", "posts", "changed")} for run in runs],
    }


def measure(count: int, args, venv: Path | None) -> dict:
    work_packages = generated_work_packages(count)
    result = {"work_packages": count, "errors": []}
    with tempfile.TemporaryDirectory(prefix="bench-mlenv-") as scratch:
        base = Path(scratch)
        collections, root = scratch_collection(base, work_packages)
        seed = base / "seed.json"
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
        endpoint = start_endpoint(base / "endpoint", "--seed", str(seed), *args.endpoint_arg)
        os.environ[CONNECTION_VARIABLE] = str(endpoint.state_dir / "connection.json")  # if the inventory reads it
        try:
            plan, templates, settings = environment_inputs(root)
            result["deployments_planned"] = sum(
                len(settings.work_packages) if item.per == "work_package" else 1 for item in plan.deployments
            )
            measure_environment(result, endpoint, base, collections, root, (plan, templates, settings), args, venv)
        except BenchFailure as failure:
            result["errors"].append(str(failure))
        finally:
            stop_endpoint_process(endpoint.process.pid)
            endpoint.process.wait(timeout=10)
            if args.keep_logs:
                kept = Path(args.keep_logs) / f"work-packages-{count}"
                kept.mkdir(parents=True, exist_ok=True)
                for log in [*base.glob("*.log"), *base.glob("*.requests.json")]:
                    shutil.copy2(log, kept / log.name)
                shutil.copy2(base / "endpoint" / "server.log", kept / "endpoint-server.log")
                if (base / "baseline").exists():
                    shutil.copytree(base / "baseline", kept / "baseline", dirs_exist_ok=True)
    return result


def measure_environment(result, endpoint, base, collections, root, inputs, args, venv) -> None:
    plan, templates, settings = inputs
    ours = {} if not args.baseline_only else None
    if ours is not None:
        result["ours"] = ours
        try:
            ours["first_run"] = run_ours(endpoint, base, collections, root, "first-run", args.timeout)
        except BenchFailure as failure:
            ours["error"] = str(failure)
            result["errors"].append(f"ours, first run: {failure}")
    if venv is None:
        if "first_run" in ours:
            ours["rerun"] = rounds_summary(
                [
                    run_ours(endpoint, base, collections, root, f"rerun-{index}", args.timeout)
                    for index in range(args.rounds)
                ]
            )
        return
    if ours is None or "first_run" not in ours:
        result["environment"] = build_environment_with_sdk(endpoint, plan, templates, settings, args.timeout)
    tasks, notes = baseline_tasks(endpoint, plan, templates, settings, root)
    playbook, inventory = write_baseline_playbook(base, tasks, venv)
    result["baseline"] = {"tasks": len(tasks), "notes": notes}
    ours_runs, baseline_runs = [], []
    for index in range(args.rounds):  # interleaved, so that a disturbance of the machine hits both
        if ours is not None and "first_run" in ours:
            ours_runs.append(run_ours(endpoint, base, collections, root, f"rerun-{index}", args.timeout))
        baseline_runs.append(run_baseline(endpoint, base, playbook, inventory, venv, f"rerun-{index}", args.timeout))
    if ours_runs:
        ours["rerun"] = rounds_summary(ours_runs)
    rerun = rounds_summary(baseline_runs)
    rerun["seconds_per_template"] = round(rerun["seconds_median"] / max(1, len(tasks)), 2)
    rerun["ratio_to_by_hand_5s_per_template"] = round(
        rerun["seconds_per_template"] / BASELINE_BY_HAND_SECONDS_PER_TEMPLATE, 2
    )
    result["baseline"]["rerun"] = rerun
    if ours_runs:
        result["ratio_baseline_rerun_to_ours_rerun"] = round(
            rerun["seconds_median"] / ours["rerun"]["seconds_median"], 2
        )


# -- the report -------------------------------------------------------------------------------------------------------
def targets(results: dict) -> dict:
    """The issue's targets, each with the figures it rests on and whether it holds (None: not measured)."""
    verdicts = {}
    for count, result in results.items():
        rerun = result.get("ours", {}).get("rerun")
        verdicts[f"rerun_makes_zero_writes[{count}]"] = {
            "writes": rerun["writes"] if rerun else None,
            "holds": (max(run["writes"] for run in rerun["per_round"]) == 0) if rerun else None,
        }
        ratio = result.get("ratio_baseline_rerun_to_ours_rerun")
        verdicts[f"rerun_at_least_3x_faster_than_baseline[{count}]"] = {
            "ratio": ratio,
            "holds": None if ratio is None else ratio >= TARGETS["rerun_speedup_min"],
            "aim_10x_holds": None if ratio is None else ratio >= TARGETS["rerun_speedup_aim"],
        }
    small, large = results.get(1, {}).get("ours", {}), results.get(10, {}).get("ours", {})
    for run in ("first_run", "rerun"):
        if run in small and run in large:
            key = "seconds" if run == "first_run" else "seconds_median"
            ratio = round(large[run][key] / small[run][key], 2)
            verdicts[f"10_work_packages_under_3x_of_1[{run}]"] = {
                "ratio": ratio,
                "holds": ratio < TARGETS["scaling_10_to_1_max"],
            }
        else:
            verdicts[f"10_work_packages_under_3x_of_1[{run}]"] = {"ratio": None, "holds": None}
    return verdicts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-packages", default="1,10", help="comma-separated environment sizes")
    parser.add_argument("--rounds", type=int, default=3, help="no-change reruns per side (median reported)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="time limit of each playbook run, seconds")
    sides = parser.add_mutually_exclusive_group()
    sides.add_argument("--ours-only", action="store_true", help="only playbooks/mlenv.yml; no baseline venv")
    sides.add_argument(
        "--baseline-only",
        action="store_true",
        help="build the environment with DeploymentsMgmtClient, then only the baseline rerun",
    )
    sides.add_argument("--skip-baseline", action="store_true", help="the same as --ours-only")
    parser.add_argument(
        "--endpoint-arg",
        action="append",
        default=[],
        help="extra argument of `localazure serve` (repeat; e.g. --endpoint-arg=--no-throttling)",
    )
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the playbook and endpoint logs here")
    args = parser.parse_args(argv)
    counts = [int(item) for item in args.work_packages.split(",") if item.strip()]

    report = {
        "command": " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "endpoint_args": ["--port", "0", "--seed", "<generated developer groups>", *args.endpoint_arg],
    }
    venv = None if (args.ours_only or args.skip_baseline) else baseline_venv(report)
    results = {count: measure(count, args, venv) for count in counts}
    report["results"] = {str(count): result for count, result in results.items()}
    if not args.baseline_only:
        small, large = results.get(1, {}).get("ours", {}), results.get(10, {}).get("ours", {})
        report["ours_scaling_10_to_1"] = {
            run: round(
                large[run]["seconds" if run == "first_run" else "seconds_median"]
                / small[run]["seconds" if run == "first_run" else "seconds_median"],
                2,
            )
            if run in small and run in large
            else None
            for run in ("first_run", "rerun")
        }
    report["targets"] = {**TARGETS, "verdicts": targets(results)}
    print(json.dumps(report, indent=2))
    return 1 if any(result["errors"] for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
