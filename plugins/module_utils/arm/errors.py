"""The engine's single exception type, shaped like an Azure Resource Manager error."""
from __future__ import annotations

INVALID_TEMPLATE = "InvalidTemplate"
INVALID_PARAMETER = "InvalidTemplate"
TEMPLATE_LIMIT_EXCEEDED = "InvalidTemplate"


class ArmTemplateError(Exception):
    """A template or parameter problem, in ARM's codes and words.

    ``target`` is the JSON path of the offending value, e.g. ``parameters.computeMaxNodes`` or
    ``resources[3].properties.name``. ``details`` holds further errors of the same type.
    """

    def __init__(self, message: str, code: str = INVALID_TEMPLATE, target: str | None = None,
                 details: list[ArmTemplateError] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.target = target
        self.details = list(details or [])

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ArmTemplateError(code={self.code!r}, target={self.target!r}, message={self.message!r})"

    def with_target(self, target: str | None) -> ArmTemplateError:
        """Set the target if none was recorded yet (the innermost path wins); returns self."""
        if self.target is None and target:
            self.target = target
        return self

    def to_arm_error(self) -> dict:
        """ARM's error response body: ``{"error": {"code", "message", "target"?, "details"}}``."""
        return {"error": self._body()}

    def _body(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.target:
            body["target"] = self.target
        body["details"] = [detail._body() for detail in self.details]
        return body

    def redacted(self, secrets: list[str], mask: str) -> ArmTemplateError:
        """A copy whose message and details no longer contain any of ``secrets``."""
        def scrub(text: str | None) -> str | None:
            if text is None:
                return None
            for secret in secrets:
                if secret:
                    text = text.replace(secret, mask)
            return text

        return ArmTemplateError(scrub(self.message), self.code, scrub(self.target),
                                [detail.redacted(secrets, mask) for detail in self.details])
