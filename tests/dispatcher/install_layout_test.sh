#!/usr/bin/env bash
# What `meson install` puts in place for the dispatcher hook, checked in a
# throwaway DESTDIR: the hook in NetworkManager's dispatcher directory with
# the mode NetworkManager demands (it skips, with only a warning in its own
# log, a script that is not root-owned, not executable by its owner, or
# writable by group or others), the conf.d drop-in that makes the hook the
# one owner of endpoints, the example configuration and the manual page.
#
# Usage (tests/dispatcher/meson.build): install_layout_test.sh MESON BUILD_DIR PREFIX
set -euo pipefail
export LC_ALL=C

MESON=$1 BUILD=$2 PREFIX=$3
# A throwaway DESTDIR, the install, and check().
source "$(dirname "$0")/../install_destdir.sh" "$MESON" "$BUILD" mptcp-install-test

ROOT=$DEST$PREFIX
HOOK=$ROOT/lib/NetworkManager/dispatcher.d/90-mptcp-pathmanager
DROPIN=$ROOT/lib/NetworkManager/conf.d/90-mptcp-pathmanager.conf
EXAMPLE=$ROOT/share/mptcp-pathmanager/dispatcher.conf.example
MAN=$ROOT/share/man/man8/mptcp-pathmanager-dispatch.8

check "the hook is a regular file in NetworkManager's dispatcher.d" test -f "$HOOK"
check "the hook's mode is 0755" test "$(stat -c %a "$HOOK")" = 755
if [ "$(id -u)" = 0 ]; then
    # meson changes the owner only when it runs as root.
    check "the hook is owned by root:root" test "$(stat -c %U:%G "$HOOK")" = root:root
fi
quietly() { "$@" >/dev/null; }
check "the hook runs (--help)" quietly "$HOOK" --help
check "the drop-in is in NetworkManager's conf.d" test -f "$DROPIN"
check "the drop-in makes connection.mptcp-flags disabled (0x1) by default" \
    awk '/^\[connection[^]]*\]$/ { in_conn = 1; next } /^\[/ { in_conn = 0 }
         in_conn && $0 == "connection.mptcp-flags=0x1" { found = 1 } END { exit !found }' "$DROPIN"
check "the example configuration is installed" test -f "$EXAMPLE"
check "the installed example is a valid configuration" quietly "$HOOK" --check-config "$EXAMPLE"
check "the manual page is installed" test -f "$MAN"

if [ "$fails" != 0 ]; then
    echo "$fails check(s) failed; installed files:"
    (cd "$DEST" && find . -path '*NetworkManager*' -o -path '*mptcp-pathmanager*' | sort)
    exit 1
fi
