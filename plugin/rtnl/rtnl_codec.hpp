// rtnetlink (NETLINK_ROUTE) messages the managed interfaces need: dump
// requests for links and addresses, and parsing of RTM_NEWLINK/DELLINK/
// NEWADDR/DELADDR into small structs. Pure: no syscalls, unit-tested with
// crafted bytes. Every header and attribute is checked for length (and
// attributes for type) before it is read; a malformed message is a
// PmError(Failed), never undefined behaviour.
#pragma once

#include "ip_address.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

struct nlmsghdr;

namespace mptcp::rtnl {

inline constexpr std::size_t kRequestBufferSize = 64;
// A dump datagram holds many messages; the kernel sizes them to the page.
inline constexpr std::size_t kReceiveBufferSize = 32 * 1024;

struct Link {
    std::int32_t ifindex = 0;
    std::string name;         // "" when the message carried no IFLA_IFNAME
    std::uint32_t flags = 0;  // IFF_* of ifi_flags

    bool operator==(const Link&) const = default;
};

struct Address {
    std::int32_t ifindex = 0;
    IpAddress address;  // the local address (IFA_LOCAL, else IFA_ADDRESS)
    std::uint8_t prefixLength = 0;
    std::uint8_t scope = 0;   // RT_SCOPE_*
    std::uint32_t flags = 0;  // IFA_F_*: the IFA_FLAGS attribute when present, else ifa_flags

    bool operator==(const Address&) const = default;
};

struct Message {
    enum class Kind {
        NewLink,
        DelLink,
        NewAddr,
        DelAddr,
        Done,     // end of a dump
        Error,    // NLMSG_ERROR; error is the positive errno, 0 for an ACK
        Ignored,  // another type, or an address family other than IPv4/IPv6
    };
    Kind kind = Kind::Ignored;
    std::uint32_t seq = 0;
    std::uint32_t portId = 0;
    bool dumpInterrupted = false;  // NLM_F_DUMP_INTR: the dump must be redone
    Link link;                     // NewLink, DelLink
    Address address;               // NewAddr, DelAddr
    int error = 0;                 // Error, Done
};

// A dump request (RTM_GETLINK or RTM_GETADDR) for every family, written into
// buf; returns the bytes to send.
std::span<const std::uint8_t> buildDumpRequest(std::span<std::uint8_t> buf, std::uint16_t type, std::uint32_t seq);

// Parses one message.
Message parseMessage(const nlmsghdr* nlh);

// Calls fn for each message of one datagram, in order. A datagram that ends
// in the middle of a message is malformed.
void forEachMessage(std::span<const std::uint8_t> datagram, const std::function<void(const Message&)>& fn);

}  // namespace mptcp::rtnl
