"""Every template function against the outputs Microsoft's template function documentation states.

The vectors live in ``function_vectors/<page>.py``; each records its source page and the stored
documentation text it was compared with. The coverage test fails when a registered function, or a
function on the documentation's index page, has fewer than three vectors; the verification tests
fail when a documented vector was not compared with stored text and is not listed in UNVERIFIED.
"""

from __future__ import annotations

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.evaluator import Evaluator
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.functions import FUNCTIONS
from ansible_collections.it4ad.dlinfra.tests.unit.plugins.module_utils.arm.function_vectors import (
    array,
    cidr,
    comparison,
    date,
    deployment,
    lambdas,
    logical,
    numeric,
    objects,
    resource,
    scope,
    string,
)
from ansible_collections.it4ad.dlinfra.tests.unit.plugins.module_utils.arm.function_vectors.fakes import (
    FIXED_NOW,
    FakeResolver,
    context_for,
)
from ansible_collections.it4ad.dlinfra.tests.unit.plugins.module_utils.arm.function_vectors.vector_records import (
    BICEP_DOCS,
    DOCS,
    STORED_TEXTS,
)

VECTORS = [
    vector
    for module in (
        array,
        cidr,
        comparison,
        date,
        deployment,
        lambdas,
        logical,
        numeric,
        objects,
        resource,
        scope,
        string,
    )
    for vector in module.VECTORS
]

# https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions (ms.date 05/10/2024):
# every function the index page lists, section by section. "list*" stands for listAccountSas, listKeys,
# listSecrets and the other list functions.
DOCS_INDEX_URL = DOCS + "template-functions"
DOCS_INDEX = {
    "array": [
        "array",
        "concat",
        "contains",
        "createArray",
        "empty",
        "first",
        "indexOf",
        "intersection",
        "last",
        "lastIndexOf",
        "length",
        "max",
        "min",
        "range",
        "skip",
        "take",
        "union",
    ],
    "cidr": ["parseCidr", "cidrSubnet", "cidrHost"],
    "comparison": ["coalesce", "equals", "greater", "greaterOrEquals", "less", "lessOrEquals"],
    "date": ["dateTimeAdd", "dateTimeFromEpoch", "dateTimeToEpoch", "utcNow"],
    "deployment": ["deployment", "environment", "parameters", "variables"],
    "lambda": ["filter", "map", "reduce", "sort", "toObject"],
    "logical": ["and", "bool", "false", "if", "not", "or", "true"],
    "numeric": ["add", "copyIndex", "div", "float", "int", "min", "max", "mod", "mul", "sub"],
    "object": ["contains", "createObject", "empty", "intersection", "items", "json", "length", "null", "union"],
    "resource": [
        "extensionResourceId",
        "listAccountSas",
        "listKeys",
        "listSecrets",
        "pickZones",
        "providers",
        "reference",
        "references",
        "resourceId",
        "subscriptionResourceId",
        "tenantResourceId",
    ],
    "scope": ["managementGroup", "resourceGroup", "subscription", "tenant"],
    "string": [
        "base64",
        "base64ToJson",
        "base64ToString",
        "concat",
        "contains",
        "dataUri",
        "dataUriToString",
        "empty",
        "endsWith",
        "first",
        "format",
        "guid",
        "indexOf",
        "join",
        "json",
        "last",
        "lastIndexOf",
        "length",
        "newGuid",
        "padLeft",
        "replace",
        "skip",
        "split",
        "startsWith",
        "string",
        "substring",
        "take",
        "toLower",
        "toUpper",
        "trim",
        "uniqueString",
        "uri",
        "uriComponent",
        "uriComponentToString",
    ],
}
# Functions the issue names besides the index page (the lambda page's later additions).
ISSUE_FUNCTIONS = ["groupBy", "mapValues"]

# Documented cases no stored copy of the documentation could be found for, by (function, example).
# They still run; they are listed here so that an unverified case cannot pass unnoticed.
UNVERIFIED = {
    ("flatten", "flattenOutput"): "no stored template-functions-array or bicep-functions-array text has flatten",
}


def evaluate(vector):
    context = context_for(vector.scope)
    evaluator = Evaluator(context, parameters=vector.parameters, variables=vector.variables, resolver=FakeResolver())
    evaluator.scope.now = FIXED_NOW
    return evaluator.evaluate(f"[{vector.expression}]")


@pytest.mark.parametrize("vector", VECTORS, ids=[f"{vector.function}-{index}" for index, vector in enumerate(VECTORS)])
def test_documented_function_example(vector):
    assert vector.source.startswith((DOCS, BICEP_DOCS)) and "#" in vector.source
    assert vector.derived or vector.example, "a documented case names the output it reproduces"
    inputs = f"{vector.expression} {vector.variables} {vector.parameters}".lower()
    assert vector.function.lower() in inputs, "the case calls the function it is filed under"
    assert evaluate(vector) == vector.expected


def test_every_documented_vector_was_verified():
    unverified = sorted(
        {(vector.function, vector.example) for vector in VECTORS if not vector.derived and not vector.verified}
        - set(UNVERIFIED)
    )
    assert not unverified, f"documented cases not compared with stored documentation text: {unverified}"


def test_unverified_list_is_current():
    documented = {(vector.function, vector.example): vector for vector in VECTORS if not vector.derived}
    stale = sorted(key for key in UNVERIFIED if key not in documented or documented[key].verified)
    assert not stale, f"UNVERIFIED names cases that are verified or gone: {stale}"


def test_verified_vectors_name_a_stored_text():
    unknown = sorted({vector.verified for vector in VECTORS if vector.verified} - set(STORED_TEXTS.values()))
    assert not unknown, f"vectors name stored texts that STORED_TEXTS does not list: {unknown}"


def test_derived_vectors_are_not_marked_verified():
    marked = [(vector.function, vector.expression) for vector in VECTORS if vector.derived and vector.verified]
    assert not marked, f"derived cases have no documented output to verify: {marked}"


def _vector_counts() -> dict:
    counts: dict = {}
    for vector in VECTORS:
        counts[vector.function.lower()] = counts.get(vector.function.lower(), 0) + 1
    return counts


def test_every_registered_function_has_three_vectors():
    counts = _vector_counts()
    too_few = {spec.name: counts.get(name, 0) for name, spec in FUNCTIONS.items() if counts.get(name, 0) < 3}
    assert not too_few, f"registered functions with fewer than three vectors: {too_few}"


def test_every_documented_function_has_three_vectors():
    counts = _vector_counts()
    documented = {name for names in DOCS_INDEX.values() for name in names} | set(ISSUE_FUNCTIONS)
    too_few = {name: counts.get(name.lower(), 0) for name in sorted(documented) if counts.get(name.lower(), 0) < 3}
    assert not too_few, f"functions listed on {DOCS_INDEX_URL} with fewer than three vectors: {too_few}"


def test_every_documented_function_is_implemented():
    documented = {name for names in DOCS_INDEX.values() for name in names} | set(ISSUE_FUNCTIONS)
    list_functions = {name for name in documented if name.startswith("list")}
    missing = sorted(name for name in documented - list_functions if name.lower() not in FUNCTIONS)
    assert not missing, f"documented functions missing from the engine: {missing}"


def test_vectors_only_name_known_functions():
    unknown = sorted(
        {
            vector.function
            for vector in VECTORS
            if vector.function.lower() not in FUNCTIONS and not vector.function.startswith("list")
        }
    )
    assert not unknown
