#!/bin/sh
# run-fuzzer.sh FUZZER SEED_DIR ARTIFACT_DIR SECONDS
# A short libFuzzer run for the test suite: starts from the seed corpus in
# the source tree without writing to it (new inputs go to a temporary
# directory, removed afterwards); a crash leaves its input in ARTIFACT_DIR
# and fails the test.
set -eu
fuzzer=$1 seeds=$2 artifacts=$3 seconds=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/mptcp-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
# Sanitizer reports must fail the run, not just print.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" "$seeds"
