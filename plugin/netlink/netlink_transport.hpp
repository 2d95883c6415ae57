// The only place of the core that makes syscalls: one netlink socket.
// Everything above it (message building, parsing, request/ACK) is pure and
// runs unchanged against the fake kernel of the unit tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace mptcp {

class NetlinkTransport {
public:
    virtual ~NetlinkTransport() = default;

    // Sends one complete netlink message. Throws PmError on failure.
    virtual void send(std::span<const std::uint8_t> message) = 0;

    // Blocks for one datagram and returns its length (never more than the
    // buffer: a truncated datagram is an error). Throws PmError on failure
    // or when the kernel does not answer in time.
    virtual std::size_t receive(std::span<std::uint8_t> buffer) = 0;

    // The socket's netlink port id, to match replies to our requests.
    virtual std::uint32_t portId() const = 0;
};

// A NETLINK_GENERIC socket with extended ACKs and capped ACKs turned on and a
// receive timeout, so the daemon can never hang on a silent kernel.
std::unique_ptr<NetlinkTransport> openGenericNetlink();

// The same for NETLINK_ROUTE, without multicast groups: the managed
// interfaces' dumps of links and addresses (route_events.hpp has the events).
std::unique_ptr<NetlinkTransport> openRouteNetlink();

// The same for NETLINK_SOCK_DIAG: the live connections' socket diagnostics
// (connection_reader.hpp). Reading them needs no capability.
std::unique_ptr<NetlinkTransport> openSockDiagNetlink();

}  // namespace mptcp
