#!/usr/bin/env bash
# run-tests.sh — the project's test command (README, .ci/run):
# install what is missing, configure ./build with warnings as errors, build,
# and run the whole test suite. Extra arguments go to `meson test`, e.g.
#   tools/run-tests.sh --suite unit
#   tools/run-tests.sh -v dbus-service
# Runs from any directory. Exit status: that of `meson test` (non-zero
# earlier if installing, configuring or building fails).
# Environment: BUILD_DIR (default: build, relative to the repository root).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build}
MESON_OPTS=(-Dwarning_level=3 -Dwerror=true)

log() { printf 'run-tests: %s\n' "$*" >&2; }

bash tools/install-deps.sh

if [ ! -f meson.build ]; then
    log "error: no meson.build in $ROOT"
    exit 1
fi

if [ -f "$BUILD_DIR/meson-private/coredata.dat" ]; then
    log "reconfiguring $BUILD_DIR"
    if ! meson setup --reconfigure "${MESON_OPTS[@]}" "$BUILD_DIR"; then
        log "reconfigure failed; wiping $BUILD_DIR and configuring again"
        meson setup --wipe "${MESON_OPTS[@]}" "$BUILD_DIR"
    fi
elif [ -e "$BUILD_DIR" ] && [ -n "$(ls -A "$BUILD_DIR" 2>/dev/null)" ]; then
    log "error: $ROOT/$BUILD_DIR exists but is not a meson build directory; remove it or set BUILD_DIR"
    exit 1
else
    log "configuring $BUILD_DIR"
    meson setup "${MESON_OPTS[@]}" "$BUILD_DIR"
fi

log "building"
meson compile -C "$BUILD_DIR"

log "testing"
testlog="$BUILD_DIR/meson-logs/testlog.json"
rm -f "$testlog"
rc=0
meson test -C "$BUILD_DIR" --print-errorlogs "$@" || rc=$?

# One plain summary line, counted from meson's own log of this run.
if [ -f "$testlog" ]; then
    python3 - "$testlog" <<'PY' || true
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        result = json.loads(line).get("result", "")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
fi
exit "$rc"
