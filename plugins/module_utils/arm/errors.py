"""The engine's single exception type, shaped like an Azure Resource Manager error.

Wording convention
------------------
Messages reproduce ARM's own sentences and codes; each real source is cited next to the message and in
``tests/unit/plugins/module_utils/arm/test_error_wording.py``. Where older ARM messages say "at line 'L'
and column 'C'", the engine leaves the phrase out, as current ARM does in its messages (for example
"The provided value for the template parameter 'tag' is not valid. The value 'aa' is not part of the
allowed value(s): 'DEV,PRD,QA'.", ``az deployment group create`` output quoted in a 2024 blog post). The location is instead the JSON path of
the offending value, e.g. ``resources[2].properties.name``: it is the error's ``target``, and
``to_arm_error()`` reports it as ARM does, in ``additionalInfo`` as a ``TemplateViolation`` whose
``info.path`` is relative to the deployment body (``properties.template.`` + path; ``lineNumber`` and
``linePosition`` are 0, as ARM writes them when it has none).

Expression errors are reported once, by the template section they occur in, in ARM's sentence for that
section (``in_section``): "The template resource 'name' is not valid: <cause>. Please see ...",
"The template variable 'name' is not valid: <cause>. Please see ...", "The template output 'name' is not
valid: <cause>.". Validation errors carry ARM's envelope "Deployment template validation failed: '...'.".
"""

from __future__ import annotations

INVALID_TEMPLATE = "InvalidTemplate"
TEMPLATE_VIOLATION = "TemplateViolation"
EXPRESSIONS_HELP = "Please see https://aka.ms/arm-template-expressions for usage details."
_VALIDATION_PREFIX = "Deployment template validation failed: '"


def validation_failed(message: str) -> str:
    """ARM's envelope for template validation errors: ``Deployment template validation failed: '...'.``"""
    if message.startswith(_VALIDATION_PREFIX):
        return message
    return f"{_VALIDATION_PREFIX}{message}'."


class ArmTemplateError(Exception):
    """A template or parameter problem, in ARM's codes and words.

    ``target`` is the JSON path of the offending value, e.g. ``parameters.computeMaxNodes`` or
    ``resources[3].properties.name``. ``details`` holds further errors of the same type.
    ``section_reported`` is true once a template section (resource, variable, output, parameter)
    has put the message into ARM's section sentence; outer sections leave it alone.
    """

    def __init__(
        self,
        message: str,
        code: str = INVALID_TEMPLATE,
        target: str | None = None,
        details: list[ArmTemplateError] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.target = target
        self.details = list(details or [])
        self.section_reported = False
        self.from_expression = False

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ArmTemplateError(code={self.code!r}, target={self.target!r}, message={self.message!r})"

    def with_target(self, target: str | None) -> ArmTemplateError:
        """Set the target if none was recorded yet (the innermost path wins); returns self."""
        if self.target is None and target:
            self.target = target
        return self

    def prefix_target(self, prefix: str) -> ArmTemplateError:
        """Put the error into an enclosing template (``prefix`` is the nested template's path); returns self."""
        if not self.target:
            self.target = prefix
        elif not self.target.startswith(prefix):
            self.target = f"{prefix}.{self.target}"
        return self

    def in_section(self, kind: str, name: str, path: str) -> ArmTemplateError:
        """Report an expression error in ARM's sentence for the template section it occurred in.

        Only errors raised while evaluating an expression (``from_expression``) are rephrased; the
        engine's structural errors already name their section.

        ``kind`` is ``resource``, ``variable``, ``output`` or ``parameter``. ARM reports a parameter's
        default value as a "template resource" (quoted in the tests); so does the engine. Returns self.
        """
        if self.section_reported or not self.from_expression:
            return self
        self.section_reported = True
        self.with_target(path)
        cause = self.message
        if cause.startswith(_VALIDATION_PREFIX):
            cause = cause[len(_VALIDATION_PREFIX) : -2]
        if kind == "output":
            self.message = f"The template output '{name}' is not valid: {cause}."
        elif kind == "variable":
            self.message = validation_failed(
                f"The template variable '{name}' is not valid: {cause}. {EXPRESSIONS_HELP}"
            )
        else:
            self.message = validation_failed(
                f"The template resource '{name}' is not valid: {cause}. {EXPRESSIONS_HELP}"
            )
        return self

    def to_arm_error(self) -> dict:
        """ARM's error response body: ``{"error": {"code", "message", "target"?, "details", "additionalInfo"?}}``."""
        return {"error": self._body()}

    def _body(self) -> dict:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.target:
            body["target"] = self.target
        body["details"] = [detail._body() for detail in self.details]
        if self.target:
            body["additionalInfo"] = [
                {
                    "type": TEMPLATE_VIOLATION,
                    "info": {"lineNumber": 0, "linePosition": 0, "path": f"properties.template.{self.target}"},
                }
            ]
        return body

    def redacted(self, secrets: list[str], mask: str) -> ArmTemplateError:
        """A copy whose message and details no longer contain any of ``secrets``."""

        def scrub(text: str) -> str:
            for secret in secrets:
                if secret:
                    text = text.replace(secret, mask)
            return text

        copy = ArmTemplateError(
            scrub(self.message),
            self.code,
            None if self.target is None else scrub(self.target),
            [detail.redacted(secrets, mask) for detail in self.details],
        )
        copy.section_reported = self.section_reported
        copy.from_expression = self.from_expression
        return copy
