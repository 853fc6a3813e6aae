# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Functional validation of a deployed environment: what should exist, which ids to read, and the checks.

Three pure steps, used by the ``validate`` role's ``functional`` entry point:

1. ``environment_expectations`` renders the inventory offline (the same plan and template engine that deploy it)
   and returns every resource the environment should have, the deployments' outputs (shared and per work package),
   and the datastores ``datastore_config.json`` attaches to each workspace.
2. ``followup_ids``: the ids that are known only from what Azure returned (a workspace's blob container is named
   after its workspace id; a datastore resolves to the container its account and container name give).
3. ``evaluate_checks`` runs the checks, which are data (``roles/validate/vars/functional_checks.yml``), against
   the resources read, and gives one result per check and target; ``junit_xml`` and ``result_table`` render them.

Nothing here talks to Azure: the role reads through ``azure_resource_info``.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import contains_unknown
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.environment_plan import (
    STORAGE_OUTPUT,
    PlanRefused,
    plan_environment,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.deployment_plan import load_deployment_plan
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.environment_render import render_environment
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.template_set import load_template_set

WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
STORAGE_ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts"
PRIVATE_ENDPOINT_TYPE = "Microsoft.Network/privateEndpoints"
WORKSPACE_CONTAINER_PREFIX = "azureml-blobstore-"
# Target sets a check can name besides ``resources`` (every expected resource).
DERIVED_TARGETS = ("workspace_containers", "datastores", "datastore_containers")
OPERATORS = ("exists", "equals", "equals_ref", "one_of", "private_endpoint")


class CheckDefinitionError(ValueError):
    """A check entry of the role's data is malformed; the message names the entry and the fix."""


# -- 1. what the environment should hold -------------------------------------------------------------------
def _plain(value):
    """A JSON round trip: the engine's and Ansible's value types as plain ones."""
    return json.loads(json.dumps(value, default=str))


def _known(outputs: dict) -> dict:
    return {name: _plain(value) for name, value in (outputs or {}).items() if not contains_unknown(value)}


def environment_expectations(repository_root: Path, settings) -> dict:
    """What the inventory's environment should contain; raises ``PlanRefused`` for an invalid desired state."""
    planned = plan_environment(repository_root, settings)
    plan, dummy = load_deployment_plan(repository_root)
    templates, dummy = load_template_set(repository_root, plan.deploy_time_parameters)
    rendered, findings = render_environment(plan, templates, settings)
    if findings:
        raise PlanRefused(findings)
    shared: dict = {}
    packages: dict = {package["name"]: {} for package in settings.work_packages}
    resources = []
    seen = set()
    for deployment in rendered.deployments:
        outputs = _known(deployment.outputs)
        if deployment.work_package:
            packages.setdefault(deployment.work_package, {})[deployment.template] = outputs
        else:
            shared[deployment.template] = outputs
        for resource in deployment.resources:
            resource_id = resource.get("id")
            if not isinstance(resource_id, str) or contains_unknown(resource_id) or resource_id.lower() in seen:
                continue
            seen.add(resource_id.lower())
            resources.append(
                {
                    "id": resource_id,
                    "type": str(resource.get("type")),
                    "template": deployment.template,
                    "work_package": deployment.work_package,
                }
            )
    variables = settings.variables
    storage_accounts = {
        kind: {
            "id": shared.get(template, {}).get("storageAccountId"),
            "name": shared.get(template, {}).get(output),
        }
        for kind, (template, output) in STORAGE_OUTPUT.items()
    }
    datastores = []
    for package_name, attached in (planned.get("datastores") or {}).items():
        workspace_id = _workspace_id(resources, package_name)
        for datastore in attached.get("datastores") or []:
            datastores.append(
                {
                    "work_package": package_name,
                    "workspace": attached.get("name"),
                    "name": datastore["name"],
                    "id": f"{workspace_id}/datastores/{datastore['name']}" if workspace_id else None,
                    "account_name": datastore["account_name"],
                    "container_name": datastore["container_name"],
                }
            )
    return {
        "environment": settings.environment,
        "subscription_id": variables.get("dlinfra_subscription_id"),
        "resource_group": variables.get("dlinfra_resource_group"),
        "inventory": _plain({name: value for name, value in variables.items() if name.startswith("dlinfra_")}),
        "shared": shared,
        "packages": packages,
        "storage_accounts": storage_accounts,
        "resources": resources,
        "datastores": datastores,
    }


def _workspace_id(resources: list, package_name: str) -> str | None:
    return next(
        (
            item["id"]
            for item in resources
            if item["type"].lower() == WORKSPACE_TYPE.lower() and item["work_package"] == package_name
        ),
        None,
    )


def first_read_ids(expectations: dict) -> list[str]:
    """Every id known before reading anything: the expected resources and the configured datastores."""
    ids = [item["id"] for item in expectations["resources"]]
    ids += [item["id"] for item in expectations["datastores"] if item["id"]]
    return list(dict.fromkeys(ids))


# -- 2. ids known only from what Azure returned ------------------------------------------------------------
def _index(observed: list) -> dict:
    return {str(entry.get("id", "")).lower(): entry for entry in observed or []}


def _found(index: dict, resource_id: str | None) -> dict | None:
    entry = index.get(str(resource_id or "").lower())
    if entry and entry.get("found") and isinstance(entry.get("resource"), dict):
        return entry["resource"]
    return None


def _container_id(account_id: str, container: str) -> str:
    return f"{account_id}/blobServices/default/containers/{container}"


def _account_id(expectations: dict, account_name: str) -> str:
    for item in expectations["resources"]:
        if item["type"].lower() == STORAGE_ACCOUNT_TYPE.lower() and item["id"].rsplit("/", 1)[-1] == account_name:
            return item["id"]
    return (
        f"/subscriptions/{expectations['subscription_id']}/resourceGroups/{expectations['resource_group']}"
        f"/providers/{STORAGE_ACCOUNT_TYPE}/{account_name}"
    )


def derived_targets(expectations: dict, observed: list) -> dict:
    """The targets of ``DERIVED_TARGETS``: each ``{id, name, work_package, problem}`` (``problem`` when the id is
    unknown because what it derives from is missing)."""
    index = _index(observed)
    ml_account = expectations["storage_accounts"].get("ml", {}).get("id")
    workspace_containers = []
    for item in expectations["resources"]:
        if item["type"].lower() != WORKSPACE_TYPE.lower():
            continue
        workspace = _found(index, item["id"])
        name = item["id"].rsplit("/", 1)[-1]
        workspace_guid = ((workspace or {}).get("properties") or {}).get("workspaceId")
        target = {"name": name, "work_package": item["work_package"], "id": None, "problem": None}
        if workspace is None:
            target["problem"] = f"workspace '{name}' not found, so its blob container cannot be named"
        elif not workspace_guid:
            target["problem"] = f"workspace '{name}' reports no properties.workspaceId"
        else:
            container = WORKSPACE_CONTAINER_PREFIX + workspace_guid
            target.update(id=_container_id(ml_account, container), name=f"{name}: {container}")
        workspace_containers.append(target)
    datastores = []
    datastore_containers = []
    for item in expectations["datastores"]:
        label = f"{item['workspace']}/{item['name']}"
        problem = None if item["id"] else f"workspace of work package '{item['work_package']}' is not planned"
        datastores.append({"name": label, "work_package": item["work_package"], "id": item["id"], "problem": problem})
        datastore = _found(index, item["id"])
        properties = (datastore or {}).get("properties") or {}
        target = {"name": label, "work_package": item["work_package"], "id": None, "problem": None}
        if datastore is None:
            target["problem"] = f"datastore '{label}' not found"
        elif not properties.get("accountName") or not properties.get("containerName"):
            target["problem"] = f"datastore '{label}' names no accountName/containerName"
        else:
            account, container = properties["accountName"], properties["containerName"]
            target.update(
                id=_container_id(_account_id(expectations, account), container),
                name=f"{label} -> {account}/{container}",
            )
        datastore_containers.append(target)
    return {
        "workspace_containers": workspace_containers,
        "datastores": datastores,
        "datastore_containers": datastore_containers,
    }


def followup_ids(expectations: dict, observed: list) -> list[str]:
    """The ids of the derived targets not read yet."""
    index = _index(observed)
    ids = [
        target["id"]
        for targets in derived_targets(expectations, observed).values()
        for target in targets
        if target["id"] and target["id"].lower() not in index
    ]
    return list(dict.fromkeys(ids))


# -- 3. the checks ---------------------------------------------------------------------------------------------
def lookup(data, path: str):
    """``(found, value)`` at a dotted ``path`` (list positions are numbers)."""
    value = data
    for key in str(path).split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return False, None
    return True, value


def check_definition_problems(checks: list) -> list[str]:
    """What is wrong with the check entries (empty when all are usable)."""
    problems = []
    names = set()
    for position, check in enumerate(checks or []):
        where = f"check {position} ({check.get('name') if isinstance(check, dict) else check!r})"
        if not isinstance(check, dict):
            problems.append(f"{where}: is not a mapping")
            continue
        if not check.get("name") or check["name"] in names:
            problems.append(f"{where}: needs a unique name")
        names.add(check.get("name"))
        if check.get("targets") not in ("resources",) + DERIVED_TARGETS:
            problems.append(f"{where}: targets must be one of resources, {', '.join(DERIVED_TARGETS)}")
        operators = [key for key in OPERATORS if key in check]
        if len(operators) != 1:
            problems.append(f"{where}: needs exactly one of {', '.join(OPERATORS)} (has {operators or 'none'})")
        if any(key in check for key in ("equals", "equals_ref", "one_of")) and not check.get("path"):
            problems.append(f"{where}: equals, equals_ref and one_of need a path")
    return problems


def _same(actual, expected, ignore_case: bool) -> bool:
    if ignore_case and isinstance(actual, str) and isinstance(expected, str):
        return actual.lower() == expected.lower()
    return actual == expected


def _private_endpoint_detail(resource_id: str, group_id: str, private_endpoints: list) -> tuple[bool, str]:
    """Whether an existing, approved private endpoint connects to ``resource_id`` for ``group_id``."""
    seen = []
    for endpoint in private_endpoints:
        properties = endpoint.get("properties") or {}
        connections = (properties.get("privateLinkServiceConnections") or []) + (
            properties.get("manualPrivateLinkServiceConnections") or []
        )
        for connection in connections:
            link = connection.get("properties") or {}
            if str(link.get("privateLinkServiceId", "")).lower() != resource_id.lower():
                continue
            groups = link.get("groupIds") or []
            state = (link.get("privateLinkServiceConnectionState") or {}).get("status", "Approved")
            seen.append(f"{endpoint.get('name')} ({','.join(groups)}, {state})")
            if (
                group_id in groups
                and state == "Approved"
                and properties.get("provisioningState", "Succeeded") == ("Succeeded")
            ):
                return True, f"private endpoint {endpoint.get('name')} ({group_id}, Approved)"
    if seen:
        return False, f"no approved, succeeded private endpoint for '{group_id}'; found: {'; '.join(seen)}"
    return False, f"no private endpoint connects to it (group '{group_id}')"


def _evaluate_one(check: dict, target: dict, resource: dict | None, context: dict, private_endpoints: list):
    """``(passed, detail)`` of one check on one target."""
    if target.get("problem"):
        return False, target["problem"]
    if "exists" in check:
        want = bool(check["exists"])
        if (resource is not None) == want:
            return True, "exists" if want else "absent"
        return False, "not found" if want else "exists but should not"
    if resource is None:
        return False, "not found"
    if "private_endpoint" in check:
        return _private_endpoint_detail(target["id"], str(check["private_endpoint"]), private_endpoints)
    present, actual = lookup(resource, check["path"])
    if not present:
        if check.get("missing_ok"):
            return True, f"{check['path']} not reported (exists)"
        return False, f"{check['path']} is not set"
    ignore_case = bool(check.get("ignore_case"))
    if "equals" in check:
        expected = check["equals"]
        if _same(actual, expected, ignore_case):
            return True, f"{check['path']} = {json.dumps(actual)}"
        return False, f"{check['path']} is {json.dumps(actual)}, expected {json.dumps(expected)}"
    if "one_of" in check:
        allowed = list(check["one_of"] or [])
        if any(_same(actual, item, ignore_case) for item in allowed):
            return True, f"{check['path']} = {json.dumps(actual)}"
        return False, f"{check['path']} is {json.dumps(actual)}, expected one of {json.dumps(allowed)}"
    reference = check["equals_ref"]
    known, expected = lookup(context, reference)
    if not known:
        return False, f"the expected value {reference} is not known for this target"
    if _same(actual, expected, ignore_case):
        return True, f"{check['path']} = {json.dumps(actual)}"
    return False, f"{check['path']} is {json.dumps(actual)}, expected {json.dumps(expected)} ({reference})"


def _short_name(resource_id: str) -> str:
    """The names in a resource id after its first provider: ``account/default/container``."""
    segments = resource_id.strip("/").split("/")
    lowered = [segment.lower() for segment in segments]
    if "providers" not in lowered:
        return resource_id
    rest = segments[lowered.index("providers") + 2 :]
    names = []
    while rest:
        if rest[0].lower() == "providers":
            rest = rest[2:]
            continue
        names.append(rest[1] if len(rest) > 1 else rest[0])
        rest = rest[2:]
    return "/".join(names)


def _targets_of(check: dict, expectations: dict, derived: dict) -> list[dict]:
    if check["targets"] != "resources":
        return derived[check["targets"]]
    types = {item.lower() for item in check.get("types") or []}
    excluded = {item.lower() for item in check.get("exclude_types") or []}
    targets = []
    for item in expectations["resources"]:
        kind = item["type"].lower()
        if (types and kind not in types) or kind in excluded:
            continue
        targets.append(
            {"id": item["id"], "name": _short_name(item["id"]), "work_package": item["work_package"], "problem": None}
        )
    return targets


def evaluate_checks(checks: list, expectations: dict, observed: list) -> list[dict]:
    """One result per check and target: ``{check, description, target, id, passed, detail}``."""
    problems = check_definition_problems(checks)
    if problems:
        raise CheckDefinitionError("; ".join(problems))
    index = _index(observed)
    derived = derived_targets(expectations, observed)
    private_endpoints = [
        entry["resource"]
        for entry in observed or []
        if entry.get("found")
        and isinstance(entry.get("resource"), dict)
        and str(entry["resource"].get("type", "")).lower() == PRIVATE_ENDPOINT_TYPE.lower()
    ]
    results = []
    for check in checks:
        targets = _targets_of(check, expectations, derived)
        if not targets:
            results.append(
                {
                    "check": check["name"],
                    "description": check.get("description", ""),
                    "target": "(none)",
                    "id": None,
                    "passed": False,
                    "detail": "no target: the environment plan has nothing this check applies to",
                }
            )
            continue
        for target in targets:
            package = target.get("work_package")
            context = {
                "shared": expectations["shared"],
                "package": expectations["packages"].get(package, {}) if package else {},
                "inventory": expectations["inventory"],
                "storage_accounts": expectations["storage_accounts"],
                "target": target,
            }
            resource = _found(index, target.get("id"))
            passed, detail = _evaluate_one(check, target, resource, context, private_endpoints)
            results.append(
                {
                    "check": check["name"],
                    "description": check.get("description", ""),
                    "target": target["name"],
                    "id": target.get("id"),
                    "passed": passed,
                    "detail": detail,
                }
            )
    return results


def summary(results: list) -> dict:
    failed = [item for item in results if not item["passed"]]
    return {
        "total": len(results),
        "passed": len(results) - len(failed),
        "failed": len(failed),
        "failed_checks": sorted({item["check"] for item in failed}),
        "failures": [f"{item['check']} / {item['target']}: {item['detail']}" for item in failed],
    }


def result_table(results: list, width: int = 72) -> list[str]:
    """The results as text lines: check, target, PASS/FAIL, detail."""

    def cut(text: str, limit: int) -> str:
        text = str(text)
        return text if len(text) <= limit else text[: limit - 3] + "..."

    rows = [
        (item["check"], cut(item["target"], width), "PASS" if item["passed"] else "FAIL", item["detail"])
        for item in results
    ]
    header = ("check", "target", "result", "detail")
    widths = [max(len(row[column]) for row in rows + [header]) for column in range(3)]
    lines = []
    for row in [header] + rows:
        lines.append("  ".join(row[column].ljust(widths[column]) for column in range(3)) + "  " + row[3])
    totals = summary(results)
    lines.append(f"{totals['passed']} of {totals['total']} passed, {totals['failed']} failed")
    return lines


def junit_xml(results: list, suite: str = "validate_env", environment: str | None = None) -> str:
    """JUnit XML: one testcase per check and target, with a ``failure`` element holding the detail."""
    totals = summary(results)
    suites = ElementTree.Element("testsuites", name=suite, tests=str(totals["total"]), failures=str(totals["failed"]))
    testsuite = ElementTree.SubElement(
        suites,
        "testsuite",
        name=f"{suite}.{environment}" if environment else suite,
        tests=str(totals["total"]),
        failures=str(totals["failed"]),
        errors="0",
        skipped="0",
    )
    for item in results:
        case = ElementTree.SubElement(
            testsuite, "testcase", classname=f"{suite}.{item['check']}", name=f"{item['check']}: {item['target']}"
        )
        if item["passed"]:
            ElementTree.SubElement(case, "system-out").text = item["detail"]
        else:
            failure = ElementTree.SubElement(case, "failure", message=item["detail"], type=item["check"])
            failure.text = f"{item['description']}\ntarget: {item['id'] or item['target']}\n{item['detail']}"
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
