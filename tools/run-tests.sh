#!/usr/bin/env bash
# run-tests.sh — the project's test command (README, .ci/run):
# install what is missing, configure ./build with warnings as errors, build,
# and run the whole test suite. Extra arguments go to `meson test`, e.g.
#   tools/run-tests.sh --suite unit
#   tools/run-tests.sh -v dbus-service
# Runs from any directory. Exit status: that of `meson test` (non-zero
# earlier if installing, configuring or building fails).
# Environment: BUILD_DIR (default: build, relative to the repository root).
#
# A full run (no extra arguments) then runs the suite twice more:
#   - the whole suite again under AddressSanitizer and UndefinedBehavior-
#     Sanitizer (gcc, -Db_sanitize=address,undefined), in ASAN_BUILD_DIR
#     (default build-asan); any report fails the run;
#   - the libFuzzer targets (clang, -Dfuzzing=true), a short run of each
#     from its seed corpus, in FUZZ_BUILD_DIR (default build-fuzz).
# SANITIZERS=0 skips both.
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
testlogs=("$testlog")

# configure DIR [meson options...]: set up or reconfigure a build directory.
configure() {
    local dir=$1
    shift
    if [ -f "$dir/meson-private/coredata.dat" ]; then
        meson setup --reconfigure "$@" "$dir" >/dev/null || meson setup --wipe "$@" "$dir"
    else
        meson setup "$@" "$dir"
    fi
}

if [ "$#" -eq 0 ] && [ "${SANITIZERS:-1}" != 0 ]; then
    ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
    FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}

    log "the whole suite again under ASan+UBSan ($ASAN_BUILD_DIR)"
    # -O0 (buildtype debug): with the sanitizers, -O2 compiles 8 times slower
    # (90 s instead of 12 s for one bus test file) and the tests need no speed.
    configure "$ASAN_BUILD_DIR" "${MESON_OPTS[@]}" -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
    meson compile -C "$ASAN_BUILD_DIR"
    rm -f "$ASAN_BUILD_DIR/meson-logs/testlog.json"
    # A sanitizer report fails the test that caused it, in every process
    # the tests start (the daemon inherits these too).
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:halt_on_error=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
        meson test -C "$ASAN_BUILD_DIR" --print-errorlogs --timeout-multiplier 3 || rc=1
    testlogs+=("$ASAN_BUILD_DIR/meson-logs/testlog.json")

    log "libFuzzer targets, a short run of each ($FUZZ_BUILD_DIR)"
    CXX=clang++ configure "$FUZZ_BUILD_DIR" "${MESON_OPTS[@]}" -Dfuzzing=true
    meson compile -C "$FUZZ_BUILD_DIR" fuzzers
    rm -f "$FUZZ_BUILD_DIR/meson-logs/testlog.json"
    meson test -C "$FUZZ_BUILD_DIR" --no-rebuild --suite fuzz --print-errorlogs || rc=1
    testlogs+=("$FUZZ_BUILD_DIR/meson-logs/testlog.json")
fi

# One plain summary line, counted from meson's own logs of this run.
python3 - "${testlogs[@]}" <<'PY' || true
import json, os, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    with open(path) as f:
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
exit "$rc"
