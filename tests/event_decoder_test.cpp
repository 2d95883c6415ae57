// The event decoder with crafted bytes: every event type the kernel sends,
// the byte orders, and every way a message can be wrong (cut off, an
// attribute of the wrong size, unknown types and attributes). A bad
// message must come back as a problem, never as a crash or a guess.
#include "event_decoder.hpp"
#include "event_bytes.hpp"
#include "pm_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <cstring>
#include <string>
#include <vector>

namespace mptcp {
namespace {

using testing::Bytes;
using testing::EventBytes;
using ::testing::HasSubstr;
using testing::kEventFamilyId;

DecodedEvent decode(const Bytes& bytes)
{
    return decodeEvent(reinterpret_cast<const nlmsghdr*>(bytes.data()), kEventFamilyId);
}

PmEvent decodeOk(const Bytes& bytes)
{
    DecodedEvent d = decode(bytes);
    EXPECT_TRUE(d.event.has_value()) << d.problem;
    EXPECT_EQ(d.problem, "");
    return d.event.value_or(PmEvent{});
}

std::string problemOf(const Bytes& bytes)
{
    DecodedEvent d = decode(bytes);
    EXPECT_FALSE(d.event.has_value());
    return d.problem;
}

IpAddress addr(const char* text)
{
    return IpAddress::parse(text).value();
}

// A subflow event with every attribute the kernel may put in one.
EventBytes subflowEvent(std::uint8_t type)
{
    EventBytes e(type);
    e.u32(proto::EV_ATTR_TOKEN, 0x70285d1f)
        .u16(proto::EV_ATTR_FAMILY, AF_INET)
        .u8(proto::EV_ATTR_LOC_ID, 0)
        .u8(proto::EV_ATTR_REM_ID, 1)
        .address(proto::EV_ATTR_SADDR4, "127.0.0.1")
        .address(proto::EV_ATTR_DADDR4, "127.0.0.2")
        .be16(proto::EV_ATTR_SPORT, 35931)
        .be16(proto::EV_ATTR_DPORT, 5555)
        .u8(proto::EV_ATTR_BACKUP, 1)
        .u32(proto::EV_ATTR_IF_IDX, 3);
    return e;
}

// ------------------------------------------------------- every event type

TEST(EventDecoder, CreatedOnTheClientSide)
{
    const PmEvent e = decodeOk(testing::createdV4(0x70285d1f, false));
    EXPECT_EQ(e.type, proto::EVENT_CREATED);
    EXPECT_EQ(e.token, 0x70285d1fu);
    EXPECT_EQ(e.family, AF_INET);
    EXPECT_EQ(e.localAddress, addr("127.0.0.1"));
    EXPECT_EQ(e.remoteAddress, addr("127.0.0.1"));
    EXPECT_EQ(e.localPort, 37566);
    EXPECT_EQ(e.remotePort, 5555);
    EXPECT_EQ(e.localId, 0);
    EXPECT_EQ(e.remoteId, 0);
    EXPECT_EQ(e.serverSide, std::nullopt) << "the kernel sends server_side only on the server side";
    EXPECT_EQ(e.flags, std::nullopt);
    EXPECT_EQ(e.backup, std::nullopt);
}

TEST(EventDecoder, CreatedOnTheServerSide)
{
    const PmEvent e = decodeOk(testing::createdV4(0x5a4c15c7, true));
    EXPECT_EQ(e.serverSide, true);
    EXPECT_EQ(e.flags, proto::EV_FLAG_SERVER_SIDE);
    EXPECT_EQ(e.localPort, 5555);
    EXPECT_EQ(e.remotePort, 37566);
}

TEST(EventDecoder, ServerSideFromTheFlagsAloneWhenTheOldAttributeIsGone)
{
    const auto bytes = EventBytes(proto::EVENT_ESTABLISHED)
                           .u32(proto::EV_ATTR_TOKEN, 7)
                           .u16(proto::EV_ATTR_FLAGS, proto::EV_FLAG_SERVER_SIDE | proto::EV_FLAG_DENY_JOIN_ID0)
                           .bytes();
    const PmEvent e = decodeOk(bytes);
    EXPECT_EQ(e.serverSide, true);
    EXPECT_EQ(e.flags, 3);
}

TEST(EventDecoder, EstablishedOverIpv6)
{
    const auto bytes = EventBytes(proto::EVENT_ESTABLISHED)
                           .u32(proto::EV_ATTR_TOKEN, 0xdeadbeef)
                           .u16(proto::EV_ATTR_FAMILY, AF_INET6)
                           .address(proto::EV_ATTR_SADDR6, "2001:db8::1")
                           .address(proto::EV_ATTR_DADDR6, "::ffff:10.0.1.3")
                           .be16(proto::EV_ATTR_SPORT, 443)
                           .be16(proto::EV_ATTR_DPORT, 65535)
                           .bytes();
    const PmEvent e = decodeOk(bytes);
    EXPECT_EQ(e.type, proto::EVENT_ESTABLISHED);
    EXPECT_EQ(e.token, 0xdeadbeefu);
    EXPECT_EQ(e.localAddress->toString(), "2001:db8::1");
    EXPECT_EQ(e.remoteAddress->toString(), "::ffff:10.0.1.3") << "a mapped address stays mapped";
    EXPECT_EQ(e.localPort, 443);
    EXPECT_EQ(e.remotePort, 65535);
}

TEST(EventDecoder, ClosedCarriesTheTokenOnly)
{
    const PmEvent e = decodeOk(testing::closedEvent(42));
    PmEvent expected;
    expected.type = proto::EVENT_CLOSED;
    expected.token = 42;
    EXPECT_EQ(e, expected);
}

TEST(EventDecoder, Announced)
{
    const auto bytes = EventBytes(proto::EVENT_ANNOUNCED)
                           .u32(proto::EV_ATTR_TOKEN, 1)
                           .u8(proto::EV_ATTR_REM_ID, 1)
                           .u16(proto::EV_ATTR_FAMILY, AF_INET)
                           .address(proto::EV_ATTR_DADDR4, "127.0.0.2")
                           .be16(proto::EV_ATTR_DPORT, 5555)
                           .bytes();
    const PmEvent e = decodeOk(bytes);
    EXPECT_EQ(e.type, proto::EVENT_ANNOUNCED);
    EXPECT_EQ(e.remoteId, 1);
    EXPECT_EQ(e.remoteAddress, addr("127.0.0.2"));
    EXPECT_EQ(e.remotePort, 5555);
    EXPECT_EQ(e.localAddress, std::nullopt);
    EXPECT_EQ(e.localPort, std::nullopt);
}

TEST(EventDecoder, Removed)
{
    const PmEvent e =
        decodeOk(EventBytes(proto::EVENT_REMOVED).u32(proto::EV_ATTR_TOKEN, 9).u8(proto::EV_ATTR_REM_ID, 4).bytes());
    EXPECT_EQ(e.type, proto::EVENT_REMOVED);
    EXPECT_EQ(e.token, 9u);
    EXPECT_EQ(e.remoteId, 4);
}

TEST(EventDecoder, SubflowEstablishedAndPriority)
{
    for (const std::uint8_t type : {proto::EVENT_SUB_ESTABLISHED, proto::EVENT_SUB_PRIORITY}) {
        SCOPED_TRACE(static_cast<int>(type));
        const PmEvent e = decodeOk(subflowEvent(type).bytes());
        EXPECT_EQ(e.type, type);
        EXPECT_EQ(e.localId, 0);
        EXPECT_EQ(e.remoteId, 1);
        EXPECT_EQ(e.localAddress, addr("127.0.0.1"));
        EXPECT_EQ(e.remoteAddress, addr("127.0.0.2"));
        EXPECT_EQ(e.localPort, 35931);
        EXPECT_EQ(e.remotePort, 5555);
        EXPECT_EQ(e.backup, true);
        EXPECT_EQ(e.ifindex, 3);
        EXPECT_EQ(e.error, std::nullopt);
    }
}

TEST(EventDecoder, SubflowClosedWithErrorAndReset)
{
    auto bytes = subflowEvent(proto::EVENT_SUB_CLOSED)
                     .u8(proto::EV_ATTR_ERROR, 111)
                     .u32(proto::EV_ATTR_RESET_REASON, 3)
                     .u32(proto::EV_ATTR_RESET_FLAGS, 0x1)
                     .u32(proto::EV_ATTR_TIMEOUT, 120)
                     .bytes();
    const PmEvent e = decodeOk(bytes);
    EXPECT_EQ(e.type, proto::EVENT_SUB_CLOSED);
    EXPECT_EQ(e.error, 111);
    EXPECT_EQ(e.resetReason, 3u);
    EXPECT_EQ(e.resetFlags, 1u);
    EXPECT_EQ(e.timeout, 120u);
}

TEST(EventDecoder, NegativeIfindexIsKeptAsSigned)
{
    const PmEvent e = decodeOk(EventBytes(proto::EVENT_SUB_ESTABLISHED)
                                   .u32(proto::EV_ATTR_TOKEN, 1)
                                   .u32(proto::EV_ATTR_IF_IDX, 0xffffffffu)
                                   .bytes());
    EXPECT_EQ(e.ifindex, -1);
}

TEST(EventDecoder, ListenerEventsHaveNoToken)
{
    for (const std::uint8_t type : {proto::EVENT_LISTENER_CREATED, proto::EVENT_LISTENER_CLOSED}) {
        SCOPED_TRACE(static_cast<int>(type));
        const PmEvent e = decodeOk(EventBytes(type)
                                       .u16(proto::EV_ATTR_FAMILY, AF_INET)
                                       .be16(proto::EV_ATTR_SPORT, 10042)
                                       .address(proto::EV_ATTR_SADDR4, "127.0.0.3")
                                       .bytes());
        EXPECT_EQ(e.type, type);
        EXPECT_EQ(e.token, std::nullopt);
        EXPECT_EQ(e.localAddress, addr("127.0.0.3"));
        EXPECT_EQ(e.localPort, 10042);
    }
}

TEST(EventDecoder, KnowsExactlyTheTenTypesOfTheContract)
{
    const std::vector<int> known = {1, 2, 3, 6, 7, 10, 11, 13, 15, 16};
    for (int t = 0; t < 256; ++t) {
        const bool isKnown = std::find(known.begin(), known.end(), t) != known.end();
        EXPECT_EQ(isKnownEventType(static_cast<std::uint8_t>(t)), isKnown) << t;
    }
    EXPECT_FALSE(needsToken(proto::EVENT_LISTENER_CREATED));
    EXPECT_FALSE(needsToken(proto::EVENT_LISTENER_CLOSED));
    EXPECT_FALSE(needsToken(99)) << "an unknown type may or may not have one";
    EXPECT_TRUE(needsToken(proto::EVENT_SUB_PRIORITY));
}

TEST(EventDecoder, UnknownTypeIsDecodedAsFarAsItsAttributesAreKnown)
{
    const PmEvent e = decodeOk(EventBytes(42).u32(proto::EV_ATTR_TOKEN, 5).u32(proto::EV_ATTR_TIMEOUT, 9).bytes());
    EXPECT_EQ(e.type, 42);
    EXPECT_EQ(e.token, 5u);
    EXPECT_EQ(e.timeout, 9u);
    // No token is fine for a type we do not know.
    EXPECT_EQ(decodeOk(EventBytes(200).bytes()).type, 200);
}

TEST(EventDecoder, UnknownAttributesAreSkipped)
{
    const std::vector<std::uint8_t> blob(13, 0xab);
    const auto bytes =
        EventBytes(proto::EVENT_CLOSED).raw(99, blob).u32(proto::EV_ATTR_TOKEN, 77).raw(0, blob).raw(1000, {}).bytes();
    EXPECT_EQ(decodeOk(bytes).token, 77u);
}

// ---------------------------------------------------------- bad messages

TEST(EventDecoder, KnownAttributeOfTheWrongSizeIsMalformed)
{
    const std::uint8_t eight[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_CLOSED).raw(proto::EV_ATTR_TOKEN, eight).bytes()),
                HasSubstr("attribute token has 8 bytes, expected 4"));
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_CREATED)
                              .u32(proto::EV_ATTR_TOKEN, 1)
                              .raw(proto::EV_ATTR_FAMILY, std::span(eight, 1))
                              .bytes()),
                HasSubstr("attribute family has 1 bytes, expected 2"));
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_SUB_CLOSED)
                              .u32(proto::EV_ATTR_TOKEN, 1)
                              .raw(proto::EV_ATTR_SADDR6, std::span(eight, 4))
                              .bytes()),
                HasSubstr("saddr6 has 4 bytes, expected 16"));
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_SUB_CLOSED)
                              .u32(proto::EV_ATTR_TOKEN, 1)
                              .u32(proto::EV_ATTR_ERROR, 111)  // u8 in the kernel
                              .bytes()),
                HasSubstr("event SUB_CLOSED: attribute error has 4 bytes, expected 1"));
}

TEST(EventDecoder, AttributeCutOffByTheEndOfTheMessageIsMalformed)
{
    Bytes bytes = EventBytes(proto::EVENT_CLOSED).u32(proto::EV_ATTR_TOKEN, 1).bytes();
    // Claim 4 bytes that are not there: the attribute runs past nlmsg_len.
    bytes.resize(bytes.size() - 4);
    const std::uint32_t len = static_cast<std::uint32_t>(bytes.size());
    std::memcpy(bytes.data(), &len, sizeof len);
    EXPECT_THAT(problemOf(bytes), HasSubstr("truncated attribute"));
}

TEST(EventDecoder, AttributeHeaderLongerThanItsAttributeIsMalformed)
{
    Bytes bytes = EventBytes(proto::EVENT_CLOSED).u32(proto::EV_ATTR_TOKEN, 1).bytes();
    bytes[NLMSG_HDRLEN + 4] = 2;  // nla_len 2 < the header's own 4
    EXPECT_THAT(problemOf(bytes), HasSubstr("truncated attribute"));
}

TEST(EventDecoder, MessageShorterThanTheGenericHeaderIsMalformed)
{
    Bytes bytes = EventBytes(proto::EVENT_CLOSED).bytes();
    bytes.resize(NLMSG_HDRLEN + 2);
    const std::uint32_t len = static_cast<std::uint32_t>(bytes.size());
    std::memcpy(bytes.data(), &len, sizeof len);
    EXPECT_THAT(problemOf(bytes), HasSubstr("shorter than its generic netlink header"));
}

TEST(EventDecoder, MessageOfAnotherFamilyIsNotAnEvent)
{
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_CLOSED, 0x20).u32(proto::EV_ATTR_TOKEN, 1).bytes()),
                HasSubstr("not an mptcp_pm event"));
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_CLOSED, NLMSG_ERROR).bytes()), HasSubstr("not an mptcp_pm event"));
}

TEST(EventDecoder, ConnectionEventWithoutTokenIsMalformed)
{
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_CLOSED).bytes()), HasSubstr("event CLOSED without a token"));
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_SUB_ESTABLISHED).u16(proto::EV_ATTR_FAMILY, AF_INET).bytes()),
                HasSubstr("without a token"));
}

TEST(EventDecoder, AddressesFollowTheFamilyAndAreNeverSpliced)
{
    // Both kinds present: the family decides, the other is ignored.
    const PmEvent v6 = decodeOk(EventBytes(proto::EVENT_LISTENER_CREATED)
                                    .u16(proto::EV_ATTR_FAMILY, AF_INET6)
                                    .address(proto::EV_ATTR_SADDR4, "10.0.0.1")
                                    .address(proto::EV_ATTR_SADDR6, "2001:db8::5")
                                    .bytes());
    EXPECT_EQ(v6.localAddress, addr("2001:db8::5"));
    // Family says IPv6, only an IPv4 address: no address rather than a guess.
    const PmEvent none = decodeOk(EventBytes(proto::EVENT_LISTENER_CREATED)
                                      .u16(proto::EV_ATTR_FAMILY, AF_INET6)
                                      .address(proto::EV_ATTR_SADDR4, "10.0.0.1")
                                      .bytes());
    EXPECT_EQ(none.localAddress, std::nullopt);
    EXPECT_EQ(none.family, AF_INET6);
    // No family, one address: that one.
    const PmEvent v4 =
        decodeOk(EventBytes(proto::EVENT_LISTENER_CLOSED).address(proto::EV_ATTR_SADDR4, "10.0.0.1").bytes());
    EXPECT_EQ(v4.localAddress, addr("10.0.0.1"));
    // No family, both: malformed.
    EXPECT_THAT(problemOf(EventBytes(proto::EVENT_LISTENER_CLOSED)
                              .address(proto::EV_ATTR_DADDR4, "10.0.0.1")
                              .address(proto::EV_ATTR_DADDR6, "2001:db8::5")
                              .bytes()),
                HasSubstr("no family to choose"));
}

// ------------------------------------------------------------- datagrams

std::vector<DecodedEvent> decodeAll(const Bytes& datagram)
{
    std::vector<DecodedEvent> out;
    decodeDatagram(datagram, kEventFamilyId, [&](DecodedEvent&& d) { out.push_back(std::move(d)); });
    return out;
}

TEST(EventDecoder, EveryMessageOfADatagramInOrder)
{
    Bytes datagram = testing::createdV4(1, false);
    const Bytes second = testing::closedEvent(1);
    datagram.insert(datagram.end(), second.begin(), second.end());
    const auto all = decodeAll(datagram);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].event->type, proto::EVENT_CREATED);
    EXPECT_EQ(all[1].event->type, proto::EVENT_CLOSED);
}

TEST(EventDecoder, CutOffMessageAtTheEndOfADatagramIsReportedNotRead)
{
    Bytes datagram = testing::closedEvent(1);
    const Bytes second = testing::createdV4(2, false);
    datagram.insert(datagram.end(), second.begin(), second.begin() + 20);
    const auto all = decodeAll(datagram);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_TRUE(all[0].event.has_value());
    EXPECT_THAT(all[1].problem, HasSubstr("truncated netlink message"));
}

TEST(EventDecoder, HugeLengthFieldIsNotBelieved)
{
    // nlmsg_len 2^31 is negative as an int and would pass libmnl's check.
    for (const std::uint32_t len : {0x80000000u, 0xffffffffu, 0u, 8u}) {
        SCOPED_TRACE(len);
        Bytes datagram = testing::closedEvent(1);
        std::memcpy(datagram.data(), &len, sizeof len);
        const auto all = decodeAll(datagram);
        ASSERT_EQ(all.size(), 1u);
        EXPECT_FALSE(all[0].event.has_value());
        EXPECT_THAT(all[0].problem, HasSubstr("truncated netlink message"));
    }
}

TEST(EventDecoder, EmptyDatagramIsNothing)
{
    EXPECT_TRUE(decodeAll({}).empty());
}

}  // namespace
}  // namespace mptcp
