// One consistent picture of this namespace's links and IP addresses, read
// by rtnetlink dumps: the managed interfaces' start and their recovery from
// lost events. Pure over a NetlinkTransport (a NETLINK_ROUTE socket).
#pragma once

#include "netlink_transport.hpp"
#include "rtnl_codec.hpp"

#include <cstdint>
#include <vector>

namespace mptcp::rtnl {

struct Snapshot {
    std::vector<Link> links;
    std::vector<Address> addresses;
};

// Dumps the links, then the addresses. A dump the kernel marks as
// interrupted (NLM_F_DUMP_INTR: the table changed meanwhile) is redone a
// few times. Throws PmError(Failed) when the kernel refuses or keeps
// interrupting; `seq` is the last sequence number used, advanced here.
Snapshot dumpLinksAndAddresses(NetlinkTransport& transport, std::uint32_t& seq);

}  // namespace mptcp::rtnl
