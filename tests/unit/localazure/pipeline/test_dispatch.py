"""The one request pipeline (localazure/pipeline.py): a deployment's requests pass the same authorization, faults
and request log as a client's, and services never import routes (issue 8, section 1). In process: an ``App`` in
``tmp_path`` (conftest.py)."""

import ast
import json
from pathlib import Path

import pytest

from localazure.errors import AzureError
from localazure.http import Request

PACKAGE = Path(__file__).resolve().parents[4] / "localazure"
# Route modules may import routes; everything else is a service and may not.
ROUTE_MODULES = ("routes", "routes_setup.py", "deployments/routes.py", "providers/machine_learning/routes.py")


def _group(app) -> str:
    return f"/subscriptions/{app.store.subscriptions(None)[0]['subscription_id']}/resourceGroups/rg-pipeline"


def _request(method: str, path: str, principal, body=None) -> Request:
    return Request(
        method, path, {"api-version": "2025-04-01"}, {}, json.dumps(body).encode() if body else b"", principal=principal
    )


def test_a_dispatched_write_is_authorized_as_its_principal_and_logged(app, principal):
    developer = principal("model-developer-test")
    with pytest.raises(AzureError) as raised:
        app.dispatch(_request("PUT", _group(app), developer, {"location": "westeurope"}))
    assert (raised.value.status, raised.value.code) == (403, "AuthorizationFailed")
    assert f"with object id '{developer.object_id}'" in raised.value.message
    created = app.dispatch(_request("PUT", _group(app), principal("deployer"), {"location": "westeurope"}))
    assert created.status == 201
    logged = [
        (item["method"], item["status"], item["principal"]["object_id"])
        for item in app.request_log.query(path="rg-pipeline")
    ]
    assert logged == [("PUT", 403, developer.object_id), ("PUT", 201, principal("deployer").object_id)]


def test_a_dispatched_read_is_authorized_but_neither_logged_nor_faulted(app, principal):
    deployer = principal("deployer")
    app.dispatch(_request("PUT", _group(app), deployer, {"location": "westeurope"}))
    app.faults.add_failure({"method": "GET", "path": "rg-pipeline$", "status": 500})
    assert app.dispatch(_request("GET", _group(app), deployer), observed=False).body["name"] == "rg-pipeline"
    with pytest.raises(AzureError) as raised:
        app.dispatch(_request("GET", _group(app), principal("model-developer-test")), observed=False)
    assert raised.value.status == 403
    with pytest.raises(AzureError) as faulted:
        app.dispatch(_request("GET", _group(app), deployer))
    assert faulted.value.status == 500, "an observed request takes the injected fault"
    assert [item["method"] for item in app.request_log.query(path="rg-pipeline")] == ["PUT", "GET"]


def test_services_never_import_routes():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(ROUTE_MODULES):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if isinstance(node, ast.ImportFrom) and node.level:  # relative: resolve against the file's package
                package = ["localazure", *relative.split("/")[:-1]]
                base = ".".join(package[: len(package) - node.level + 1])
                names = [f"{base}.{node.module}" if node.module else base]
            if isinstance(node, ast.ImportFrom) and names == ["localazure"]:
                names = [f"localazure.{alias.name}" for alias in node.names]
            offenders += [
                f"{relative}: {name}"
                for name in names
                if name == "localazure.routes" or name.startswith("localazure.routes.")
            ]
    assert offenders == []


NAN_BODY = b'{"location": "westeurope", "tags": {"x": NaN}}'


def test_the_steps_run_in_order_authentication_authorization_body_faults(app, principal):
    """Authentication, then authorization, then body validation, then faults: each refusal is the first one that
    applies, whichever other refusals the same request would also earn."""
    path = _group(app)
    unauthenticated = Request.from_target("PUT", f"{path}?api-version=2025-04-01", {}, NAN_BODY)
    assert app.handle(unauthenticated).status == 401
    app.faults.add_failure({"method": "PUT", "path": "rg-pipeline$", "status": 503, "count": 10})
    developer = _request("PUT", path, principal("model-developer-test"))
    developer.body = NAN_BODY
    with pytest.raises(AzureError) as refused:
        app.dispatch(developer)
    assert (refused.value.status, refused.value.code) == (403, "AuthorizationFailed")
    deployer = _request("PUT", path, principal("deployer"))
    deployer.body = NAN_BODY
    with pytest.raises(AzureError) as invalid:
        app.dispatch(deployer)
    assert (invalid.value.status, invalid.value.code) == (400, "InvalidRequestContent")
    with pytest.raises(AzureError) as faulted:
        app.dispatch(_request("PUT", path, principal("deployer"), {"location": "westeurope"}))
    assert faulted.value.status == 503, "a valid request meets the injected fault"
