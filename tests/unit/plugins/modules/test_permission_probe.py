"""permission_probe's main() with the SDK boundary replaced: a fake Resource Manager client (send_request), a fake
credential, requests.post for the registry exchange and a fake BlobServiceClient. One module run runs every row with
one credential, retries allowed rows, keeps going past a row that cannot run, and fails only on bad rows or a
principal that cannot authenticate."""

from __future__ import annotations

import json
from types import SimpleNamespace

import jwt
import pytest
import yaml
from ansible.module_utils.testing import patch_module_args

from ansible_collections.it4ad.dlinfra.plugins.module_utils import client_factory
from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import DlinfraError
from ansible_collections.it4ad.dlinfra.plugins.modules import permission_probe

SECRET = "unit-test-principal-secret"
PRINCIPAL = {"client_id": "probe-app", "secret": SECRET, "tenant": "tenant-1"}
WS = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
TYPE = "Microsoft.MachineLearningServices/workspaces"
PERMISSIONS = f"{WS}/providers/Microsoft.Authorization/permissions"
ROLE = {
    "actions": [f"{TYPE}/read", f"{TYPE}/*/write"],
    "notActions": [f"{TYPE}/computes/write", f"{TYPE}/computes/*/write"],
}
DENIED = (403, {"error": {"code": "AuthorizationFailed", "message": "The client does not have authorization"}})


class Response:
    def __init__(self, status, body):
        self.status_code = status
        self._body = body

    def json(self):
        return self._body

    def text(self):
        return json.dumps(self._body)


class FakeArm:
    """Resource Manager as the principal sees it: ``answers[(method, path)]`` is a list of (status, body) answers
    taken one per request (the last one stays), or an exception to raise."""

    def __init__(self, answers):
        self.answers = answers
        self.sent: list[tuple[str, str]] = []

    def send_request(self, request):
        path = request.url.split("?", 1)[0]
        self.sent.append((request.method, path))
        if path == PERMISSIONS:
            return Response(200, {"value": [ROLE]})
        answer = self.answers.get((request.method, path), [(404, {"error": {"code": "NotFound", "message": "x"}})])
        if isinstance(answer, Exception):
            raise answer
        status, body = answer.pop(0) if len(answer) > 1 else answer[0]
        return Response(status, body)


class FakeCredential:
    def __init__(self):
        self.scopes: list[str] = []

    def get_token(self, *scopes):
        self.scopes.extend(scopes)
        return SimpleNamespace(token="entra-token")


@pytest.fixture
def azure(monkeypatch):
    """The principal's factory; records every factory built and the options it got."""
    arm = FakeArm({})
    credential = FakeCredential()
    built: list[dict] = []

    class Factory:
        ca_bundle = None

        def __init__(self, options, environment=None):
            built.append(options)

        @property
        def credential(self):
            return credential

        def resources(self):
            return arm

    monkeypatch.setattr(client_factory, "ClientFactory", Factory)
    sleeps: list[float] = []
    monkeypatch.setattr(permission_probe.time, "sleep", sleeps.append)
    return SimpleNamespace(arm=arm, credential=credential, built=built, sleeps=sleeps)


def run(rows, capsys, check=False, **options):
    args = {"subscription_id": "sub", "principal": PRINCIPAL, "rows": rows, "_ansible_check_mode": check, **options}
    with patch_module_args(args), pytest.raises(SystemExit):
        permission_probe.main()
    out = capsys.readouterr().out
    assert SECRET not in out, "the principal's secret reached the output"
    return json.loads(out)


def arm_row(name, expect, method, path, action=None, **request):
    row = {
        "name": name,
        "expect": expect,
        "kind": "arm",
        "source": "issue 10",
        "request": {"method": method, "path": path, "api_version": "2024-10-01-preview", **request},
    }
    if action:
        row["permission"] = {"scope": WS, "action": action}
    return row


READ = arm_row("read the workspace", "allowed", "GET", WS, f"{TYPE}/read")
DATASTORE = arm_row(
    "create a datastore", "allowed", "PUT", f"{WS}/datastores/probe", f"{TYPE}/datastores/write", body={}
)
COMPUTE = arm_row(
    "create compute", "denied", "PUT", f"{WS}/computes/probe", f"{TYPE}/computes/write", body={}, guard=True
)
WILDCARD = {
    "name": "role data denies computes/*/write",
    "expect": "denied",
    "kind": "permission",
    "permission": {"scope": WS, "action": f"{TYPE}/computes/*/write"},
}


def test_one_run_runs_every_row_as_the_principal_allowed_rows_first(azure, capsys):
    azure.arm.answers.update(
        {
            ("GET", WS): [(200, {})],
            ("PUT", f"{WS}/datastores/probe"): [(201, {})],
            ("PUT", f"{WS}/computes/probe"): [DENIED],
        }
    )
    result = run([COMPUTE, READ, WILDCARD, DATASTORE], capsys)
    assert "failed" not in result, result
    assert result["changed"] is True  # an allowed write (the datastore) happened
    by_name = {entry["name"]: entry for entry in result["results"]}
    assert [entry["name"] for entry in result["results"]] == [
        row["name"] for row in (COMPUTE, READ, WILDCARD, DATASTORE)
    ]
    assert all(entry["passed"] for entry in result["results"]), result["results"]
    assert by_name["create compute"] == {
        "name": "create compute",
        "expect": "denied",
        "outcome": "denied",
        "status": 403,
        "code": "AuthorizationFailed",
        "message": "The client does not have authorization",
        "permitted": False,
        "passed": True,
        "detail": "expected denied, got denied (HTTP 403 AuthorizationFailed); permissions API: not permitted",
        "attempts": 1,
    }
    assert by_name["role data denies computes/*/write"]["detail"] == "expected denied; permissions API: not permitted"
    requests = [entry for entry in azure.arm.sent if entry[1] != PERMISSIONS]
    assert requests == [("GET", WS), ("PUT", f"{WS}/datastores/probe"), ("PUT", f"{WS}/computes/probe")]
    # One factory (one credential) for the principal, built from its own secret, and one permissions read per
    # scope and round (allowed round, denied round).
    assert len(azure.built) == 1 and azure.built[0]["client_id"] == "probe-app" and azure.built[0]["secret"] == SECRET
    assert azure.arm.sent.count(("GET", PERMISSIONS)) == 2


def test_an_allowed_row_is_retried_while_the_assignment_propagates(azure, capsys):
    azure.arm.answers[("PUT", f"{WS}/datastores/probe")] = [DENIED, DENIED, (200, {})]
    result = run([DATASTORE, COMPUTE], capsys, propagation_retries=5, propagation_delay=7)
    datastore, compute = result["results"]
    assert datastore["passed"] is True and datastore["attempts"] == 3
    assert compute["attempts"] == 1
    assert azure.sleeps == [7, 7]
    assert azure.arm.sent.index(("PUT", f"{WS}/computes/probe")) > max(
        index for index, entry in enumerate(azure.arm.sent) if entry == ("PUT", f"{WS}/datastores/probe")
    ), "a denied row ran before the allowed rows had passed"


def test_a_row_that_cannot_run_fails_in_its_result_and_the_others_run(azure, capsys):
    azure.arm.answers.update(
        {("GET", WS): ConnectionError("connection reset"), ("PUT", f"{WS}/computes/probe"): [DENIED]}
    )
    result = run([READ, COMPUTE], capsys, propagation_retries=3, propagation_delay=1)
    assert "failed" not in result and result["changed"] is False
    read, compute = result["results"]
    assert read["passed"] is False and read["outcome"] == "error" and read["attempts"] == 1
    assert "connection reset" in read["message"] and read["detail"] == "the probe could not run"
    assert compute["passed"] is True
    assert azure.sleeps == []  # a row that cannot run is not retried


def test_a_wrongly_allowed_guarded_write_fails_the_row_not_the_task(azure, capsys):
    azure.arm.answers[("PUT", f"{WS}/computes/probe")] = [
        (412, {"error": {"code": "PreconditionFailed", "message": "no"}})
    ]
    result = run([COMPUTE], capsys)
    (compute,) = result["results"]
    assert compute["passed"] is False and compute["outcome"] == "error" and result["changed"] is False
    assert "got error (HTTP 412 PreconditionFailed)" in compute["detail"]


def test_registry_rows_read_what_the_registry_token_grants(azure, capsys, monkeypatch):
    import requests

    token = jwt.encode(
        {"access": [{"type": "repository", "name": "dlinfra-role-test", "actions": ["pull"]}]}, "k" * 32, "HS256"
    )
    posts = []

    def post(url, data, verify, timeout):
        posts.append((url, data["grant_type"]))
        body = {"refresh_token": "refresh"} if url.endswith("/oauth2/exchange") else {"access_token": token}
        return SimpleNamespace(status_code=200, json=lambda: body)

    monkeypatch.setattr(requests, "post", post)
    registry = {"login_url": "https://acr.example", "service": "acr.example"}
    rows = [
        {"name": "pull", "expect": "allowed", "kind": "registry", "registry": {**registry, "operation": "pull"}},
        {"name": "push", "expect": "denied", "kind": "registry", "registry": {**registry, "operation": "push"}},
    ]
    result = run(rows, capsys)
    assert [(entry["outcome"], entry["passed"]) for entry in result["results"]] == [("allowed", True), ("denied", True)]
    assert result["results"][1]["message"] == "the access token grants pull"
    assert azure.credential.scopes == ["https://containerregistry.azure.net/.default"] * 2
    assert [url for url, grant in posts] == [
        "https://acr.example/oauth2/exchange",
        "https://acr.example/oauth2/token",
    ] * 2


def test_blob_rows_share_one_client_per_account(azure, capsys, monkeypatch):
    import azure.storage.blob as blob_sdk
    from azure.core.exceptions import HttpResponseError

    services = []

    class Container:
        def upload_blob(self, name, data, overwrite):
            if self.name == "raw":
                error = HttpResponseError(message="This request is not authorized to perform this operation.")
                error.status_code, error.error_code = 403, "AuthorizationPermissionMismatch"
                raise error

    class Service:
        def __init__(self, url, credential, retry_total):
            services.append(url)
            self.url = url

        def get_container_client(self, name):
            container = Container()
            container.name = name
            return container

    monkeypatch.setattr(blob_sdk, "BlobServiceClient", Service)
    account = "https://stdata.blob.example"
    rows = [
        {
            "name": f"write {name}",
            "expect": expect,
            "kind": "blob",
            "blob": {"account_url": account, "container": name, "operation": "write"},
        }
        for name, expect in (("metrics", "allowed"), ("raw", "denied"))
    ]
    result = run(rows, capsys)
    assert [(entry["status"], entry["passed"]) for entry in result["results"]] == [(201, True), (403, True)]
    assert services == [account] and result["changed"] is True


def test_check_mode_makes_no_request_and_skips_every_row(azure, capsys):
    result = run([READ, COMPUTE], capsys, check=True)
    assert result["changed"] is False
    assert [(entry["outcome"], entry["passed"], entry["attempts"]) for entry in result["results"]] == [
        ("skipped", None, 0),
        ("skipped", None, 0),
    ]
    assert azure.built == [] and azure.arm.sent == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {**READ, "request": {"method": "GET", "api_version": "1"}},
            "rows[1] 'read the workspace': missing required arguments: path found in request.",
        ),
        ({**COMPUTE, "expect": "maybe"}, "rows[1] 'create compute': value of expect must be one of: allowed, denied"),
        (
            {**READ, "colour": "red"},
            "rows[1] 'read the workspace': unsupported option colour. Supported parameters include: blob, expect,",
        ),
        (
            {"name": "no kind", "expect": "allowed", "kind": "blob"},
            "rows[1] 'no kind': kind=blob needs the option blob.",
        ),
        ({"expect": "allowed", "kind": "permission"}, "rows[1]: missing required arguments: name"),
        ({**DATASTORE}, "rows[1] 'create a datastore': another row has the name 'create a datastore'"),
    ],
)
def test_a_bad_row_fails_the_task_naming_the_row_and_the_option(azure, capsys, row, message):
    result = run([DATASTORE, row], capsys)
    assert result["failed"] is True
    assert message in result["msg"], result["msg"]
    assert azure.built == [], "a request was prepared before the rows were validated"


def test_a_principal_that_cannot_authenticate_fails_the_task(azure, capsys, monkeypatch):
    class Refused:
        ca_bundle = None

        def __init__(self, options, environment=None):
            pass

        @property
        def credential(self):
            raise DlinfraError("authenticate as 'probe-app' failed: AADSTS7000215 invalid client secret")

    monkeypatch.setattr(client_factory, "ClientFactory", Refused)
    result = run([READ], capsys)
    assert result["failed"] is True and "AADSTS7000215" in result["msg"]


def _doc_matches_spec(doc_options: dict, spec: dict, context: str) -> list[str]:
    problems = []
    if set(doc_options) != set(spec):
        problems.append(f"{context}: documented {sorted(doc_options)}, spec {sorted(spec)}")
    for name in set(doc_options) & set(spec):
        doc, arg = doc_options[name], spec[name]
        for key in ("type", "required", "choices", "default"):
            default = False if key == "required" else None
            if doc.get(key, default) != arg.get(key, default):
                problems.append(f"{context}.{name}: {key} documented {doc.get(key)!r}, spec {arg.get(key)!r}")
        problems += _doc_matches_spec(doc.get("suboptions") or {}, arg.get("options") or {}, f"{context}.{name}")
    return problems


def test_the_documented_row_options_are_the_validated_ones():
    """validate-modules cannot compare O(rows)'s suboptions (they are validated per row, not by argument_spec)."""
    rows = yaml.safe_load(permission_probe.DOCUMENTATION)["options"]["rows"]["suboptions"]
    assert _doc_matches_spec(rows, permission_probe.ROW_SPEC, "rows") == []
