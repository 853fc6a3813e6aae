"""Azure Machine Learning's error bodies.

Two families, both HTTP 400 for what the service rejects:

- The workspace service answers invalid workspaces with ``ValidationError`` and one ``Invalid`` detail per
  problem, target ``workspace`` (a real body quoted in Azure/azure-rest-api-specs#15878: code
  "ValidationError", message "Missing dependent resources in workspace json", target "workspace", details
  [{"code": "Invalid", ...}]).
- The ML front end (computes, datastores) answers with ``UserError`` and an ``innerError`` chain naming the
  kind of problem (``BadArgument``, ``NotFoundError``, ...), plus the region and time of the answer (the shape
  of the real bodies quoted in Azure/MachineLearningNotebooks#1046).

The messages are written here; where no real message was found they describe the problem in Azure's style.
"""

from __future__ import annotations

from datetime import UTC, datetime

from localazure.errors import AzureError

SOFT_DELETE_HELP = "https://aka.ms/wsoftdelete"


class WorkspaceValidationError(AzureError):
    def __init__(self, message: str, *, status: int = 400, details: list[str] | None = None):
        super().__init__(
            status,
            "ValidationError",
            message,
            target="workspace",
            details=[_invalid(text) for text in (details or [message])],
        )


def _invalid(message: str) -> dict:
    return {
        "code": "Invalid",
        "message": message,
        "target": "workspace",
        "details": [],
        "innerError": None,
        "messageParameters": {},
    }


class UserError(AzureError):
    """The ML front end's error: ``UserError`` with an inner code."""

    def __init__(
        self,
        inner_code: str,
        message: str,
        *,
        status: int = 400,
        location: str = "westeurope",
        target: str | None = None,
        component: str = "mfe",
    ):
        super().__init__(status, "UserError", message, target=target)
        self.inner_code = inner_code
        self.location = location
        self.component = component

    def error_object(self) -> dict:
        return {
            "code": self.code,
            "severity": None,
            "message": self.message,
            "messageFormat": None,
            "messageParameters": None,
            "referenceCode": None,
            "detailsUri": None,
            "target": self.target,
            "details": [],
            "innerError": {"code": self.inner_code, "innerError": None},
            "debugInfo": None,
            "additionalInfo": None,
        }

    def body(self) -> dict:
        return {
            "error": self.error_object(),
            "environment": self.location,
            "location": self.location,
            "time": datetime.now(UTC).isoformat(),
            "componentName": self.component,
        }


def bad_argument(message: str, **kwargs) -> UserError:
    return UserError("BadArgument", message, **kwargs)


def not_found_error(message: str, **kwargs) -> UserError:
    return UserError("NotFoundError", message, **kwargs)
