// libFuzzer target: datagrams of the kernel's mptcp_pm_events group, as the
// monitor decodes them. Every message must come out as an event or as a
// named problem; nothing may be read past the datagram or thrown.
#include "event_decoder.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // The family id is the first byte: the decoder must also refuse
    // messages of other families, and accept any id the kernel chose.
    if (size < 2) {
        return 0;
    }
    const std::uint16_t familyId = static_cast<std::uint16_t>(0x10 + data[0]);
    // The monitor receives into a 4-byte aligned buffer, as netlink needs.
    std::vector<std::uint32_t> aligned((size - 1 + 3) / 4);
    std::memcpy(aligned.data(), data + 1, size - 1);
    mptcp::decodeDatagram(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(aligned.data()), size - 1), familyId,
        [](mptcp::DecodedEvent&& decoded) {
            // Exactly one of the two, as the header promises.
            if (decoded.event.has_value() == !decoded.problem.empty()) {
                std::abort();
            }
        });
    return 0;
}
