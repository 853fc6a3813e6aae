"""describe / azure_operation / is_not_found on real azure-core exceptions built from a fake HTTP response."""

import json

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from ansible_collections.it4ad.dlinfra.plugins.module_utils.azure_errors import (
    DlinfraError,
    azure_operation,
    describe,
    is_not_found,
)


class FakeResponse:
    """The parts of an azure-core HTTP response its exceptions read."""

    def __init__(self, status, body, reason="Bad Request"):
        self.status_code, self.reason, self.request, self.headers = status, reason, None, {}
        self.content_type = "application/json"
        self._text = body if isinstance(body, str) else json.dumps(body)

    def text(self, encoding=None):
        return self._text

    def body(self):
        return self._text.encode()


def arm_error(status, code, message, details=(), reason="Bad Request", kind=HttpResponseError):
    body = {
        "error": {
            "code": code,
            "message": message,
            "details": [{"code": c, "message": m, "target": t} for c, m, t in details],
        }
    }
    return kind(response=FakeResponse(status, body, reason))


def test_describe_names_operation_status_code_message_and_details():
    error = describe(
        "create storage account 'st1'",
        arm_error(
            400,
            "InvalidTemplateDeployment",
            "The template deployment failed.",
            [("InvalidParameter", "sku is wrong", "sku"), ("Conflict", "busy", None)],
        ),
    )
    assert error.message.splitlines() == [
        "create storage account 'st1' failed: HTTP 400 InvalidTemplateDeployment: The template deployment failed.",
        "  - InvalidParameter: sku is wrong",
        "  - Conflict: busy",
    ]
    assert (error.status, error.code) == (400, "InvalidTemplateDeployment")
    assert error.details == [
        {"code": "InvalidParameter", "message": "sku is wrong", "target": "sku"},
        {"code": "Conflict", "message": "busy", "target": None},
    ]


@pytest.mark.parametrize(
    "code, details, fix",
    [
        ("AuthorizationFailed", [], "grant the deploying principal a role"),
        ("StorageAccountAlreadyTaken", [], "the name is taken somewhere in Azure"),
        ("InvalidTemplateDeployment", [("QuotaExceeded", "cores", None)], "request a quota increase"),
    ],
)
def test_describe_adds_the_known_fix(code, details, fix):
    error = describe("deploy", arm_error(409, code, "no", details))
    assert error.message.splitlines()[-1].startswith(f"Fix: {fix}")


def test_describe_without_known_code_has_no_fix():
    assert "Fix:" not in describe("deploy", arm_error(400, "SomethingNew", "no")).message


def test_not_found_error_and_a_body_without_arm_error():
    error = arm_error(404, "ResourceGroupNotFound", "rg is gone", kind=ResourceNotFoundError)
    missing = describe("read resource group 'rg'", error)
    assert missing.message.startswith("read resource group 'rg' failed: HTTP 404 ResourceGroupNotFound: rg is gone")
    assert "Fix: create the resource group first" in missing.message
    plain = describe("read", HttpResponseError(response=FakeResponse(503, "<html>down</html>", "Service Unavailable")))
    assert (plain.status, plain.code) == (503, "Service Unavailable")


def test_azure_operation_turns_any_exception_into_dlinfra_error():
    with pytest.raises(DlinfraError) as raised, azure_operation("list vaults"):
        raise ValueError("bad value\nsecond line")
    assert raised.value.message == "list vaults failed: ValueError: bad value"
    assert (raised.value.code, raised.value.status) == ("ValueError", None)


def test_azure_operation_passes_dlinfra_error_through_unchanged():
    original = DlinfraError("already readable", code="X")
    with pytest.raises(DlinfraError) as raised, azure_operation("outer"):
        raise original
    assert raised.value is original
    assert describe("outer", original) is original


def test_azure_operation_without_error_returns_normally():
    with azure_operation("read"):
        value = 42
    assert value == 42


@pytest.mark.parametrize(
    "error, expected",
    [
        (arm_error(404, "NotFound", "gone", kind=ResourceNotFoundError), True),
        (arm_error(404, "ResourceNotFound", "gone"), True),
        (arm_error(409, "Conflict", "busy"), False),
        (KeyError("x"), False),
    ],
)
def test_is_not_found(error, expected):
    assert is_not_found(error) is expected
