#!/usr/bin/env bash
# package_test.sh — the Debian packages, as an administrator meets them:
#   1. tools/build-deb.sh builds them from the source tree (a clean copy,
#      dpkg-buildpackage -us -uc -b) and lintian finds no error and no
#      warning that debian/ does not explain;
#   2. they install with dpkg, in a throwaway root, with a policy-rc.d that
#      forbids starting services;
#   3. a system bus started from the installed bus configuration activates
#      the installed daemon through the installed activation file and
#      policy, and the daemon answers: reads for everyone, a change refused
#      to an ordinary user;
#   4. dpkg --purge leaves no file and no directory behind, and removes no
#      file that was there before.
#
# The throwaway root: a new mount, network and pid namespace; an overlay
# whose lower layer is the host's root (read-only to us) and whose upper
# layer is a tmpfs, so every file dpkg writes lands in the tmpfs and is
# gone when the test ends. /run, /tmp, /proc and /dev are fresh or bound
# inside it; the host's bus, systemd and network are never reached.
#
# Usage: package_test.sh SOURCE_ROOT WORK_DIR
# Exit status: 0 pass, 1 fail, 77 skip (not root, no namespaces or overlay,
# packaging tools missing); under CI=true a skip is a failure.
set -euo pipefail
export LC_ALL=C

SOURCE_ROOT=$(cd "$1" && pwd)
WORK=$2

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
skip() {
    if [ "${CI:-}" = true ]; then fail "cannot run under CI: $*"; fi
    printf 'SKIP: %s\n' "$*" >&2
    exit 77
}
step() { printf '== %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || skip "needs root (namespaces, dpkg in a throwaway root)"
for tool in unshare dpkg-buildpackage lintian chroot; do
    command -v "$tool" >/dev/null || skip "$tool is missing (tools/install-deps.sh installs it)"
done
grep -qw overlay /proc/filesystems || skip "no overlay file system"

step "building the packages (tools/build-deb.sh --worktree)"
debs=$WORK/debs
rm -rf "$debs"
"$SOURCE_ROOT/tools/build-deb.sh" --worktree "$debs" || fail "tools/build-deb.sh failed"
version=$(dpkg-parsechangelog -l "$SOURCE_ROOT/debian/changelog" -S Version)
main_deb=$(ls "$debs"/mptcp-pathmanager_"$version"_*.deb)
cockpit_deb=$(ls "$debs"/cockpit-mptcp-pathmanager_"$version"_all.deb)

step "what the packages hold"
contents=$(dpkg-deb -c "$main_deb" | awk '{print $6}' | sed 's|^\./|/|')
for path in /usr/sbin/mptcp-pathmanagerd /usr/bin/mptcpctl \
    /usr/lib/NetworkManager/dispatcher.d/90-mptcp-pathmanager \
    /usr/lib/NetworkManager/conf.d/90-mptcp-pathmanager.conf \
    /usr/share/dbus-1/system.d/org.mptcp.PathManager.conf \
    /usr/share/dbus-1/system-services/org.mptcp.PathManager.service \
    /usr/share/polkit-1/actions/org.mptcp.PathManager.policy \
    /lib/systemd/system/mptcp-pathmanager.service \
    /usr/share/man/man8/mptcp-pathmanagerd.8.gz; do
    grep -qx "$path" <<<"$contents" || fail "$(basename "$main_deb") lacks $path"
done
if grep -q '^/usr/share/cockpit/' <<<"$contents"; then
    fail "the Cockpit page belongs in cockpit-mptcp-pathmanager, not in $(basename "$main_deb")"
fi
# The page is in the package once the source tree has it.
if [ -d "$SOURCE_ROOT/data/cockpit" ]; then
    cockpit_contents=$(dpkg-deb -c "$cockpit_deb")
    grep -q '/usr/share/cockpit/mptcp-pathmanager/manifest.json$' <<<"$cockpit_contents" ||
        fail "data/cockpit/ exists but $(basename "$cockpit_deb") has no usr/share/cockpit/mptcp-pathmanager/manifest.json"
fi
hook_mode=$(dpkg-deb -c "$main_deb" | awk '$6 == "./usr/lib/NetworkManager/dispatcher.d/90-mptcp-pathmanager" {print $1 " " $2}')
[ "$hook_mode" = "-rwxr-xr-x root/root" ] || fail "the hook is '$hook_mode', NetworkManager runs only -rwxr-xr-x root/root"

step "installing, using and purging them in a throwaway root"
export MAIN_DEB=$main_deb COCKPIT_DEB=$cockpit_deb VERSION=$version
unshare --mount --net --pid --fork --mount-proc --propagation private \
    bash "$SOURCE_ROOT/tests/packaging/in_throwaway_root.sh" || fail "see above"
printf 'PASS\n' >&2
