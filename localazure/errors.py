"""Errors in Azure's shape: ``{"error": {"code", "message", "target"?, "details"?}}``."""
from __future__ import annotations


class AzureError(Exception):
    """An error response. Raise it anywhere below a route handler; the app turns it into the response."""

    def __init__(self, status: int, code: str, message: str, *, target: str | None = None,
                 details: list[dict] | None = None, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details
        self.headers = dict(headers or {})

    def error_object(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.target is not None:
            error["target"] = self.target
        if self.details:
            error["details"] = self.details
        return error

    def body(self) -> dict:
        return {"error": self.error_object()}


def not_found(code: str, message: str) -> AzureError:
    return AzureError(404, code, message)


def bad_request(code: str, message: str, **kwargs) -> AzureError:
    return AzureError(400, code, message, **kwargs)
