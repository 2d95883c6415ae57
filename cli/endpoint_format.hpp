// The output of `endpoint show` and `limits show`, as iproute2 6.1 prints
// it, from what the service returns. One deliberate addition: flags 6.1
// cannot name (laminar, implicit) are printed by name, not as rawflags.
#pragma once

#include "global_options.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mptcp::cli {

// The contract's endpoint (usqsas).
struct EndpointView {
    std::uint32_t id = 0;
    std::string address;
    std::uint16_t port = 0;
    std::string interface;  // "" = none
    std::vector<std::string> flags;
};

// `endpoint show`: one line per endpoint ("ADDR [port P] id N FLAGS [dev IF] "),
// or with -j a JSON array of objects.
std::string formatEndpoints(std::span<const EndpointView> endpoints, const GlobalOptions& options);

// `limits show`: "add_addr_accepted N subflows M ". With -j a JSON array
// of one object (ip 6.1 prints the text line even with -j; see mptcpctl(8)).
std::string formatLimits(std::uint32_t subflows, std::uint32_t addAddrAccepted, const GlobalOptions& options);

}  // namespace mptcp::cli
