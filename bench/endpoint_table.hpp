// The endpoint table the figures run against, made directly through the
// core library (untimed): eight endpoints (the kernel's maximum), IPv4 and
// IPv6, bound to lo, as an administrator's table might look.
#pragma once

#include "pm_client.hpp"

#include <cstdint>
#include <string>

namespace mptcp::bench {

inline constexpr int kTableSize = 8;

// Flushes, then adds ids 1..kTableSize.
void fillTable(PmClient& kernel);
// Deletes id kTableSize, making room for one more.
void dropLastTableEntry(PmClient& kernel);

// A subflow endpoint on lo with this id and address (for add requests).
genl::AddrSpec loEndpoint(std::uint8_t id, const std::string& address);
// Just the id (for delete requests).
genl::AddrSpec idOnly(std::uint8_t id);

}  // namespace mptcp::bench
