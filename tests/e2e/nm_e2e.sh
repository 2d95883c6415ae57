#!/usr/bin/env bash
# nm_e2e.sh - end to end: a real NetworkManager and its real dispatcher run
# the project's real hook (nm-dispatcher/), which calls the real service
# (mptcp-pathmanagerd), which configures the real kernel's MPTCP endpoints.
# Run by `meson test --suite e2e` (tests/e2e/meson.build sets the paths).
#
# Nothing of the host is touched. Everything runs in namespaces of this
# test's own: two network namespaces held by `sleep` processes of ours (the
# NetworkManager side with veth nm0, the peer side with nm0p; the host never
# sees either end), and for NetworkManager, its dispatcher, dbus-daemon and
# the service a private mount, UTS and pid namespace (when its init exits,
# the kernel ends whatever is left in it). In the private mount namespace:
#   - /sys is a fresh read-only sysfs of the test's netns: NetworkManager
#     1.42 uses udev only when /sys is writable, and without a running udevd
#     every link would stay unmanaged ("platform-init");
#   - tmpfs over /run, /etc/NetworkManager, /var/lib/NetworkManager and
#     NetworkManager's /usr/lib directories, private copies over
#     /etc/resolv.conf and /etc/hostname (dns=none anyway);
#   - a private system bus at /run/dbus/system_bus_socket (the standard
#     address, which the hook finds without help) with the project's bus
#     policy, activating nm-dispatcher and the BUILT daemon.
# The hook is installed as /usr/lib/NetworkManager/dispatcher.d/
# 90-mptcp-pathmanager with mode 0755, root-owned, like `meson install`
# does, next to the project's conf.d drop-in.
#
# Scenarios (docs/hook.md):
#   1. a veth profile with IPv4 and IPv6 and default routes: subflow
#      endpoints for both addresses (IPv6 once DAD is over); running the
#      hook again changes nothing;
#   2. new addresses + `nmcli device reapply`: the endpoints move;
#   3. down: they are removed, and ReleaseOwner(uuid) releases the
#      connection's other interfaces (lo stands in for a modem's);
#   4. a profile with user data mptcp-pathmanager.flags gets those flags
#      (which also shows NetworkManager added none of its own: the drop-in);
#   5. a profile with its own connection.mptcp-flags is left to
#      NetworkManager: its endpoints, once each, also after a reapply;
#   7. `mptcpctl profile set` stores a profile's flags through libnm (the
#      keyfile has them), reapplies it and the hook changes the endpoints;
#      `default` removes them; an unknown profile is an error (run before 6);
#   8. the same through the Cockpit page's control in a headless chromium
#      (tests/cockpit/page_test.py --profiles; run before 6);
#   6. the service stopped and not activatable: the hook says so and exits
#      0 at once (the bus answers ServiceUnknown; no timeout);
#   and an endpoint an administrator added without a device survives it all.
#
# Exit status: 0 pass, 1 fail, 77 skip (not root, no NetworkManager, no
# namespaces, no MPTCP); under CI=true a skip is a failure.
set -Eeuo pipefail
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

SELF=$(readlink -f "${BASH_SOURCE[0]}")
IFACE=nm0
PEER_IFACE=nm0p
V4=10.77.0.1 V4_NEW=10.77.0.11 V4_PEER=10.77.0.2 V4_GW=10.77.0.254
V6=2001:db8:77::1 V6_NEW=2001:db8:77::11 V6_PEER=2001:db8:77::2 V6_GW=2001:db8:77::fe
ADMIN_ADDR=198.51.100.7 ADMIN_ID=77
UUID_DEFAULT=6d0c5a52-3f6e-4a7e-8f1b-6a7e2f9c0d01
UUID_USER=6d0c5a52-3f6e-4a7e-8f1b-6a7e2f9c0d02
UUID_NM=6d0c5a52-3f6e-4a7e-8f1b-6a7e2f9c0d03
HOOK_INSTALLED=/usr/lib/NetworkManager/dispatcher.d/90-mptcp-pathmanager
PM=(org.mptcp.PathManager /org/mptcp/PathManager org.mptcp.PathManager)
# Bounded waits: generous for a loaded 2-core CI machine; a pass takes far less.
WAIT=${MPTCP_E2E_WAIT:-15}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*"; }

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}

###############################################################################
# Inner part: pid 1 of a private pid namespace, in the test's netns, with a
# private mount and UTS namespace. Invoked as: $SELF __inner WORKDIR
###############################################################################
inner_main() {
    local W=$1
    local fails=0 checks=0 BUS_PID="" NM_PID=""
    local BUSLOG=$W/dbus-daemon.log NMLOG=$W/NetworkManager.log

    # The guards come before anything is mounted: this part covers /run and
    # NetworkManager's directories and must never run in the host's namespaces.
    if [ "$$" != 1 ] || [ -z "${E2E_HOST_NETNS:-}" ] || [ -z "${E2E_HOST_MNTNS:-}" ] ||
        [ "$(readlink /proc/self/ns/net)" = "$E2E_HOST_NETNS" ] ||
        [ "$(readlink /proc/self/ns/mnt)" = "$E2E_HOST_MNTNS" ]; then
        log "refusing: not inside the private namespaces the outer part sets up"
        exit 3
    fi
    local links
    links=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')
    if [ "$links" != "lo $IFACE " ]; then
        log "unexpected links in the test's netns: '$links'; refusing to start NetworkManager"
        exit 3
    fi

    check() { # check NAME CMD...: one assertion
        local name=$1
        shift
        checks=$((checks + 1))
        echo "--- $name" >>"$W/checks.out"
        if "$@" >>"$W/checks.out" 2>&1; then
            log "PASS $name"
        else
            log "FAIL $name"
            fails=$((fails + 1))
        fi
    }
    stop_pid() { # stop_pid PID: SIGTERM, up to 5 s, then SIGKILL (only processes of this test)
        local pid=$1 _
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    }
    inner_cleanup() {
        stop_pid "$NM_PID"
        # Everything in this pid namespace was started by this test (the bus
        # activated nm-dispatcher and the service): stop them by PID.
        local p exe
        for p in /proc/[0-9]*; do
            p=${p#/proc/}
            exe=$(readlink "/proc/$p/exe" 2>/dev/null) || continue
            case $exe in
                */nm-dispatcher | */mptcp-pathmanagerd) stop_pid "$p" ;;
            esac
        done
        stop_pid "$BUS_PID"
    }
    trap inner_cleanup EXIT

    # ----------------------------------------------------- private filesystem
    mount -t sysfs -o ro,nosuid,nodev,noexec e2e-sysfs /sys
    local f d
    for f in resolv.conf hostname; do
        if [ -e "/etc/$f" ]; then
            cp "/etc/$f" "$W/etc-$f"
            mount --bind "$W/etc-$f" "/etc/$f"
        fi
    done
    mount -t tmpfs -o mode=755 e2e-run /run
    mkdir -p /run/dbus /run/NetworkManager
    # (Never mkdir a mount point: the mount table is private, the disk is the host's.)
    for d in /etc/NetworkManager /var/lib/NetworkManager /usr/lib/NetworkManager/conf.d \
        /usr/lib/NetworkManager/dispatcher.d /usr/lib/NetworkManager/system-connections; do
        mount -t tmpfs -o mode=755 e2e-nm "$d"
    done
    chmod 700 /var/lib/NetworkManager
    # A configuration of the host's own must not change the hook's decisions.
    d=$(dirname "$MPTCP_DISPATCHER_CONF")
    if [ -d "$d" ]; then mount -t tmpfs -o mode=755 e2e-conf "$d"; fi
    mkdir -p /etc/NetworkManager/conf.d /etc/NetworkManager/system-connections \
        /etc/NetworkManager/dispatcher.d /usr/lib/NetworkManager/dispatcher.d/{pre-up.d,pre-down.d,no-wait.d}

    # The project's files, where `meson install --prefix=/usr` puts them, with
    # the mode NetworkManager demands of a dispatcher script.
    install -m 755 -o root -g root "$MPTCP_DISPATCH_HOOK" "$HOOK_INSTALLED"
    install -m 644 -o root -g root "$MPTCP_NM_DROPIN" /usr/lib/NetworkManager/conf.d/90-mptcp-pathmanager.conf

    # A recorder that runs before the hook: argv and environment of every
    # event, so that the hook can be run again by hand exactly as
    # NetworkManager ran it.
    mkdir -p "$W/events"
    printf '%s\n' '#!/bin/sh' \
        "n=\$(ls '$W/events' | wc -l)" \
        "export -p >\"$W/events/\$(printf %03d \"\$n\")-\$1-\$2.env\"" \
        'exit 0' >/etc/NetworkManager/dispatcher.d/10-record
    chmod 755 /etc/NetworkManager/dispatcher.d/10-record

    # --------------------------------------------------------- private bus
    mkdir -p "$W/services"
    printf '%s\n' '[D-BUS Service]' 'Name=org.freedesktop.nm_dispatcher' \
        'Exec=/usr/lib/NetworkManager/nm-dispatcher --debug' 'User=root' \
        >"$W/services/org.freedesktop.nm_dispatcher.service"
    printf '%s\n' '[D-BUS Service]' 'Name=org.mptcp.PathManager' "Exec=$MPTCP_PATHMANAGERD" 'User=root' \
        >"$W/services/org.mptcp.PathManager.service"
    # The system bus defaults, root may do everything, and the project's policy.
    # No <servicehelper>: the bus (root) starts activated services itself.
    cat >"$W/bus.conf" <<END_OF_BUS_CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$W/services</servicedir>
  <include>$MPTCP_TEST_BUS_DEFAULTS</include>
  <policy user="root">
    <allow own="*"/>
    <allow send_destination="*"/>
  </policy>
  <include>$MPTCP_TEST_POLICY</include>
</busconfig>
END_OF_BUS_CONF
    export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
    dbus-daemon --config-file="$W/bus.conf" --nofork --nopidfile --nosyslog >"$BUSLOG" 2>&1 &
    BUS_PID=$!
    wait_for 10 dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetId || {
        log "the private dbus-daemon did not come up"
        cat "$BUSLOG"
        exit 4
    }

    # ------------------------------------------------------ NetworkManager
    cat >/etc/NetworkManager/NetworkManager.conf <<END_OF_NM_CONF
[main]
plugins=keyfile
dns=none
rc-manager=unmanaged
systemd-resolved=false
hostname-mode=none
auth-polkit=false
no-auto-default=*
dhcp=internal

[keyfile]
path=/etc/NetworkManager/system-connections
unmanaged-devices=except:interface-name:$IFACE

[device-e2e]
match-device=interface-name:$IFACE
managed=1

[connectivity]
enabled=false

[logging]
level=INFO
END_OF_NM_CONF
    profile() { # profile ID UUID [EXTRA-CONNECTION-LINE] [EXTRA-SECTION]
        local file=/etc/NetworkManager/system-connections/$1.nmconnection
        cat >"$file" <<END_OF_PROFILE
[connection]
id=$1
uuid=$2
type=ethernet
interface-name=$IFACE
autoconnect=false
${3:-}

[ethernet]

[ipv4]
method=manual
address1=$V4/24
gateway=$V4_GW

[ipv6]
method=manual
address1=$V6/64
gateway=$V6_GW
addr-gen-mode=eui64

${4:-}
END_OF_PROFILE
        chmod 600 "$file"
    }
    profile mp-default "$UUID_DEFAULT"
    profile mp-userdata "$UUID_USER" "" "$(printf '[user]\nmptcp-pathmanager.flags=subflow,backup')"
    profile mp-nmowned "$UUID_NM" "mptcp-flags=32"

    # The administrator's endpoint: no device; nobody may touch it.
    ip mptcp endpoint add "$ADMIN_ADDR" id "$ADMIN_ID" subflow

    NetworkManager --debug --pid-file=/run/NetworkManager/NetworkManager.pid >"$NMLOG" 2>&1 &
    NM_PID=$!
    wait_for 30 nm-online -s -q -t 1 || {
        log "NetworkManager did not finish starting"
        tail -30 "$NMLOG"
        exit 5
    }
    wait_for 10 sh -c "nmcli -t -f DEVICE,STATE device | grep -qx '$IFACE:disconnected'" || {
        log "$IFACE is not managed by NetworkManager:"
        nmcli device status
        exit 5
    }

    # ------------------------------------------------------------ helpers
    # The endpoint table, read once per check: `ip ... | grep -q` would let
    # ip die of SIGPIPE, which pipefail turns into a failed (or, negated, a
    # passed) check.
    eps() { ip mptcp endpoint show; }
    eps_match() { # eps_match ERE: some endpoint line matches
        local table
        table=$(eps) && printf '%s\n' "$table" && grep -qE "$1" <<<"$table"
    }
    eps_none() { # eps_none ERE: the table was read and no line matches
        local table
        table=$(eps) || return 1
        printf '%s\n' "$table"
        ! grep -qE "$1" <<<"$table"
    }
    # has_ep ADDR "FLAGS": exactly one endpoint for ADDR, with exactly these flags, on nm0.
    has_ep() {
        local table
        table=$(eps) || return 1
        printf '%s\n' "$table"
        [ "$(grep -cE "^$1 " <<<"$table")" = 1 ] && grep -qE "^$1 id [0-9]+ $2 dev $IFACE *\$" <<<"$table"
    }
    no_ep() { eps_none "^$1 "; }
    none_on_iface() { eps_none " dev $IFACE *\$"; }
    admin_ep_intact() { eps_match "^$ADMIN_ADDR id $ADMIN_ID subflow *\$"; }
    no_link_local() { eps_none '^fe80:'; }
    managed() { busctl --system call "${PM[@]}" ListManagedInterfaces; }
    is_managed_with() { # is_managed_with "FLAGS-AS-BUSCTL-PRINTS-THEM" OWNER
        local out
        out=$(managed) && echo "$out" && [[ $out == *"\"$IFACE\" $1 "* ]] && [[ $out == *"\"owner\" s \"$2\""* ]]
    }
    managed_has() { # managed_has TEXT: ListManagedInterfaces' output contains TEXT
        local out
        out=$(managed) && echo "$out" && [[ $out == *"$1"* ]]
    }
    not_managed() { # not_managed [NAME]: NAME (default $IFACE) is not in ListManagedInterfaces
        local out
        out=$(managed) && echo "$out" && [[ $out != *"\"${1:-$IFACE}\""* ]]
    }
    hook_said() { grep -qF "mptcp-pathmanager-dispatch: $1" "$BUSLOG"; }
    # nm-dispatcher --debug logs each run of a script as "complete", or
    # "complete: failed with ..." for a non-zero exit or a signal.
    hook_never_failed() {
        grep -qF "\"$HOOK_INSTALLED\": complete" "$BUSLOG" &&
            ! grep -F "\"$HOOK_INSTALLED\": complete: failed" "$BUSLOG" &&
            ! grep -F "Cannot execute '$HOOK_INSTALLED'" "$BUSLOG"
    }
    last_env() { ls "$W/events/"*"-$IFACE-$1.env" 2>/dev/null | tail -1; }
    # run_hook_again ACTION: the hook as NetworkManager ran it for the last
    # ACTION event (argv, environment); its exit status is the function's,
    # its stderr goes to $W/replay.out.
    run_hook_again() {
        local envfile
        envfile=$(last_env "$1")
        [ -n "$envfile" ] || return 1
        env -i /bin/sh -c '. "$1"; exec "$2" "$3" "$4"' replay "$envfile" "$HOOK_INSTALLED" "$IFACE" "$1" \
            2>"$W/replay.out"
    }
    up() { nmcli -w 30 connection up "$1"; }
    down() { nmcli -w 30 connection down "$1"; }

    check "the hook is installed root-owned, 0755" sh -c "[ \"\$(stat -c '%U %a' $HOOK_INSTALLED)\" = 'root 755' ]"
    check "net.mptcp.enabled is 1 in the test's namespace" grep -qx 1 /proc/sys/net/mptcp/enabled

    # ----------------------------------------- 1. default profile, v4 + v6
    log "scenario 1: mp-default up (IPv4 + IPv6, default routes, no flags of its own)"
    check "mp-default activates" up mp-default
    check "the hook reported its decision" wait_for $WAIT hook_said \
        "$IFACE up (connection \"mp-default\"): managed with flags subflow (built-in for device type \"ethernet\")"
    check "IPv4 subflow endpoint on $IFACE" wait_for $WAIT has_ep "$V4" subflow
    check "IPv6 subflow endpoint on $IFACE (after DAD)" wait_for $WAIT has_ep "$V6" subflow
    check "no endpoint for the link-local address" no_link_local
    check "ListManagedInterfaces: $IFACE, subflow, owner = the profile's uuid" \
        is_managed_with '1 "subflow"' "$UUID_DEFAULT"
    check "... with source = the hook's reason and transient = true" managed_has \
        '"source" s "built-in for device type \"ethernet\"" "transient" b true'
    eps >"$W/eps.before"
    check "running the hook again for 'up' exits 0" run_hook_again up
    check "... and changes nothing (same endpoints, same ids)" sh -c "ip mptcp endpoint show | diff -u '$W/eps.before' -"
    check "the administrator's endpoint is intact" admin_ep_intact

    # ------------------------------------------ 2. new addresses, reapply
    log "scenario 2: new addresses + nmcli device reapply"
    check "modify mp-default's addresses" nmcli connection modify mp-default \
        ipv4.addresses "$V4_NEW/24" ipv6.addresses "$V6_NEW/64"
    check "reapply" nmcli device reapply "$IFACE"
    check "IPv4 endpoint moved to $V4_NEW" wait_for $WAIT has_ep "$V4_NEW" subflow
    check "IPv6 endpoint moved to $V6_NEW" wait_for $WAIT has_ep "$V6_NEW" subflow
    check "no endpoint left for $V4" wait_for $WAIT no_ep "$V4"
    check "no endpoint left for $V6" wait_for $WAIT no_ep "$V6"
    check "the administrator's endpoint is intact" admin_ep_intact

    # -------------------------------------------------------------- 3. down
    log "scenario 3: mp-default down"
    # A modem's `down` may name another interface than its `up` did; the
    # owner ties them. Here lo stands for that other interface: managed
    # under the profile's uuid, it must be released by ReleaseOwner.
    check "lo managed under mp-default's uuid" busctl --system call "${PM[@]}" ManageInterface 'sasa{sv}' \
        lo 1 subflow 1 owner s "$UUID_DEFAULT"
    check "mp-default deactivates" down mp-default
    check "the hook released lo by the owner" wait_for $WAIT hook_said \
        "$IFACE down (connection \"mp-default\"): released lo too (the same connection)"
    check "lo is no longer managed" not_managed lo
    check "the hook released $IFACE" wait_for $WAIT hook_said "$IFACE down (connection \"mp-default\"): released"
    check "no endpoint left on $IFACE" wait_for $WAIT none_on_iface
    check "$IFACE is no longer managed" not_managed
    check "the administrator's endpoint is intact" admin_ep_intact

    # -------------------------------------------------------- 4. user data
    log "scenario 4: mp-userdata (user data mptcp-pathmanager.flags=subflow,backup)"
    check "mp-userdata activates" up mp-userdata
    check "the hook took the flags from the user data" wait_for $WAIT hook_said \
        "$IFACE up (connection \"mp-userdata\"): managed with flags subflow,backup (from the connection's user data"
    # NetworkManager's own endpoint would be plain "subflow" (its default with
    # a default route), and would have won the address: the drop-in works.
    check "IPv4 endpoint with subflow backup" wait_for $WAIT has_ep "$V4" "subflow backup"
    check "IPv6 endpoint with subflow backup" wait_for $WAIT has_ep "$V6" "subflow backup"
    check "ListManagedInterfaces shows subflow,backup" is_managed_with '2 "subflow" "backup"' "$UUID_USER"
    check "mp-userdata deactivates" down mp-userdata
    check "no endpoint left on $IFACE" wait_for $WAIT none_on_iface

    # ------------------------------------------- 5. NetworkManager's own
    log "scenario 5: mp-nmowned (connection.mptcp-flags=subflow): NetworkManager's"
    check "mp-nmowned has connection.mptcp-flags subflow (0x20)" \
        sh -c "nmcli -g connection.mptcp-flags connection show mp-nmowned | tee /dev/stderr | grep -qxE '0x20|subflow'"
    check "mp-nmowned activates" up mp-nmowned
    check "the hook left it to NetworkManager" wait_for $WAIT hook_said \
        "$IFACE up (connection \"mp-nmowned\"): left to NetworkManager: the profile sets connection.mptcp-flags=0x20"
    check "NetworkManager's IPv4 endpoint, once" wait_for $WAIT has_ep "$V4" subflow
    check "NetworkManager's IPv6 endpoint, once" wait_for $WAIT has_ep "$V6" subflow
    check "the service does not manage $IFACE" not_managed
    check "reapply" nmcli device reapply "$IFACE"
    check "the hook left it to NetworkManager again" wait_for $WAIT hook_said \
        "$IFACE reapply (connection \"mp-nmowned\"): left to NetworkManager"
    check "still one IPv4 endpoint" has_ep "$V4" subflow
    check "still one IPv6 endpoint" has_ep "$V6" subflow
    check "mp-nmowned deactivates" down mp-nmowned
    check "NetworkManager removed its endpoints" wait_for $WAIT none_on_iface
    check "the administrator's endpoint is intact" admin_ep_intact

    # ------------------------------------- 7. mptcpctl profile (libnm)
    # (Before 6, which takes the service away.) mp-default has had V4_NEW
    # and V6_NEW since scenario 2.
    log "scenario 7: mptcpctl profile set/show/default on the active mp-default"
    local keyfile=/etc/NetworkManager/system-connections/mp-default.nmconnection
    check "mp-default activates" up mp-default
    check "built-in subflow endpoint for $V4_NEW" wait_for $WAIT has_ep "$V4_NEW" subflow
    check "profile show: no flags stored, the hook's built-in decision" sh -c \
        "'$MPTCPCTL' -j profile show mp-default | tee /dev/stderr | grep -qF '\"flags\":\"default\",\"decision\":\"manage\",\"decided-flags\":\"subflow\",\"reason\":\"built-in for device type'"
    check "profile set mp-default subflow backup: saved and reapplied on $IFACE" sh -c \
        "'$MPTCPCTL' profile set mp-default subflow backup | tee /dev/stderr | grep -qx 'mp-default: flags subflow,backup saved; reapplied on $IFACE'"
    check "the keyfile has the user data" sh -c "cat '$keyfile' >&2; grep -qx 'mptcp-pathmanager.flags=subflow,backup' '$keyfile'"
    check "the hook ran on the reapply and took the user data" wait_for $WAIT hook_said \
        "$IFACE reapply (connection \"mp-default\"): managed with flags subflow,backup (from the connection's user data"
    check "IPv4 endpoint now subflow backup" wait_for $WAIT has_ep "$V4_NEW" "subflow backup"
    check "IPv6 endpoint now subflow backup" wait_for $WAIT has_ep "$V6_NEW" "subflow backup"
    check "profile show: the stored flags, from the user data" sh -c \
        "'$MPTCPCTL' -j profile show $UUID_DEFAULT | tee /dev/stderr | grep -qF '\"flags\":\"subflow,backup\",\"decision\":\"manage\",\"decided-flags\":\"subflow,backup\",\"reason\":\"from the connection'\"'\"'s user data'"
    check "profile show (text) names the device and the decision" sh -c \
        "'$MPTCPCTL' profile show mp-default | tee /dev/stderr | grep -qx '  the hook:  manage with subflow,backup' && \
         '$MPTCPCTL' profile show | grep -qx '  device:    $IFACE (active)'"
    check "profile set mp-default default: saved and reapplied" sh -c \
        "'$MPTCPCTL' profile set mp-default default | tee /dev/stderr | grep -qx 'mp-default: flags default saved; reapplied on $IFACE'"
    check "the keyfile no longer has the key" sh -c "cat '$keyfile' >&2; ! grep -q 'mptcp-pathmanager.flags' '$keyfile'"
    check "IPv4 endpoint back to the built-in subflow" wait_for $WAIT has_ep "$V4_NEW" subflow
    check "IPv6 endpoint back to the built-in subflow" wait_for $WAIT has_ep "$V6_NEW" subflow
    check "profile set of an unknown profile: a clear error, status 2" sh -c \
        "rc=0; '$MPTCPCTL' profile set no-such-profile subflow 2>'$W/unknown.err' || rc=\$?; cat '$W/unknown.err' >&2; \
         [ \$rc = 2 ] && grep -qF 'no connection profile has the id or uuid \"no-such-profile\"' '$W/unknown.err'"
    check "profile show of an unknown profile: the same error, status 2" sh -c \
        "rc=0; '$MPTCPCTL' profile show no-such-profile 2>/dev/null || rc=\$?; [ \$rc = 2 ]"
    check "bad flags are refused before NetworkManager is asked (status 255)" sh -c \
        "rc=0; '$MPTCPCTL' profile set mp-default signal fullmesh 2>/dev/null || rc=\$?; [ \$rc = 255 ] && ! grep -q mptcp-pathmanager '$keyfile'"
    check "mp-default deactivates" down mp-default
    check "no endpoint left on $IFACE" wait_for $WAIT none_on_iface

    # ------------------------------- 8. the Cockpit page's profile control
    log "scenario 8: the Cockpit page sets mp-default's flags (cockpit-ws + headless chromium)"
    if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import selenium' 2>/dev/null &&
        command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v cockpit-bridge >/dev/null; then
        local took="$IFACE reapply (connection \"mp-default\"): managed with flags subflow,backup (from the connection's user data"
        took_count() { grep -cF "mptcp-pathmanager-dispatch: $took" "$BUSLOG" || true; }
        local took_before
        took_before=$(took_count)
        took_more() { [ "$(took_count)" -gt "$took_before" ]; }
        check "mp-default activates" up mp-default
        check "built-in subflow endpoint for $V4_NEW" wait_for $WAIT has_ep "$V4_NEW" subflow
        check "the page's profile control: set, default, refused (see its lines above)" \
            /usr/bin/python3 "$MPTCP_COCKPIT_PAGE_TEST" --profiles "$keyfile" "$V4_NEW" "$IFACE"
        sed -n '/^--- the page.s profile control/,/^---/p' "$W/checks.out" | sed 's/^/    /'
        check "the hook took the page's flags on a reapply of its own" took_more
        check "mp-default deactivates" down mp-default
        check "no endpoint left on $IFACE" wait_for $WAIT none_on_iface
    elif [ "${CI:-}" = true ]; then
        check "chromium, chromedriver, cockpit and python3-selenium are installed (CI)" false
    else
        log "SKIP scenario 8: chromium, chromedriver, cockpit-bridge or python3-selenium missing"
    fi

    # ----------------------------------- 6. the service gone for good
    log "scenario 6: the service stopped and not activatable"
    rm -f "$W/services/org.mptcp.PathManager.service"
    dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.ReloadConfig >/dev/null
    local pm_pid
    pm_pid=$(busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
        GetConnectionUnixProcessID s org.mptcp.PathManager 2>/dev/null | awk '{print $2}') || true
    if [ -n "$pm_pid" ]; then stop_pid "$pm_pid"; fi
    check "org.mptcp.PathManager has no owner" sh -c "busctl --system call org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus NameHasOwner s org.mptcp.PathManager | grep -qx 'b false'"
    check "mp-default activates without the service" up mp-default
    check "the hook said the service is not there" wait_for $WAIT hook_said \
        "$IFACE up (connection \"mp-default\"): org.mptcp.PathManager is not available (org.freedesktop.DBus.Error.ServiceUnknown"
    check "running the hook again exits 0" run_hook_again up
    check "... at once: the bus refused (ServiceUnknown), no timeout" grep -q 'Error.ServiceUnknown' "$W/replay.out"
    check "no endpoint on $IFACE" none_on_iface
    check "mp-default deactivates" down mp-default
    check "the hook said so on down too" wait_for $WAIT hook_said \
        "$IFACE down (connection \"mp-default\"): org.mptcp.PathManager is not available"

    # -------------------------------------------------------------- always
    check "NetworkManager never saw the hook fail" hook_never_failed
    check "the administrator's endpoint survived everything" admin_ep_intact

    log "$checks checks, $fails failed"
    if [ "$fails" != 0 ]; then
        log "endpoints now:"
        eps | sed 's/^/    /'
        log "output of the checks:"
        sed 's/^/    /' "$W/checks.out" | tail -60
        log "the hook's lines:"
        grep 'mptcp-pathmanager-dispatch:' "$BUSLOG" | sed 's/^/    /'
        log "bus log (nm-dispatcher --debug, the hook, the service), last lines:"
        grep -vE 'Failed to set fd limit|cross-namespace EXTERNAL' "$BUSLOG" | sed 's/^/    /' | tail -60
        log "NetworkManager log (last lines):"
        sed 's/^/    /' "$NMLOG" | tail -40
        exit 1
    fi
    log "the hook's lines:"
    grep 'mptcp-pathmanager-dispatch:' "$BUSLOG" | sed 's/^/    /'
    exit 0
}

if [ "${1:-}" = __inner ]; then
    inner_main "$2"
    exit $?
fi

###############################################################################
# Outer part: checks, namespaces and veth, the inner part, teardown.
###############################################################################
skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: the end-to-end test cannot run in CI: $*"
        exit 1
    fi
    echo "SKIP: $*"
    exit 77
}

for v in MPTCP_COCKPIT_PAGE MPTCP_COCKPIT_PAGE_TEST MPTCPCTL MPTCPCTL_PROFILE_HELPER MPTCP_PATHMANAGERD MPTCP_DISPATCH_HOOK MPTCP_TEST_POLICY MPTCP_TEST_BUS_DEFAULTS MPTCP_NM_DROPIN MPTCP_DISPATCHER_CONF; do
    if [ -z "${!v:-}" ]; then
        echo "FAIL: $v is not set (run this test through meson test)"
        exit 1
    fi
done
[ "$(id -u)" = 0 ] || skip "needs root (namespaces, mounts, NetworkManager)"
for tool in NetworkManager nmcli nm-online dbus-daemon dbus-send busctl ip unshare nsenter setpriv timeout; do
    command -v "$tool" >/dev/null || skip "$tool not found (tools/install-deps.sh installs it)"
done
[ -e /proc/sys/net/mptcp/enabled ] || skip "this kernel has no MPTCP"
for d in /etc/NetworkManager /var/lib/NetworkManager /usr/lib/NetworkManager/conf.d \
    /usr/lib/NetworkManager/dispatcher.d /usr/lib/NetworkManager/system-connections; do
    [ -d "$d" ] || skip "$d is missing (is network-manager installed?)"
done

HOST_NETNS=$(readlink /proc/self/ns/net)
HOST_MNTNS=$(readlink /proc/self/ns/mnt)
WORK="" NM_HOLDER="" PEER_HOLDER=""
# The host's network as it was, compared at the end (only the links that
# existed before, so that another job's new link is no false alarm).
HOST_LINKS=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort -u | tr '\n' ' ')
host_snapshot() {
    local l
    for l in $HOST_LINKS; do ip -br addr show dev "$l" 2>&1; done
    { ip route show table all; ip -6 route show table all; } 2>&1 |
        grep -E " dev ($(echo "$HOST_LINKS" | xargs | sed 's/ /|/g'))( |\$)" | sort
    ip mptcp endpoint show 2>&1
    md5sum /etc/resolv.conf 2>&1 || true
    cat /proc/sys/kernel/hostname
}
SNAPSHOT_BEFORE=$(host_snapshot)

stop_holder() {
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    set +e
    trap - EXIT
    stop_holder "$NM_HOLDER"
    stop_holder "$PEER_HOLDER"
    if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
    if [ "$(host_snapshot)" != "$SNAPSHOT_BEFORE" ]; then
        echo "FAIL: the host's network changed during the test:"
        diff <(echo "$SNAPSHOT_BEFORE") <(host_snapshot)
        rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

WORK=$(mktemp -d /tmp/mptcp-e2e.XXXXXX)
chmod 755 "$WORK"

# Two network namespaces, each held by a process of ours; --pdeathsig ends
# them even if this script is killed.
setpriv --pdeathsig KILL -- unshare --net -- sleep infinity &
NM_HOLDER=$!
setpriv --pdeathsig KILL -- unshare --net -- sleep infinity &
PEER_HOLDER=$!
in_own_netns() {
    local n
    n=$(readlink "/proc/$1/ns/net" 2>/dev/null) && [ "$n" != "$HOST_NETNS" ]
}
wait_for 5 in_own_netns "$NM_HOLDER" && wait_for 5 in_own_netns "$PEER_HOLDER" ||
    skip "cannot create network namespaces (unshare --net)"
NM_NS=/proc/$NM_HOLDER/ns/net
PEER_NS=/proc/$PEER_HOLDER/ns/net

# The veth pair is born inside the namespaces: the host never sees it.
nsenter --net="$NM_NS" -- ip link set lo up
nsenter --net="$NM_NS" -- ip link add "$IFACE" type veth peer name "$PEER_IFACE" netns "$PEER_HOLDER"
nsenter --net="$PEER_NS" -- ip link set lo up
nsenter --net="$PEER_NS" -- ip addr add "$V4_PEER/24" dev "$PEER_IFACE"
nsenter --net="$PEER_NS" -- ip addr add "$V6_PEER/64" dev "$PEER_IFACE" nodad
nsenter --net="$PEER_NS" -- ip link set "$PEER_IFACE" up

log "NetworkManager side: netns $(readlink "$NM_NS"); work dir $WORK"
rc=0
E2E_HOST_NETNS=$HOST_NETNS E2E_HOST_MNTNS=$HOST_MNTNS \
    timeout --kill-after=10 "${MPTCP_E2E_TIMEOUT:-180}" \
    nsenter --net="$NM_NS" -- \
    unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private -- \
    bash "$SELF" __inner "$WORK" || rc=$?
case $rc in
    0) log "PASS" ;;
    124) log "FAIL: timed out" ;;
    *) log "FAIL (the namespaced part exited with status $rc)" ;;
esac
[ "$rc" = 0 ] || exit 1
exit 0
