"""User-defined functions from the template's ``functions`` section (``namespace.name(...)``)."""

from __future__ import annotations

from ..errors import ArmTemplateError
from ..values import UnknownValue


def collect_user_functions(functions_section) -> dict:
    """``[{"namespace", "members": {name: {parameters, output}}}]`` -> ``{"ns.name": definition}``."""
    table = {}
    for namespace_block in functions_section or []:
        namespace = namespace_block.get("namespace", "")
        for name, definition in (namespace_block.get("members") or {}).items():
            table[f"{namespace}.{name}".lower()] = {"name": f"{namespace}.{name}", **definition}
    return table


def call_user_function(ev, name: str, args: list):
    definition = ev.user_functions.get(name.lower())
    if definition is None:
        raise ArmTemplateError(
            f"The template function '{name}' is not valid. Please see https://aka.ms/arm-functions for usage details."
        )
    declared = definition.get("parameters") or []
    if len(args) != len(declared):
        raise ArmTemplateError(
            f"The template user function '{definition['name']}' expects '{len(declared)}' "
            f"parameter(s), but '{len(args)}' were provided."
        )
    if any(isinstance(arg, UnknownValue) for arg in args):
        return UnknownValue(definition["name"])
    scope = ev.child(parameters={parameter["name"]: value for parameter, value in zip(declared, args, strict=False)})
    output = definition.get("output") or {}
    return scope.evaluate(output.get("value"), f"functions.{definition['name']}.output")
