#!/usr/bin/env bash
# What `meson install` puts in place for settings tools, checked in a
# throwaway DESTDIR: the Cockpit page where Cockpit finds packages, with
# nothing fetched from elsewhere; the introspection XML of EVERY interface
# in dbus/ (a new dbus/org.mptcp.PathManager*.xml must be added to the
# install list in dbus/meson.build: meson has no glob); mptcpctl's profile
# helper where mptcpctl looks for it; the desktop launcher.
#
# Usage (tests/cockpit/meson.build):
#   install_layout_test.sh MESON BUILD_DIR PREFIX SOURCE_DIR BINDIR LIBEXECDIR
set -euo pipefail
export LC_ALL=C

MESON=$1 BUILD=$2 PREFIX=$3 SOURCE=$4 BINDIR=$5 LIBEXECDIR=$6
# A throwaway DESTDIR, the install, and check().
source "$(dirname "$0")/../install_destdir.sh" "$MESON" "$BUILD" mptcp-settings-install-test
ROOT=$DEST$PREFIX
PAGE=$ROOT/share/cockpit/mptcp-pathmanager

for f in manifest.json index.html mptcp.js mptcp.css; do
    check "the page's $f is installed" test -f "$PAGE/$f"
done
check "the manifest is JSON and puts the page in the menu as MPTCP" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if m["menu"]["index"]["label"] == "MPTCP" else 1)' "$PAGE/manifest.json"
check "the page loads Cockpit's own cockpit.js" grep -qF '<script src="../base1/cockpit.js"></script>' "$PAGE/index.html"
no_remote() { ! grep -nE '(src|href)="(https?:)?//|url\((https?:)?//|import .*https?://' "$PAGE"/*; }
check "nothing of the page comes from the network (no CDN)" no_remote

for xml in "$SOURCE"/dbus/org.mptcp.PathManager*.xml; do
    name=$(basename "$xml")
    check "the introspection XML $name is installed under dbus-1/interfaces" \
        cmp -s "$xml" "$ROOT/share/dbus-1/interfaces/$name"
done

HELPER=$ROOT/$LIBEXECDIR/mptcpctl-profile
check "mptcpctl-profile is installed in libexecdir, executable" test -x "$HELPER"
check "the installed mptcpctl runs the helper from where it is installed" \
    grep -qaF "$PREFIX/$LIBEXECDIR/mptcpctl-profile" "$ROOT/$BINDIR/mptcpctl"
check "the helper answers (its usage)" sh -c "'$HELPER' help | grep -q 'mptcpctl profile set PROFILE'"

DESKTOP=$ROOT/share/applications/mptcp-pathmanager-cockpit.desktop
check "the desktop launcher is installed" test -f "$DESKTOP"
check "it opens the page with cockpit-desktop" grep -qE '^Exec=/\S*/cockpit-desktop mptcp-pathmanager$' "$DESKTOP"
check "it is hidden where cockpit-desktop is missing (TryExec)" grep -qE '^TryExec=/\S*/cockpit-desktop$' "$DESKTOP"

if [ "$fails" != 0 ]; then
    echo "$fails check(s) failed; installed files:"
    (cd "$DEST" && find . -type f | sort)
    exit 1
fi
echo "all checks passed"
