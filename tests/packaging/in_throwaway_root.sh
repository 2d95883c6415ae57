#!/usr/bin/env bash
# The half of package_test.sh that runs inside `unshare --mount --net --pid
# --fork`: this process is the pid namespace's init, so every process it
# starts (the bus, the activated daemon) ends when it does, and every mount
# it makes is private to it.
#
# Environment: MAIN_DEB, COCKPIT_DEB (the packages), VERSION (theirs).
set -euo pipefail
export LC_ALL=C

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
step() { printf '== %s\n' "$*" >&2; }

# The throwaway root: the host's / as the read-only lower layer, a tmpfs as
# the upper layer that receives every change. The mount point is an empty
# directory; nothing is written to it outside this namespace.
mnt=$(mktemp -d "${TMPDIR:-/tmp}/mptcp-pkg-root.XXXXXX")
trap 'cd /; umount -R "$mnt" 2>/dev/null || true; rmdir "$mnt"' EXIT
mount -t tmpfs -o mode=0755 mptcp-pkg-test "$mnt"
mkdir "$mnt/upper" "$mnt/work" "$mnt/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$mnt/upper,workdir=$mnt/work" "$mnt/root"
root=$mnt/root
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
# A fresh /run: no socket of the host's bus, no /run/systemd/system (so the
# maintainer scripts know they are not on a running systemd machine).
mount -t tmpfs -o mode=0755 run "$root/run"
mount -t tmpfs -o mode=1777 tmp "$root/tmp"
cp "$MAIN_DEB" "$COCKPIT_DEB" "$root/tmp/"
ip link set lo up 2>/dev/null || true

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"; }

# Changes the test itself makes to the root, not the packages.
printf '#!/bin/sh\n# mptcp-pathmanager package test: no service starts here\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
rm -f "$root/var/lib/man-db/auto-update"  # no man-db index rebuild (slow, irrelevant)
own_changes='^(usr/sbin/policy-rc\.d|var/lib/man-db/auto-update)$'

step "dpkg -i"
in_root dpkg -i "/tmp/$(basename "$MAIN_DEB")" "/tmp/$(basename "$COCKPIT_DEB")" >&2 ||
    fail "dpkg -i failed"
status=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' mptcp-pathmanager cockpit-mptcp-pathmanager)
[ "$status" = "ii ii " ] || fail "after dpkg -i the packages are '$status', not installed"

step "nothing was started by the installation"
for exe in /usr/sbin/mptcp-pathmanagerd /usr/bin/dbus-daemon; do
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/exe" 2>/dev/null)" = "$root$exe" ] && fail "installing started $exe (pid ${p#/proc/})"
    done
done

step "the installed bus configuration activates the installed daemon"
mkdir -p "$root/run/dbus"
# The distribution's system bus configuration, unchanged: it reads the
# policies in /usr/share/dbus-1/system.d and activates services from
# /usr/share/dbus-1/system-services through its launch helper.
in_root dbus-daemon --system --fork --nosyslog >&2 || fail "dbus-daemon --system did not start"
bus_pid=$(cat "$root/run/dbus/pid")

PM=(org.mptcp.PathManager /org/mptcp/PathManager org.mptcp.PathManager)
call() { in_root busctl --system --timeout=20 "$@"; }
nobody_call() {
    in_root setpriv --reuid=nobody --regid=nogroup --clear-groups \
        busctl --system --timeout=20 --allow-interactive-authorization=no "$@"
}

# The first call activates the service (Exec= of the activation file).
out=$(call call "${PM[@]}" GetLimits 2>&1) || fail "GetLimits through D-Bus activation: $out"
# A fresh network namespace's limits (docs/kernel-behaviour.md §1).
[ "$out" = "uu 2 0" ] || fail "GetLimits answered '$out', expected 'uu 2 0'"
out=$(call get-property "${PM[@]}" Version 2>&1) || fail "Version: $out"
[ "$out" = "s \"$VERSION\"" ] || fail "Version is $out, the package is $VERSION"
daemon_pid=$(call call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    GetConnectionUnixProcessID s org.mptcp.PathManager | awk '{print $2}')
[ "$(readlink "/proc/$daemon_pid/exe")" = "$root/usr/sbin/mptcp-pathmanagerd" ] ||
    fail "org.mptcp.PathManager is owned by $(readlink "/proc/$daemon_pid/exe"), not the installed daemon"

# The installed policy lets an ordinary user read, and the service refuses
# that user a change (no polkit grants it here).
out=$(nobody_call call "${PM[@]}" ListEndpoints 2>&1) || fail "ListEndpoints as nobody: $out"
[ "$out" = "a(usqsas) 0" ] || fail "ListEndpoints as nobody answered '$out'"
if out=$(nobody_call call "${PM[@]}" SetLimits uu 5 5 2>&1); then
    fail "SetLimits as nobody succeeded"
fi
# root may change the configuration.
out=$(call call "${PM[@]}" SetLimits uu 3 1 2>&1) || fail "SetLimits as root: $out"
out=$(call call "${PM[@]}" GetLimits 2>&1)
[ "$out" = "uu 3 1" ] || fail "after SetLimits 3 1 as root (and refused 5 5 as nobody), GetLimits says '$out'"

# Stop what this test started (by pid) before purging, so that nothing
# writes behind dpkg's back.
polkit_pid=$(call call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    GetConnectionUnixProcessID s org.freedesktop.PolicyKit1 2>/dev/null | awk '{print $2}') || true
for pid in $daemon_pid $polkit_pid $bus_pid; do
    kill "$pid" 2>/dev/null || true
done
for pid in $daemon_pid $polkit_pid $bus_pid; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
rm -rf "$root/run/dbus"

step "dpkg --purge"
in_root dpkg --purge cockpit-mptcp-pathmanager mptcp-pathmanager >&2 || fail "dpkg --purge failed"
status=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' mptcp-pathmanager cockpit-mptcp-pathmanager 2>/dev/null || true)
[ -z "$status" ] || fail "after purge dpkg still knows the packages: '$status'"

step "purge left nothing behind"
leftovers=()
# Everything dpkg and the maintainer scripts wrote is in the upper layer.
# What may stay there: dpkg's own bookkeeping (its status database, logs,
# debconf's cache), and the test's own changes. Nothing may name the
# project; no directory the packages made may remain; no file that was
# there before may be gone (a whiteout).
cd "$mnt/upper"
while IFS= read -r -d '' path; do
    rel=${path#./}
    [ "$rel" = . ] && continue
    if [[ $rel =~ $own_changes ]]; then continue; fi
    if [ -c "$path" ] && [ "$(stat -c %t:%T "$path")" = 0:0 ]; then
        leftovers+=("removed a file of the system: /$rel")
        continue
    fi
    if [[ $rel == *mptcp* ]]; then
        leftovers+=("/$rel")
        continue
    fi
    if [ -d "$path" ]; then
        # Copied up because something inside changed, or made anew?
        [ -d "/$rel" ] || leftovers+=("/$rel/ (a directory)")
        continue
    fi
    case "$rel" in
    var/lib/dpkg/* | var/log/* | var/cache/debconf/* | var/cache/man/*) ;;
    *) leftovers+=("/$rel") ;;
    esac
done < <(find . -print0)
cd /
# /run is a tmpfs of its own: the service's state directory must be gone.
for p in "$root"/run/*; do
    [ -e "$p" ] && leftovers+=("${p#"$root"} (in /run)")
done
if [ "${#leftovers[@]}" -ne 0 ]; then
    printf '  %s\n' "${leftovers[@]}" >&2
    fail "purge left ${#leftovers[@]} thing(s) behind"
fi
printf 'installed, answered on the installed policy, purged without a trace\n' >&2
