# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a security rule of ``arm-templates/security_rules.yml`` is: the property path it reads, the expectation it
holds a value to, and the rule itself. ``security_rules`` loads them, ``security_rule_check`` checks them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import contains_unknown
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import json_path_of
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.naming_rules import leaf_name

RULES_FILE = "arm-templates/security_rules.yml"
RULES_SCHEMA_FILE = "arm-templates/security_rules.schema.json"
ALL_ENVIRONMENTS = ("dev", "int", "pro")
ANY_TYPE = "*"
DATA_FOLDER = "arm-templates"
MISSING = object()
_PATH_TOKEN = re.compile(r"\.?(?P<key>[A-Za-z_$][\w$-]*)|\[(?P<index>\d+|\*)\]|\['(?P<quoted>[^']+)'\]")
EXPECTATION_KINDS = ("equals", "one_of", "contains_all", "present", "absent", "matches")


class RuleFileError(Exception):
    """A malformed rule; ``json_path`` points into the rules file."""

    def __init__(self, json_path: str, problem: str, fix: str):
        super().__init__(problem)
        self.json_path = json_path
        self.problem = problem
        self.fix = fix


# --- property paths -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyPath:
    text: str
    steps: tuple  # str keys, int indexes, or "*" (every item)

    @classmethod
    def parse(cls, text: str, json_path: str) -> PropertyPath:
        steps, position = [], 0
        while position < len(text):
            match = _PATH_TOKEN.match(text, position)
            if match is None or (position == 0 and text.startswith(".")):
                raise RuleFileError(
                    json_path,
                    f"the property path '{text}' cannot be read at character {position + 1}.",
                    "write keys joined by '.', [N] for an array item, [*] for every item and ['key'] for a key "
                    "with other characters, e.g. properties.policies.exportPolicy.status.",
                )
            if match.group("index") is not None:
                index = match.group("index")
                steps.append("*" if index == "*" else int(index))
            else:
                steps.append(match.group("key") or match.group("quoted"))
            position = match.end()
        return cls(text, tuple(steps))

    @property
    def projects(self) -> bool:
        return "*" in self.steps

    def read(self, document):
        """The value at this path, ``MISSING`` when absent; with ``[*]`` the list of the values found."""
        values = [document]
        for step in self.steps:
            found = []
            for value in values:
                if step == "*":
                    found.extend(value if isinstance(value, list) else [])
                elif isinstance(step, int):
                    if isinstance(value, list) and step < len(value):
                        found.append(value[step])
                elif isinstance(value, dict):
                    key = next((name for name in value if name.lower() == step.lower()), None)
                    if key is not None:
                        found.append(value[key])
            values = found
        if self.projects:
            return values
        return values[0] if values else MISSING

    def json_suffix(self) -> str:
        return json_path_of(self.steps)[1:].replace("['*']", "[*]")


# --- expectations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    kind: str
    value: object
    ignore_case: bool
    json_path: str  # of the expected value in the rules file

    def describe(self, expected) -> str:
        case = " (ignoring case)" if self.ignore_case else ""
        if self.kind == "present":
            return "a value"
        if self.kind == "absent":
            return "no value"
        if self.kind == "matches":
            return f"a string matching /{expected}/{case}"
        if self.kind == "one_of":
            return f"one of {shown(expected)}{case}"
        if self.kind == "contains_all":
            return f"every one of {shown(expected)}{case}"
        return f"{shown(expected)}{case}"

    def holds(self, actual, expected) -> tuple[bool, object]:
        """Whether ``actual`` meets the expectation, and what it lacks (for ``contains_all``)."""
        if actual is not MISSING and contains_unknown(actual):
            return True, None  # known only after deployment; nothing to judge offline
        if self.kind == "present":
            return actual is not MISSING and actual is not None, None
        if self.kind == "absent":
            return actual is MISSING or actual is None, None
        if actual is MISSING:
            return False, None
        if self.kind == "equals":
            return self._same(actual, expected), None
        if self.kind == "one_of":
            return any(self._same(actual, item) for item in expected), None
        if self.kind == "matches":
            flags = re.IGNORECASE if self.ignore_case else 0
            return isinstance(actual, str) and re.search(expected, actual, flags) is not None, None
        lacking = [item for item in expected if not self._contained(item, actual)]
        return not lacking, lacking

    def _same(self, actual, expected) -> bool:
        if self.ignore_case and isinstance(actual, str) and isinstance(expected, str):
            return actual.lower() == expected.lower()
        return actual == expected

    def _contained(self, item, actual) -> bool:
        if isinstance(actual, dict):
            return isinstance(item, str) and any(self._same(key, item) for key in actual)
        if not isinstance(actual, list):
            return False
        if isinstance(item, dict):  # an object with at least these properties
            return any(
                isinstance(element, dict)
                and all(self._same(PropertyPath(key, (key,)).read(element), value) for key, value in item.items())
                for element in actual
            )
        return any(self._same(element, item) for element in actual)


def shown(value) -> str:
    if value is MISSING:
        return "not set"
    if isinstance(value, str):
        return f"'{value}'"
    text = json.dumps(value, default=str)
    return text if len(text) <= 300 else text[:297] + "..."


# --- rules ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # hashed by identity: the key of its expected value per inventory
class Check:
    path: PropertyPath
    expectation: Expectation


@dataclass(frozen=True)
class Rule:
    index: int
    id: str
    description: str
    types: tuple  # lowercase types, or ("*",)
    name_pattern: str | None
    tracked_only: bool
    environments: tuple
    inventory: dict
    check: Check | None
    extension_type: str | None
    extension_child: str | None
    extension_exists: bool
    extension_checks: tuple
    fix: str

    @property
    def json_path(self) -> str:
        return f"$.rules[{self.index}]"

    def applies_to_inventory(self, settings) -> bool:
        if settings.environment not in self.environments:
            return False
        return all(settings.variables.get(name) == value for name, value in self.inventory.items())

    def selects(self, resource: dict) -> bool:
        resource_type = str(resource.get("type", "")).lower()
        if ANY_TYPE not in self.types and resource_type not in self.types:
            return False
        if self.tracked_only and not resource.get("location"):
            return False
        name = resource.get("name")
        return self.name_pattern is None or (
            isinstance(name, str) and re.search(self.name_pattern, leaf_name(name)) is not None
        )


def is_reference(value) -> bool:
    """An expected value taken from a data file or an inventory variable rather than written in the rule."""
    return isinstance(value, dict) and ("from_file" in value or "from_inventory" in value)
