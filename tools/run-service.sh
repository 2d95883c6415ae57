#!/usr/bin/env bash
# run-service.sh — build mptcp-pathmanagerd and run it where it touches
# nothing of this machine, then show it working with real busctl calls.
#
#   sudo tools/run-service.sh
#
# What it sets up (all removed again when it ends):
#   * a fresh network namespace, held by a process of this script; the service
#     acts on that namespace only (its own MPTCP endpoints and limits) and a
#     veth pair mpr0/mpr1 exists in it for the `interface` arguments;
#   * a private D-Bus system bus: a dbus-daemon of its own with a config in a
#     temporary directory, listening on $DIR/system_bus_socket, whose policy is
#     the project's data/org.mptcp.PathManager.conf on top of a base policy
#     (the system bus defaults for everyone, root may do everything);
#   * mptcp-pathmanagerd inside the namespace, with DBUS_SYSTEM_BUS_ADDRESS
#     pointing at the private bus, its log in $DIR/mptcp-pathmanagerd.log.
# Then it runs a short tour of busctl calls. If stdin is a terminal, it prints
# how to talk to the service and stays up until Ctrl-C; otherwise it stops.
#
# Environment:
#   BUILD_DIR            build directory (default: build)
#   MPTCP_PATHMANAGERD   run this binary instead of building
#                        <BUILD_DIR>/dbus/mptcp-pathmanagerd
#   RUN_SERVICE_TIMEOUT  seconds to wait for the service to own its name (10)
# Exit status: 0 when the tour went as expected, 1 otherwise.
# shellcheck disable=SC2317  # cleanup/on_signal run from traps; shellcheck 0.9 sees them as unreachable
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build}
NAME=org.mptcp.PathManager
OBJ=/org/mptcp/PathManager
IFACE=org.mptcp.PathManager
POLICY=$ROOT/data/org.mptcp.PathManager.conf
TIMEOUT=${RUN_SERVICE_TIMEOUT:-10}

if [ -t 2 ]; then EB=$'\033[1m' E0=$'\033[0m'; else EB="" E0=""; fi
if [ -t 1 ]; then OB=$'\033[1m' O0=$'\033[0m'; else OB="" O0=""; fi
log() { printf '%srun-service:%s %s\n' "$EB" "$E0" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespace, CAP_NET_ADMIN): sudo $0"

# ------------------------------------------------------------ deps + build ---
bash tools/install-deps.sh
if [ -n "${MPTCP_PATHMANAGERD:-}" ]; then
    DAEMON=$(readlink -f "$MPTCP_PATHMANAGERD")
else
    [ -f meson.build ] || die "no meson.build in $ROOT"
    if [ ! -f "$BUILD_DIR/meson-private/coredata.dat" ]; then
        log "configuring $BUILD_DIR"
        meson setup -Dwarning_level=3 -Dwerror=true "$BUILD_DIR"
    fi
    log "building"
    meson compile -C "$BUILD_DIR"
    DAEMON=$ROOT/$BUILD_DIR/dbus/mptcp-pathmanagerd
fi
[ -x "$DAEMON" ] || die "$DAEMON is missing or not executable"
[ -f "$POLICY" ] || die "$POLICY is missing"
for tool in dbus-daemon busctl dbus-send ip unshare nsenter setpriv; do
    command -v "$tool" >/dev/null || die "$tool not found (tools/install-deps.sh installs it)"
done

# ------------------------------------------------------------------ cleanup ---
WORK="" HOLDER_PID="" BUS_PID="" DAEMON_PID=""
stop_pid() { # stop_pid PID NAME: SIGTERM, up to 5 s, then SIGKILL; only our own children
    local pid=$1 name=$2 _
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name ($pid) ignored SIGTERM; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM HUP
    if [ -n "$DAEMON_PID$BUS_PID$HOLDER_PID" ]; then log "stopping"; fi
    stop_pid "$DAEMON_PID" mptcp-pathmanagerd
    stop_pid "$BUS_PID" dbus-daemon
    # The namespace disappears with the last process in it: the holder.
    stop_pid "$HOLDER_PID" "namespace holder"
    if [ -n "$WORK" ]; then
        if [ "$rc" != 0 ] && [ "$waiting" != 1 ] && [ -s "$WORK/mptcp-pathmanagerd.log" ]; then
            log "last lines of the service's log:"
            tail -n 20 "$WORK/mptcp-pathmanagerd.log" >&2
        fi
        rm -rf "$WORK"
    fi
    log "cleaned up (namespace, private bus, $WORK)"
    exit "$rc"
}
on_signal() { # Ctrl-C while waiting for it is the normal end: exit with the tour's status
    if [ "$waiting" = 1 ]; then exit "$tour_rc"; fi
    exit "$1"
}
waiting=0 tour_rc=1
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM HUP

# The tour calls as nobody too, so every directory above the bus socket must
# be searchable by other users: /tmp is (1777) on most machines, but some
# sandboxes make it 0700; /run (0755) always is.
if [ "$(( $(stat -c '%#a' /tmp) & 1 ))" = 1 ]; then tmp_parent=/tmp; else tmp_parent=/run; fi
WORK=$(mktemp -d "$tmp_parent/mptcp-pathmanager-run.XXXXXX")
chmod 755 "$WORK"           # non-root users may reach the bus socket (read methods)
ADDRESS=unix:path=$WORK/system_bus_socket

# ---------------------------------------------------------------- namespace ---
# A process of ours holds a fresh network namespace; --pdeathsig makes it go
# even if this script is killed with SIGKILL. Nothing in the host's namespace
# is created or changed.
setpriv --pdeathsig TERM -- unshare --net -- sleep infinity &
HOLDER_PID=$!
NETNS=/proc/$HOLDER_PID/ns/net
HOST_NETNS=$(readlink /proc/self/ns/net)
ns_ready() { # the holder exists and is no longer in our (the host's) namespace
    local n
    n=$(readlink "$NETNS" 2>/dev/null) && [ -n "$n" ] && [ "$n" != "$HOST_NETNS" ]
}
for _ in $(seq 100); do ns_ready && break; sleep 0.05; done
ns_ready || die "could not create a network namespace (unshare --net failed?)"
IN_NS=(nsenter --net="$NETNS" --)
in_ns() { "${IN_NS[@]}" "$@"; }
in_ns ip link set lo up
in_ns ip link add mpr0 type veth peer name mpr1
in_ns ip addr add 192.0.2.1/24 dev mpr0
in_ns ip addr add 2001:db8::1/64 dev mpr0 nodad
in_ns ip addr add 192.0.2.2/24 dev mpr1
in_ns ip link set mpr0 up
in_ns ip link set mpr1 up
log "network namespace $(readlink "$NETNS") held by pid $HOLDER_PID (links: lo, veth mpr0 192.0.2.1 2001:db8::1, veth mpr1 192.0.2.2)"

# -------------------------------------------------------------- private bus ---
cat >"$WORK/system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- Private system bus of tools/run-service.sh (no servicehelper, no
     activation): the system bus defaults, root may do everything, and the
     project's own policy for $NAME. -->
<busconfig>
  <type>system</type>
  <listen>$ADDRESS</listen>
  <auth>EXTERNAL</auth>
  <include>$ROOT/tools/private-bus-defaults.conf</include>
  <policy user="root">
    <allow own="*"/>
    <allow send_destination="*"/>
  </policy>
  <include>$POLICY</include>
</busconfig>
EOF
setpriv --pdeathsig TERM -- dbus-daemon --config-file="$WORK/system.conf" --nofork --nopidfile --nosyslog \
    >"$WORK/dbus-daemon.log" 2>&1 &
BUS_PID=$!
bus_up=0
for _ in $(seq 100); do
    if busctl --address="$ADDRESS" call org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus GetId >/dev/null 2>&1; then bus_up=1; break; fi
    kill -0 "$BUS_PID" 2>/dev/null || break
    sleep 0.05
done
if [ "$bus_up" != 1 ]; then
    cat "$WORK/dbus-daemon.log" >&2
    die "the private dbus-daemon did not come up"
fi
log "private system bus: $ADDRESS (dbus-daemon pid $BUS_PID)"

# ------------------------------------------------------------------ service ---
DBUS_SYSTEM_BUS_ADDRESS=$ADDRESS setpriv --pdeathsig TERM -- \
    nsenter --net="$NETNS" -- "$DAEMON" --state-file="$WORK/managed.state" >"$WORK/mptcp-pathmanagerd.log" 2>&1 &
DAEMON_PID=$!
owned=0
deadline=$((SECONDS + TIMEOUT))
while [ "$SECONDS" -le "$deadline" ]; do
    if busctl --address="$ADDRESS" call org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus NameHasOwner s "$NAME" 2>/dev/null | grep -qx 'b true'; then
        owned=1; break
    fi
    if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
        rc=0; wait "$DAEMON_PID" || rc=$?
        DAEMON_PID=""
        die "mptcp-pathmanagerd exited with status $rc before owning $NAME"
    fi
    sleep 0.05
done
[ "$owned" = 1 ] || die "mptcp-pathmanagerd did not own $NAME within ${TIMEOUT}s"
log "mptcp-pathmanagerd (pid $DAEMON_PID) owns $NAME"

# --------------------------------------------------------------------- tour ---
unexpected=0
show_cmd() { # print a command as one could paste it (with BUS set as printed)
    local out="" a
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then out+=" $a"; else out+=" $(printf '%q' "$a")"; fi
    done
    out=${out//"$ADDRESS"/\$BUS}
    printf '\n%s$%s%s\n' "$OB" "$out" "$O0"
}
step() { # step ok|fail CMD...: run CMD, show its output; count unexpected outcomes
    local want=$1 rc=0; shift
    show_cmd "$@"
    "$@" 2>&1 || rc=$?
    if [ "$want" = ok ] && [ "$rc" != 0 ]; then
        printf '  -> UNEXPECTED: failed with status %s\n' "$rc"; unexpected=$((unexpected + 1))
    elif [ "$want" = fail ] && [ "$rc" = 0 ]; then
        printf '  -> UNEXPECTED: should have been refused\n'; unexpected=$((unexpected + 1))
    fi
}
B=(busctl --address="$ADDRESS")
C=("${B[@]}" call "$NAME" "$OBJ" "$IFACE")
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

printf '\n=== A tour of %s: busctl calls to the service, which works on its own network namespace ===\n' "$NAME"
printf 'BUS=%s\n' "$ADDRESS"
step ok "${B[@]}" introspect "$NAME" "$OBJ" "$IFACE"
step ok "${B[@]}" get-property "$NAME" "$OBJ" "$IFACE" Version Enabled
step ok "${C[@]}" GetLimits
step ok "${C[@]}" SetLimits uu 4 4
step ok "${B[@]}" get-property "$NAME" "$OBJ" "$IFACE" SubflowsLimit AddAddrAcceptedLimit
step ok "${C[@]}" AddEndpoint sqsuas 192.0.2.1 0 mpr0 0 1 subflow
step ok "${C[@]}" AddEndpoint sqsuas 2001:db8::1 0 mpr0 0 2 signal backup
step ok "${C[@]}" AddEndpoint sqsuas 192.0.2.2 8080 "" 10 1 signal
step ok "${C[@]}" ListEndpoints
step ok "${C[@]}" ChangeEndpoint usqas 0 192.0.2.1 0 1 backup
step ok "${C[@]}" GetEndpoint u 10
step ok "${C[@]}" DeleteEndpoint us 10 ""
printf '\n# What the kernel itself says, inside the namespace:\n'
step ok "${IN_NS[@]}" ip mptcp endpoint show
step ok "${IN_NS[@]}" ip mptcp limits show
step ok "${B[@]}" set-property "$NAME" "$OBJ" "$IFACE" SubflowsLimit u 2
step ok "${C[@]}" GetLimits
printf '\n# Refused calls. busctl prints the message; dbus-send also prints the error name.\n'
step fail "${C[@]}" AddEndpoint sqsuas 192.0.2.20 0 "" 0 2 signal fullmesh
step fail env DBUS_SYSTEM_BUS_ADDRESS="$ADDRESS" dbus-send --system --print-reply --dest="$NAME" \
    "$OBJ" "$IFACE.AddEndpoint" string:not-an-address uint16:0 string: uint32:0 array:string:subflow
step fail env DBUS_SYSTEM_BUS_ADDRESS="$ADDRESS" dbus-send --system --print-reply --dest="$NAME" \
    "$OBJ" "$IFACE.GetEndpoint" uint32:99
printf '\n# As an unprivileged user (uid 65534): reading works, changing is refused.\n'
step ok "${NOBODY[@]}" "${C[@]}" ListEndpoints
step fail "${NOBODY[@]}" "${C[@]}" FlushEndpoints
step ok "${C[@]}" FlushEndpoints
step ok "${C[@]}" ListEndpoints

printf '\n'
if [ "$unexpected" = 0 ]; then
    tour_rc=0
    log "tour done: every call behaved as expected"
else
    log "tour done: $unexpected call(s) did not behave as expected"
fi

if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
    rc=0; wait "$DAEMON_PID" || rc=$?
    DAEMON_PID=""
    die "mptcp-pathmanagerd exited during the tour (status $rc)"
fi

# -------------------------------------------------------------- interactive ---
if [ -t 0 ]; then
    cat <<EOF

The service keeps running until you press Ctrl-C. From another shell (as root,
or as any user for the read methods):

  export DBUS_SYSTEM_BUS_ADDRESS=$ADDRESS
  busctl --system call $NAME $OBJ $IFACE ListEndpoints
  busctl --system call $NAME $OBJ $IFACE AddEndpoint sqsuas 192.0.2.3 0 mpr1 0 1 subflow
  busctl --system monitor $NAME

The kernel's view of the service's namespace:
  nsenter --net=$NETNS ip mptcp endpoint show
The service's log:
  tail -f $WORK/mptcp-pathmanagerd.log
EOF
    # Wait for Ctrl-C (the INT trap exits through cleanup) or for the service to end.
    waiting=1
    rc=0; wait "$DAEMON_PID" || rc=$?
    waiting=0 DAEMON_PID=""
    die "mptcp-pathmanagerd exited (status $rc)"
fi

exit "$tour_rc"
