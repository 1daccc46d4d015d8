#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check kunit.py's results (its --json output) against dxgkpm/tests/expected.

dxgkpm/tests/expected names every suite and how many of its cases must pass
(a parameterised case counts once per parameter, as kunit.py counts it).
A suite that ran fewer passing cases (cases lost, skipped or failed), a
suite that is missing, and a suite that is not listed are problems, each
printed on stderr. The last line on stdout is
"<passed> <failed> <skipped> <lost>" over every case that ran, where <lost>
counts what the problems add to the failed cases: each expected case that
did not pass and did not fail (skipped or never run), and one for a suite
that is not listed or passed more cases than listed.

Usage: kunit_expect.py RESULTS.json EXPECTED [--filtered]
With --filtered (a run restricted by a filter glob) only the counts are
given; nothing is compared.
"""

import json
import sys


def leaves(group):
    """Every leaf case of a group, depth first, as its status."""
    for case in group.get("test_cases", []):
        yield case["status"]
    for sub in group.get("sub_groups", []):
        yield from leaves(sub)


def read_expected(path):
    want = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 2 or not fields[1].isdigit():
                sys.exit(f"{path}:{n}: expected 'suite count', got {line!r}")
            want[fields[0]] = int(fields[1])
    return want


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        results = json.load(f)
    want = read_expected(sys.argv[2])
    filtered = len(sys.argv) == 4 and sys.argv[3] == "--filtered"

    totals = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    problems = []
    lost = 0
    ran = set()
    for suite in results.get("sub_groups", []):
        name = suite["name"]
        counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        for status in leaves(suite):
            counts["PASS" if status == "PASS" else
                   "SKIP" if status == "SKIP" else "FAIL"] += 1
        for k in totals:
            totals[k] += counts[k]
        ran.add(name)
        if filtered:
            continue
        if name not in want:
            problems.append(f"suite {name} ran but is not in {sys.argv[2]}")
            lost += 1
        elif counts["PASS"] != want[name]:
            problems.append(
                f"suite {name}: {counts['PASS']} cases passed, "
                f"{sys.argv[2]} expects {want[name]} "
                f"({counts['FAIL']} failed, {counts['SKIP']} skipped)")
            if counts["PASS"] > want[name]:
                lost += 1
            else:
                lost += max(0, want[name] - counts["PASS"] - counts["FAIL"])
    # Cases outside any suite would be a parser surprise: count them.
    for status in (c["status"] for c in results.get("test_cases", [])):
        totals["PASS" if status == "PASS" else
               "SKIP" if status == "SKIP" else "FAIL"] += 1
    if not filtered:
        for name in sorted(set(want) - ran):
            problems.append(f"suite {name} did not run "
                            f"({want[name]} cases expected)")
            lost += max(1, want[name])
    for p in problems:
        print(p, file=sys.stderr)
    print(totals["PASS"], totals["FAIL"], totals["SKIP"], lost)


if __name__ == "__main__":
    main()
