# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``role_test_report`` filter: pass or fail per matrix row, as a table and as JUnit XML."""

from __future__ import annotations

DOCUMENTATION = r"""
name: role_test_report
short_description: Report the custom role test's matrix rows
version_added: 0.1.0
description:
  - Pairs each matrix row with the result of its M(it4ad.dlinfra.permission_probe) call and reports it as
    C(pass), C(FAIL), C(skipped) (check mode, or a row this endpoint cannot run) or C(not run).
options:
  _input:
    description: The rows (M(it4ad.dlinfra.role_test_rows#filter) output).
    type: list
    elements: dict
    required: true
  results:
    description: The C(results) of the looped M(it4ad.dlinfra.permission_probe) task.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Print the table
  ansible.builtin.debug:
    msg: "{{ (rows | it4ad.dlinfra.role_test_report(probes.results)).table }}"
"""

RETURN = r"""
_value:
  description: C(rows) (name, expect, source, kind, status, detail), C(table) (text lines), C(junit) (XML text) and
    C(failed) (names of the failing rows).
  type: dict
"""

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.role_test_matrix import junit_xml, report_rows, table


def role_test_report(rows, results):
    report = report_rows(list(rows), list(results or []))
    return {
        "rows": report,
        "table": table(report),
        "junit": junit_xml(report),
        "failed": [entry["name"] for entry in report if entry["status"] == "FAIL"],
    }


class FilterModule:
    def filters(self):
        return {"role_test_report": role_test_report}
