"""Every supported type: a valid body passes; unknown member, wrong type, wrong enum and missing required
member are rejected with Azure's code and the member's path as target; enums match case-insensitively;
read-only members are ignored."""

import pytest
from cases import CASES, changed, valid_body

from localazure.schema import SUPPORTED_TYPES, RequestBodyValidator
from localazure.schema.catalog import IGNORES_UNKNOWN_MEMBERS
from localazure.schema.shapes import EnumShape, ListShape, ObjectShape

VALIDATOR = RequestBodyValidator()
ML = "Microsoft.MachineLearningServices/"


def _body(resource_type):
    api_version, body = valid_body(resource_type)
    return api_version or VALIDATOR.default_api_version(resource_type), body


def _deserialize_code(resource_type):
    return "UserError" if resource_type.startswith(ML) else "InvalidRequestContent"


def _value_code(resource_type):
    if resource_type.startswith("Microsoft.Storage/"):
        return "InvalidValuesForRequestParameters"
    return _deserialize_code(resource_type)


def test_cases_cover_every_supported_type():
    assert set(CASES) == set(SUPPORTED_TYPES)
    assert len(SUPPORTED_TYPES) == 23


@pytest.mark.parametrize("resource_type", SUPPORTED_TYPES)
def test_valid_body_passes(resource_type):
    api_version, body = _body(resource_type)
    assert VALIDATOR.validate(resource_type, api_version, body) == []


@pytest.mark.parametrize("resource_type", SUPPORTED_TYPES)
def test_unknown_member_is_rejected(resource_type):
    api_version, body = _body(resource_type)
    bad = changed(body, "properties.notAMember", True)
    problems = VALIDATOR.validate(resource_type, api_version, bad)
    if resource_type in IGNORES_UNKNOWN_MEMBERS:  # this provider ignores what it does not model
        assert problems == []
        return
    assert [(problem.status, problem.code, problem.target) for problem in problems] == [
        (400, _deserialize_code(resource_type), "properties.notAMember")
    ]
    assert "Could not find member 'notAMember' on object of type '" in problems[0].message
    assert "Path 'properties.notAMember', line 1, position " in problems[0].message


@pytest.mark.parametrize("resource_type", SUPPORTED_TYPES)
def test_wrong_type_is_rejected(resource_type):
    api_version, body = _body(resource_type)
    path, value = CASES[resource_type][0]
    problems = VALIDATOR.validate(resource_type, api_version, changed(body, path, value))
    assert [(problem.code, problem.target) for problem in problems] == [(_deserialize_code(resource_type), path)]
    assert "Error converting value" in problems[0].message


@pytest.mark.parametrize("resource_type", SUPPORTED_TYPES)
def test_wrong_enum_is_rejected_and_other_letter_case_accepted(resource_type):
    api_version, body = _body(resource_type)
    case = CASES[resource_type][1]
    if case is None:
        assert not _writable_enums(VALIDATOR._root(resource_type, api_version), depth=4)
        return
    path, bad, good, *target = case
    problems = VALIDATOR.validate(resource_type, api_version, changed(body, path, bad))
    assert [(problem.code, problem.target) for problem in problems] == [
        (_value_code(resource_type), target[0] if target else path)
    ]
    assert VALIDATOR.validate(resource_type, api_version, changed(body, path, good)) == []


@pytest.mark.parametrize("resource_type", SUPPORTED_TYPES)
def test_missing_required_member_is_rejected(resource_type):
    api_version, body = _body(resource_type)
    case = CASES[resource_type][2]
    if case is None:
        assert not _required_members(VALIDATOR._root(resource_type, api_version), depth=4)
        return
    path, value, *target = case
    problems = VALIDATOR.validate(resource_type, api_version, changed(body, path, value))
    expected_target = target[0] if target else path
    expected_code = "LocationRequired" if expected_target == "location" else _deserialize_code(resource_type)
    assert [(problem.code, problem.target) for problem in problems] == [(expected_code, expected_target)]


@pytest.mark.parametrize("resource_type", SUPPORTED_TYPES)
def test_read_only_members_are_ignored_and_stripped(resource_type):
    api_version, body = _body(resource_type)
    read_only = _settable_read_only_path(resource_type, api_version, body)
    with_read_only = changed(body, read_only, {"set": "by the client"})
    assert VALIDATOR.validate(resource_type, api_version, with_read_only) == []
    assert VALIDATOR.strip_read_only(resource_type, api_version, with_read_only) == body


def _settable_read_only_path(resource_type, api_version, body):
    """A read-only path whose parent object the body has (or the top level), shortest first."""
    for path in sorted(VALIDATOR.read_only_paths(resource_type, api_version), key=lambda item: (item.count("."), item)):
        if "*" in path:
            continue
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        if not parent or parent in body:
            return path
    raise AssertionError(f"{resource_type} has no read-only member to set")


def _writable_members(shape, depth, wanted, seen=()):
    """Names of writable members, down to ``depth`` levels, for which ``wanted(member, inner_shape)`` holds."""
    if depth == 0 or not isinstance(shape, ObjectShape) or shape in seen:
        return []
    found = []
    for member in shape.fields.values():
        inner = member.shape.item if isinstance(member.shape, ListShape) else member.shape
        if member.read_only:
            continue
        if wanted(member, inner):
            found.append(member.name)
        found += _writable_members(inner, depth - 1, wanted, seen + (shape,))
    return found


def _writable_enums(shape, depth):
    return _writable_members(shape, depth, lambda member, inner: isinstance(inner, EnumShape))


def _required_members(shape, depth):
    return _writable_members(shape, depth, lambda member, inner: member.required)


@pytest.mark.parametrize(
    "value, accepted", [("false", True), ("TRUE", True), (1, True), ("perhaps", False), ({"value": False}, False)]
)
def test_booleans_convert_as_json_net_converts_them(value, accepted):
    api_version, body = _body("Microsoft.MachineLearningServices/workspaces")
    problems = VALIDATOR.validate(
        "Microsoft.MachineLearningServices/workspaces", api_version, changed(body, "properties.hbiWorkspace", value)
    )
    assert (problems == []) is accepted
