#!/usr/bin/env bash
# install-deps.sh — install what building and testing mptcp-pathmanager needs
# on Debian 12 (bookworm). Idempotent: packages already installed are not
# touched, and when nothing is missing it neither runs apt-get nor needs root.
#
# Usage: tools/install-deps.sh          (as root when something is missing)
set -euo pipefail
export LC_ALL=C

# Debian 12 package names, grouped by what they are for.
PACKAGES=(
    # build
    meson ninja-build pkg-config g++
    libmnl-dev libsdbus-c++-dev libsdbus-c++-bin libsystemd-dev
    libglib2.0-dev libnm-dev
    # unit tests
    libgtest-dev libgmock-dev googletest
    # bus tests, kernel tests, tools/run-service.sh: private dbus-daemon,
    # dbus-send, busctl, ip, unshare/nsenter
    dbus-daemon dbus-bin systemd iproute2 util-linux
    # end-to-end test (tests/e2e): a real NetworkManager and its dispatcher,
    # run only inside the test's own namespaces (no daemon is started here)
    network-manager
    # authorization tests: polkit mocked on the private bus (Debian's python3)
    python3-dbusmock
    # the Cockpit page's browser test (tests/cockpit): Cockpit 287 serving
    # the page, a headless chromium driven by selenium through chromedriver
    cockpit-ws cockpit-bridge chromium chromium-driver python3-selenium
    # fuzzers (libFuzzer comes with clang's runtime libraries)
    clang libclang-rt-14-dev
    # formatting check
    clang-format
    # bench/callgrind-calls.sh: instructions per call (python3-dbus comes
    # with python3-dbusmock above)
    valgrind
    # Debian packages (tools/build-deb.sh, tests/packaging): the packaging
    # tools, the build dependencies debian/control adds to the above, and
    # what the Cockpit page's package depends on
    dpkg-dev debhelper lintian bash-completion cockpit-bridge
)

log() { printf 'install-deps: %s\n' "$*" >&2; }

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    log "all ${#PACKAGES[@]} packages are installed"
    exit 0
fi

log "missing: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
    log "error: installing packages needs root; run: sudo $0"
    exit 1
fi
command -v apt-get >/dev/null || { log "error: apt-get not found (this script is for Debian 12)"; exit 1; }

# No package's maintainer script may start a daemon on this machine:
# invoke-rc.d asks policy-rc.d, and exit 101 means "action forbidden".
# Create one for the duration of the install if the machine has none.
created_policy=0
cleanup() {
    if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap cleanup EXIT
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, from mptcp-pathmanager tools/install-deps.sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -q
log "apt-get install ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"

# Check the result rather than trusting the exit status alone.
still=()
for p in "${missing[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || still+=("$p")
done
if [ "${#still[@]}" -ne 0 ]; then
    log "error: still not installed: ${still[*]}"
    exit 1
fi
log "installed: ${missing[*]}"
