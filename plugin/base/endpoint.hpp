// Endpoints and limits as the core hands them around.
#pragma once

#include "ip_address.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp {

struct Endpoint {
    std::uint8_t id = 0;
    IpAddress address;
    std::uint16_t port = 0;    // 0 = none
    std::int32_t ifindex = 0;  // 0 = none
    std::uint32_t flags = 0;   // proto::AddrFlag bits

    bool operator==(const Endpoint&) const = default;
};

struct Limits {
    std::uint32_t subflows = 0;
    std::uint32_t addAddrAccepted = 0;

    bool operator==(const Limits&) const = default;
};

// Flag names in the contract's order: signal, subflow, backup, fullmesh,
// laminar, implicit; an unknown bit as hex text ("0x40").
std::vector<std::string> flagNames(std::uint32_t flags);
// The same names, one by one, without building a vector (for writing them
// straight into a reply).
void forEachFlagName(std::uint32_t flags, void (*visit)(const char* name, void* context), void* context);

// The bit of one flag name, or 0 if the name is unknown.
std::uint32_t flagBit(std::string_view name);

}  // namespace mptcp
