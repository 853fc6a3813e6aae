"""Template outputs: checking an output's value against its declared type."""

from __future__ import annotations

from .errors import ArmTemplateError
from .user_types import is_user_defined, type_problems
from .values import PYTHON_TYPES, UnknownValue, type_name

# ARM checks output values only after the resources are deployed, and fails the deployment with this code.
OUTPUT_EVALUATION_FAILED = "DeploymentOutputEvaluationFailed"


def check_output_type(name: str, declaration: dict, value, definitions: dict) -> None:
    if is_user_defined(declaration):
        schema = {key: item for key, item in declaration.items() if key not in ("value", "copy", "condition")}
        problems = type_problems(value, schema, definitions)
        if problems:
            path, problem = problems[0]
            raise ArmTemplateError(
                f"The template output '{name}' is not valid: at '{name}{path}' {problem}. Please "
                "see https://aka.ms/arm-syntax-outputs for usage details.",
                target=f"outputs.{name}",
            )
        return
    declared = str(declaration.get("type", "")).lower()
    expected = PYTHON_TYPES.get(declared)
    if expected is None:
        raise ArmTemplateError(
            f"The template output '{name}' has an invalid type '{declaration.get('type')}'.",
            target=f"outputs.{name}.type",
        )
    if isinstance(value, UnknownValue) or value is None:
        return
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not ok:
        raise ArmTemplateError(
            f"The template output '{name}' is not valid: Template output JToken type is not valid. Expected "
            f"'{ {str: 'String', int: 'Integer', bool: 'Boolean', dict: 'Object', list: 'Array'}[expected] }'. "
            f"Actual '{type_name(value)}'. Please see https://aka.ms/arm-functions for usage details.",
            code=OUTPUT_EVALUATION_FAILED,
            target=f"outputs.{name}",
        )
