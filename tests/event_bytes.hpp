// Crafted mptcp_pm event messages, byte for byte as the kernel sends them
// (one generic netlink message per datagram, attributes padded to 4), for
// the decoder and monitor tests. Also builds what the kernel never sends:
// wrong sizes, cut-off attributes, unknown types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace mptcp::testing {

using Bytes = std::vector<std::uint8_t>;

// The family id the tests use for mptcp_pm.
inline constexpr std::uint16_t kEventFamilyId = 0x1f;

class EventBytes {
public:
    explicit EventBytes(std::uint8_t type, std::uint16_t nlmsgType = kEventFamilyId);

    EventBytes& u8(std::uint16_t attr, std::uint8_t value);
    EventBytes& u16(std::uint16_t attr, std::uint16_t value);
    EventBytes& u32(std::uint16_t attr, std::uint32_t value);
    // Network byte order, as SPORT/DPORT travel.
    EventBytes& be16(std::uint16_t attr, std::uint16_t value);
    // inet_pton of text: 4 or 16 bytes.
    EventBytes& address(std::uint16_t attr, std::string_view text);
    EventBytes& raw(std::uint16_t attr, std::span<const std::uint8_t> payload);

    // The message as sent: nlmsg_len covers everything written.
    Bytes bytes() const { return buf_; }

private:
    void put(std::uint16_t attr, const void* payload, std::size_t size);

    Bytes buf_;
};

// The events a loopback connection produces, as Linux 6.18 sends them
// (attribute sets from docs/kernel-behaviour.md §9 and a capture of `ip mptcp
// monitor`): enough to exercise every field.
Bytes createdV4(std::uint32_t token, bool serverSide);
Bytes closedEvent(std::uint32_t token);

}  // namespace mptcp::testing
