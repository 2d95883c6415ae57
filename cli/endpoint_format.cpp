#include "endpoint_format.hpp"

#include "command.hpp"
#include "json_writer.hpp"

#include <cstdio>
#include <cstdlib>

namespace mptcp::cli {
namespace {

struct NamedFlag {
    const char* name;
    std::uint32_t bit;
};
// ip's order (the bit order); implicit and laminar are after fullmesh.
constexpr NamedFlag kNamedFlags[] = {
    {"signal", kFlagSignal},     {"subflow", kFlagSubflow},   {"backup", kFlagBackup},
    {"fullmesh", kFlagFullmesh}, {"implicit", kFlagImplicit}, {"laminar", kFlagLaminar},
};

// The endpoint's flags in print order: the names this program knows, then
// names it does not know (a newer service), then the bits that only came
// as hex ("0x40") as ip's two-digit rawflags.
struct FlagsToPrint {
    std::vector<std::string> names;
    std::string rawflags;  // "" = none
};

FlagsToPrint flagsToPrint(const std::vector<std::string>& flags)
{
    std::uint32_t known = 0;
    std::uint32_t raw = 0;
    std::vector<std::string> strangers;
    for (const std::string& f : flags) {
        bool found = false;
        for (const NamedFlag& n : kNamedFlags) {
            if (f == n.name) {
                known |= n.bit;
                found = true;
            }
        }
        if (found) {
            continue;
        }
        if (f.size() > 2 && f[0] == '0' && (f[1] == 'x' || f[1] == 'X')) {
            raw |= static_cast<std::uint32_t>(std::strtoul(f.c_str() + 2, nullptr, 16));
        } else {
            strangers.push_back(f);
        }
    }
    FlagsToPrint out;
    for (const NamedFlag& n : kNamedFlags) {
        if (known & n.bit) {
            out.names.emplace_back(n.name);
        }
    }
    out.names.insert(out.names.end(), strangers.begin(), strangers.end());
    if (raw != 0) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%02x", raw);
        out.rawflags = hex;
    }
    return out;
}

std::string textLine(const EndpointView& e)
{
    std::string line = e.address + " ";
    if (e.port != 0) {
        line += "port " + std::to_string(e.port) + " ";
    }
    line += "id " + std::to_string(e.id) + " ";
    const FlagsToPrint flags = flagsToPrint(e.flags);
    for (const std::string& name : flags.names) {
        line += name + " ";
    }
    if (!flags.rawflags.empty()) {
        line += "rawflags " + flags.rawflags + " ";
    }
    if (!e.interface.empty()) {
        line += "dev " + e.interface + " ";
    }
    return line + "\n";
}

void jsonObject(JsonWriter& json, const EndpointView& e)
{
    json.startObject();
    json.field("address", e.address);
    if (e.port != 0) {
        json.field("port", std::uint64_t{e.port});
    }
    json.field("id", std::uint64_t{e.id});
    const FlagsToPrint flags = flagsToPrint(e.flags);
    for (const std::string& name : flags.names) {
        json.field(name, true);
    }
    if (!flags.rawflags.empty()) {
        json.field("rawflags", flags.rawflags);
    }
    if (!e.interface.empty()) {
        json.field("dev", e.interface);
    }
    json.endObject();
}

}  // namespace

std::string formatEndpoints(std::span<const EndpointView> endpoints, const GlobalOptions& options)
{
    if (!options.json) {
        std::string text;
        for (const EndpointView& e : endpoints) {
            text += textLine(e);
        }
        return text;
    }
    JsonWriter json(options.pretty);
    json.startArray();
    for (const EndpointView& e : endpoints) {
        jsonObject(json, e);
    }
    json.endArray();
    return json.finish();
}

std::string formatLimits(std::uint32_t subflows, std::uint32_t addAddrAccepted, const GlobalOptions& options)
{
    if (!options.json) {
        return "add_addr_accepted " + std::to_string(addAddrAccepted) + " subflows " + std::to_string(subflows) + " \n";
    }
    JsonWriter json(options.pretty);
    json.startArray();
    json.startObject();
    json.field("add_addr_accepted", std::uint64_t{addAddrAccepted});
    json.field("subflows", std::uint64_t{subflows});
    json.endObject();
    json.endArray();
    return json.finish();
}

}  // namespace mptcp::cli
