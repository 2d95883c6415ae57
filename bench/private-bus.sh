# private-bus.sh — sourced by the benchmark's shell tools
# (callgrind-calls.sh, sched-trace.sh) inside their network namespace.
# start_private_bus DIR starts a dbus-daemon of the system bus's type
# listening on DIR/bus, with the system bus's default rules, root allowed
# to own and call any name, and the project's policy as installed
# (data/org.mptcp.PathManager.conf); its output goes to DIR/bus.log. It
# sets BUS to the daemon's pid, exports DBUS_SYSTEM_BUS_ADDRESS, and
# returns once the socket is there. Needs ROOT (the repository).
start_private_bus() {
    local dir=$1
    cat >"$dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <include>$ROOT/tools/private-bus-defaults.conf</include>
  <policy user="root"><allow own="*"/><allow send_destination="*"/></policy>
  <include>$ROOT/data/org.mptcp.PathManager.conf</include>
</busconfig>
CONF
    dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile >"$dir/bus.log" 2>&1 &
    BUS=$!
    export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/bus
    local _
    for _ in $(seq 100); do
        [ -S "$dir/bus" ] && return 0
        sleep 0.05
    done
    echo "private-bus: no bus socket at $dir/bus after 5 s (see $dir/bus.log)" >&2
    kill "$BUS" 2>/dev/null || true
    return 1
}
