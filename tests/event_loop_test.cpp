// The daemon's loop is fair: a bus that never runs dry (a client flooding
// the service with calls) still leaves every readable reader (the kernel's
// events, address changes) its turn, instead of draining the bus first. A
// paused reader is not called, readers may add and remove readers from
// their callbacks, and an idle loop sleeps.
#include "event_loop.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>

namespace mptcp::dbus {
namespace {

// A bus connection with an endless queue of requests, or (endless = false)
// with none: its descriptor never becomes readable and it has no timeout.
class EndlessBus : public LoopBus {
public:
    explicit EndlessBus(bool endless = true) : endless_(endless), idleFd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
    ~EndlessBus() override { close(idleFd_); }

    bool processOne() override
    {
        ++processed;
        return endless_;
    }
    Wait wait() const override { return Wait{idleFd_, POLLIN, std::nullopt}; }

    std::uint64_t processed = 0;

private:
    bool endless_;
    int idleFd_;
};

struct Pipe {
    Pipe()
    {
        EXPECT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
        EXPECT_EQ(write(fds[1], "x", 1), 1);  // readable until read
    }
    ~Pipe()
    {
        close(fds[0]);
        close(fds[1]);
    }
    int readEnd() const { return fds[0]; }
    void drain() const
    {
        char c = 0;
        EXPECT_EQ(read(fds[0], &c, 1), 1);
    }
    int fds[2] = {-1, -1};
};

// Ends the loop: SIGTERM is blocked and read from the loop's signalfd.
void stopLoop()
{
    kill(getpid(), SIGTERM);
}

TEST(EventLoopTest, ABusThatNeverRunsDryDoesNotStarveAReader)
{
    EndlessBus bus;
    int pipeFds[2];
    ASSERT_EQ(pipe2(pipeFds, O_CLOEXEC | O_NONBLOCK), 0);
    ASSERT_EQ(write(pipeFds[1], "x", 1), 1);
    EventLoop loop(bus, 8);
    int reads = 0;
    loop.addReader(pipeFds[0], [&] {
        ++reads;
        char c = 0;
        EXPECT_EQ(read(pipeFds[0], &c, 1), 1);
        stopLoop();
    });
    EXPECT_EQ(loop.run(), SIGTERM);
    EXPECT_EQ(reads, 1);
    // The reader got its turn after one bounded share of the bus (and the
    // signal after at most one more), not after an endless drain.
    EXPECT_LE(bus.processed, 16u);
    EXPECT_GE(bus.processed, 8u);
    close(pipeFds[0]);
    close(pipeFds[1]);
}

TEST(EventLoopTest, APausedReaderIsNotCalledUntilItWantsInputAgain)
{
    EndlessBus bus;
    Pipe readable;
    EventLoop loop(bus, 8);
    int asked = 0;
    int calls = 0;
    loop.addReader(
        readable.readEnd(),
        [&] {
            ++calls;
            EXPECT_GT(asked, 3) << "called while it said it wanted no input";
            readable.drain();
            stopLoop();
        },
        [&] { return ++asked > 3; });
    EXPECT_EQ(loop.run(), SIGTERM);
    EXPECT_EQ(calls, 1);
    // Three turns went by with the reader readable but paused.
    EXPECT_GE(bus.processed, 3 * 8u);
}

TEST(EventLoopTest, AReaderCanReplaceItselfFromItsCallback)
{
    EndlessBus bus;
    Pipe first, second;  // both stay readable: neither is drained
    EventLoop loop(bus, 8);
    int firstCalls = 0;
    int secondCalls = 0;
    loop.addReader(first.readEnd(), [&] {
        ++firstCalls;
        loop.removeReader(first.readEnd());
        loop.addReader(second.readEnd(), [&] {
            ++secondCalls;
            stopLoop();
        });
    });
    EXPECT_EQ(loop.run(), SIGTERM);
    EXPECT_EQ(firstCalls, 1) << "a removed reader was called again";
    EXPECT_EQ(secondCalls, 1);
}

TEST(EventLoopTest, AReaderRemovedInATurnIsNotCalledInThatTurn)
{
    EndlessBus bus;
    Pipe a, b;  // both readable in the same turn
    EventLoop loop(bus, 8);
    int aCalls = 0;
    int bCalls = 0;
    // Whichever runs first removes the other; its event of this same turn
    // must not call it.
    loop.addReader(a.readEnd(), [&] {
        ++aCalls;
        loop.removeReader(b.readEnd());
        loop.removeReader(a.readEnd());
        stopLoop();
    });
    loop.addReader(b.readEnd(), [&] {
        ++bCalls;
        loop.removeReader(a.readEnd());
        loop.removeReader(b.readEnd());
        stopLoop();
    });
    EXPECT_EQ(loop.run(), SIGTERM);
    EXPECT_EQ(aCalls + bCalls, 1);
}

TEST(EventLoopTest, AnIdleLoopSleepsUntilAReaderIsReady)
{
    EndlessBus bus(false);
    const int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    ASSERT_GE(timer, 0);
    itimerspec in50ms{};
    in50ms.it_value.tv_nsec = 50'000'000;
    ASSERT_EQ(timerfd_settime(timer, 0, &in50ms, nullptr), 0);
    EventLoop loop(bus);
    int calls = 0;
    loop.addReader(timer, [&] {
        ++calls;
        stopLoop();
    });
    EXPECT_EQ(loop.run(), SIGTERM);
    EXPECT_EQ(calls, 1);
    // Asked the bus once before sleeping and once after the timer's wakeup
    // (and once more before the signal's), instead of spinning for 50 ms.
    EXPECT_LE(bus.processed, 3u);
    close(timer);
}

}  // namespace
}  // namespace mptcp::dbus
