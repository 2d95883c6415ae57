// libFuzzer target: rtnetlink datagrams (links and addresses), as the
// managed-interfaces side reads them. A datagram is parsed or refused
// with PmError; nothing else may happen.
#include "pm_error.hpp"
#include "rtnl_codec.hpp"

#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        mptcp::rtnl::forEachMessage(std::span<const std::uint8_t>(data, size), [](const mptcp::rtnl::Message&) {});
    } catch (const mptcp::PmError&) {
    }
    return 0;
}
