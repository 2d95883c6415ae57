// The rtnetlink codec with crafted bytes: what is read from well-formed
// link and address messages, and that every malformed one is refused with a
// PmError rather than read out of bounds. Also the usable-address rule.
#include "rtnl_codec.hpp"
#include "fake_route.hpp"
#include "pm_error.hpp"
#include "usable_address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <cstring>
#include <ostream>
#include <vector>

namespace mptcp::rtnl {
namespace {

using testing::addressMessage;
using ::testing::HasSubstr;
using testing::linkMessage;

std::vector<Message> parseAll(const std::vector<std::uint8_t>& bytes)
{
    // 4-byte aligned copy, as a receive buffer is.
    std::vector<std::uint32_t> words(bytes.size() / 4 + 1);
    std::memcpy(words.data(), bytes.data(), bytes.size());
    std::vector<Message> out;
    forEachMessage({reinterpret_cast<const std::uint8_t*>(words.data()), bytes.size()},
                   [&](const Message& m) { out.push_back(m); });
    return out;
}

std::string refusal(const std::vector<std::uint8_t>& bytes)
{
    try {
        parseAll(bytes);
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Failed);
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
}

// Offset of the first attribute after a fixed header.
template <typename Header>
constexpr std::size_t firstAttr()
{
    return MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(Header));
}

TEST(RtnlCodecTest, DumpRequestAsksForEveryFamily)
{
    alignas(4) std::uint8_t buf[kRequestBufferSize];
    const auto bytes = buildDumpRequest(buf, RTM_GETADDR, 42);
    ASSERT_EQ(bytes.size(), 20u);  // header + rtgenmsg, aligned
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
    EXPECT_EQ(nlh->nlmsg_type, RTM_GETADDR);
    EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(nlh->nlmsg_seq, 42u);
    EXPECT_EQ(bytes[16], AF_UNSPEC);
}

TEST(RtnlCodecTest, NewLinkGivesIndexAndName)
{
    const auto msgs = parseAll(linkMessage(RTM_NEWLINK, 7, "wlp2s0"));
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].kind, Message::Kind::NewLink);
    EXPECT_EQ(msgs[0].link.ifindex, 7);
    EXPECT_EQ(msgs[0].link.name, "wlp2s0");
    EXPECT_EQ(parseAll(linkMessage(RTM_DELLINK, 7, "wlp2s0"))[0].kind, Message::Kind::DelLink);
}

TEST(RtnlCodecTest, Ipv6AddressTakesItsFlagsFromIfaFlags)
{
    // ifa_flags holds only the low byte; IFA_FLAGS has them all.
    const auto msgs = parseAll(
        addressMessage(RTM_NEWADDR, 3, "2001:db8::5/64", IFA_F_TENTATIVE | IFA_F_MANAGETEMPADDR, RT_SCOPE_UNIVERSE));
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].kind, Message::Kind::NewAddr);
    EXPECT_EQ(msgs[0].address.ifindex, 3);
    EXPECT_EQ(msgs[0].address.address.toString(), "2001:db8::5");
    EXPECT_EQ(msgs[0].address.prefixLength, 64);
    EXPECT_EQ(msgs[0].address.flags, static_cast<std::uint32_t>(IFA_F_TENTATIVE | IFA_F_MANAGETEMPADDR));
}

TEST(RtnlCodecTest, PointToPointIpv4UsesTheLocalAddressNotThePeer)
{
    auto bytes = addressMessage(RTM_NEWADDR, 4, "10.0.0.1/32", 0, RT_SCOPE_UNIVERSE);
    // IFA_ADDRESS (the first attribute) becomes the peer 10.0.0.2.
    bytes[firstAttr<ifaddrmsg>() + 4 + 3] = 2;
    const auto msgs = parseAll(bytes);
    EXPECT_EQ(msgs[0].address.address.toString(), "10.0.0.1");
}

TEST(RtnlCodecTest, SeveralMessagesInOneDatagramComeInOrder)
{
    auto bytes = linkMessage(RTM_NEWLINK, 2, "eth0");
    const auto second = addressMessage(RTM_DELADDR, 2, "192.0.2.1/24", 0, 0);
    bytes.insert(bytes.end(), second.begin(), second.end());
    const auto msgs = parseAll(bytes);
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[1].kind, Message::Kind::DelAddr);
    EXPECT_EQ(msgs[1].address.address.toString(), "192.0.2.1");
}

TEST(RtnlCodecTest, OtherFamiliesAndTypesAreIgnored)
{
    auto bytes = addressMessage(RTM_NEWADDR, 2, "192.0.2.1/24", 0, 0);
    bytes[MNL_NLMSG_HDRLEN] = AF_PACKET;  // ifa_family
    EXPECT_EQ(parseAll(bytes)[0].kind, Message::Kind::Ignored);
    auto route = linkMessage(RTM_NEWLINK, 2, "eth0");
    reinterpret_cast<nlmsghdr*>(route.data())->nlmsg_type = RTM_NEWROUTE;
    EXPECT_EQ(parseAll(route)[0].kind, Message::Kind::Ignored);
}

TEST(RtnlCodecTest, AnAddressOfTheWrongSizeIsRefused)
{
    auto bytes = addressMessage(RTM_NEWADDR, 2, "192.0.2.1/24", 0, 0);
    bytes[MNL_NLMSG_HDRLEN] = AF_INET6;  // says IPv6, carries 4 bytes
    EXPECT_THAT(refusal(bytes), HasSubstr("16 bytes expected, got 4"));
}

TEST(RtnlCodecTest, IfaFlagsOfTheWrongSizeIsRefused)
{
    auto bytes = addressMessage(RTM_NEWADDR, 2, "2001:db8::1/64", 0, 0);
    // IFA_FLAGS is the last attribute (after IFA_ADDRESS: 4 + 16 bytes).
    const std::size_t at = firstAttr<ifaddrmsg>() + 20;
    ASSERT_EQ(bytes[at + 2], IFA_FLAGS);
    bytes[at] = 6;  // nla_len 6: a 2-byte payload
    EXPECT_THAT(refusal(bytes), HasSubstr("IFA_FLAGS"));
}

TEST(RtnlCodecTest, AnAddressMessageWithoutAnAddressIsRefused)
{
    auto bytes = addressMessage(RTM_NEWADDR, 2, "2001:db8::1/64", 0, 0);
    bytes[firstAttr<ifaddrmsg>() + 2] = 99;  // IFA_ADDRESS becomes an unknown type
    EXPECT_THAT(refusal(bytes), HasSubstr("without an address"));
}

TEST(RtnlCodecTest, TruncatedHeadersAreRefused)
{
    auto link = linkMessage(RTM_NEWLINK, 2, "eth0");
    link.resize(MNL_NLMSG_HDRLEN + 8);
    reinterpret_cast<nlmsghdr*>(link.data())->nlmsg_len = static_cast<std::uint32_t>(link.size());
    EXPECT_THAT(refusal(link), HasSubstr("shorter than its ifinfomsg"));

    auto addr = addressMessage(RTM_NEWADDR, 2, "192.0.2.1/24", 0, 0);
    addr.resize(MNL_NLMSG_HDRLEN + 4);
    reinterpret_cast<nlmsghdr*>(addr.data())->nlmsg_len = static_cast<std::uint32_t>(addr.size());
    EXPECT_THAT(refusal(addr), HasSubstr("shorter than its ifaddrmsg"));
}

TEST(RtnlCodecTest, ADatagramEndingInsideAMessageIsRefused)
{
    auto bytes = linkMessage(RTM_NEWLINK, 2, "eth0");
    bytes.resize(bytes.size() - 4);
    EXPECT_THAT(refusal(bytes), HasSubstr("datagram ends inside a message"));
}

TEST(RtnlCodecTest, AHugeLengthIsNotTakenForANegativeOne)
{
    auto bytes = linkMessage(RTM_NEWLINK, 2, "eth0");
    reinterpret_cast<nlmsghdr*>(bytes.data())->nlmsg_len = 0x80000010u;
    EXPECT_THAT(refusal(bytes), HasSubstr("datagram ends inside a message"));
}

TEST(RtnlCodecTest, AnUnterminatedOrLongInterfaceNameIsRefused)
{
    auto bytes = linkMessage(RTM_NEWLINK, 2, "eth0");
    const std::size_t name = firstAttr<ifinfomsg>() + 4;
    ASSERT_EQ(std::string(reinterpret_cast<const char*>(&bytes[name])), "eth0");
    bytes[name + 4] = 'x';  // the NUL
    EXPECT_THAT(refusal(bytes), HasSubstr("IFLA_IFNAME"));
    EXPECT_THAT(refusal(linkMessage(RTM_NEWLINK, 2, "a-name-of-twenty-chars")), HasSubstr("IFLA_IFNAME"));
}

TEST(RtnlCodecTest, ANonPositiveIndexIsRefused)
{
    EXPECT_THAT(refusal(linkMessage(RTM_NEWLINK, 0, "eth0")), HasSubstr("index 0"));
    EXPECT_THAT(refusal(addressMessage(RTM_NEWADDR, -1, "192.0.2.1/24", 0, 0)), HasSubstr("interface index -1"));
}

TEST(RtnlCodecTest, DoneAndErrorCarryTheirErrno)
{
    testing::FakeRoute route;
    route.failDumps(EPERM);
    alignas(4) std::uint8_t req[kRequestBufferSize];
    route.dumpSocket().send(buildDumpRequest(req, RTM_GETLINK, 9));
    alignas(4) std::uint8_t reply[kReceiveBufferSize];
    const std::size_t n = route.dumpSocket().receive(reply);
    std::vector<Message> msgs;
    forEachMessage({reply, n}, [&](const Message& m) { msgs.push_back(m); });
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].kind, Message::Kind::Error);
    EXPECT_EQ(msgs[0].error, EPERM);
    EXPECT_EQ(msgs[0].seq, 9u);
}

// ------------------------------------------------------- usable rule ----

struct UsableCase {
    const char* cidr;
    std::uint32_t flags;
    std::uint8_t scope;
    const char* why;  // nullptr: usable
};

std::ostream& operator<<(std::ostream& os, const UsableCase& c)
{
    return os << c.cidr << " flags 0x" << std::hex << c.flags << std::dec << " scope " << int{c.scope};
}

class UsableAddressTest : public ::testing::TestWithParam<UsableCase> {};

TEST_P(UsableAddressTest, FollowsTheContractsRule)
{
    const UsableCase& c = GetParam();
    const auto msgs = parseAll(addressMessage(RTM_NEWADDR, 2, c.cidr, c.flags, c.scope));
    const char* why = whyNotUsable(msgs.at(0).address, AddressPolicy{});
    if (c.why == nullptr) {
        EXPECT_EQ(why, nullptr) << why;
    } else {
        ASSERT_NE(why, nullptr);
        EXPECT_THAT(why, HasSubstr(c.why));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Addresses, UsableAddressTest,
    ::testing::Values(UsableCase{"192.0.2.1/24", IFA_F_PERMANENT, 0, nullptr},
                      // IPv4 "secondary" is the same bit as IPv6 "temporary": fine on IPv4.
                      UsableCase{"10.1.2.3/8", IFA_F_SECONDARY, 0, nullptr},
                      UsableCase{"2001:db8::1/64", IFA_F_PERMANENT | IFA_F_MANAGETEMPADDR, 0, nullptr},
                      UsableCase{"2001:db8::1/64", IFA_F_NODAD, 0, nullptr},
                      UsableCase{"127.0.0.2/8", 0, RT_SCOPE_HOST, "global scope"},
                      UsableCase{"127.0.0.2/8", 0, 0, "loopback"}, UsableCase{"::1/128", 0, 0, "loopback"},
                      UsableCase{"169.254.3.4/16", 0, 0, "link-local"},
                      UsableCase{"fe80::1/64", 0, RT_SCOPE_LINK, "global scope"},
                      UsableCase{"fe80::1/64", 0, 0, "link-local"}, UsableCase{"224.0.0.5/32", 0, 0, "multicast"},
                      UsableCase{"ff02::1/128", 0, 0, "multicast"}, UsableCase{"0.0.0.0/0", 0, 0, "unspecified"},
                      UsableCase{"::/0", 0, 0, "unspecified"}, UsableCase{"fd12::1/64", 0, 0, "unique-local"},
                      UsableCase{"2001:db8::9/64", IFA_F_TENTATIVE, 0, "tentative"},
                      UsableCase{"2001:db8::9/64", IFA_F_OPTIMISTIC, 0, "tentative"},
                      UsableCase{"2001:db8::9/64", IFA_F_DADFAILED | IFA_F_TENTATIVE, 0, "failed"},
                      UsableCase{"2001:db8::9/64", IFA_F_DEPRECATED, 0, "deprecated"},
                      UsableCase{"2001:db8::9/64", IFA_F_TEMPORARY, 0, "temporary"},
                      UsableCase{"192.0.2.1/24", 0, RT_SCOPE_SITE, "global scope"}));

TEST(UsableAddressPolicyTest, OptionsWidenOrNarrowTheRule)
{
    Address ula;
    ula.address = *IpAddress::parse("fd00::7");
    Address v4;
    v4.address = *IpAddress::parse("192.0.2.1");
    AddressPolicy policy;
    EXPECT_FALSE(isUsable(ula, policy));
    policy.uniqueLocal = true;
    EXPECT_TRUE(isUsable(ula, policy));
    policy.ipv6 = false;
    EXPECT_THAT(whyNotUsable(ula, policy), HasSubstr("families"));
    EXPECT_TRUE(isUsable(v4, policy));
    policy.ipv4 = false;
    policy.ipv6 = true;
    EXPECT_FALSE(isUsable(v4, policy));
}

}  // namespace
}  // namespace mptcp::rtnl
