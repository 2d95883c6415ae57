#!/usr/bin/env python3
"""Checks that a results file of mptcp-pm-bench is what scripts may rely on.

Usage: check_results.py RESULTS.json

Every figure 1..10 is there, each either with rows or with a "not measured"
reason; every row has a finite value and a unit; "met" is true, false or
null, and only null where there is no goal; no two rows of a figure share
a name (scripts find a row by its name). Timing is never judged here:
that is the benchmark's table, not a test. Exit status 0 when the file is
fine, 1 with one line per problem otherwise.
"""
import json
import math
import sys

FIGURES = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}


def problems(results):
    if results.get("schema") != "mptcp-pm-bench/1":
        yield f"schema is {results.get('schema')!r}, not 'mptcp-pm-bench/1'"
    if results.get("mode") not in ("full", "quick", "smoke"):
        yield f"mode is {results.get('mode')!r}"
    figures = {f.get("id"): f for f in results.get("figures", [])}
    for missing in sorted(FIGURES - figures.keys()):
        yield f"figure {missing} is missing"
    for fid, fig in sorted(figures.items()):
        rows, absent = fig.get("rows", []), fig.get("not_measured", [])
        if not rows and not absent:
            yield f"figure {fid} has neither rows nor a 'not measured' reason"
        for a in absent:
            if not a.get("why"):
                yield f"figure {fid}: 'not measured' without a reason"
        names = [r.get("name") for r in rows]
        for twice in sorted({n for n in names if names.count(n) > 1}, key=str):
            yield f"figure {fid}: two rows are named {twice!r}"
        for r in rows:
            name = f"figure {fid}, {r.get('name')!r}"
            value = r.get("value")
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                yield f"{name}: value {value!r} is not a number"
            if not r.get("unit"):
                yield f"{name}: no unit"
            if r.get("met") not in (True, False, None):
                yield f"{name}: met is {r.get('met')!r}"
            if (r.get("goal") is None) != (r.get("met") is None):
                yield f"{name}: a goal without a verdict, or a verdict without a goal"
    goals = results.get("goals", {})
    counted = sum(1 for f in figures.values() for r in f.get("rows", []) if r.get("met") is not None)
    if goals.get("met", -1) + goals.get("not_met", -1) != counted:
        yield f"goals {goals} do not add up to the {counted} rows with a goal"


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1]) as f:
            results = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{sys.argv[1]}: {e}")
        return 1
    found = list(problems(results))
    for p in found:
        print(f"{sys.argv[1]}: {p}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
