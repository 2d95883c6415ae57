// The monitor's flow control against the bus daemon: how many signals may
// be on their way at once, when to ping the bus, and what its answer
// releases.
#include "bus_drain_window.hpp"

#include <gtest/gtest.h>

namespace mptcp::dbus {
namespace {

void queue(BusDrainWindow& w, int n)
{
    for (int i = 0; i < n; ++i) {
        w.signalQueued();
    }
}

TEST(BusDrainWindow, PingAfterEveryFewAndFullAtTheWindow)
{
    BusDrainWindow w(8, 2);
    queue(w, 1);
    EXPECT_FALSE(w.pingDue());
    queue(w, 1);
    EXPECT_TRUE(w.pingDue());
    w.pingSent();
    EXPECT_FALSE(w.pingDue()) << "one ping out at a time";
    queue(w, 5);
    EXPECT_FALSE(w.full());
    queue(w, 1);
    EXPECT_TRUE(w.full()) << "8 signals not known to be through";
    EXPECT_EQ(w.inFlight(), 8u);
}

TEST(BusDrainWindow, AnswerReleasesWhatCameBeforeThePingOnly)
{
    BusDrainWindow w(8, 2);
    queue(w, 2);
    w.pingSent();  // after signal 2
    queue(w, 6);
    EXPECT_TRUE(w.full());
    w.pingAnswered();
    EXPECT_FALSE(w.full());
    EXPECT_EQ(w.inFlight(), 6u) << "the 6 after the ping are still on their way";
    EXPECT_TRUE(w.pingDue()) << "so the next ping goes out at once";
}

TEST(BusDrainWindow, AStrayAnswerReleasesNothing)
{
    BusDrainWindow w(8, 2);
    queue(w, 8);
    w.pingAnswered();  // no ping was out
    EXPECT_TRUE(w.full());
}

TEST(BusDrainWindow, PingThatCannotBeSentDoesNotBlockForever)
{
    BusDrainWindow w(8, 2);
    queue(w, 2);
    w.pingSent();
    queue(w, 6);
    w.forgetQueued();
    EXPECT_FALSE(w.full());
    EXPECT_EQ(w.inFlight(), 0u);
    EXPECT_FALSE(w.pingDue());
}

TEST(BusDrainWindow, NonsenseSizesStillMakeAWorkingWindow)
{
    BusDrainWindow w(0, 0);
    w.signalQueued();
    EXPECT_TRUE(w.pingDue()) << "pings after every signal";
    w.pingSent();
    w.signalQueued();
    EXPECT_TRUE(w.full());
    w.pingAnswered();
    EXPECT_FALSE(w.full());
}

}  // namespace
}  // namespace mptcp::dbus
