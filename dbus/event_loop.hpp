// The daemon's one poll(2) loop: the bus connection, SIGTERM/SIGINT through
// a signalfd, and any further descriptors (kernel event sockets) that later
// parts of the service register. sdbus-c++ 1.2 has no sd-event integration,
// so this is the place where everything meets.
//
// The loop is fair: each turn handles a bounded amount of work from each
// source — at most busMessagesPerTurn bus messages, then one bounded batch
// of every readable reader (the readers bound themselves) — so that a
// client flooding the bus with calls does not hold up the kernel's events
// or address changes, and a storm of events does not hold up the calls.
// Nothing in a turn waits for an answer from outside (authorization is
// asynchronous), so a turn is short.
#pragma once

#include <sdbus-c++/IConnection.h>

#include <cstddef>
#include <functional>
#include <vector>

namespace mptcp::dbus {

class EventLoop {
public:
    // Enough to keep the bus's per-turn overhead (one poll) small, few
    // enough that a reader waits at most this many calls for its turn.
    static constexpr std::size_t kBusMessagesPerTurn = 64;

    // Blocks SIGTERM and SIGINT for the process and reads them from a
    // signalfd, so that a signal ends the loop between two requests.
    explicit EventLoop(sdbus::IConnection& bus, std::size_t busMessagesPerTurn = kBusMessagesPerTurn);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // fn runs when fd is readable. When `wanted` is given, fd is polled
    // only while it returns true (asked before every poll): a reader can
    // pause itself, e.g. the monitor while the bus is backlogged. The bus
    // fd wakes the loop when that changes.
    void addReader(int fd, std::function<void()> fn, std::function<bool()> wanted = {});
    void removeReader(int fd);

    // Runs until a signal arrives (returns its number). Throws sdbus::Error
    // when the bus connection is lost.
    int run();

private:
    struct Reader {
        int fd;
        std::function<void()> fn;
        std::function<bool()> wanted;
    };
    sdbus::IConnection& bus_;
    std::size_t busMessagesPerTurn_;
    int signalFd_ = -1;
    std::vector<Reader> readers_;
};

}  // namespace mptcp::dbus
