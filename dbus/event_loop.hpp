// The daemon's one loop: the bus connection, SIGTERM/SIGINT through a
// signalfd, and any further descriptors (kernel event sockets, timers) that
// later parts of the service register: the one place where everything
// meets (the daemon does not use sd-event).
//
// It waits with epoll(7): the descriptors are registered once, and a wakeup
// costs the kernel only what is ready. poll(2) asked every descriptor's
// readiness again at every wakeup, i.e. for every method call.
//
// The loop is fair: each turn handles a bounded amount of work from each
// source — at most busMessagesPerTurn bus messages, then one bounded batch
// of every readable reader (the readers bound themselves) — so that a
// client flooding the bus with calls does not hold up the kernel's events
// or address changes, and a storm of events does not hold up the calls.
// Nothing in a turn waits for an answer from outside (authorization is
// asynchronous), so a turn is short.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mptcp::dbus {

// What the loop needs of the bus connection: sd-bus's (SystemBus), or a
// test's.
class LoopBus {
public:
    // What to wait for before the next processOne(): poll(2)'s events on
    // fd, and at most `timeout` (a pending call's deadline), if any.
    struct Wait {
        int fd;
        short events;
        std::optional<std::chrono::microseconds> timeout;
    };
    virtual ~LoopBus() = default;
    // Handles one queued message (or one step of the connection's work);
    // false when there was nothing to do. Throws when the connection is
    // lost.
    virtual bool processOne() = 0;
    virtual Wait wait() const = 0;
};

class EventLoop {
public:
    // Enough to keep the bus's per-turn overhead (one poll) small, few
    // enough that a reader waits at most this many calls for its turn.
    static constexpr std::size_t kBusMessagesPerTurn = 64;

    // Blocks SIGTERM and SIGINT for the process and reads them from a
    // signalfd, so that a signal ends the loop between two requests.
    explicit EventLoop(LoopBus& bus, std::size_t busMessagesPerTurn = kBusMessagesPerTurn);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // fn runs when fd is readable (or has an error or hang-up to report).
    // When `wanted` is given, fd is waited for only while it returns true
    // (asked before every wait): a reader can pause itself, e.g. the monitor
    // while the bus is backlogged. The bus fd wakes the loop when that
    // changes. Readers may add and remove readers, also from inside fn.
    void addReader(int fd, std::function<void()> fn, std::function<bool()> wanted = {});
    // Before fd is closed: a reader removed inside a turn is not called
    // again, even for an event of that same turn.
    void removeReader(int fd);

    // Runs until a signal arrives (returns its number). Throws what the
    // bus throws when its connection is lost.
    int run();

private:
    struct Reader {
        std::uint64_t id;  // the epoll data: a reader replaced on a reused fd is another reader
        int fd;
        std::function<void()> fn;
        std::function<bool()> wanted;
        bool registered = false;  // in the epoll set now
        bool removed = false;     // erased at the next turn: its fn may be running
    };
    // Erases the removed readers, adds those that want input to the epoll
    // set and takes the paused ones out: an epoll_ctl only when a reader's
    // state changed.
    void syncReaders();
    // The bus's descriptor and events as sd-bus wants them this turn.
    void syncBus(int fd, short events);
    void control(int op, int fd, std::uint32_t events, std::uint64_t id);

    LoopBus& bus_;
    std::size_t busMessagesPerTurn_;
    int signalFd_ = -1;
    int epollFd_ = -1;
    int busFd_ = -1;               // as registered
    std::uint32_t busEvents_ = 0;  // as registered
    std::uint64_t nextId_ = kFirstReaderId;
    // Owned one by one: a reader added from inside a callback does not move
    // the one whose fn is running.
    std::vector<std::unique_ptr<Reader>> readers_;

    static constexpr std::uint64_t kSignalId = 0;
    static constexpr std::uint64_t kBusId = 1;
    static constexpr std::uint64_t kFirstReaderId = 2;
};

}  // namespace mptcp::dbus
