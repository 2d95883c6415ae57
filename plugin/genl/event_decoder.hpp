// Decoding the kernel's MPTCP events (the mptcp_pm_events group). Pure: no
// syscalls, unit-tested with crafted bytes. Every known attribute is
// checked against a table of exact sizes before it is read; unknown
// attributes are skipped (newer kernels add some), and a message that
// breaks a rule is reported as malformed, never read past its end.
#pragma once

#include "ip_address.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

struct nlmsghdr;

namespace mptcp {

// One event as the kernel sent it: only what it sent is set.
struct PmEvent {
    std::uint8_t type = 0;  // proto::EventType, or a type this build does not know
    std::optional<std::uint32_t> token;
    std::optional<std::uint16_t> family;
    std::optional<IpAddress> localAddress;    // saddr4 / saddr6
    std::optional<IpAddress> remoteAddress;   // daddr4 / daddr6
    std::optional<std::uint16_t> localPort;   // sport, converted to host order
    std::optional<std::uint16_t> remotePort;  // dport, converted to host order
    std::optional<std::uint8_t> localId;
    std::optional<std::uint8_t> remoteId;
    // From the (deprecated) server-side attribute, or else from the
    // server-side bit of flags: newer kernels may send only the latter.
    std::optional<bool> serverSide;
    std::optional<bool> backup;
    std::optional<std::int32_t> ifindex;
    std::optional<std::uint8_t> error;
    std::optional<std::uint32_t> timeout;
    std::optional<std::uint32_t> resetReason;
    std::optional<std::uint32_t> resetFlags;
    std::optional<std::uint16_t> flags;

    bool operator==(const PmEvent&) const = default;
};

// The ten event types of docs/dbus-api.md ("The monitor").
bool isKnownEventType(std::uint8_t type);
// Connection-level events: the contract's signals carry their token, so
// one of them without a token is malformed. Listener events have none.
bool needsToken(std::uint8_t type);

// The result of decoding one netlink message: an event, or why not.
struct DecodedEvent {
    std::optional<PmEvent> event;
    std::string problem;  // set exactly when event is not
};

// One message of the events group. familyId is the mptcp_pm family's id:
// a message of any other type is not an event of ours.
DecodedEvent decodeEvent(const nlmsghdr* nlh, std::uint16_t familyId);

// Every message of one datagram, in order. A trailing fragment that is not
// a whole message becomes one more result with a problem.
void decodeDatagram(std::span<const std::uint8_t> datagram, std::uint16_t familyId,
                    const std::function<void(DecodedEvent&&)>& onMessage);

}  // namespace mptcp
