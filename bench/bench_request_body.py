#!/usr/bin/env python
"""Benchmark parsing request bodies as the local Azure endpoint does (localazure/http.py ``parse_json_body``).

Times strict JSON and the JSONC fallback (comments, unquoted names, single quotes: what azure-cli sends) for a
template-shaped body of 0.25 MB and of 2 MB, and reports, as JSON, the median and spread of each and the ratio of
the 2 MB time to the 0.25 MB time in the same run (of the fastest and of the median rounds): linear parsing gives
about 8. The old parser (json5) took 2.7 s for 0.25 MB and 43 s for 2 MB.

usage: bench/bench_request_body.py [--rounds 5]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from localazure.http import parse_json_body  # noqa: E402

MB = 1024 * 1024


def template(size: int, *, jsonc: bool) -> bytes:
    entries, index, length = [], 0, 0
    while length < size:
        if jsonc:
            entry = f"v{index}: /* c */ '{'x' * 40}', // variable {index}\n"
        else:
            entry = f'"v{index}": "{"x" * 40}",\n'
        entries.append(entry)
        length += len(entry)
        index += 1
    variables = "".join(entries).rstrip(",\n") + "\n"
    return ('{"contentVersion": "1.0.0.0", "variables": {' + variables + '}, "resources": []}').encode()


def timed(body: bytes, rounds: int) -> list[float]:
    times = []
    for dummy_round in range(rounds):
        started = time.perf_counter()
        parse_json_body(body)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    report = {"rounds": args.rounds}
    for kind in ("json", "jsonc"):
        small = timed(template(MB // 4, jsonc=kind == "jsonc"), args.rounds)
        large = timed(template(2 * MB, jsonc=kind == "jsonc"), args.rounds)
        report[kind] = {
            "0.25MB_median_s": round(statistics.median(small), 4),
            "0.25MB_spread_s": round(max(small) - min(small), 4),
            "2MB_median_s": round(statistics.median(large), 4),
            "2MB_spread_s": round(max(large) - min(large), 4),
            # The fastest round is the least disturbed by other load; these are milliseconds.
            "ratio_2MB_to_0.25MB_fastest": round(min(large) / min(small), 2),
            "ratio_2MB_to_0.25MB_median": round(statistics.median(large) / statistics.median(small), 2),
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
