// The independent count of the kernel's MPTCP events: a listener of its own
// on the mptcp_pm_events group with a large receive buffer, read on its own
// thread. It is what every signal and EventsLost of the daemon is held
// against; if even it overflowed, its count is a lower bound and says so.
#pragma once

#include "event_socket.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

namespace mptcp::bench {

class EventCounter {
public:
    // Joins the group at once (needs CAP_NET_ADMIN); throws PmError.
    EventCounter();
    ~EventCounter();
    EventCounter(const EventCounter&) = delete;
    EventCounter& operator=(const EventCounter&) = delete;

    std::uint64_t events() const { return events_; }
    // Events the kernel could not queue even for this listener.
    std::uint64_t dropped();
    // Waits until no event came for `quiet` (the kernel is done), at most
    // `limit`.
    void waitQuiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const;

private:
    void run();

    std::unique_ptr<NetlinkTransport> transport_;
    PmClient client_;
    std::unique_ptr<EventSource> source_;
    std::uint64_t dropsAtStart_ = 0;
    std::atomic<std::uint64_t> events_{0};
    std::atomic<std::uint64_t> overruns_{0};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace mptcp::bench
