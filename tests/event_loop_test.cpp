// The daemon's loop is fair: a bus that never runs dry (a client flooding
// the service with calls) still leaves every readable reader (the kernel's
// events, address changes) its turn, instead of draining the bus first.
#include "event_loop.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>

namespace mptcp::dbus {
namespace {

// A bus connection with an endless queue of requests.
class EndlessBus : public sdbus::IConnection {
public:
    EndlessBus() : idleFd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
    ~EndlessBus() override { close(idleFd_); }

    bool processPendingRequest() override
    {
        ++processed;
        return true;
    }
    PollData getEventLoopPollData() const override { return PollData{idleFd_, POLLIN, UINT64_MAX}; }

    void requestName(const std::string&) override {}
    void releaseName(const std::string&) override {}
    std::string getUniqueName() const override { return ":1.1"; }
    void enterEventLoop() override {}
    void enterEventLoopAsync() override {}
    void leaveEventLoop() override {}
    void addObjectManager(const std::string&) override {}
    void setMethodCallTimeout(uint64_t) override {}
    uint64_t getMethodCallTimeout() const override { return 0; }
    void addObjectManager(const std::string&, sdbus::floating_slot_t) override {}
    sdbus::Slot addMatch(const std::string&, sdbus::message_handler) override { return {}; }
    void addMatch(const std::string&, sdbus::message_handler, sdbus::floating_slot_t) override {}

    std::uint64_t processed = 0;

private:
    int idleFd_;
};

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
        // Ends the loop: SIGTERM is blocked and read from the loop's signalfd.
        kill(getpid(), SIGTERM);
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

}  // namespace
}  // namespace mptcp::dbus
