#!/bin/sh
# meson test --suite bench: the benchmark runs end to end in --smoke mode
# (every figure, a handful of calls each: seconds) and writes JSON that
# check_results.py accepts. No timing is judged: the figures of a smoke run
# mean nothing, and a benchmark is not a test. What this catches is a
# benchmark that no longer runs against the daemon, mptcpctl or the hook.
#
# Usage: smoke-test.sh BENCH CHECK_RESULTS   (meson passes both)
# Exit 77 (skipped) where the benchmark cannot run (not root, no MPTCP);
# under CI=true that is a failure instead.
set -u
bench=$1
check=$2
out=$(mktemp -d /tmp/mptcp-pm-bench-smoke.XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT

rc=0
"$bench" --smoke --json "$out/results.json" >"$out/output.txt" 2>&1 || rc=$?
cat "$out/output.txt"
if [ "$rc" = 77 ]; then
    if [ "${CI:-}" = true ]; then
        echo "smoke-test: the benchmark cannot run here, and under CI=true that is a failure"
        exit 1
    fi
    exit 77
fi
if [ "$rc" != 0 ]; then
    echo "smoke-test: mptcp-pm-bench --smoke exited with status $rc"
    exit 1
fi
python3 "$check" "$out/results.json"
