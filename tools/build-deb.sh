#!/usr/bin/env bash
# build-deb.sh — build the Debian packages (debian/) from a clean copy of the
# repository and check them with lintian.
#
# Usage: tools/build-deb.sh [--worktree] [OUTPUT_DIR]
#   OUTPUT_DIR   where the .deb, .buildinfo and .changes files go
#                (default: build-deb/ in the repository)
#   --worktree   build the files of the working tree that git tracks or would
#                add (not ignored), uncommitted changes included (the
#                packaging test does);
#                default: a clean clone of HEAD
#
# Steps: a clean copy in OUTPUT_DIR/.work (removed at the end); `apt-get build-dep ./` there
# when a build dependency is missing (needs root); `dpkg-buildpackage -us
# -uc -b`; lintian, which fails the script on any error or warning that
# debian/*.lintian-overrides does not explain.
# Environment: DEB_BUILD_OPTIONS (default "nocheck parallel=2").
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
log() { printf 'build-deb: %s\n' "$*" >&2; }

source=head
out=
for arg in "$@"; do
    case "$arg" in
    --worktree) source=worktree ;;
    -h | --help)
        sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    -*)
        log "error: unknown option $arg"
        exit 2
        ;;
    *) out=$arg ;;
    esac
done
out=${out:-$ROOT/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The tools the build itself needs before build-dep can run.
need=()
for p in dpkg-dev lintian; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || need+=("$p")
done
if [ "${#need[@]}" -ne 0 ]; then
    log "error: missing ${need[*]}; run: sudo tools/install-deps.sh"
    exit 1
fi

# A fixed place inside OUTPUT_DIR (not a random name): the compiler cache
# then finds the objects of the previous build.
work=$out/.work
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
src=$work/mptcp-pathmanager

if [ "$source" = head ]; then
    log "clean clone of HEAD ($(git -C "$ROOT" rev-parse --short HEAD))"
    git clone --quiet --no-local --no-hardlinks "$ROOT" "$src"
else
    log "the working tree (tracked and not ignored files)"
    mkdir -p "$src"
    # Tracked files that exist (a deletion not yet committed stays deleted).
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf -) | tar -xf - -C "$src"
fi

cd "$src"
if ! dpkg-checkbuilddeps 2>/dev/null; then
    if [ "$(id -u)" != 0 ]; then
        log "error: build dependencies missing (dpkg-checkbuilddeps); run as root or: sudo apt-get build-dep ./"
        dpkg-checkbuilddeps || true
        exit 1
    fi
    log "apt-get build-dep ./"
    DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q ./ >&2
fi

log "dpkg-buildpackage -us -uc -b"
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck parallel=2}
dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1 || {
    tail -n 60 "$work/build.log" >&2
    log "error: dpkg-buildpackage failed"
    exit 1
}

changes=$(ls "$work"/*.changes)
log "lintian $(basename "$changes")"
# Errors and warnings fail; an overridden tag is listed only with --show-overrides.
if ! lintian --fail-on error,warning --tag-display-limit 0 "$changes" >&2; then
    log "error: lintian reported errors or warnings"
    exit 1
fi

for f in "$work"/*.deb "$work"/*.buildinfo "$changes"; do
    cp "$f" "$out/"
done
log "packages in $out:"
(cd "$out" && ls -1 ./*.deb) >&2
