#!/usr/bin/env bash
# sched-trace.sh — where a pinned call's time goes, process by process,
# from the kernel's scheduler tracepoint (sched_switch): the benchmark's
# figure 1 says how long a call takes, this says who ran and how often the
# CPU changed hands meanwhile (docs/performance.md, "Where the rest goes").
#
#   sudo bench/sched-trace.sh [CALLS]   (default 5000; the add rows a
#                                        twentieth of it, each an add and
#                                        its delete, which waits for RCU)
#
# In a network namespace of its own (unshare -n) with the benchmark's 8
# endpoints and a private dbus-daemon, it starts the daemon, the minimal
# service (bench/minimal_service.cpp: the same kernel request in a plain
# handler) and the replier (bench/reply_service.cpp: the same reply, no
# kernel work), pins them, the bus and the client to one CPU, and for each
# row makes CALLS calls from one client connection
# (mptcp-pm-bench-call-loop) while a private trace instance records every
# context switch on that CPU. Per call it prints: the wall time; the CPU
# time of the client, the bus and the service; the context switches; and
# how often the service was switched out while still runnable (preempted,
# prev_state R), which a service that makes a kernel request in its
# handler is far more often than one that does not.
# Needs tracefs (/sys/kernel/tracing); the trace instance it makes is its
# own and is removed at the end, so another tracer's setup is left alone.
# It builds the four programs it runs in BUILD_DIR, a tree that
# bench/run-bench.sh has configured.
# Environment: BUILD_DIR (default build-bench), PIN_CPU (default the last).
set -euo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build-bench}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
DAEMON=$BUILD_DIR/dbus/mptcp-pathmanagerd
MINIMAL=$BUILD_DIR/bench/mptcp-pm-bench-minimal
REPLIER=$BUILD_DIR/bench/mptcp-pm-bench-replier
LOOP=$BUILD_DIR/bench/mptcp-pm-bench-call-loop
CALLS=${1:-5000}
CPU=${PIN_CPU:-$(($(nproc) - 1))}
TRACEFS=/sys/kernel/tracing

fail() { echo "sched-trace: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "must run as root (network namespace, tracefs)"
case $CALLS in '' | *[!0-9]* | 0) fail "CALLS must be a positive number, not \"$CALLS\"" ;; esac
case $CPU in '' | *[!0-9]*) fail "PIN_CPU must be a CPU number, not \"$CPU\"" ;; esac
[ -d "/sys/devices/system/cpu/cpu$CPU" ] || fail "PIN_CPU=$CPU: no such CPU on this machine"
[ -f "$BUILD_DIR/build.ninja" ] || fail "no meson tree at $BUILD_DIR (sudo bench/run-bench.sh makes build-bench)"
# What it runs, brought up to date (quietly: a second's work when nothing changed).
meson compile -C "$BUILD_DIR" dbus/mptcp-pathmanagerd:executable bench/mptcp-pm-bench-minimal:executable \
    bench/mptcp-pm-bench-replier:executable bench/mptcp-pm-bench-call-loop:executable >/dev/null ||
    fail "cannot build its programs in $BUILD_DIR (meson compile -C $BUILD_DIR shows why)"
[ -d "$TRACEFS/instances" ] || fail "no tracefs at $TRACEFS (mount -t tracefs nodev $TRACEFS)"

OUT=$(mktemp -d /tmp/sched-trace.XXXXXX)
INSTANCE=$TRACEFS/instances/mptcp-pm-sched-trace.$$
mkdir "$INSTANCE"
trap 'echo 0 > "$INSTANCE/tracing_on" 2>/dev/null || true; rmdir "$INSTANCE" 2>/dev/null || true' EXIT
# The CPU's bit, in the kernel's mask format: 32-bit hex words, the
# highest first, separated by commas.
mask=$(printf '%x' $((1 << (CPU % 32))))
for ((word = 0; word < CPU / 32; word++)); do mask+=",00000000"; done
echo "$mask" >"$INSTANCE/tracing_cpumask"
echo 16384 >"$INSTANCE/buffer_size_kb"
echo 0 >"$INSTANCE/tracing_on"
echo 1 >"$INSTANCE/events/sched/sched_switch/enable"

# Per call, from one row's trace: wall, CPU time of client, bus and
# service, switches, and the service's preemptions.
cat >"$OUT/per-call.py" <<'PY'
import re, sys
path, calls = sys.argv[1], int(sys.argv[2])
client, bus, service = (int(p) for p in sys.argv[3:6])
switch = re.compile(r" (\d+\.\d+): sched_switch: prev_comm=.* prev_pid=(\d+) prev_prio=\d+ "
                    r"prev_state=(\S+) ==> next_comm=.* next_pid=(\d+)")
ran, since, first, last, switches, preempted = {}, None, None, None, 0, 0
for line in open(path):
    m = switch.search(line)
    if not m:
        continue
    t, prev, state = float(m.group(1)), int(m.group(2)), m.group(3)
    if since is not None:
        ran[prev] = ran.get(prev, 0.0) + t - since
    since, last = t, t
    first = t if first is None else first
    switches += 1
    preempted += prev == service and state.startswith("R")
if first is None:
    sys.exit("sched-trace: the trace holds no context switch")
us = lambda seconds: seconds / calls * 1e6
print("%9.1f %9.1f %9.1f %9.1f %9.2f %10.2f" % (us(last - first), us(ran.get(client, 0)), us(ran.get(bus, 0)),
                                               us(ran.get(service, 0)), switches / calls, preempted / calls))
PY

export ROOT DAEMON MINIMAL REPLIER LOOP CALLS CPU OUT INSTANCE
# shellcheck disable=SC2016  # the namespace script expands its own variables
unshare -n bash -c '
set -euo pipefail
ip link set lo up
# The table of the benchmark (bench/endpoint_table.cpp).
for i in 1 2 3 4; do ip mptcp endpoint add 10.0.0.$i id $i dev lo subflow; done
for i in 5 6 7 8; do ip mptcp endpoint add 2001:db8::$i id $i dev lo subflow; done
pids=()
trap "kill \${pids[*]} 2>/dev/null || true" EXIT
. "$ROOT/bench/private-bus.sh"
start_private_bus "$OUT"
pids+=($BUS)
"$DAEMON" --state-file="$OUT/state" 2>"$OUT/daemon.log" & DAEMON_PID=$!; pids+=($DAEMON_PID)
"$MINIMAL" 2>"$OUT/minimal.log" & MINIMAL_PID=$!; pids+=($MINIMAL_PID)
"$REPLIER" 2>"$OUT/replier.log" & REPLIER_PID=$!; pids+=($REPLIER_PID)
owned() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q "boolean true"
}
for name in org.mptcp.PathManager org.mptcp.BenchMinimal org.mptcp.BenchReplier; do
    for _ in $(seq 200); do owned $name && break; sleep 0.05; done
    owned $name || { echo "sched-trace: $name did not come on the bus (logs in $OUT)" >&2; exit 1; }
done
for pid in $BUS $DAEMON_PID $MINIMAL_PID $REPLIER_PID; do taskset -pc "$CPU" "$pid" >/dev/null; done

printf "%-34s %9s %9s %9s %9s %9s %10s\n" "per call, all on CPU $CPU" "wall us" "client us" "bus us" \
    "service us" "switches" "preempted"
# $1 label, $2 the pid of the service, $3 calls, $4.. name path interface method
row() {
    local label=$1 service=$2 calls=$3; shift 3
    taskset -c "$CPU" "$LOOP" "$@" $((calls / 10 + 1))  # warm up, untraced
    echo >"$INSTANCE/trace"
    echo 1 >"$INSTANCE/tracing_on"
    taskset -c "$CPU" "$LOOP" "$@" "$calls" & local client=$!
    wait $client
    echo 0 >"$INSTANCE/tracing_on"
    cat "$INSTANCE/trace" >"$OUT/$label.trace"
    printf "%-34s " "$label"
    python3 "$OUT/per-call.py" "$OUT/$label.trace" "$calls" $client $BUS $service
}
D=(org.mptcp.PathManager /org/mptcp/PathManager org.mptcp.PathManager)
M=(org.mptcp.BenchMinimal /org/mptcp/BenchMinimal org.mptcp.BenchMinimal)
R=(org.mptcp.BenchReplier /org/mptcp/BenchReplier org.mptcp.BenchReplier)
ADDS=$((CALLS / 20 + 1))
row "replier: empty call, no kernel" $REPLIER_PID "$CALLS" "${R[@]}" Ping
row "minimal: GetEndpoint" $MINIMAL_PID "$CALLS" "${M[@]}" GetEndpoint
row "daemon: GetEndpoint" $DAEMON_PID "$CALLS" "${D[@]}" GetEndpoint
row "replier: same list, no kernel" $REPLIER_PID "$CALLS" "${R[@]}" ListEndpoints
row "minimal: ListEndpoints (8)" $MINIMAL_PID "$CALLS" "${M[@]}" ListEndpoints
row "daemon: ListEndpoints (8)" $DAEMON_PID "$CALLS" "${D[@]}" ListEndpoints
row "minimal: GetLimits" $MINIMAL_PID "$CALLS" "${M[@]}" GetLimits
row "daemon: GetLimits" $DAEMON_PID "$CALLS" "${D[@]}" GetLimits
row "replier: signal + reply, no kernel" $REPLIER_PID "$CALLS" "${R[@]}" AnnounceLimits
row "minimal: SetLimits" $MINIMAL_PID "$CALLS" "${M[@]}" SetLimits
row "daemon: SetLimits" $DAEMON_PID "$CALLS" "${D[@]}" SetLimits
# The kernel holds 8 endpoints at most: room for the add, as in figure 1.
ip mptcp endpoint delete id 8
row "minimal: AddEndpoint + delete" $MINIMAL_PID "$ADDS" "${M[@]}" AddEndpoint
row "daemon: AddEndpoint + delete" $DAEMON_PID "$ADDS" "${D[@]}" AddEndpoint
'
echo "traces: $OUT"
