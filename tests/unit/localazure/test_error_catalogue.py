"""The endpoint's errors come from one typed catalogue (localazure/error_catalogue.py), not inline literals."""

import http
import re
from pathlib import Path

from localazure import error_catalogue
from localazure.errors import AzureError, ErrorKind

LOCALAZURE = Path(error_catalogue.__file__).resolve().parent
INLINE_LITERAL = re.compile(r"\bAzureError\(\s*\d{3}\s*,\s*\"")  # a status and a literal code


def test_no_module_builds_an_error_from_an_inline_status_and_code():
    offenders = [
        f"{path.relative_to(LOCALAZURE)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(LOCALAZURE.rglob("*.py"))
        if path.name != "errors.py"
        for text in [path.read_text()]
        for match in INLINE_LITERAL.finditer(text)
    ]
    assert offenders == [], "use an ErrorKind from localazure/error_catalogue.py instead"


def test_every_kind_is_one_status_and_code_pair_with_a_real_http_status():
    kinds = {name: value for name, value in vars(error_catalogue).items() if isinstance(value, ErrorKind)}
    assert len({(kind.status, kind.code) for kind in kinds.values()}) == len(kinds)
    for name, kind in kinds.items():
        assert http.HTTPStatus(kind.status).value >= 400, name
        assert name.replace("_", "").startswith(kind.code.upper()), name


def test_a_kind_makes_the_error_in_azures_shape():
    error = error_catalogue.RESOURCE_GROUP_NOT_FOUND("Resource group 'rg' could not be found.", target="rg")
    assert isinstance(error, AzureError)
    assert (error.status, error.body()) == (
        404,
        {
            "error": {
                "code": "ResourceGroupNotFound",
                "target": "rg",
                "message": "Resource group 'rg' could not be found.",
            }
        },
    )
    assert error_catalogue.RESOURCE_GROUP_NOT_FOUND.matches(error)
