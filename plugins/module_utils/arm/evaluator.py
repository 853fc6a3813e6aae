"""Evaluate parsed expressions and whole JSON values in one template's scope."""

from __future__ import annotations

from .errors import EXPRESSIONS_HELP, ArmTemplateError
from .expressions import CALL, LITERAL, MEMBER, is_expression, parse_expression, unescape_literal
from .functions import FUNCTIONS, call_list_function, call_user_function
from .limits import ITEM_SIZE, STEP, value_size
from .loops import expand_property_copies, is_property_copy, variable_copy
from .resolver import OfflineResolver
from .state import EvaluationScope
from .values import UnknownValue, type_name

_VARIABLE_COPY = object()
# Functions that hand back (part of) a value that already exists, in constant time: neither their arguments
# nor their result are charged to the work budget. Every other function is charged what it reads and builds.
_ACCESSORS = frozenset(
    (
        "parameters",
        "variables",
        "reference",
        "if",
        "coalesce",
        "first",
        "last",
        "tryget",
        "lambdavariables",
        "copyindex",
        "indexfromend",
        "tryindexfromend",
        "length",
        "empty",
        "lambda",
    )
)


def get_member(target, key):
    """``target.key`` / ``target[key]`` with ARM's rules: object keys case-insensitive, arrays by int."""
    if isinstance(target, UnknownValue) or isinstance(key, UnknownValue):
        return target if isinstance(target, UnknownValue) else UnknownValue("member of unknown")
    if isinstance(target, dict):
        if isinstance(key, str):
            if key in target:
                return target[key]
            lowered = key.lower()
            for name, value in target.items():
                if name.lower() == lowered:
                    return value
            available = ", ".join(target)
            raise ArmTemplateError(
                f"The language expression property '{key}' doesn't exist, available properties are '{available}'."
            )
        raise ArmTemplateError(
            f"The language expression property '{key}' is not valid: an object property name must be a string, "
            f"not of type '{type_name(key)}'."
        )
    if isinstance(target, list):
        if isinstance(key, int) and not isinstance(key, bool):
            if 0 <= key < len(target):
                return target[key]
            raise ArmTemplateError(f"The language expression property array index '{key}' is out of bounds.")
        raise ArmTemplateError(
            f"The language expression property '{key}' can't be evaluated, property name must be an integer "
            "for an array."
        )
    if target is None:
        raise ArmTemplateError(f"The language expression property '{key}' can't be evaluated.")
    raise ArmTemplateError(
        f"The language expression property '{key}' can't be evaluated, the value is of type '{type_name(target)}'."
    )


class Evaluator:
    """Evaluates expressions against one template's parameters, variables and functions.

    ``template_view`` answers questions about resources declared in the same template (names to ids
    for ``reference('name')``, symbolic names for languageVersion 2.0); ``referenced`` collects the
    ids that ``reference()`` touched, which become implicit dependencies.
    """

    def __init__(
        self,
        context,
        *,
        parameters=None,
        variables=None,
        user_functions=None,
        resolver=None,
        template_view=None,
        scope: EvaluationScope | None = None,
    ):
        self.context = context
        self.scope = scope or EvaluationScope()
        self.budget = self.scope.budget
        self.resolver = resolver or OfflineResolver()
        self.parameters = {name.lower(): value for name, value in (parameters or {}).items()}
        self.parameter_names = {name.lower(): name for name in (parameters or {})}
        self._raw_variables = {}
        for name, raw in (variables or {}).items():
            if name.lower() == "copy" and is_property_copy(raw):
                for position, loop in enumerate(raw):
                    self._raw_variables[str(loop["name"]).lower()] = (loop["name"], (_VARIABLE_COPY, position, loop))
            else:
                self._raw_variables[name.lower()] = (name, raw)
        self._variable_values: dict = {}
        self._variables_in_progress: set = set()
        self.user_functions = user_functions or {}
        self.template_view = template_view
        self.referenced: set[str] = set()

    # --- scope values ---------------------------------------------------------------------------
    def parameter(self, name: str):
        try:
            return self.parameters[name.lower()]
        except KeyError:
            raise ArmTemplateError(
                f"The template parameter '{name}' is not found. Please see https://aka.ms/arm-create-parameter-file "
                "for usage details."
            ) from None

    def variable(self, name: str):
        key = name.lower()
        if key in self._variable_values:
            return self._variable_values[key]
        if key not in self._raw_variables:
            raise ArmTemplateError(
                f"The template variable '{name}' is not found. Please see https://aka.ms/arm-syntax-variables "
                "for usage details."
            )
        if key in self._variables_in_progress:
            raise ArmTemplateError(f"The template variable '{name}' has a circular reference to itself.")
        self._variables_in_progress.add(key)
        declared_name, raw = self._raw_variables[key]
        try:
            value = self._evaluate_variable(declared_name, raw)
        except ArmTemplateError as error:
            error.with_target(f"variables.{declared_name}")
            error.in_section("variable", declared_name, f"variables.{declared_name}")
            raise
        finally:
            self._variables_in_progress.discard(key)
        self._variable_values[key] = value
        return value

    def _evaluate_variable(self, name, raw):
        if isinstance(raw, tuple) and raw[0] is _VARIABLE_COPY:
            return variable_copy(self, raw[2], f"variables.copy[{raw[1]}]")
        return self.evaluate(raw, f"variables.{name}")

    def variable_names(self) -> list[str]:
        return [entry[0] for entry in self._raw_variables.values()]

    # --- evaluation -------------------------------------------------------------------------------
    def evaluate(self, value, path: str = ""):
        """Evaluate every expression inside a JSON value; raise ArmTemplateError with ``target=path``."""
        if isinstance(value, str):
            if is_expression(value):
                return self.evaluate_expression_text(value[1:-1], path)
            self._charge_literal(ITEM_SIZE + len(value), path)
            return unescape_literal(value) if value.startswith("[[") else value
        if isinstance(value, dict):
            self._charge_literal(ITEM_SIZE * (len(value) + 1), path)
            if "copy" in value and is_property_copy(value["copy"]):
                return expand_property_copies(self, value, path)
            return {key: self.evaluate(item, f"{path}.{key}" if path else key) for key, item in value.items()}
        if isinstance(value, list):
            self._charge_literal(ITEM_SIZE * (len(value) + 1), path)
            return [self.evaluate(item, f"{path}[{index}]") for index, item in enumerate(value)]
        self._charge_literal(ITEM_SIZE, path)
        return value

    def _charge_literal(self, units: int, path: str) -> None:
        try:
            self.budget.charge(units)
        except ArmTemplateError as error:
            raise error.with_target(path or None) from None

    def evaluate_expression_text(self, text: str, path: str = ""):
        try:
            self.budget.charge(STEP)
            result = self.eval_node(parse_expression(text))
            self.budget.charge_value(result)
            return result
        except ArmTemplateError as error:
            error.with_target(path or None)
            error.from_expression = True
            raise
        except RecursionError:
            raise ArmTemplateError(
                f"The template language expression '{text}' is nested too deeply.", target=path or None
            ) from None

    def eval_node(self, node):
        kind = node[0]
        if kind is LITERAL or kind == LITERAL:
            return node[1]
        if kind == MEMBER:
            return get_member(self.eval_node(node[1]), self.eval_node(node[2]))
        if kind != CALL:
            raise ArmTemplateError(f"Unexpected expression node '{kind}'.")
        return self.call(node)

    def call(self, node):
        lower_name, name, arg_nodes = node[1:]
        self.budget.charge(STEP)
        spec = FUNCTIONS.get(lower_name)
        if spec is None:
            if "." in lower_name:
                return call_user_function(self, name, [self.eval_node(arg) for arg in arg_nodes])
            if lower_name.startswith("list"):
                return call_list_function(self, name, [self.eval_node(arg) for arg in arg_nodes])
            # Real text: "The template function 'environment' is not valid. Please see
            # https://aka.ms/arm-template-expressions for usage details."
            # (https://github.com/microsoft/vscode-azurearmtools/issues/531)
            raise ArmTemplateError(f"The template function '{name}' is not valid. {EXPRESSIONS_HELP}")
        count = len(arg_nodes)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise ArmTemplateError(_arity_message(spec, count))
        if spec.lazy:
            return self._charged(spec, lower_name, (), lambda: spec.impl(self, arg_nodes))
        args = [self.eval_node(arg) for arg in arg_nodes]
        if not spec.accepts_unknown:
            for arg in args:
                if isinstance(arg, UnknownValue):
                    return arg
        return self._charged(spec, lower_name, args, lambda: spec.impl(self, args))

    def _charged(self, spec, lower_name: str, args, produce):
        """Run ``produce`` and charge the work budget what the function read and built."""
        if lower_name in _ACCESSORS:
            return produce()
        for arg in args:
            self.budget.charge(value_size(arg, self.budget.limit - self.budget.used + 1))
        result = produce()
        self.budget.charge_value(result, spec.name)
        return result

    # --- nested scopes ------------------------------------------------------------------------------
    def child(self, *, parameters, variables=None) -> Evaluator:
        """A fresh scope sharing context, resolver and user functions (for user-defined functions)."""
        child = Evaluator(
            self.context,
            parameters=parameters,
            variables=variables,
            user_functions=self.user_functions,
            resolver=self.resolver,
            template_view=self.template_view,
            scope=self.scope.for_function(),
        )
        child.referenced = self.referenced
        return child


def _arity_message(spec, count: int) -> str:
    """ARM's words for a wrong argument count.

    Real text, from New-AzResourceGroupDeployment output quoted in KingslandConsulting/Kingsland.ArmLinter
    (src/Kingsland.ArmLinter.Tests/ArmExpressionEvaluatorTests_String.cs): "Unable to evaluate template
    language function 'base64ToString': function requires 1 argument(s) while 0 were provided. Please see
    https://aka.ms/arm-template-expressions/#base64ToString for usage details." For functions taking a
    range of counts the engine writes "requires 1 to 3 argument(s)" (no real sample found).
    """
    if spec.max_args == spec.min_args:
        expected = f"{spec.min_args}"
    elif spec.max_args is None:
        expected = f"at least {spec.min_args}"
    else:
        expected = f"{spec.min_args} to {spec.max_args}"
    return (
        f"Unable to evaluate template language function '{spec.name}': function requires {expected} "
        f"argument(s) while {count} were provided. Please see https://aka.ms/arm-template-expressions/"
        f"#{spec.name} for usage details."
    )
