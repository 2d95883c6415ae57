// The argument rules applied before anything is sent to the kernel, in the
// spirit of iproute2's own checks (ip/ipmptcp.c) and the contract
// (docs/dbus-api.md). Each rule refuses with PmError(InvalidArgs) and a message
// that names the argument and says why.
#pragma once

#include "ip_address.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mptcp::rules {

// A caller's string made safe to quote in a message: bounded and printable,
// so a hostile argument can neither flood the log nor smuggle control bytes.
std::string quoteArg(std::string_view s);

IpAddress parseAddress(std::string_view text);

// 0..255; 0 means "none / let the kernel choose", depending on the method.
std::uint8_t checkId(std::uint32_t id);

// Flag names of AddEndpoint: signal, subflow, backup, fullmesh, laminar.
// Refuses unknown names, implicit, signal+fullmesh, and a port without
// signal or with subflow.
std::uint32_t addFlags(std::span<const std::string> names, std::uint16_t port);

// ChangeEndpoint's names: backup, nobackup, fullmesh, nofullmesh.
struct FlagChange {
    std::uint32_t mask = 0;   // the bits the caller named
    std::uint32_t value = 0;  // their new values
    std::uint32_t apply(std::uint32_t flags) const { return (flags & ~mask) | value; }
};
FlagChange flagChange(std::span<const std::string> names);

// A limit value: 0..8 on today's kernels.
void checkLimit(std::uint32_t value, std::string_view name);

// The userspace path manager's rules (docs/userspace-pm.md).
// An announced address needs an id 1..255: 0 is the initial subflow's.
void checkAnnounceId(std::uint8_t id);
// A port the kernel needs (`what`: "remote port", "local port").
void checkPortGiven(std::uint16_t port, std::string_view what);
// A subflow's two ends are both IPv4 (plain or mapped) or both IPv6.
void checkSameFamily(const IpAddress& local, const IpAddress& remote);

}  // namespace mptcp::rules
