// The event socket and decoder against the real kernel, in a network
// namespace of this test process's own: real MPTCP connections over
// loopback, the events they cause, decoded; an overrun forced with a tiny
// receive buffer, and the socket still hearing events after it; and no
// events while not a member of the group. Needs root and MPTCP; skipped
// elsewhere, failed when CI=true.
#include "event_decoder.hpp"
#include "event_socket.hpp"
#include "kernel_namespace.hpp"
#include "mptcp_sockets.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mptcp {
namespace {

using Clock = std::chrono::steady_clock;
using testing::MptcpConnection;
using testing::MptcpListener;

constexpr std::chrono::milliseconds kWait{5000};

class KernelEvents : public ::testing::Test {
protected:
    void SetUp() override
    {
        static const std::string why = testing::enterPrivateNetworkNamespace({});
        if (!why.empty()) {
            testing::skipOrFailInCi(why);
            return;
        }
        transport_ = openGenericNetlink();
        client_ = std::make_unique<PmClient>(*transport_);
        ASSERT_TRUE(client_->eventsGroup().has_value()) << "the mptcp_pm family has no events group";
    }

    std::unique_ptr<EventSource> openSource(int receiveBuffer = kEventReceiveBuffer)
    {
        return openEventSocket(*client_->eventsGroup(), receiveBuffer);
    }

    // Reads and decodes until `done` says so or the time is up; every
    // message must decode.
    template <typename Done>
    std::vector<PmEvent> readUntil(EventSource& source, Done done)
    {
        std::vector<PmEvent> events;
        alignas(4) std::array<std::uint8_t, 8192> buf{};
        const auto deadline = Clock::now() + kWait;
        while (!done(events) && Clock::now() < deadline) {
            pollfd p{source.fd(), POLLIN, 0};
            ::poll(&p, 1, 50);
            for (;;) {
                const EventSource::Read r = source.read(buf);
                if (r.status == EventSource::Status::Empty) {
                    break;
                }
                EXPECT_EQ(r.status, EventSource::Status::Message);
                decodeDatagram({buf.data(), r.size}, client_->familyId(), [&](DecodedEvent&& d) {
                    EXPECT_EQ(d.problem, "") << "the real kernel sent something we cannot decode";
                    if (d.event) {
                        events.push_back(*d.event);
                    }
                });
            }
        }
        return events;
    }

    // Opens and closes an MPTCP listener, then expects its two events and
    // nothing else from `source`.
    void expectOnlyAMarker(EventSource& source)
    {
        std::uint16_t markerPort = 0;
        {
            MptcpListener marker = testing::mptcpListen("127.0.0.1");
            markerPort = marker.port;
        }
        const auto events = readUntil(
            source, [](const std::vector<PmEvent>& evs) { return countOf(evs, proto::EVENT_LISTENER_CLOSED) >= 1; });
        ASSERT_EQ(events.size(), 2u);
        EXPECT_EQ(events[0].type, proto::EVENT_LISTENER_CREATED);
        EXPECT_EQ(events[0].localPort, markerPort);
        EXPECT_EQ(events[1].type, proto::EVENT_LISTENER_CLOSED);
    }

    static std::size_t countOf(const std::vector<PmEvent>& events, std::uint8_t type)
    {
        return static_cast<std::size_t>(
            std::count_if(events.begin(), events.end(), [type](const PmEvent& e) { return e.type == type; }));
    }

    std::unique_ptr<NetlinkTransport> transport_;
    std::unique_ptr<PmClient> client_;
};

const PmEvent* find(const std::vector<PmEvent>& events, std::uint8_t type, bool serverSide)
{
    for (const auto& e : events) {
        if (e.type == type && e.serverSide.value_or(false) == serverSide) {
            return &e;
        }
    }
    return nullptr;
}

TEST_F(KernelEvents, AConnectionsLifeAsTheKernelTellsIt)
{
    auto source = openSource();
    source->join();
    const IpAddress loopback = IpAddress::parse("127.0.0.1").value();
    std::uint16_t listenerPort = 0, clientPort = 0;
    {
        MptcpListener listener = testing::mptcpListen("127.0.0.1");
        listenerPort = listener.port;
        MptcpConnection c = testing::mptcpConnect(listener, "127.0.0.1");
        clientPort = c.clientPort;
        testing::exchangeData(c);
    }  // everything closed
    const auto events = readUntil(*source, [](const std::vector<PmEvent>& evs) {
        return countOf(evs, proto::EVENT_CLOSED) >= 2 && countOf(evs, proto::EVENT_LISTENER_CLOSED) >= 1;
    });

    const PmEvent* listening = find(events, proto::EVENT_LISTENER_CREATED, false);
    ASSERT_NE(listening, nullptr);
    EXPECT_EQ(listening->family, AF_INET);
    EXPECT_EQ(listening->localAddress, loopback);
    EXPECT_EQ(listening->localPort, listenerPort);

    const PmEvent* clientCreated = find(events, proto::EVENT_CREATED, false);
    const PmEvent* serverCreated = find(events, proto::EVENT_CREATED, true);
    const PmEvent* clientEstablished = find(events, proto::EVENT_ESTABLISHED, false);
    const PmEvent* serverEstablished = find(events, proto::EVENT_ESTABLISHED, true);
    ASSERT_NE(clientCreated, nullptr);
    ASSERT_NE(serverCreated, nullptr);
    ASSERT_NE(clientEstablished, nullptr);
    ASSERT_NE(serverEstablished, nullptr);
    // The ports the sockets used, in host order (SPORT/DPORT are big-endian
    // on the wire).
    EXPECT_EQ(clientCreated->localPort, clientPort);
    EXPECT_EQ(clientCreated->remotePort, listenerPort);
    EXPECT_EQ(serverCreated->localPort, listenerPort);
    EXPECT_EQ(serverCreated->remotePort, clientPort);
    EXPECT_EQ(clientCreated->localAddress, loopback);
    EXPECT_EQ(clientCreated->remoteAddress, loopback);
    // One token per side, the same in every event of that side.
    EXPECT_NE(clientCreated->token, serverCreated->token);
    EXPECT_EQ(clientEstablished->token, clientCreated->token);
    EXPECT_EQ(serverEstablished->token, serverCreated->token);
    std::vector<std::uint32_t> closedTokens;
    for (const auto& e : events) {
        if (e.type == proto::EVENT_CLOSED) {
            closedTokens.push_back(e.token.value_or(0));
        }
    }
    EXPECT_NE(std::find(closedTokens.begin(), closedTokens.end(), *clientCreated->token), closedTokens.end());
    EXPECT_NE(std::find(closedTokens.begin(), closedTokens.end(), *serverCreated->token), closedTokens.end());

    const PmEvent* listenerClosed = find(events, proto::EVENT_LISTENER_CLOSED, false);
    ASSERT_NE(listenerClosed, nullptr);
    EXPECT_EQ(listenerClosed->localPort, listenerPort);
}

TEST_F(KernelEvents, OverrunIsReportedCountedAndTheSocketKeepsHearing)
{
    // The smallest receive buffer the kernel allows: a few events fit.
    auto source = openSource(1);
    source->join();
    const auto dropsBefore = source->droppedSoFar();
    ASSERT_TRUE(dropsBefore.has_value()) << "our socket is not in /proc/net/netlink";
    {
        MptcpListener listener = testing::mptcpListen("127.0.0.1");
        for (int i = 0; i < 40; ++i) {
            MptcpConnection c = testing::mptcpConnect(listener, "127.0.0.1");
        }
    }
    alignas(4) std::array<std::uint8_t, 8192> buf{};
    std::vector<EventSource::Status> seen;
    for (int i = 0; i < 100000; ++i) {
        const auto r = source->read(buf);
        seen.push_back(r.status);
        if (r.status == EventSource::Status::Empty) {
            break;
        }
    }
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front(), EventSource::Status::Overrun) << "ENOBUFS comes before what was queued";
    EXPECT_EQ(std::count(seen.begin(), seen.end(), EventSource::Status::Overrun), 1)
        << "one report per overrun, however many were dropped";
    EXPECT_GT(std::count(seen.begin(), seen.end(), EventSource::Status::Message), 0);
    EXPECT_EQ(seen.back(), EventSource::Status::Empty);
    const auto dropsAfter = source->droppedSoFar();
    ASSERT_TRUE(dropsAfter.has_value());
    EXPECT_GT(*dropsAfter, *dropsBefore) << "the kernel's count of what it dropped";

    // Not deaf: what happens next is heard (two events, which fit).
    expectOnlyAMarker(*source);
}

TEST_F(KernelEvents, NothingArrivesWhileNotAMember)
{
    auto source = openSource();
    source->join();
    source->leave();
    {
        MptcpListener listener = testing::mptcpListen("127.0.0.1");
        MptcpConnection c = testing::mptcpConnect(listener, "127.0.0.1");
    }
    // A marker after joining again: whatever the socket holds before it
    // came while it was not a member.
    source->join();
    expectOnlyAMarker(*source);
}

}  // namespace
}  // namespace mptcp
