// PeerTracker's reading of NameOwnerChanged, and the drop counter read
// from /proc/net/netlink: the small pure parts under the monitor.
#include "peer_tracker.hpp"
#include "event_socket.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mptcp::dbus {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(PeerTracker, EveryListenerHearsOfAUniqueNameThatLeaves)
{
    PeerTracker tracker;
    std::vector<std::string> first, second;
    tracker.onVanished([&](const std::string& n) { first.push_back(n); });
    tracker.onVanished([&](const std::string& n) { second.push_back(n); });
    tracker.nameOwnerChanged(":1.42", ":1.42", "");
    EXPECT_THAT(first, ElementsAre(":1.42"));
    EXPECT_THAT(second, ElementsAre(":1.42"));
}

TEST(PeerTracker, ArrivalsAndWellKnownNamesAreNotDepartures)
{
    PeerTracker tracker;
    std::vector<std::string> gone;
    tracker.onVanished([&](const std::string& n) { gone.push_back(n); });
    tracker.nameOwnerChanged(":1.43", "", ":1.43");                   // a peer arrives
    tracker.nameOwnerChanged("org.example.Thing", ":1.43", "");       // a name is released
    tracker.nameOwnerChanged("org.example.Thing", ":1.43", ":1.44");  // or changes hands
    tracker.nameOwnerChanged("", "", "");
    EXPECT_THAT(gone, IsEmpty());
}

TEST(PeerTracker, AFailingListenerDoesNotStopTheOthers)
{
    PeerTracker tracker;
    std::vector<std::string> gone;
    tracker.onVanished([](const std::string&) { throw std::runtime_error("boom"); });
    tracker.onVanished([&](const std::string& n) { gone.push_back(n); });
    EXPECT_NO_THROW(tracker.nameOwnerChanged(":1.9", ":1.9", ""));
    EXPECT_THAT(gone, ElementsAre(":1.9"));
}

// /proc/net/netlink as Linux 6.18 prints it.
constexpr const char* kProcNetNetlink =
    "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n"
    "00000000b299aa90 0   29364      00000000 0        0        0     2        0        585475  \n"
    "000000009e6ad096 16  4242       00000000 8388608  0        0     2        1234     585460  \n";

TEST(NetlinkDrops, TheDropsOfOurSocketByInode)
{
    EXPECT_EQ(netlinkDropsFromProc(kProcNetNetlink, 585460), 1234u);
    EXPECT_EQ(netlinkDropsFromProc(kProcNetNetlink, 585475), 0u);
    EXPECT_EQ(netlinkDropsFromProc(kProcNetNetlink, 1), std::nullopt);
}

TEST(NetlinkDrops, UnknownLayoutIsUnknownCount)
{
    EXPECT_EQ(netlinkDropsFromProc("", 585460), std::nullopt);
    EXPECT_EQ(netlinkDropsFromProc("sk Eth Pid Inode\n0 16 1 585460\n", 585460), std::nullopt);
    EXPECT_EQ(netlinkDropsFromProc("sk Drops Inode\n0 x 585460\n", 585460), std::nullopt);
    EXPECT_EQ(netlinkDropsFromProc("sk Drops Inode\n0 7\n", 585460), std::nullopt) << "a short row";
}

}  // namespace
}  // namespace mptcp::dbus
