"""Admin routes under ``/_admin/``: only with the header ``x-localazure-admin: <secret>`` (the secret is the
file ``admin-secret`` in the state dir). They change middleware settings at run time and read the request log."""

from __future__ import annotations

from dataclasses import asdict

from localazure.error_catalogue import INVALID_REQUEST_CONTENT
from localazure.http import json_response
from localazure.policy import PolicyError
from localazure.settings import LongRunningSettings, ThrottlingSettings


def register(app) -> None:
    app.router.add("GET", r"/_admin/config", get_config, kind="admin")
    app.router.add(["PUT", "PATCH"], r"/_admin/config/throttling", set_throttling, kind="admin")
    app.router.add(["PUT", "PATCH"], r"/_admin/config/long-running", set_long_running, kind="admin")
    app.router.add("GET", r"/_admin/faults", get_faults, kind="admin")
    app.router.add("POST", r"/_admin/faults", add_failure, kind="admin")
    app.router.add("DELETE", r"/_admin/faults", clear_faults, kind="admin")
    app.router.add("POST", r"/_admin/latency", add_latency, kind="admin")
    app.router.add("POST", r"/_admin/provisioning-failures", add_provisioning_failure, kind="admin")
    app.router.add("GET", r"/_admin/policy-assignments", get_policy_assignments, kind="admin")
    app.router.add("POST", r"/_admin/policy-assignments", add_policy_assignment, kind="admin")
    app.router.add("DELETE", r"/_admin/policy-assignments", clear_policy_assignments, kind="admin")
    app.router.add("GET", r"/_admin/requests", get_requests, kind="admin")
    app.router.add("POST", r"/_admin/requests/clear", clear_requests, kind="admin")


def _object(request) -> dict:
    body = request.json()
    if not isinstance(body, dict):
        raise INVALID_REQUEST_CONTENT("The admin request body must be a JSON object.")
    return body


def _replace(current, changes: dict, cls):
    values = asdict(current) if current is not None else {}
    unknown = set(changes) - set(values)
    if unknown:
        raise INVALID_REQUEST_CONTENT(f"Unknown settings: {sorted(unknown)}.")
    values.update(changes)
    return cls(**values)


def get_config(app, request):
    return json_response({**app.settings.public_dict(), **app.faults.describe()})


def set_throttling(app, request):
    app.settings.throttling = _replace(app.settings.throttling, _object(request), ThrottlingSettings)
    app.throttler.configure(app.settings.throttling)
    return json_response(asdict(app.settings.throttling))


def set_long_running(app, request):
    app.settings.long_running = _replace(app.settings.long_running, _object(request), LongRunningSettings)
    return json_response(asdict(app.settings.long_running))


def get_faults(app, request):
    return json_response(app.faults.describe())


def add_failure(app, request):
    try:
        return json_response(app.faults.add_failure(_object(request)), 201)
    except (ValueError, KeyError) as error:
        raise INVALID_REQUEST_CONTENT(str(error)) from error


def clear_faults(app, request):
    app.faults.clear()
    return json_response(app.faults.describe())


def add_latency(app, request):
    try:
        return json_response(app.faults.add_latency(_object(request)), 201)
    except (ValueError, KeyError) as error:
        raise INVALID_REQUEST_CONTENT(str(error)) from error


def add_provisioning_failure(app, request):
    body = _object(request)
    if not body.get("resource_id"):
        raise INVALID_REQUEST_CONTENT("'resource_id' is required.")
    return json_response(app.faults.add_provisioning_failure(body), 201)


def get_requests(app, request):
    entries = app.request_log.query(
        since=request.query.get("since"),
        method=request.query.get("method"),
        path=request.query.get("path"),
        kind=request.query.get("kind"),
    )
    return json_response(
        {
            "value": entries,
            "last_seq": entries[-1]["seq"]
            if entries
            else int(request.query["since"])
            if request.query.get("since", "").isdigit()
            else 0,
        }
    )


def clear_requests(app, request):
    app.request_log.clear()
    return json_response({"value": []})


def get_policy_assignments(app, request):
    return json_response({"value": app.policies.describe()})


def add_policy_assignment(app, request):
    """Azure Policy modify assignments (localazure/policy.py): later creates and updates are modified."""
    try:
        return json_response(app.policies.add(_object(request)), 201)
    except PolicyError as error:
        raise INVALID_REQUEST_CONTENT(f"The policy assignment is not served: {error}.") from error


def clear_policy_assignments(app, request):
    app.policies.clear()
    return json_response({"value": []})
