"""Errors in Azure's shape: ``{"error": {"code", "message", "target"?, "details"?}}``."""

from __future__ import annotations

from dataclasses import dataclass


class AzureError(Exception):
    """An error response. Raise it anywhere below a route handler; the app turns it into the response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        target: str | None = None,
        details: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
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


@dataclass(frozen=True)
class ErrorKind:
    """One entry of the catalogue (localazure/error_catalogue.py): Azure's status and code for one kind of error.

    Calling it makes the error: ``raise RESOURCE_NOT_FOUND(f"The Resource '{name}' ... was not found.")``.
    """

    status: int
    code: str

    def __call__(
        self,
        message: str,
        *,
        target: str | None = None,
        details: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ) -> AzureError:
        return AzureError(self.status, self.code, message, target=target, details=details, headers=headers)

    def matches(self, error: AzureError) -> bool:
        return error.status == self.status and error.code == self.code
