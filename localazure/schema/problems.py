"""Azure's error codes and words for request bodies it cannot accept.

Resource providers answer a bad PUT body in their own words. What is modelled here, and where it comes from:

- Unknown member, wrong JSON type, missing required member: the .NET (Newtonsoft) deserializer's message
  wrapped by ARM as ``InvalidRequestContent``: "The request content was invalid and could not be
  deserialized: 'Could not find member 'AccountType' on object of type 'ResourceDefinition'. Path
  'AccountType', line 2, position 17.'." (a real error body quoted in Azure/azure-sdk-for-net#3487).
  "Error converting value ..." and "Required property '...' not found in JSON" are Newtonsoft's words
  for the other two cases.
- A missing ``location`` on a tracked resource: ARM's ``LocationRequired``, "The location property is
  required for this definition."
- Storage (Microsoft.Storage) rejects invalid values with ``InvalidValuesForRequestParameters``, "Values
  for request parameters are invalid: kind, sku." (real bodies quoted in
  hashicorp/terraform-provider-azurerm#8089 and Azure/terraform-azurerm-avm-res-storage-storageaccount#336).
- Other invalid values (enum, constraints): the Newtonsoft "Error converting value" wording for enums and
  ``InvalidParameter`` for constraints -- an approximation, as each RP words these differently.
- Azure Machine Learning wraps its validation errors in ``UserError``.

All are HTTP 400. Fidelity caveat: real resource providers differ in whether they reject unknown members
at all (some ignore them silently); this endpoint rejects them everywhere, as its issue requires.
"""

import json
from dataclasses import dataclass

from .locate import path_text, position_of
from .walker import Finding

_DESERIALIZE = "The request content was invalid and could not be deserialized: '{inner}'."


@dataclass(frozen=True)
class BodyProblem:
    status: int
    code: str
    message: str
    target: str

    def to_error(self) -> dict:
        """ARM's error object for this problem (the value under the response's "error" key)."""
        return {"code": self.code, "message": self.message, "target": self.target}


def problems_from(findings: list, body, dialect: str) -> list:
    return [_problem(finding, body, dialect) for finding in findings]


def _problem(finding: Finding, body, dialect: str) -> BodyProblem:
    target = path_text(finding.path)
    if finding.kind == "missing_required" and finding.path == ("location",):
        return BodyProblem(400, "LocationRequired", "The location property is required for this definition.", target)
    if dialect == "storage" and finding.kind in ("invalid_enum", "constraint"):
        return BodyProblem(
            400,
            "InvalidValuesForRequestParameters",
            f"Values for request parameters are invalid: {finding.path[-1]}.",
            target,
        )
    if finding.kind == "constraint":
        code = "UserError" if dialect == "machinelearning" else "InvalidParameter"
        return BodyProblem(400, code, _constraint_words(finding, target), target)
    code = "UserError" if dialect == "machinelearning" else "InvalidRequestContent"
    return BodyProblem(400, code, _DESERIALIZE.format(inner=_newtonsoft_words(finding, body, target)), target)


def _newtonsoft_words(finding: Finding, body, target: str) -> str:
    if finding.kind == "unknown_member":
        position = position_of(body, finding.path)
        return (
            f"Could not find member '{finding.path[-1]}' on object of type '{finding.type_name}'. "
            f"Path '{target}', line 1, position {position}."
        )
    if finding.kind == "missing_required":
        parent = finding.path[:-1]
        position = position_of(body, parent, at_value_end=True)
        return (
            f"Required property '{finding.path[-1]}' not found in JSON. "
            f"Path '{path_text(parent)}', line 1, position {position}."
        )
    position = position_of(body, finding.path, at_value_end=True)
    shown = finding.value if isinstance(finding.value, str) else json.dumps(finding.value)
    return (
        f"Error converting value \"{shown}\" to type '{finding.type_name}'. "
        f"Path '{target}', line 1, position {position}."
    )


def _constraint_words(finding: Finding, target: str) -> str:
    rule_words = {
        "pattern": f"must match the pattern '{finding.limit}'",
        "max_length": f"must be at most {finding.limit} characters long",
        "min_length": f"must be at least {finding.limit} characters long",
        "maximum": f"must be at most {finding.limit}",
        "minimum": f"must be at least {finding.limit}",
        "max_items": f"must have at most {finding.limit} items",
        "min_items": f"must have at least {finding.limit} items",
        "unique": "must not contain duplicate items",
    }
    return f"The value of the property '{target}' is invalid: it {rule_words.get(finding.rule, 'breaks a rule')}."
