"""Template parameters: checking supplied values and resolving defaults, with ARM's codes and words.

Real ARM messages these follow (without ARM's "at line 'L' and column 'C'"; the path is the error's
``target``, see ``errors.py``):

* type: "Deployment template validation failed: 'Template parameter JToken type is not valid. Expected
  'Boolean'. Actual 'String'. Please see https://aka.ms/resource-manager-parameter-files for usage
  details.'." (azure-powershell issue 12792 and blog posts quoting it);
* allowedValues: "Deployment template validation failed: 'The provided value 'Standard_232' for the
  template parameter 'witnessVMSize' at line '39' and column '26' is not valid. The parameter value is not
  part of the allowed value(s): 'Standard_D1_v2,Standard_D2_v2'.'." (Azure/azure-quickstart-templates);
* missing: "Deployment template validation failed: 'The value for the template parameter 'labId' at line
  '1' and column '266' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage
  details.'." (MicrosoftDocs azure-local troubleshooting, hashicorp/terraform-provider-azurerm);
* unknown: "The template parameters 'extraParam' in the parameters file are not valid; they are not present
  in the original template and can therefore not be provided at deployment time. The only supported
  parameters for this template are 'intParam, stringParam'. Please see
  https://aka.ms/arm-deploy/#parameter-file for usage details." (microsoft/vscode-azurearmtools tests).
"""

from __future__ import annotations

from .errors import INVALID_TEMPLATE, ArmTemplateError, validation_failed
from .evaluator import Evaluator
from .functions.conversions import deep_equals, to_json_text
from .user_types import is_user_defined, type_problems
from .values import PYTHON_TYPES, UnknownValue, type_name

PARAMETER_TYPES = {
    "string": "String, Uri",
    "securestring": "String, Uri",
    "int": "Integer",
    "bool": "Boolean",
    "object": "Object",
    "secureobject": "Object",
    "array": "Array",
}
SECURE_TYPES = {"securestring", "secureobject"}
_HELP_FILE = "Please see https://aka.ms/arm-create-parameter-file for usage details."
_HELP_TYPES = "Please see https://aka.ms/resource-manager-parameter-files for usage details."
_HELP_UNKNOWN = "Please see https://aka.ms/arm-deploy/#parameter-file for usage details."


def _failed(message: str, name: str | None = None) -> ArmTemplateError:
    return ArmTemplateError(
        validation_failed(message), INVALID_TEMPLATE, f"parameters.{name}" if name else "parameters"
    )


def declared_parameters(template: dict) -> dict:
    """The template's ``parameters`` section, checked for valid types."""
    section = template.get("parameters") or {}
    if not isinstance(section, dict):
        raise ArmTemplateError("The template 'parameters' section must be an object.", target="parameters")
    for name, declaration in section.items():
        if not isinstance(declaration, dict):
            raise ArmTemplateError(f"The template parameter '{name}' must be an object.", target=f"parameters.{name}")
        declared_type = str(declaration.get("type", "")).lower()
        if declared_type not in PARAMETER_TYPES and "$ref" not in declaration:
            raise ArmTemplateError(
                f"The template parameter '{name}' has an invalid type '{declaration.get('type')}'. The supported "
                "types are 'string, securestring, int, bool, object, secureObject, array'.",
                target=f"parameters.{name}",
            )
    return section


def is_secure(declaration: dict) -> bool:
    return str(declaration.get("type", "")).lower() in SECURE_TYPES


def _matches_type(value, declared_type: str) -> bool:
    expected = PYTHON_TYPES.get(declared_type)
    if expected is None:
        return True
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _shown(value) -> str:
    return value if isinstance(value, str) else to_json_text(value)


def repr_value(value) -> str:
    return f"'{_shown(value)}' "


def value_problems(name: str, declaration: dict, value, definitions: dict | None = None) -> list[ArmTemplateError]:
    """Every constraint ``value`` breaks (type, allowedValues, min/maxValue, min/maxLength, user-defined types)."""
    if isinstance(value, UnknownValue):
        return []
    if is_user_defined(declaration):
        secure = str(declaration.get("type", "")).lower() in SECURE_TYPES
        return [
            _failed(
                f"The provided value {'' if secure else repr_value(value)}for the template parameter "
                f"'{name}' is not valid: at '{name}{path}' {problem}. {_HELP_FILE}",
                name,
            )
            for path, problem in type_problems(value, declaration, definitions or {})
        ]
    declared_type = str(declaration.get("type", "")).lower()
    secure = declared_type in SECURE_TYPES
    shown = "" if secure else f"'{_shown(value)}' "
    if value is None and declaration.get("nullable"):
        return []
    if not _matches_type(value, declared_type):
        return [
            _failed(
                f"Template parameter JToken type is not valid. Expected '{PARAMETER_TYPES[declared_type]}'. "
                f"Actual '{type_name(value)}'. {_HELP_TYPES}",
                name,
            )
        ]
    problems = []

    def invalid(reason: str) -> None:
        problems.append(
            _failed(f"The provided value {shown}for the template parameter '{name}' is not valid. {reason}", name)
        )

    allowed = declaration.get("allowedValues")
    if isinstance(allowed, list):
        candidates = value if declared_type == "array" else [value]
        if not all(any(deep_equals(candidate, option) for option in allowed) for candidate in candidates):
            listed = ",".join(_shown(option) for option in allowed) if not secure else "..."
            invalid(f"The parameter value is not part of the allowed value(s): '{listed}'.")
    if declared_type == "int":
        if "minValue" in declaration and value < declaration["minValue"]:
            invalid(f"The value must be greater than or equal to '{declaration['minValue']}'.")
        if "maxValue" in declaration and value > declaration["maxValue"]:
            invalid(f"The value must be less than or equal to '{declaration['maxValue']}'.")
    if isinstance(value, (str, list)):
        if "minLength" in declaration and len(value) < declaration["minLength"]:
            invalid(f"Length of the value should be greater than or equal to '{declaration['minLength']}'.")
        if "maxLength" in declaration and len(value) > declaration["maxLength"]:
            invalid(f"Length of the value should be less than or equal to '{declaration['maxLength']}'.")
    return problems


def provided_values(declared: dict, parameter_values: dict) -> dict:
    """The supplied values, by lower-cased name, that count as provided.

    ARM treats a JSON ``null`` as "not provided" for a parameter that is not nullable, so its default
    applies (azure-ai-ml's workspace template relies on this); for a nullable one, ``null`` is the value.
    """
    nullable = {name.lower() for name, declaration in declared.items() if declaration.get("nullable")}
    return {
        name.lower(): (name, value)
        for name, value in (parameter_values or {}).items()
        if value is not None or name.lower() in nullable
    }


def check_parameter_values(template: dict, parameter_values: dict) -> list[ArmTemplateError]:
    """All problems with ``parameter_values`` (plain values by name) against the template's declarations.

    Reports unknown parameters, missing required ones (no ``defaultValue``), wrong types, values outside
    ``allowedValues`` and broken ``minValue``/``maxValue``/``minLength``/``maxLength``. Defaults are not
    evaluated here. Secure values never appear in the messages.
    """
    try:
        declared = declared_parameters(template)
    except ArmTemplateError as error:
        return [error]
    by_lower = {name.lower(): name for name in declared}
    supplied = provided_values(declared, parameter_values)
    problems = []
    unknown = [entry[0] for lowered, entry in supplied.items() if lowered not in by_lower]
    if unknown:
        problems.append(
            ArmTemplateError(
                validation_failed(
                    f"The template parameters '{', '.join(unknown)}' in the parameters file are not valid; they are not "
                    "present in the original template and can therefore not be provided at deployment time. The only "
                    f"supported parameters for this template are '{', '.join(declared)}'. {_HELP_UNKNOWN}"
                ),
                INVALID_TEMPLATE,
                f"parameters.{unknown[0]}",
            )
        )
    for lowered, name in by_lower.items():
        declaration = declared[name]
        if lowered not in supplied:
            if "defaultValue" not in declaration and not declaration.get("nullable"):
                problems.append(
                    _failed(f"The value for the template parameter '{name}' is not provided. {_HELP_FILE}", name)
                )
            continue
        problems.extend(value_problems(name, declaration, supplied[lowered][1], template.get("definitions")))
    return problems


class _DefaultsEvaluator(Evaluator):
    """An evaluator whose ``parameters()`` evaluates defaults on demand, detecting cycles."""

    def __init__(self, context, declared: dict, supplied: dict, definitions: dict | None = None, **kwargs):
        super().__init__(context, **kwargs)
        self._definitions = definitions or {}
        self._declared = {name.lower(): (name, declaration) for name, declaration in declared.items()}
        self._supplied = supplied
        self._resolved: dict = {}
        self._in_progress: set = set()

    def parameter(self, name: str):
        lowered = name.lower()
        if lowered in self._resolved:
            return self._resolved[lowered]
        if lowered not in self._declared:
            return super().parameter(name)
        declared_name, declaration = self._declared[lowered]
        if lowered in self._supplied:
            value = self._supplied[lowered]
        elif "defaultValue" in declaration:
            if lowered in self._in_progress:
                raise ArmTemplateError(
                    f"The template parameter '{declared_name}' has a circular reference.",
                    target=f"parameters.{declared_name}",
                )
            self._in_progress.add(lowered)
            try:
                value = self.evaluate(declaration["defaultValue"], f"parameters.{declared_name}.defaultValue")
            except ArmTemplateError as error:
                error.in_section("parameter", declared_name, f"parameters.{declared_name}.defaultValue")
                raise
            finally:
                self._in_progress.discard(lowered)
            problems = value_problems(declared_name, declaration, value, self._definitions)
            if problems:
                raise problems[0]
        else:
            value = None
        self._resolved[lowered] = value
        return value


def resolve_parameters(
    template: dict, parameter_values: dict, context, *, resolver=None, user_functions=None, scope=None
) -> dict:
    """Final parameter values by declared name: supplied values, else evaluated defaults.

    ``scope`` (an ``EvaluationScope``) holds what ``deployment()`` returns while defaults are evaluated, and
    the work budget.

    Raises the first problem ``check_parameter_values`` finds.
    """
    problems = check_parameter_values(template, parameter_values)
    if problems:
        first = problems[0]
        first.details = problems[1:]
        raise first
    declared = declared_parameters(template)
    supplied = {lowered: entry[1] for lowered, entry in provided_values(declared, parameter_values).items()}
    evaluator = _DefaultsEvaluator(
        context,
        declared,
        supplied,
        template.get("definitions"),
        resolver=resolver,
        user_functions=user_functions,
        scope=scope,
    )
    return {name: evaluator.parameter(name) for name in declared}


def plain_parameter_values(document: dict) -> dict:
    """Plain values from a parameters file (``{"parameters": {name: {"value": ...}}}``, or the inner object).

    A Key Vault ``reference`` stands for a secret known only at deployment: it becomes an ``UnknownValue``.
    """
    section = document.get("parameters", document) if isinstance(document, dict) else {}
    if "$schema" in document and "parameters" not in document:
        section = {}
    values = {}
    for name, entry in section.items():
        if isinstance(entry, dict) and "value" in entry:
            values[name] = entry["value"]
        elif isinstance(entry, dict) and "reference" in entry:
            values[name] = UnknownValue(f"keyVaultReference({name})")
        else:
            raise ArmTemplateError(
                f"The parameter '{name}' in the parameters file must have a 'value' or a 'reference'.",
                target=f"parameters.{name}",
            )
    return values
