// What the NetworkManager dispatcher hook does for one event: manage the
// interface with some flags, release it, or leave it alone. Pure: the hook
// gathers the inputs (argv, environment, the connection's settings, the
// configuration) and carries the decision out. See docs/hook.md.
#pragma once

#include "dispatch_config.hpp"
#include "dispatch_flags.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mptcp::dispatch {

// What an action asks of the hook, before any connection is looked at.
enum class ActionKind {
    Configure,  // up, reapply, dhcp4-change, dhcp6-change (and vpn-up with vpn on)
    Release,    // down, pre-down (and vpn-down, vpn-pre-down with vpn on)
    Ignore,     // anything else: hostname, connectivity-change, pre-up, ...
};
ActionKind classifyAction(const std::string& action, const DispatchConfig& config);

// Whether the action is about VPN connections (vpn-up, vpn-down, ...).
bool isVpnAction(const std::string& action);

// The part of a connection profile the decision needs (NetworkManager's
// GetSettings at CONNECTION_DBUS_PATH).
struct ConnectionSettings {
    std::string uuid;
    std::string id;
    std::string type;                      // connection.type, e.g. "802-3-ethernet"
    std::uint32_t nmMptcpFlags = 0;        // connection.mptcp-flags; 0 = the default
    bool isPort = false;                   // has a controller (bridge, bond, team port)
    std::optional<std::string> userFlags;  // user data "mptcp-pathmanager.flags"
};

// NetworkManager's device type for a connection type: "ethernet" for
// 802-3-ethernet, "wifi" for 802-11-wireless, "wpan" for 802-15-4,
// "olpc-mesh" for 802-11-olpc-mesh, else the connection type itself (gsm,
// cdma, bluetooth, vpn, wireguard, tun, veth, loopback, bridge, ...).
std::string deviceTypeOf(const std::string& connectionType);

enum class Verdict { Manage, Release, Ignore };

struct Decision {
    Verdict verdict = Verdict::Ignore;
    FlagBits flags = 0;        // Manage: the endpoints' flags (never 0)
    bool uniqueLocal = false;  // Manage: option unique-local
    // Why, for the hook's log line: where the flags came from, or why the
    // interface is left alone; also a warning about ignored user data.
    std::string reason;
};

// The decision for a Configure action on `interface` of `connection`.
// Flags, first match wins: the connection's user data, the configuration's
// [connection:UUID] then [connection:ID], the first [interface:GLOB] that
// matches, [device-type:TYPE], then the built-in default for the device
// type. Role and unique-local are looked up along the same chain, then in
// [dispatcher]. A profile that sets connection.mptcp-flags itself is left
// to NetworkManager. Flags "none" give Release.
Decision decideConfigure(const std::string& interface, const ConnectionSettings& connection,
                         const DispatchConfig& config);

// The built-in flags of a device type for a role (the last level above).
FlagBits builtInFlags(const std::string& deviceType, Role role, bool vpn);

}  // namespace mptcp::dispatch
