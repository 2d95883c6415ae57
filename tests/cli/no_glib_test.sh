#!/bin/sh
# mptcpctl must not load libnm or GLib (its profile command execs the
# helper mptcpctl-profile instead): they would add their start-up cost to
# every endpoint, limits and monitor command. Also: the helper does use
# libnm, so that this test is not vacuous about the ldd output.
set -eu
mptcpctl=$1 helper=$2
libs=$(ldd "$mptcpctl")
echo "$libs"
if echo "$libs" | grep -E 'lib(nm|glib-2\.0|gio-2\.0|gobject-2\.0)\.so'; then
    echo "FAIL: $mptcpctl links the libraries above"
    exit 1
fi
ldd "$helper" | grep -q 'libnm\.so' || { echo "FAIL: $helper does not link libnm (ldd broken?)"; exit 1; }
echo "PASS: mptcpctl links neither libnm nor GLib"
