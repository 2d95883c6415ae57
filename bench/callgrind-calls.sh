#!/usr/bin/env bash
# callgrind-calls.sh — the instructions mptcp-pathmanagerd itself executes
# per method call, counted by valgrind's callgrind: unlike a clock, the
# count does not change with the machine's load, so it tells whether a
# change made the daemon's own work smaller even while other programs
# compete for the CPUs. (The benchmark's ratios still need a quiet machine.)
#
#   sudo bench/callgrind-calls.sh [CALLS [CONNECTIONS]]   (default 300, 1000)
#
# In a network namespace of its own (unshare -n) with 8 endpoints, a
# private dbus-daemon, and the daemon under callgrind: first with no calls
# (the baseline: start-up and shutdown), then once per method with CALLS
# calls; the same for the benchmark's floor service and its
# empty call. Prints instructions per call = (run - baseline) / CALLS, the
# daemon's beyond the floor's empty call (its own work plus the kernel
# request's user-space side), and leaves the callgrind files in the printed directory for
# `callgrind_annotate --inclusive=yes FILE`.
# AddEndpoint is counted with the DeleteEndpoint that makes room again.
# ListConnections is counted with 100 and with 1000 loopback MPTCP
# connections held open (both ends listed: 200 and 2000 entries), over
# LIST_CALLS calls (default 20), beside the same reply from the
# benchmark's mptcp-pm-bench-replier (plain sd-bus, no kernel work): the
# cost of that reply by itself. Likewise beneath ListEndpoints, SetLimits and
# AddEndpoint: the replier's same reply, and its empty call that sends the
# same signal before its reply (the benchmark's reference rows).
# Then the same per kernel event, in a burst of CONNECTIONS loopback
# connections (tests/mptcp-burst) read by `mptcpctl monitor`.
# Environment: BUILD_DIR (default: build): the daemon and the floor service
# of that tree (build-bench is the benchmark's optimized one).
set -euo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
DAEMON=$BUILD_DIR/dbus/mptcp-pathmanagerd
FLOOR=$BUILD_DIR/bench/mptcp-pm-bench-floor
REPLIER=$BUILD_DIR/bench/mptcp-pm-bench-replier
CALLS=${1:-300}
EVENTS_CONNECTIONS=${2:-1000}
[ "$(id -u)" = 0 ] || { echo "callgrind-calls: must run as root (network namespace)" >&2; exit 1; }
for p in "$DAEMON" "$FLOOR"; do
    [ -x "$p" ] || { echo "callgrind-calls: no $p (build it first)" >&2; exit 1; }
done
command -v valgrind >/dev/null || { echo "callgrind-calls: valgrind is not installed" >&2; exit 1; }

OUT=$(mktemp -d /tmp/callgrind-calls.XXXXXX)
LIST_CALLS=${LIST_CALLS:-20}
export ROOT DAEMON FLOOR REPLIER CALLS LIST_CALLS OUT BUILD_DIR EVENTS_CONNECTIONS
exec unshare -n bash -c '
set -euo pipefail
ip link set lo up
for i in 1 2 3 4 5 6 7 8; do ip mptcp endpoint add 10.0.8.$i id $i dev lo subflow; done
. "$ROOT/bench/private-bus.sh"
start_private_bus "$OUT"
trap "kill \$BUS 2>/dev/null || true" EXIT

# The calls come from one client connection that stays (python3-dbus), as
# in the benchmark: a client per call would add a NameOwnerChanged from the
# bus for every call to the count.
cat >"$OUT/client.py" <<PY
import os, sys, time, dbus
name, path, iface, method = sys.argv[1:5]
bus = dbus.bus.BusConnection(os.environ["DBUS_SYSTEM_BUS_ADDRESS"])
for _ in range(400):
    if bus.name_has_owner(name):
        break
    time.sleep(0.05)
def call(member, sig="", args=()):
    bus.call_blocking(name, path, iface, member, sig, args)
calls = int(os.environ.get("METHOD_CALLS", os.environ["CALLS"]))
for i in range(calls if method != "-" else 0):
    if method == "List":
        call(method, "u", (int(os.environ["ENTRIES"]),))
    elif method == "GetEndpoint":
        call(method, "u", (3,))
    elif method == "SetLimits":
        call(method, "uu", (2 + i % 2, 2 + i % 2))  # every call changes them
    elif method == "AddEndpoint":
        call(method, "sqsuas", ("10.0.9.1", 0, "lo", 100, ["subflow"]))
        call("DeleteEndpoint", "us", (100, ""))
    else:
        call(method)
PY

# One program under callgrind per method: $1 = label, $2 = bus name,
# $3 = path, $4 = interface, $5 = the program, $6 = the method ("-": none).
measure() {
    local label=$1 name=$2 path=$3 iface=$4 prog=$5 method=${6:--}
    local argv=("$prog")
    [ "$prog" = "$DAEMON" ] && argv+=(--state-file="$OUT/state")
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$label.out" "${argv[@]}" 2>"$OUT/$label.log" &
    local pid=$!
    /usr/bin/python3 "$OUT/client.py" "$name" "$path" "$iface" "$method"
    kill -TERM $pid; wait $pid || true
    grep -m1 "^summary:" "$OUT/$label.out" | cut -d" " -f2
}
D=(org.mptcp.PathManager /org/mptcp/PathManager org.mptcp.PathManager "$DAEMON")
F=(org.mptcp.BenchFloor /org/mptcp/BenchFloor org.mptcp.BenchFloor "$FLOOR")
# Per call: (run with CALLS calls - run with none) / CALLS, the same
# program, the same start-up and shutdown.
perCall() { echo $(( ($1 - $2) / CALLS )); }
floorBase=$(measure floor-baseline "${F[@]}")
floor=$(perCall "$(measure floor-Ping "${F[@]}" Ping)" "$floorBase")
base=$(measure baseline "${D[@]}")
printf "%-28s %14s %14s\n" "call" "instructions" "beyond floor"
printf "%-28s %14d\n" "floor: empty call" "$floor"
row() {
    local label=$1; shift
    local n; n=$(perCall "$(measure "$label" "${D[@]}" "$@")" "$base")
    printf "%-28s %14d %14d\n" "$label" "$n" $((n - floor))
}
# The reference rows of the benchmark'"'"'s figure 1, from the replier (plain
# sd-bus, no kernel work), beneath the daemon'"'"'s row each stands beside: the
# same reply, or an empty call that sends the same signal before its reply.
R=(org.mptcp.BenchReplier /org/mptcp/BenchReplier org.mptcp.BenchReplier "$REPLIER")
if [ -x "$REPLIER" ]; then replierBase=$(measure replier-baseline "${R[@]}"); fi
refRow() {
    [ -x "$REPLIER" ] || return 0
    local n; n=$(perCall "$(measure "replier-$2" "${R[@]}" "$2")" "$replierBase")
    printf "%-28s %14d %14d\n" "  $1" "$n" $((n - floor))
}
refRow "replier: empty call" Ping
row GetEndpoint GetEndpoint
row ListEndpoints-8 ListEndpoints
refRow "same reply, no kernel" ListEndpoints
row GetLimits GetLimits
row SetLimits SetLimits
refRow "empty call + signal" AnnounceLimits
ip mptcp endpoint delete id 8  # room for the added one (the benchmark has 7 then too)
row AddEndpoint AddEndpoint
refRow "empty call + signal" AnnounceEndpoints

# ListConnections: $1 connections held open by a small python program (both
# ends in this namespace), LIST_CALLS calls, against the same baseline (the
# daemon reads no connection at start-up). Then the replier, asked for as
# many entries, against its own baseline.
cat >"$OUT/hold.py" <<PY
import socket, sys, time
n = int(sys.argv[1])
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)  # IPPROTO_MPTCP
listener.bind(("127.0.0.1", 0))
listener.listen(4096)
kept = []
for _ in range(n):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    c.connect(listener.getsockname())
    s, _ = listener.accept()
    kept += [c, s]
open(sys.argv[2], "w").close()
time.sleep(3600)
PY
C=(org.mptcp.PathManager /org/mptcp/PathManager org.mptcp.PathManager.Connections "$DAEMON")
ulimit -n 8192
for n in 100 1000; do
    rm -f "$OUT/held"
    /usr/bin/python3 "$OUT/hold.py" $n "$OUT/held" & holder=$!
    for _ in $(seq 600); do [ -e "$OUT/held" ] && break; sleep 0.05; done
    export METHOD_CALLS=$LIST_CALLS ENTRIES=$((2 * n))
    run=$(measure ListConnections-$n "${C[@]}" ListConnections)
    printf "%-28s %14d %14d
" "ListConnections-$((2 * n))" $(( (run - base) / LIST_CALLS )) \
        $(( (run - base) / LIST_CALLS - floor ))
    if [ -x "$REPLIER" ]; then
        run=$(measure replier-$n "${R[@]}" List)
        printf "%-28s %14d %14d
" "  same reply, no kernel" $(( (run - replierBase) / LIST_CALLS )) \
            $(( (run - replierBase) / LIST_CALLS - floor ))
    fi
    unset METHOD_CALLS ENTRIES
    kill $holder; wait $holder 2>/dev/null || true
done

# Events: a loopback burst of $EVENTS_CONNECTIONS MPTCP connections (6
# kernel events each) while `mptcpctl monitor` (batched) reads them,
# against the same run with no burst. Per event = (run - baseline) / the
# kernel events that mptcp-burst counted with a listener of its own.
# (mptcpd is not counted this way: slowed down by callgrind it overruns its
# socket and, as it does, stops reading. The benchmark compares CPU time.)
BURST=$BUILD_DIR/tests/mptcp-burst
[ -x "$BURST" ] || BURST=$ROOT/build/tests/mptcp-burst
MPTCPCTL=$BUILD_DIR/cli/mptcpctl
if [ ! -x "$BURST" ] || [ ! -x "$MPTCPCTL" ]; then
    echo "events: not measured (needs tests/mptcp-burst and cli/mptcpctl, in $BUILD_DIR or build)"
    echo "callgrind files: $OUT"
    exit 0
fi
ip mptcp endpoint flush
# $1 = label, $2 = 1 for a burst. Prints "instructions kernel-events".
monitored() {
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$1.out" "$DAEMON" --state-file="$OUT/state" \
        2>"$OUT/$1.log" &
    local pid=$! events=0
    /usr/bin/python3 "$OUT/client.py" "${D[@]:0:3}" -  # waits for the name
    "$MPTCPCTL" monitor >/dev/null & local monitor=$!
    sleep 2
    if [ "$2" = 1 ]; then
        events=$("$BURST" -n "$EVENTS_CONNECTIONS" -j 2 --count-events | tr " " "\n" | sed -n "s/^events=//p")
    fi
    sleep 2
    kill -INT $monitor; wait $monitor || true
    kill -TERM $pid; wait $pid || true
    echo "$(grep -m1 "^summary:" "$OUT/$1.out" | cut -d" " -f2) $events"
}
base=$(monitored events-baseline 0)
run=$(monitored events-burst 1)
set -- $run $base
printf "%-28s %14d  (%s kernel events)\n" "event, mptcpctl monitor" $(( ($1 - $3) / ($2 > 0 ? $2 : 1) )) "$2"
echo "callgrind files: $OUT"
'
