// Where the kernel's MPTCP events come from: a non-blocking generic netlink
// socket that joins the mptcp_pm_events group only while asked to. Like
// NetlinkTransport, the interface is the seam: the monitor above it runs
// unchanged against a fake source in the unit tests.
//
// A netlink socket whose receive buffer overflows drops what does not fit
// and reports it once, as ENOBUFS from the next read; then it delivers
// what it had queued, and, once that is read, new events again. Here that
// report is the Overrun result, and the socket stays in use: it never goes
// deaf (mptcpd stops reading for good at its first ENOBUFS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace mptcp {

class EventSource {
public:
    enum class Status {
        Message,    // one datagram of `size` bytes is in the buffer
        Empty,      // nothing queued now
        Overrun,    // the kernel dropped events since the last read
        Truncated,  // a datagram larger than the buffer (consumed and lost)
    };
    struct Read {
        Status status = Status::Empty;
        std::size_t size = 0;
    };

    virtual ~EventSource() = default;

    // For poll(): readable when read() has something to say.
    virtual int fd() const = 0;
    // Join and leave the events group. join() needs CAP_NET_ADMIN and
    // throws PmError when the kernel refuses; leave() does not throw.
    virtual void join() = 0;
    virtual void leave() = 0;
    // Never blocks. Throws PmError on errors other than the above.
    virtual Read read(std::span<std::uint8_t> buffer) = 0;
    // How many events the kernel has dropped for this socket so far
    // (cumulative), or nullopt when that cannot be known.
    virtual std::optional<std::uint64_t> droppedSoFar() = 0;
};

// Room for bursts: what the kernel may queue for us while the daemon is
// busy or the bus is slow (the kernel doubles it for its bookkeeping).
inline constexpr int kEventReceiveBuffer = 8 * 1024 * 1024;

// A generic netlink socket for the events group `groupId`, not yet joined.
// receiveBuffer: SO_RCVBUFFORCE when allowed (root), else SO_RCVBUF, which
// net.core.rmem_max caps. Throws PmError.
std::unique_ptr<EventSource> openEventSocket(std::uint32_t groupId, int receiveBuffer = kEventReceiveBuffer);

// The Drops column of /proc/net/netlink for the socket with this inode, or
// nullopt when the text has no such socket or no such column. Pure, for
// the tests; the socket reads the file only after an overrun.
std::optional<std::uint64_t> netlinkDropsFromProc(std::string_view procNetNetlink, std::uint64_t inode);

}  // namespace mptcp
