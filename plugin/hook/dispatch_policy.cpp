#include "dispatch_policy.hpp"

#include "pm_protocol.hpp"
#include "pm_rules.hpp"

#include <fnmatch.h>

#include <cstdio>
#include <string_view>

namespace mptcp::dispatch {
namespace {

constexpr FlagBits kSubflow = proto::FLAG_SUBFLOW;
constexpr FlagBits kBackup = proto::FLAG_BACKUP;
constexpr FlagBits kSignal = proto::FLAG_SIGNAL;

bool isVpnType(const std::string& deviceType)
{
    return deviceType == "vpn" || deviceType == "wireguard";
}

// One level of the lookup chain: a section and how to name it in a reason.
struct Level {
    const SectionSettings* section;
    std::string name;
};

std::string hex(std::uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%x", value);
    return text;
}

}  // namespace

bool isVpnAction(const std::string& action)
{
    return action.starts_with("vpn-");
}

ActionKind classifyAction(const std::string& action, const DispatchConfig& config)
{
    // A VPN must not leak subflows: its events count only when asked for.
    if (isVpnAction(action) && !config.vpn) {
        return ActionKind::Ignore;
    }
    if (action == "up" || action == "reapply" || action == "dhcp4-change" || action == "dhcp6-change" ||
        action == "vpn-up") {
        return ActionKind::Configure;
    }
    if (action == "down" || action == "pre-down" || action == "vpn-down" || action == "vpn-pre-down") {
        return ActionKind::Release;
    }
    return ActionKind::Ignore;
}

std::string deviceTypeOf(const std::string& connectionType)
{
    if (connectionType == "802-3-ethernet") {
        return "ethernet";
    }
    if (connectionType == "802-11-wireless") {
        return "wifi";
    }
    if (connectionType == "802-11-olpc-mesh") {
        return "olpc-mesh";
    }
    if (connectionType == "802-15-4") {
        return "wpan";
    }
    return connectionType;
}

FlagBits builtInFlags(const std::string& deviceType, Role role, bool vpn)
{
    // Subflows are what a client wants; a server announces its addresses.
    const FlagBits primary = role == Role::Server ? kSignal : kSubflow;
    if (deviceType == "ethernet" || deviceType == "veth" || deviceType == "wifi" || (vpn && isVpnType(deviceType))) {
        return primary;
    }
    // Metered or slow links: used only when nothing better is left.
    if (deviceType == "gsm" || deviceType == "cdma" || deviceType == "bluetooth") {
        return primary | kBackup;
    }
    return 0;
}

Decision decideConfigure(const std::string& interface, const ConnectionSettings& connection,
                         const DispatchConfig& config)
{
    Decision d;
    if (connection.nmMptcpFlags != 0) {
        d.reason = "left to NetworkManager: the profile sets connection.mptcp-flags=" + hex(connection.nmMptcpFlags);
        return d;
    }

    const std::string deviceType = deviceTypeOf(connection.type);
    std::vector<Level> chain;
    const auto addConnection = [&](const std::string& key) {
        if (key.empty()) {
            return;
        }
        if (auto it = config.connections.find(key); it != config.connections.end()) {
            chain.push_back({&it->second, "[connection:" + key + "]"});
        }
    };
    addConnection(connection.uuid);
    addConnection(connection.id);
    for (const auto& [glob, section] : config.interfaces) {
        if (fnmatch(glob.c_str(), interface.c_str(), 0) == 0) {
            chain.push_back({&section, "[interface:" + glob + "]"});
            break;
        }
    }
    if (auto it = config.deviceTypes.find(deviceType); it != config.deviceTypes.end()) {
        chain.push_back({&it->second, "[device-type:" + deviceType + "]"});
    }

    Role role = config.defaults.role.value_or(Role::Client);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        role = it->section->role.value_or(role);
    }
    d.uniqueLocal = config.defaults.uniqueLocal.value_or(false);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        d.uniqueLocal = it->section->uniqueLocal.value_or(d.uniqueLocal);
    }

    std::string warning;
    std::optional<FlagBits> flags;
    if (connection.userFlags) {
        auto parsed = parseFlagList(*connection.userFlags);
        if (auto* bits = std::get_if<FlagBits>(&parsed)) {
            flags = *bits;
            d.reason = "from the connection's user data mptcp-pathmanager.flags";
        } else {
            warning = "; ignored the connection's user data mptcp-pathmanager.flags=" +
                      rules::quoteArg(*connection.userFlags) + ": " + std::get<std::string>(parsed);
        }
    }
    for (const auto& level : chain) {
        if (!flags && level.section->flags) {
            flags = level.section->flags;
            d.reason = "from " + level.name;
        }
    }
    if (connection.isPort) {
        // A port has no addresses of its own; its controller carries them.
        if (!flags) {
            flags = 0;
            d.reason = "built-in: a port of a bridge, bond or team gets none";
        }
    } else if (!flags) {
        flags = builtInFlags(deviceType, role, config.vpn);
        d.reason = "built-in for device type " + rules::quoteArg(deviceType);
        if (role == Role::Server) {
            d.reason += ", server role";
        }
    }
    d.flags = *flags;
    d.verdict = d.flags == 0 ? Verdict::Release : Verdict::Manage;
    d.reason += warning;
    return d;
}

}  // namespace mptcp::dispatch
