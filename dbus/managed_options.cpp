#include "managed_options.hpp"

#include "pm_error.hpp"
#include "pm_rules.hpp"

#include <algorithm>
#include <cstdint>

namespace mptcp::dbus {
namespace {

constexpr std::size_t kMaxOwnerLength = 255;

[[noreturn]] void refuse(const std::string& message)
{
    throw PmError(ErrorKind::InvalidArgs, message);
}

// The option's value when its D-Bus type is `signature`.
template <typename T>
T valueOf(const std::string& key, const OptionValue& value, const char* signature)
{
    const std::string type = value.type().empty() ? std::string("nothing") : value.type();
    if (type != signature || !value.holds<T>()) {
        refuse("option \"" + key + "\" must be of type " + signature + ", not " + rules::quoteArg(type));
    }
    return value.get<T>();
}

void parseFamilies(const std::vector<std::string>& families, AddressPolicy& policy)
{
    if (families.empty()) {
        refuse("option \"families\" must name at least one of \"ipv4\", \"ipv6\"");
    }
    policy.ipv4 = policy.ipv6 = false;
    for (const auto& f : families) {
        if (f == "ipv4") {
            policy.ipv4 = true;
        } else if (f == "ipv6") {
            policy.ipv6 = true;
        } else {
            refuse("option \"families\": unknown family " + rules::quoteArg(f) + " (known: ipv4, ipv6)");
        }
    }
}

// owner and source: free text, one line, shown as given.
void checkText(const char* key, const std::string& text)
{
    if (text.size() > kMaxOwnerLength) {
        refuse(std::string("option \"") + key + "\" is longer than " + std::to_string(kMaxOwnerLength) + " bytes");
    }
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        refuse(std::string("option \"") + key + "\" contains control characters");
    }
}

}  // namespace

void checkInterfaceName(const std::string& name)
{
    if (name.empty()) {
        refuse("an interface name is required");
    }
    if (name.size() > 15 || name == "." || name == ".." || name.find_first_of("/: \t\n") != std::string::npos ||
        std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        refuse(rules::quoteArg(name) + " is not an interface name (1..15 bytes, no '/', ':' or white space)");
    }
}

ManagedSettings parseManageArguments(const std::vector<std::string>& flags, const ManageOptions& options)
{
    ManagedSettings s;
    for (const auto& [key, value] : options) {
        if (key == "unique-local") {
            s.addresses.uniqueLocal = valueOf<bool>(key, value, "b");
        } else if (key == "families") {
            parseFamilies(valueOf<std::vector<std::string>>(key, value, "as"), s.addresses);
        } else if (key == "port") {
            s.port = valueOf<std::uint16_t>(key, value, "q");
        } else if (key == "owner") {
            s.owner = valueOf<std::string>(key, value, "s");
            checkText("owner", s.owner);
        } else if (key == "source") {
            s.source = valueOf<std::string>(key, value, "s");
            checkText("source", s.source);
        } else if (key == "transient") {
            s.transient = valueOf<bool>(key, value, "b");
        } else {
            refuse("unknown option " + rules::quoteArg(key) +
                   " (known: unique-local, families, port, owner, source, transient)");
        }
    }
    if (flags.empty()) {
        return s;
    }
    // AddEndpoint's rules: names, implicit, signal+fullmesh, and a port
    // only with signal and without subflow.
    s.flags = rules::addFlags(flags, s.port);
    return s;
}

ManageOptions toOptions(const ManagedSettings& s)
{
    ManageOptions options;
    std::vector<std::string> families;
    if (s.addresses.ipv4) {
        families.emplace_back("ipv4");
    }
    if (s.addresses.ipv6) {
        families.emplace_back("ipv6");
    }
    options["families"] = OptionValue(families);
    options["unique-local"] = OptionValue(s.addresses.uniqueLocal);
    if (s.port != 0) {
        options["port"] = OptionValue(s.port);
    }
    if (!s.owner.empty()) {
        options["owner"] = OptionValue(s.owner);
    }
    if (!s.source.empty()) {
        options["source"] = OptionValue(s.source);
    }
    if (s.transient) {
        options["transient"] = OptionValue(s.transient);
    }
    return options;
}

}  // namespace mptcp::dbus
