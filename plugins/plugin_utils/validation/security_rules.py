# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security rules of ``arm-templates/security_rules.yml``, checked on every rendered environment.

A rule selects resources (type, optional name pattern, tracked only), applies to some environments and
either expects a value at a property path of each selected resource, or requires (forbids) an extension
resource, such as diagnostic settings or a lock, whose scope is the resource. Rules are evaluated on the
resources the template engine rendered for an inventory, so parameter values and conditions per
environment count. A violation names the template file and the JSON path of the resource's declaration.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.api import contains_unknown
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding, json_path_of
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import (
    UnreadableFile,
    read_json,
    read_yaml,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.naming_rules import leaf_name

try:
    import jsonschema
except ImportError:  # reported by the validator's dependency check
    jsonschema = None

RULES_FILE = "arm-templates/security_rules.yml"
RULES_SCHEMA_FILE = "arm-templates/security_rules.schema.json"
ALL_ENVIRONMENTS = ("dev", "int", "pro")
ANY_TYPE = "*"
_DATA_FOLDER = "arm-templates"
_MISSING = object()
_PATH_TOKEN = re.compile(r"\.?(?P<key>[A-Za-z_$][\w$-]*)|\[(?P<index>\d+|\*)\]|\['(?P<quoted>[^']+)'\]")
_EXPECTATION_KINDS = ("equals", "one_of", "contains_all", "present", "absent", "matches")


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
        """The value at this path, ``_MISSING`` when absent; with ``[*]`` the list of the values found."""
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
        return values[0] if values else _MISSING

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
            return f"one of {_shown(expected)}{case}"
        if self.kind == "contains_all":
            return f"every one of {_shown(expected)}{case}"
        return f"{_shown(expected)}{case}"

    def holds(self, actual, expected) -> tuple[bool, object]:
        """Whether ``actual`` meets the expectation, and what it lacks (for ``contains_all``)."""
        if actual is not _MISSING and contains_unknown(actual):
            return True, None  # known only after deployment; nothing to judge offline
        if self.kind == "present":
            return actual is not _MISSING and actual is not None, None
        if self.kind == "absent":
            return actual is _MISSING or actual is None, None
        if actual is _MISSING:
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


def _shown(value) -> str:
    if value is _MISSING:
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


def load_security_rules(repository_root: Path):
    """Return ``(rules or None, [Finding])``: the rules file checked against its schema and for sense."""
    try:
        document = read_yaml(repository_root / RULES_FILE, repository_root)
        schema = read_json(repository_root / RULES_SCHEMA_FILE, repository_root)
    except UnreadableFile as unreadable:
        return None, [unreadable.finding]
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        (_most_relevant(error) for error in validator.iter_errors(document)),
        key=lambda error: list(error.absolute_path),
    )
    if errors:
        return None, [
            Finding(RULES_FILE, json_path_of(error.absolute_path), f"{error.message}.", _schema_fix(error))
            for error in errors
        ]
    rules: list = []
    findings: list = []
    seen: dict = {}
    for index, entry in enumerate(document["rules"]):
        try:
            rules.append(_rule_of(index, entry, repository_root))
        except RuleFileError as error:
            findings.append(Finding(RULES_FILE, error.json_path, error.problem, error.fix))
            continue
        if entry["id"] in seen:
            findings.append(
                Finding(
                    RULES_FILE,
                    f"$.rules[{index}].id",
                    f"rule id '{entry['id']}' is also used by $.rules[{seen[entry['id']]}].",
                    "give each rule its own id.",
                )
            )
        seen.setdefault(entry["id"], index)
    return rules, findings  # a rule that cannot be read is left out; its finding says why


def _most_relevant(error):
    """For a value that fits none of several shapes, the error of the shape it comes closest to."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        error = jsonschema.exceptions.best_match(error.context)
    return error


def _schema_fix(error) -> str:
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if description:
        return description
    return f"make it match the schema in {RULES_SCHEMA_FILE}."


def _rule_of(index: int, entry: dict, repository_root: Path) -> Rule:
    path = f"$.rules[{index}]"
    if ("property" in entry) != ("expect" in entry) or ("property" in entry) == ("extension" in entry):
        raise RuleFileError(
            path,
            f"rule '{entry['id']}' needs either 'property' with 'expect', or 'extension' (not both).",
            "check a property of the resource (property + expect) or an extension resource of it (extension).",
        )
    types = entry["resource"] if isinstance(entry["resource"], list) else [entry["resource"]]
    where = entry.get("where") or {}
    name_pattern = where.get("name")
    if name_pattern is not None:
        _compile(name_pattern, f"{path}.where.name")
    check = None
    if "property" in entry:
        check = _check_of(entry, path, repository_root)
    extension = entry.get("extension") or {}
    extension_checks = tuple(
        _check_of(item, f"{path}.extension.properties[{position}]", repository_root)
        for position, item in enumerate(extension.get("properties") or [])
    )
    return Rule(
        index=index,
        id=entry["id"],
        description=entry["description"],
        types=tuple(str(name).lower() for name in types),
        name_pattern=name_pattern,
        tracked_only=bool(where.get("tracked")),
        environments=tuple(entry.get("environments") or ALL_ENVIRONMENTS),
        inventory=dict(entry.get("inventory") or {}),
        check=check,
        extension_type=extension["type"] if extension else None,
        extension_child=extension.get("child"),
        extension_exists=bool(extension.get("exists")),
        extension_checks=extension_checks,
        fix=entry["fix"],
    )


def _check_of(entry: dict, path: str, repository_root: Path) -> Check:
    expect = entry["expect"]
    kinds = [name for name in _EXPECTATION_KINDS if name in expect]
    if len(kinds) != 1:
        raise RuleFileError(
            f"{path}.expect",
            f"an expectation needs exactly one of {', '.join(_EXPECTATION_KINDS)}; this one has "
            f"{', '.join(kinds) or 'none'}.",
            "keep one kind of expectation per property; write a second rule for a second one.",
        )
    kind = kinds[0]
    value = expect[kind]
    value_path = f"{path}.expect.{kind}"
    if kind == "matches":
        _compile(value, value_path)
    if _is_reference(value) and "from_file" in value:
        value = _file_value(value, value_path, repository_root)
    if kind in ("one_of", "contains_all") and not _is_reference(value) and not isinstance(value, list):
        raise RuleFileError(
            value_path,
            f"{kind} needs a list, but the referenced value is {_shown(value)}.",
            "point 'property' at a list in the referenced file.",
        )
    return Check(
        PropertyPath.parse(entry["property"], f"{path}.property"),
        Expectation(kind, value, bool(expect.get("ignore_case")), value_path),
    )


def _compile(pattern: str, json_path: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise RuleFileError(
            json_path,
            f"'{pattern}' is not a valid regular expression: {error}.",
            "correct the regular expression (Python syntax).",
        ) from None


def _is_reference(value) -> bool:
    return isinstance(value, dict) and ("from_file" in value or "from_inventory" in value)


def _file_value(reference: dict, json_path: str, repository_root: Path):
    relative = f"{_DATA_FOLDER}/{reference['from_file']}"
    path = repository_root / relative
    if not path.is_file():
        raise RuleFileError(
            f"{json_path}.from_file",
            f"refers to {relative}, which does not exist.",
            f"create {relative} or correct the file name (relative to {_DATA_FOLDER}/).",
        )
    try:
        document = read_json(path, repository_root) if path.suffix == ".json" else read_yaml(path, repository_root)
    except UnreadableFile as unreadable:
        raise RuleFileError(
            f"{json_path}.from_file",
            f"refers to {relative}, which {unreadable.finding.problem}",
            unreadable.finding.fix,
        ) from None
    if "property" not in reference:
        return document
    value = PropertyPath.parse(reference["property"], f"{json_path}.property").read(document)
    if value is _MISSING or value == []:
        raise RuleFileError(
            f"{json_path}.property",
            f"{relative} has nothing at '{reference['property']}'.",
            f"correct the property path, or add that data to {relative}.",
        )
    return value


# --- evaluation -----------------------------------------------------------------------------------------


def security_rule_findings(rules: list, templates: dict, rendered_environment) -> list:
    """Every violation of ``rules`` in one rendered environment (``RenderedEnvironment``)."""
    settings = rendered_environment.settings
    placed = [
        (resource, deployment)
        for deployment in rendered_environment.deployments
        for resource in deployment.resources
        if isinstance(resource.get("id"), str)
    ]
    locator = _Locator(templates)
    findings: list = []
    for rule in rules:
        if not rule.applies_to_inventory(settings):
            continue
        try:
            expected = _expected_values(rule, settings)
        except _UnsetVariable as unset:
            findings.append(unset.finding)
            continue
        for resource, deployment in placed:
            if not rule.selects(resource):
                continue
            context = _Context(rule, expected, settings, locator, _subject(resource, deployment))
            if rule.check is not None:
                findings.extend(_property_findings(context, resource, deployment))
            else:
                findings.extend(_extension_findings(context, resource, deployment, placed))
    unique: list = []
    for finding in findings:
        if finding not in unique:
            unique.append(finding)
    return unique


class _UnsetVariable(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.render())
        self.finding = finding


@dataclass(frozen=True)
class _Context:
    """One rule applied in one inventory to one selected resource."""

    rule: Rule
    expected: dict  # Check -> the expected value in this inventory
    settings: Any  # InventorySettings
    locator: _Locator
    subject: str  # the selected resource, for humans

    def finding(self, template: str, resource: dict, json_suffix: str, detail: str) -> Finding:
        """A violation found at ``resource`` (the selected one or its extension), declared in ``template``."""
        file_name, declaration_path = self.locator.locate(template, resource)
        return Finding(
            file_name,
            declaration_path + json_suffix,
            f"{self.subject} breaks security rule '{self.rule.id}' ({self.rule.description}): {detail}.",
            self.rule.fix,
            self.settings.name,
        )


def _expected_values(rule: Rule, settings) -> dict:
    """The expected value of each check of ``rule``, inventory references resolved for this inventory."""
    expected = {}
    for check in ((rule.check,) if rule.check else ()) + rule.extension_checks:
        value = check.expectation.value
        if _is_reference(value):
            name = value["from_inventory"]
            if name not in settings.variables:
                raise _UnsetVariable(
                    Finding(
                        settings.file_of(name),
                        "$",
                        f"security rule '{rule.id}' ({RULES_FILE} {check.expectation.json_path}) compares with the "
                        f"inventory variable {name}, which {settings.folder} does not set.",
                        f"set {name} in {settings.folder}/group_vars/all/, or correct the variable name in "
                        f"{RULES_FILE}.",
                        settings.name,
                    )
                )
            value = settings.variables[name]
        expected[check] = value
    return expected


def _violation(check: Check, expected, document) -> str | None:
    """``None`` when ``document`` meets ``check``, else what is wrong."""
    actual = check.path.read(document)
    ok, lacking = check.expectation.holds(actual, expected)
    if ok:
        return None
    detail = f"{check.path.text} is {_shown(actual)}, expected {check.expectation.describe(expected)}"
    return detail + (f"; it lacks {_shown(lacking)}" if lacking else "")


def _property_findings(context: _Context, resource: dict, deployment) -> list:
    check = context.rule.check
    if check is None:  # an extension rule has no property check of its own
        return []
    violation = _violation(check, context.expected[check], resource)
    if violation is None:
        return []
    return [context.finding(deployment.template, resource, check.path.json_suffix(), violation)]


def _extension_findings(context: _Context, resource: dict, deployment, placed: list) -> list:
    rule = context.rule
    target = resource["id"] + (f"/{rule.extension_child}" if rule.extension_child else "")
    prefix = f"{target}/providers/{rule.extension_type}/".lower()
    extensions = [
        (extension, home)
        for extension, home in placed
        if str(extension.get("type", "")).lower() == str(rule.extension_type).lower()
        and extension["id"].lower().startswith(prefix)
    ]
    on_child = f" on {rule.extension_child}" if rule.extension_child else ""
    if not rule.extension_exists:
        return [
            context.finding(
                home.template,
                extension,
                "",
                f"it has the {extension['type']} '{leaf_name(extension['name'])}'{on_child}, which this environment "
                "must not have",
            )
            for extension, home in extensions
        ]
    if not extensions:
        return [
            context.finding(
                deployment.template,
                resource,
                "",
                f"it has no {rule.extension_type} extension resource{on_child} (one whose scope is {target})",
            )
        ]
    findings: list = []
    for extension, home in extensions:
        violations = [(check, _violation(check, context.expected[check], extension)) for check in rule.extension_checks]
        failed = [(check, violation) for check, violation in violations if violation is not None]
        if not failed:
            return []  # one extension that meets every check is enough
        findings.extend(
            context.finding(
                home.template,
                extension,
                check.path.json_suffix(),
                f"its {extension['type']} '{leaf_name(extension['name'])}'{on_child} has {violation}",
            )
            for check, violation in failed
        )
    return findings


def _subject(resource: dict, deployment) -> str:
    package = f" (work package '{deployment.work_package}')" if deployment.work_package else ""
    return f"{resource['type']} '{leaf_name(str(resource.get('name')))}'{package}"


# --- where a rendered resource is declared --------------------------------------------------------------


@dataclass(frozen=True)
class _Declaration:
    json_path: str
    type: str  # lowercase, full
    loop: str | None
    symbolic: str | None
    fragments: tuple  # literal text of the name and scope expressions, variables followed


class _Locator:
    """Finds the declaration a rendered resource came from, to name its JSON path in the template file.

    The engine's result gives each resource in declaration order with its copy loop (and symbolic name in
    languageVersion 2.0) but not its declaration. A copy loop or a symbolic name identifies the declaration;
    otherwise the declarations of the same type are told apart by the literal text of their name and scope
    expressions (with variables followed): the one whose literals best match the rendered name and scope.
    """

    def __init__(self, templates: dict):
        self._templates = templates
        self._declarations: dict = {}

    def locate(self, template_kind: str, resource: dict) -> tuple[str, str]:
        source = self._templates[template_kind]
        declarations = self._declarations.get(template_kind)
        if declarations is None:
            declarations = self._declarations[template_kind] = list(_declarations_of(source.template))
        return source.template_file, _best_declaration(declarations, resource)


def _declarations_of(template: dict):
    variables = template.get("variables")
    if not isinstance(variables, dict):
        variables = {}
    section = template.get("resources")
    if isinstance(section, dict):
        items = [(f"$.resources.{name}", name, body) for name, body in section.items()]
    else:
        items = [(f"$.resources[{index}]", None, body) for index, body in enumerate(section or [])]
    pending = [(path, symbolic, body, "") for path, symbolic, body in items]
    while pending:
        path, symbolic, body, parent_type = pending.pop(0)
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            continue
        own_type = body["type"]
        full_type = own_type if not parent_type or "." in own_type.split("/")[0] else f"{parent_type}/{own_type}"
        loop = body.get("copy", {}).get("name") if isinstance(body.get("copy"), dict) else None
        text = f"{_followed(body.get('name'), variables)} {_followed(body.get('scope'), variables)}"
        yield _Declaration(path, full_type.lower(), loop, symbolic, tuple(_literals(text)))
        children = body.get("resources")
        if isinstance(children, list):
            pending.extend(
                (f"{path}.resources[{index}]", None, child, full_type) for index, child in enumerate(children)
            )


def _followed(expression, variables: dict, depth: int = 0) -> str:
    """The expression's text with every ``variables('x')`` replaced by x's own text (a few levels deep)."""
    if not isinstance(expression, str):
        return ""
    if depth > 3:
        return expression
    return re.sub(
        r"variables\('([^']+)'\)",
        lambda match: _followed(variables.get(match.group(1)), variables, depth + 1),
        expression,
    )


def _literals(text: str):
    """The literal parts of quoted strings in an expression, split at format placeholders such as {0}."""
    for quoted in re.findall(r"'((?:[^']|'')*)'", text):
        for part in re.split(r"\{\d+\}", quoted.replace("''", "'")):
            if len(part) >= 2:
                yield part.lower()


def _best_declaration(declarations: list, resource: dict) -> str:
    resource_type = str(resource.get("type", "")).lower()
    candidates = [declaration for declaration in declarations if declaration.type == resource_type]
    symbolic = resource.get("symbolicName")
    loop = (resource.get("copy") or {}).get("name")
    if symbolic:
        candidates = [declaration for declaration in candidates if declaration.symbolic == symbolic] or candidates
    elif loop:
        candidates = [declaration for declaration in candidates if declaration.loop == loop] or candidates
    else:
        candidates = [declaration for declaration in candidates if declaration.loop is None] or candidates
    if not candidates:
        return "$.resources"
    rendered = f"{resource.get('name', '')} {resource.get('scope', '')} {resource.get('id', '')}".lower()

    def score(declaration) -> int:
        return sum(len(fragment) for fragment in declaration.fragments if fragment in rendered)

    return max(candidates, key=score).json_path  # the first of equals: declaration order
