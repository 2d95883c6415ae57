#include "endpoint_table.hpp"

#include "pm_protocol.hpp"

#include <net/if.h>

namespace mptcp::bench {

genl::AddrSpec loEndpoint(std::uint8_t id, const std::string& address)
{
    static const auto lo = static_cast<std::int32_t>(if_nametoindex("lo"));
    genl::AddrSpec spec;
    spec.id = id;
    spec.address = IpAddress::parse(address);
    spec.ifindex = lo;
    spec.flags = proto::FLAG_SUBFLOW;
    return spec;
}

genl::AddrSpec idOnly(std::uint8_t id)
{
    genl::AddrSpec spec;
    spec.id = id;
    return spec;
}

void fillTable(PmClient& kernel)
{
    kernel.flushAddrs();
    for (int i = 0; i < kTableSize; ++i) {
        const std::string address =
            i < kTableSize / 2 ? "10.0.0." + std::to_string(i + 1) : "2001:db8::" + std::to_string(i + 1);
        kernel.addAddr(loEndpoint(static_cast<std::uint8_t>(i + 1), address));
    }
}

void dropLastTableEntry(PmClient& kernel)
{
    kernel.delAddr(idOnly(kTableSize));
}

}  // namespace mptcp::bench
