# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Loads the security rules of ``arm-templates/security_rules.yml``, checked against their schema and for sense.

A rule selects resources (type, optional name pattern, tracked only), applies to some environments and
either expects a value at a property path of each selected resource, or requires (forbids) an extension
resource, such as diagnostic settings or a lock, whose scope is the resource. ``security_rule_check`` evaluates
them on the resources the template engine rendered for an inventory, so parameter values and conditions per
environment count; a malformed rule is a Finding on the rules file, with its JSON path and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.findings import Finding, json_path_of
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.json_files import (
    UnreadableFile,
    read_json,
    read_yaml,
)
from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.validation.security_rule_model import (
    ALL_ENVIRONMENTS,
    DATA_FOLDER,
    EXPECTATION_KINDS,
    MISSING,
    RULES_FILE,
    RULES_SCHEMA_FILE,
    Check,
    Expectation,
    PropertyPath,
    Rule,
    RuleFileError,
    is_reference,
    shown,
)

try:
    import jsonschema
except ImportError:  # reported by the validator's dependency check
    jsonschema = None


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
    kinds = [name for name in EXPECTATION_KINDS if name in expect]
    if len(kinds) != 1:
        raise RuleFileError(
            f"{path}.expect",
            f"an expectation needs exactly one of {', '.join(EXPECTATION_KINDS)}; this one has "
            f"{', '.join(kinds) or 'none'}.",
            "keep one kind of expectation per property; write a second rule for a second one.",
        )
    kind = kinds[0]
    value = expect[kind]
    value_path = f"{path}.expect.{kind}"
    if kind == "matches":
        _compile(value, value_path)
    if is_reference(value) and "from_file" in value:
        value = _file_value(value, value_path, repository_root)
    if kind in ("one_of", "contains_all") and not is_reference(value) and not isinstance(value, list):
        raise RuleFileError(
            value_path,
            f"{kind} needs a list, but the referenced value is {shown(value)}.",
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


def _file_value(reference: dict, json_path: str, repository_root: Path):
    relative = f"{DATA_FOLDER}/{reference['from_file']}"
    path = repository_root / relative
    if not path.is_file():
        raise RuleFileError(
            f"{json_path}.from_file",
            f"refers to {relative}, which does not exist.",
            f"create {relative} or correct the file name (relative to {DATA_FOLDER}/).",
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
    if value is MISSING or value == []:
        raise RuleFileError(
            f"{json_path}.property",
            f"{relative} has nothing at '{reference['property']}'.",
            f"correct the property path, or add that data to {relative}.",
        )
    return value
