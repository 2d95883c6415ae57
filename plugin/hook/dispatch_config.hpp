// The dispatcher hook's configuration (/etc/mptcp-pathmanager/dispatcher.conf)
// as data, and the rules for each of its keys. Reading the key-file syntax
// is the hook's business (GKeyFile, in nm-dispatcher/); this part only
// decides what a group name or a value means, so it is pure and testable.
//
//   [dispatcher]            role, unique-local, vpn   (defaults for all)
//   [connection:UUID-OR-ID] flags, role, unique-local
//   [interface:GLOB]        flags, role, unique-local (fnmatch glob)
//   [device-type:TYPE]      flags, role, unique-local
#pragma once

#include "dispatch_flags.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mptcp::dispatch {

// Client: subflow endpoints (open extra subflows from this host). Server:
// signal endpoints (announce this host's addresses to its peers).
enum class Role { Client, Server };

// What one section says; an unset field leaves the choice to the next level.
struct SectionSettings {
    std::optional<FlagBits> flags;
    std::optional<Role> role;
    std::optional<bool> uniqueLocal;

    bool operator==(const SectionSettings&) const = default;
};

struct DispatchConfig {
    SectionSettings defaults;                                         // [dispatcher] (flags are not allowed there)
    bool vpn = false;                                                 // [dispatcher] vpn: VPN connections get endpoints
    std::map<std::string, SectionSettings, std::less<>> connections;  // by uuid or id
    std::vector<std::pair<std::string, SectionSettings>> interfaces;  // globs, in file order
    std::map<std::string, SectionSettings, std::less<>> deviceTypes;

    bool operator==(const DispatchConfig&) const = default;
};

// "" when `group` is a group the file may have, else why not. Adds the
// (still empty) section, so that later keys and the file order find it.
std::string addConfigGroup(DispatchConfig& config, std::string_view group);

// "" when `key` = `value` is accepted in `group` (added before), else why
// not; the message names neither file nor line, the caller adds them.
std::string setConfigValue(DispatchConfig& config, std::string_view group, std::string_view key,
                           std::string_view value);

}  // namespace mptcp::dispatch
