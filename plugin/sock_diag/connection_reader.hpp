// The live MPTCP connections of this network namespace and their subflows,
// read from the kernel's socket diagnostics at the moment of the call: no
// cache that could go stale. Pure over a NetlinkTransport (a
// NETLINK_SOCK_DIAG socket), so the unit tests run it over crafted bytes.
//
// Costs, per call: list() is two dumps of MPTCP sockets (IPv4, IPv6 - an
// MPTCP socket is dumped with its own family); find() is one request by
// token, answered from the kernel's token hash; subflows() is two dumps of
// TCP sockets, since the kernel cannot filter them by token.
#pragma once

#include "netlink_transport.hpp"
#include "sock_diag_codec.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace mptcp::diag {

// An MPTCP socket with a token: a connection. Its info is always present.
using Connection = MptcpSocket;

class ConnectionReader {
public:
    explicit ConnectionReader(NetlinkTransport& transport);

    // Every connection (listeners and token-less sockets are not), in
    // ascending token order. Throws PmError: NotSupported when the kernel
    // has no MPTCP socket diagnostics, Failed for anything else.
    std::vector<Connection> list();

    // The connection with this token; nullopt when there is none (token 0
    // never is one).
    std::optional<Connection> find(std::uint32_t token);

    // The TCP subflows whose local token is `token`, the initial subflow
    // (the one that is not an MP_JOIN) first, the others in the kernel's
    // order. Empty for a token no connection has.
    std::vector<TcpSubflow> subflows(std::uint32_t token);

private:
    // Sends the request and hands each socket message of the answer to fn;
    // the kernel's refusal is thrown. Returns the errno of a refusal that
    // `tolerated` names instead of throwing it (0 when none).
    template <typename Fn>
    int exchange(const Request& request, int tolerated, Fn&& fn);

    NetlinkTransport& transport_;
    std::uint32_t seq_ = 0;
    // One receive buffer for every call: a read allocates nothing per
    // datagram. Not zeroed: its pages stay out of memory until a reply is
    // written into them (a daemon that is never asked keeps none).
    std::unique_ptr<std::uint8_t[]> buffer_;
};

}  // namespace mptcp::diag
