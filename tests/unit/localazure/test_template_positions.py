"""JSON paths to JSON.NET's line and position in a request body, as ARM reports them for template errors."""

import json

import pytest

from localazure.deployments.positions import locate, path_segments, with_positions

BODY = """{
  "properties": {
    "mode": "Incremental",
    // a comment with "quotes" and {brackets]
    "template": {
      "variables": {"a.b": "x", "escaped \\"key\\"": [1, {"k": "]}"}]},
      "resources": [
        {
          "type": "Microsoft.Network/virtualNetworks",
          "name": "net-one",
          "apiVersion": "2023-04-01"
        },
        {
          "type": "Microsoft.Network/virtualNetworks",
          "Name": "[concat('a', 'b')]",
          "properties": {"count": 12, "enabled": true, "list": [ ]}
        }
      ]
    }
  }
}"""


def _where(text, needle, occurrence=0):
    """1-based line and the 0-based column of ``needle``'s n-th occurrence."""
    start = -1
    for dummy_count in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, start - line_start


@pytest.mark.parametrize(
    "path, needle, occurrence, width",
    [
        ("properties.template.resources[1].name", '"[concat(', 0, len("\"[concat('a', 'b')]\"")),
        ("properties.template.resources[0].apiVersion", '"2023-04-01"', 0, len('"2023-04-01"')),
        ("properties.template.resources[1].properties.count", "12", 0, 2),
        ("properties.template.resources[1].properties.enabled", "true", 0, 4),
        ("properties.template.resources[1]", "{", 7, 1),
        ("properties.template.resources[1].properties.list", "[ ]", 0, 1),
        ("properties.mode", '"Incremental"', 0, len('"Incremental"')),
    ],
)
def test_a_path_is_located_after_its_token_as_json_net_reports_it(path, needle, occurrence, width):
    line, column = _where(BODY, needle, occurrence)
    assert locate(BODY, path) == (line, column + width)


def test_a_missing_member_stops_at_the_deepest_token_present():
    line, column = _where(BODY, "{", 6)  # resources[0]; the comment and the variables hold braces too
    assert locate(BODY, "properties.template.resources[0].properties.name") == (line, column + 1)
    assert locate(BODY, "properties.template.resources[7].name") == locate(BODY, "properties.template.resources")


def test_comments_strings_with_brackets_and_escaped_keys_are_skipped():
    line, column = _where(BODY, '"resources"')
    assert locate(BODY, "properties.template.resources")[0] == line
    assert locate(BODY, "properties.template.variables.a.b") == locate(BODY, "properties.template.variables")


def test_a_one_line_body_reports_line_1_and_the_offset():
    text = json.dumps({"properties": {"template": {"resources": [{"name": "x"}, {"name": "y"}]}}})
    assert locate(text, "properties.template.resources[1].name") == (1, text.index('"y"') + 3)


def test_path_segments():
    assert path_segments("resources[2].properties.name") == ["resources", 2, "properties", "name"]
    assert path_segments("a[0][1]") == ["a", 0, 1]


def test_not_json_is_not_located():
    assert locate("   ", "properties") is None


def test_error_bodies_get_positions_in_violations_and_details():
    error = {
        "code": "InvalidTemplate",
        "message": "m",
        "details": [
            {
                "code": "InvalidTemplate",
                "message": "inner",
                "additionalInfo": [
                    {
                        "type": "TemplateViolation",
                        "info": {
                            "lineNumber": 0,
                            "linePosition": 0,
                            "path": "properties.template.resources[0].apiVersion",
                        },
                    }
                ],
            }
        ],
        "additionalInfo": [
            {
                "type": "TemplateViolation",
                "info": {"lineNumber": 0, "linePosition": 0, "path": "properties.template.resources[1].name"},
            },
            {"type": "Other", "info": {"lineNumber": 0}},
        ],
    }
    rewritten = with_positions(error, BODY.encode())
    info = rewritten["additionalInfo"][0]["info"]
    assert (info["lineNumber"], info["linePosition"]) == locate(BODY, "properties.template.resources[1].name")
    inner = rewritten["details"][0]["additionalInfo"][0]["info"]
    assert (inner["lineNumber"], inner["linePosition"]) == locate(BODY, "properties.template.resources[0].apiVersion")
    assert rewritten["additionalInfo"][1] == {"type": "Other", "info": {"lineNumber": 0}}
    assert with_positions({"code": "x"}, None) == {"code": "x"}


def test_a_large_body_is_walked_within_the_products_bounds():
    """4 MB of sibling values before the target: one forward pass, no recursion, whatever the nesting."""
    filler = [
        {"name": f"r{index}", "properties": {"tags": {"k": "v" * 40}, "list": [[1, 2], [3]]}} for index in range(20000)
    ]
    nested = '{"x": [' * 2000 + "null" + "]}" * 2000
    text = json.dumps({"properties": {"template": {"resources": filler + [{"name": "last"}], "deep": None}}})
    text = text.replace('"deep": null', '"deep": ' + nested)
    assert len(text) > 2_000_000
    line, position = locate(text, "properties.template.resources[20000].name")
    assert (line, position) == (1, text.index('"last"') + len('"last"'))
    assert locate(text, "properties.template.deep" + ".x[0]" * 1999)[0] == 1


def test_azure_clis_body_with_a_bare_template_name_keeps_the_files_lines():
    """azure-cli splices the template file's text behind a bare ``template:`` (JsonCTemplatePolicy)."""
    template_file = '{\n  "resources": [\n    {\n      \'name\': "[bad(]",\n      "type": "x"\n    }\n  ]\n}'
    body = '{"properties": {"parameters": {}, "mode": "Incremental", template:' + template_file + "}}"
    line, column = _where(template_file, '"[bad(]"')
    assert locate(body, "properties.template.resources[0].name") == (line, column + len('"[bad(]"'))
    assert locate(body, "properties.mode") == (1, body.index('"Incremental"') + len('"Incremental"'))
