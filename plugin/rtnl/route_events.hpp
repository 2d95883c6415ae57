// The rtnetlink event socket of the managed interfaces: link and address
// changes as the kernel announces them (groups RTMGRP_LINK,
// RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR). Behind an interface so that unit
// tests feed a fake stream; the real one is the only code here that makes
// syscalls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace mptcp {

class RouteEventSocket {
public:
    enum class Status {
        Datagram,  // one datagram of events was read
        Empty,     // nothing pending
        Overrun,   // the kernel dropped events (ENOBUFS): resynchronise by dump
    };
    virtual ~RouteEventSocket() = default;
    // For poll(): readable when events are pending.
    virtual int fd() const = 0;
    // Never blocks. On Datagram, *length is the datagram's size (never more
    // than the buffer: a truncated datagram is an error, PmError). Datagrams
    // that do not come from the kernel (sender port id not 0) are skipped.
    //
    // After Overrun the socket still holds what the kernel queued BEFORE
    // the gap: those datagrams are older than anything a dump taken now
    // would show, and must not be applied on top of it.
    virtual Status receive(std::span<std::uint8_t> buffer, std::size_t* length) = 0;
};

// Non-blocking, subscribed, with a receive buffer large enough for a burst
// of address changes. Throws PmError(Failed) when it cannot be opened.
std::unique_ptr<RouteEventSocket> openRouteEvents();

}  // namespace mptcp
