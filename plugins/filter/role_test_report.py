# Copyright: it4ad.dlinfra contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``role_test_report`` filter: pass or fail per matrix row, as a table and as JUnit XML."""

from __future__ import annotations

DOCUMENTATION = r"""
name: role_test_report
short_description: Report the custom role test's matrix rows
version_added: 0.1.0
description:
  - Pairs each matrix row with its result from the M(it4ad.dlinfra.permission_probe) run and reports it as
    C(pass), C(FAIL), C(skipped) (check mode, or a row this endpoint cannot run) or C(not run).
options:
  _input:
    description: The rows (M(it4ad.dlinfra.role_test_rows#filter) output).
    type: list
    elements: dict
    required: true
  probe:
    description:
      - The registered result of the M(it4ad.dlinfra.permission_probe) task; its C(results) are paired with the rows
        by name. When that task failed as a whole (bad rows, or a principal that cannot authenticate), every row
        fails with its message. A list of results is taken as well.
      - Omitted or empty (an earlier task failed), every row is reported as C(not run).
    type: raw
"""

EXAMPLES = r"""
- name: Print the table
  ansible.builtin.debug:
    msg: "{{ (rows | it4ad.dlinfra.role_test_report(probe)).table }}"
"""

RETURN = r"""
_value:
  description: C(rows) (name, expect, source, kind, status, detail), C(table) (text lines), C(junit) (XML text) and
    C(failed) (names of the failing rows).
  type: dict
"""

from collections.abc import Mapping

from ansible_collections.it4ad.dlinfra.plugins.plugin_utils.role_test_matrix import junit_xml, report_rows, table


def role_test_report(rows, probe=None):
    if isinstance(probe, Mapping):
        results = probe.get("results") or []
        failure = (probe.get("msg") or "the task failed") if probe.get("failed") else None
    else:
        results, failure = probe or [], None
    report = report_rows(list(rows), list(results), failure)
    return {
        "rows": report,
        "table": table(report),
        "junit": junit_xml(report),
        "failed": [entry["name"] for entry in report if entry["status"] == "FAIL"],
    }


class FilterModule:
    def filters(self):
        return {"role_test_report": role_test_report}
