// The real rtnetlink event socket (route_events.cpp) against the real
// kernel: it reads the kernel's notifications and drops datagrams that
// another local process sends to its port id. Needs no privilege: any user
// may join the link and address groups and send to a netlink port; nothing
// in the namespace is changed.
#include "route_events.hpp"
#include "fake_route.hpp"
#include "rtnl_codec.hpp"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>

namespace mptcp {
namespace {

TEST(RouteEventsTest, ADatagramFromAnotherProcessIsNotAnEvent)
{
    const auto events = openRouteEvents();
    sockaddr_nl own{};
    socklen_t length = sizeof own;
    ASSERT_EQ(getsockname(events->fd(), reinterpret_cast<sockaddr*>(&own), &length), 0);
    ASSERT_NE(own.nl_pid, 0u);

    // A forged "address added" notification, unicast from a user socket.
    const int forger = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    ASSERT_GE(forger, 0);
    sockaddr_nl to{};
    to.nl_family = AF_NETLINK;
    to.nl_pid = own.nl_pid;
    const auto forged = testing::addressMessage(RTM_NEWADDR, 1, "192.0.2.66/24", 0, 0);
    ASSERT_EQ(sendto(forger, forged.data(), forged.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(forged.size()));
    close(forger);

    alignas(4) std::array<std::uint8_t, rtnl::kReceiveBufferSize> buffer{};
    std::size_t received = 0;
    // Whatever else the kernel announces meanwhile is read; the forged
    // datagram never comes out.
    for (;;) {
        const auto status = events->receive(buffer, &received);
        if (status != RouteEventSocket::Status::Datagram) {
            EXPECT_EQ(status, RouteEventSocket::Status::Empty);
            break;
        }
        bool forgedSeen = false;
        rtnl::forEachMessage({buffer.data(), received}, [&](const rtnl::Message& m) {
            forgedSeen |= m.kind == rtnl::Message::Kind::NewAddr && m.address.address.toString() == "192.0.2.66";
        });
        EXPECT_FALSE(forgedSeen);
    }
}

}  // namespace
}  // namespace mptcp
