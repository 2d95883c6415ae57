#include "dispatch_config.hpp"

#include "pm_rules.hpp"

namespace mptcp::dispatch {
namespace {

constexpr std::string_view kDefaultsGroup = "dispatcher";

enum class GroupKind { Defaults, Connection, Interface, DeviceType, Unknown };

struct GroupName {
    GroupKind kind;
    std::string_view name;  // after the prefix's colon
};

// What a group name stands for; Unknown, and *why, for one the file may not use.
GroupName parseGroup(std::string_view group, std::string& why)
{
    if (group == kDefaultsGroup) {
        return {GroupKind::Defaults, {}};
    }
    struct Prefix {
        std::string_view text;
        GroupKind kind;
        std::string_view what;
    };
    static constexpr Prefix kPrefixes[] = {
        {"connection:", GroupKind::Connection, "a connection uuid or id"},
        {"interface:", GroupKind::Interface, "an interface name or glob"},
        {"device-type:", GroupKind::DeviceType, "a NetworkManager device type"},
    };
    for (const auto& prefix : kPrefixes) {
        if (group.starts_with(prefix.text)) {
            const auto name = group.substr(prefix.text.size());
            if (name.empty()) {
                why = "group [" + std::string(group) + "] needs " + std::string(prefix.what) + " after the colon";
                return {GroupKind::Unknown, {}};
            }
            return {prefix.kind, name};
        }
    }
    why = "unknown group " + rules::quoteArg(group) +
          " (known: [dispatcher], [connection:UUID-OR-ID], [interface:GLOB], [device-type:TYPE])";
    return {GroupKind::Unknown, {}};
}

SectionSettings* inMap(std::map<std::string, SectionSettings, std::less<>>& sections, std::string_view name,
                       bool create)
{
    auto it = sections.find(name);
    if (it == sections.end() && create) {
        it = sections.emplace(std::string(name), SectionSettings{}).first;
    }
    return it == sections.end() ? nullptr : &it->second;
}

// Interface sections keep the file's order: the first matching glob wins.
SectionSettings* inList(std::vector<std::pair<std::string, SectionSettings>>& sections, std::string_view glob,
                        bool create)
{
    for (auto& [g, section] : sections) {
        if (g == glob) {
            return &section;
        }
    }
    if (!create) {
        return nullptr;
    }
    sections.emplace_back(std::string(glob), SectionSettings{});
    return &sections.back().second;
}

// The section a group name stands for (added when `create`), or nullptr and *why.
SectionSettings* sectionOf(DispatchConfig& config, std::string_view group, bool create, std::string& why)
{
    const GroupName g = parseGroup(group, why);
    switch (g.kind) {
        case GroupKind::Defaults:
            return &config.defaults;
        case GroupKind::Connection:
            return inMap(config.connections, g.name, create);
        case GroupKind::Interface:
            return inList(config.interfaces, g.name, create);
        case GroupKind::DeviceType:
            return inMap(config.deviceTypes, g.name, create);
        case GroupKind::Unknown:
            break;
    }
    return nullptr;
}

std::optional<bool> parseBool(std::string_view value)
{
    if (value == "true" || value == "yes" || value == "1") {
        return true;
    }
    if (value == "false" || value == "no" || value == "0") {
        return false;
    }
    return std::nullopt;
}

}  // namespace

std::string addConfigGroup(DispatchConfig& config, std::string_view group)
{
    std::string why;
    return sectionOf(config, group, true, why) != nullptr ? "" : why;
}

std::string setConfigValue(DispatchConfig& config, std::string_view group, std::string_view key, std::string_view value)
{
    std::string why;
    SectionSettings* section = sectionOf(config, group, false, why);
    if (section == nullptr) {
        return why.empty() ? "group [" + std::string(group) + "] was not added" : why;
    }
    const bool isDefaults = group == kDefaultsGroup;
    if (key == "flags" && !isDefaults) {
        auto parsed = parseFlagList(value);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            return *error;
        }
        section->flags = std::get<FlagBits>(parsed);
        return "";
    }
    if (key == "role") {
        if (value == "client") {
            section->role = Role::Client;
        } else if (value == "server") {
            section->role = Role::Server;
        } else {
            return "role must be client or server, not " + rules::quoteArg(value);
        }
        return "";
    }
    if (key == "unique-local" || (key == "vpn" && isDefaults)) {
        const auto b = parseBool(value);
        if (!b) {
            return std::string(key) + " must be true or false, not " + rules::quoteArg(value);
        }
        if (key == "vpn") {
            config.vpn = *b;
        } else {
            section->uniqueLocal = *b;
        }
        return "";
    }
    if (isDefaults) {
        return "unknown key " + rules::quoteArg(key) + " in [dispatcher] (known: role, unique-local, vpn)";
    }
    return "unknown key " + rules::quoteArg(key) + " (known: flags, role, unique-local)";
}

}  // namespace mptcp::dispatch
