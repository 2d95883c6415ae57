#!/usr/bin/env bash
# run-bench.sh — the benchmark's one command (docs/performance.md):
# install what is missing, build an optimized tree (-O2, assertions off)
# in build-bench/, and run mptcp-pm-bench, which prints the table and
# writes the JSON. Arguments go to mptcp-pm-bench, e.g.
#   sudo bench/run-bench.sh --quick
#   sudo bench/run-bench.sh --json /tmp/results.json
# Runs as root, in network namespaces of its own on a private D-Bus; it
# touches nothing of the host's network. mptcpd (Debian: mptcpd and
# mptcpd-plugins) is measured when installed; the script does not install it.
# The JSON lands in the directory the script was called from
# (bench-results.json unless --json says otherwise).
# Environment: BUILD_DIR (default: build-bench, relative to the repository).
set -euo pipefail
export LC_ALL=C

CALLER_DIR=$PWD
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build-bench}
# -O2 as distributions build it, assertions off; warnings are the test
# build's business (tools/run-tests.sh), not a reason to measure nothing.
MESON_OPTS=(-Dbuildtype=debugoptimized -Db_ndebug=true -Dwerror=false)

log() { printf 'run-bench: %s\n' "$*" >&2; }

bash tools/install-deps.sh

if [ -f "$BUILD_DIR/meson-private/coredata.dat" ]; then
    meson configure "${MESON_OPTS[@]}" "$BUILD_DIR" >/dev/null
else
    log "configuring $BUILD_DIR"
    meson setup "${MESON_OPTS[@]}" "$BUILD_DIR"
fi
# Only what the benchmark runs: a test that does not build elsewhere in the
# tree must not stop it. mptcpctl and the hook are optional: when one does
# not build, its figure says "not measured" rather than timing an old binary.
log "building"
meson compile -C "$BUILD_DIR" bench/mptcp-pm-bench:executable bench/mptcp-pm-bench-floor:executable \
    bench/mptcp-pm-bench-emitter:executable bench/mptcp-pm-bench-replier:executable \
    bench/mptcp-pm-bench-minimal:executable \
    dbus/mptcp-pathmanagerd:executable
optional=()
for target in cli/mptcpctl=--mptcpctl nm-dispatcher/mptcp-pathmanager-dispatch=--hook; do
    if ! meson compile -C "$BUILD_DIR" "${target%%=*}:executable"; then
        log "${target%%=*} does not build: its figure is left out"
        optional+=("${target##*=}" "")
    fi
done

# The tests' own polkit, which can hold an answer: figure 9 needs it and
# finds it in the tree.
if ! meson compile -C "$BUILD_DIR" tests/polkit-stub:executable; then
    log "tests/polkit-stub does not build: figure 9 is left out"
fi

bench=$(cd "$BUILD_DIR" && pwd)/bench/mptcp-pm-bench
cd "$CALLER_DIR"
exec "$bench" "${optional[@]}" "$@"
