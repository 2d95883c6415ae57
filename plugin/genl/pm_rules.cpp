#include "pm_rules.hpp"

#include "endpoint.hpp"
#include "pm_error.hpp"
#include "pm_protocol.hpp"

namespace mptcp::rules {
namespace {

[[noreturn]] void refuse(const std::string& message)
{
    throw PmError(ErrorKind::InvalidArgs, message);
}

}  // namespace

std::string quoteArg(std::string_view s)
{
    constexpr std::size_t kMax = 64;
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    out += s.size() > kMax ? "...\"" : "\"";
    return out;
}

IpAddress parseAddress(std::string_view text)
{
    if (text.empty()) {
        refuse("an address is required");
    }
    auto a = IpAddress::parse(text);
    if (!a) {
        refuse("address " + quoteArg(text) + " is not an IPv4 or IPv6 address");
    }
    return *a;
}

std::uint8_t checkId(std::uint32_t id)
{
    if (id > proto::kMaxEndpointId) {
        refuse("endpoint id " + std::to_string(id) + " is out of range (1..255)");
    }
    return static_cast<std::uint8_t>(id);
}

std::uint32_t addFlags(std::span<const std::string> names, std::uint16_t port)
{
    std::uint32_t flags = 0;
    for (const auto& name : names) {
        const std::uint32_t bit = flagBit(name);
        if (bit == proto::FLAG_IMPLICIT) {
            refuse("flag \"implicit\" is set by the kernel only and cannot be requested");
        }
        if (bit == 0) {
            refuse("unknown flag " + quoteArg(name) + " (known: signal, subflow, backup, fullmesh, laminar)");
        }
        flags |= bit;
    }
    if ((flags & proto::FLAG_SIGNAL) && (flags & proto::FLAG_FULLMESH)) {
        refuse("flags signal and fullmesh cannot be combined");
    }
    if (port != 0 && (!(flags & proto::FLAG_SIGNAL) || (flags & proto::FLAG_SUBFLOW))) {
        refuse("a port needs the signal flag and no subflow flag");
    }
    return flags;
}

FlagChange flagChange(std::span<const std::string> names)
{
    FlagChange change;
    for (const auto& name : names) {
        std::uint32_t bit = 0;
        bool on = true;
        if (name == "backup" || name == "nobackup") {
            bit = proto::FLAG_BACKUP;
            on = name == "backup";
        } else if (name == "fullmesh" || name == "nofullmesh") {
            bit = proto::FLAG_FULLMESH;
            on = name == "fullmesh";
        } else {
            refuse("cannot change " + quoteArg(name) +
                   ": only backup, nobackup, fullmesh and nofullmesh can change (delete and add the endpoint "
                   "again to change the rest)");
        }
        if ((change.mask & bit) && ((change.value & bit) != 0) != on) {
            refuse(std::string("contradictory changes: ") +
                   (bit == proto::FLAG_BACKUP ? "backup and nobackup" : "fullmesh and nofullmesh"));
        }
        change.mask |= bit;
        if (on) {
            change.value |= bit;
        }
    }
    return change;
}

void checkLimit(std::uint32_t value, std::string_view name)
{
    if (value > proto::kMaxLimit) {
        refuse(std::string(name) + " limit " + std::to_string(value) + " is out of range (0.." +
               std::to_string(proto::kMaxLimit) + ")");
    }
}

void checkAnnounceId(std::uint8_t id)
{
    if (id == 0) {
        refuse("an announced address needs an id 1..255 (id 0 is the initial subflow's address)");
    }
}

void checkPortGiven(std::uint16_t port, std::string_view what)
{
    if (port == 0) {
        refuse(std::string("a ") + std::string(what) + " is required (0 is none)");
    }
}

void checkSameFamily(const IpAddress& local, const IpAddress& remote)
{
    const bool localV4 = local.isV4() || local.isV4Mapped();
    const bool remoteV4 = remote.isV4() || remote.isV4Mapped();
    if (localV4 != remoteV4) {
        refuse("local address " + local.toString() + " and remote address " + remote.toString() +
               " are not of the same family");
    }
}

}  // namespace mptcp::rules
