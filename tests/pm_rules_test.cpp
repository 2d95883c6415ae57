// The argument rules: every refusal is InvalidArgs and names what is wrong.
#include "pm_rules.hpp"
#include "endpoint.hpp"
#include "pm_error.hpp"
#include "pm_protocol.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mptcp::rules {
namespace {

using Names = std::vector<std::string>;

// Runs fn, expects InvalidArgs whose message contains `fragment`.
template <typename Fn>
void expectRefused(Fn&& fn, const std::string& fragment)
{
    try {
        fn();
        FAIL() << "accepted; expected a refusal mentioning \"" << fragment << "\"";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgs);
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(Rules, AddressesAreWhatInetPtonAccepts)
{
    EXPECT_EQ(parseAddress("10.0.0.1").toString(), "10.0.0.1");
    EXPECT_EQ(parseAddress("2001:DB8:0:0:0:0:0:2").toString(), "2001:db8::2");
    EXPECT_EQ(parseAddress("::ffff:10.0.1.3").toString(), "::ffff:10.0.1.3");
    expectRefused([] { parseAddress(""); }, "address is required");
    expectRefused([] { parseAddress("10.0.0.1/24"); }, "\"10.0.0.1/24\" is not an IPv4 or IPv6 address");
    expectRefused([] { parseAddress("fe80::1%eth0"); }, "is not an IPv4 or IPv6 address");
    expectRefused([] { parseAddress(" 10.0.0.1"); }, "is not an IPv4 or IPv6 address");
    expectRefused([] { parseAddress(std::string("10.0.0.1\0x", 10)); }, "is not an IPv4 or IPv6 address");
}

TEST(Rules, QuotingBoundsAndCleansHostileText)
{
    EXPECT_EQ(quoteArg("eth0"), "\"eth0\"");
    EXPECT_EQ(quoteArg("a\nb\x01"), "\"a?b?\"");
    const std::string q = quoteArg(std::string(100000, 'x'));
    EXPECT_LT(q.size(), 80u);
    EXPECT_EQ(q.substr(q.size() - 4), "...\"");
}

TEST(Rules, IdsRunFromZeroTo255)
{
    EXPECT_EQ(checkId(0), 0);
    EXPECT_EQ(checkId(255), 255);
    expectRefused([] { checkId(256); }, "endpoint id 256 is out of range (1..255)");
    expectRefused([] { checkId(0xffffffffu); }, "out of range");
}

TEST(Rules, AddFlagsFollowTheKernelsCombinations)
{
    EXPECT_EQ(addFlags(Names{}, 0), 0u);
    EXPECT_EQ(addFlags(Names{"subflow", "backup", "fullmesh"}, 0),
              proto::FLAG_SUBFLOW | proto::FLAG_BACKUP | proto::FLAG_FULLMESH);
    EXPECT_EQ(addFlags(Names{"laminar"}, 0), proto::FLAG_LAMINAR);
    EXPECT_EQ(addFlags(Names{"signal"}, 8080), proto::FLAG_SIGNAL);
    EXPECT_EQ(addFlags(Names{"signal", "signal"}, 0), proto::FLAG_SIGNAL);
    expectRefused([] { addFlags(Names{"signal", "fullmesh"}, 0); }, "signal and fullmesh cannot be combined");
    expectRefused([] { addFlags(Names{"implicit"}, 0); }, "\"implicit\" is set by the kernel only");
    expectRefused([] { addFlags(Names{"Signal"}, 0); }, "unknown flag \"Signal\"");
    expectRefused([] { addFlags(Names{""}, 0); }, "unknown flag \"\"");
    expectRefused([] { addFlags(Names{"0x40"}, 0); }, "unknown flag");
    expectRefused([] { addFlags(Names{"subflow"}, 80); }, "a port needs the signal flag");
    expectRefused([] { addFlags(Names{"signal", "subflow"}, 80); }, "a port needs the signal flag and no subflow");
}

TEST(Rules, ChangesKeepWhatTheyDoNotName)
{
    const FlagChange fullmesh = flagChange(Names{"fullmesh"});
    EXPECT_EQ(fullmesh.apply(proto::FLAG_SUBFLOW | proto::FLAG_BACKUP),
              proto::FLAG_SUBFLOW | proto::FLAG_BACKUP | proto::FLAG_FULLMESH);
    const FlagChange nobackup = flagChange(Names{"nobackup"});
    EXPECT_EQ(nobackup.apply(proto::FLAG_SIGNAL | proto::FLAG_BACKUP), proto::FLAG_SIGNAL);
    EXPECT_EQ(flagChange(Names{}).apply(proto::FLAG_BACKUP), proto::FLAG_BACKUP);
    EXPECT_EQ(flagChange(Names{"backup", "backup"}).apply(0), proto::FLAG_BACKUP);
}

TEST(Rules, ChangesRefuseContradictionsAndFixedFlags)
{
    expectRefused([] { flagChange(Names{"backup", "nobackup"}); }, "contradictory changes: backup and nobackup");
    expectRefused([] { flagChange(Names{"nofullmesh", "fullmesh"}); }, "fullmesh and nofullmesh");
    expectRefused([] { flagChange(Names{"signal"}); }, "cannot change \"signal\"");
    expectRefused([] { flagChange(Names{"laminar"}); }, "only backup, nobackup, fullmesh and nofullmesh");
}

TEST(Rules, LimitsRunFromZeroToEight)
{
    checkLimit(0, "subflows");
    checkLimit(8, "subflows");
    expectRefused([] { checkLimit(9, "subflows"); }, "subflows limit 9 is out of range (0..8)");
    expectRefused([] { checkLimit(4294967295u, "add_addr_accepted"); }, "add_addr_accepted limit 4294967295");
}

TEST(FlagNames, FollowTheContractsOrderAndShowUnknownBitsInHex)
{
    EXPECT_EQ(flagNames(0x3f), (Names{"signal", "subflow", "backup", "fullmesh", "laminar", "implicit"}));
    EXPECT_EQ(flagNames(0), Names{});
    EXPECT_EQ(flagNames(0x80000040u | proto::FLAG_BACKUP), (Names{"backup", "0x40", "0x80000000"}));
}

TEST(IpAddress, Ipv4TextIsInetNtopsForEveryOctetValue)
{
    for (unsigned v = 0; v < 256; ++v) {
        const std::uint8_t b[4] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(255 - v),
                                   static_cast<std::uint8_t>(v / 2), static_cast<std::uint8_t>(v % 10)};
        char expected[INET_ADDRSTRLEN];
        ASSERT_NE(inet_ntop(AF_INET, b, expected, sizeof expected), nullptr);
        EXPECT_EQ(IpAddress::v4(b).toString(), expected);
    }
}

TEST(IpAddress, MappedEqualsPlainInBothDirections)
{
    const auto v4 = *IpAddress::parse("10.0.1.1");
    const auto mapped = *IpAddress::parse("::ffff:10.0.1.1");
    EXPECT_TRUE(v4.sameAs(mapped));
    EXPECT_TRUE(mapped.sameAs(v4));
    EXPECT_FALSE(v4.sameAs(*IpAddress::parse("::ffff:10.0.1.2")));
    EXPECT_FALSE(v4.sameAs(*IpAddress::parse("::10.0.1.1")));
    EXPECT_TRUE(IpAddress::parse("2001:db8::2")->sameAs(*IpAddress::parse("2001:db8:0::2")));
}

}  // namespace
}  // namespace mptcp::rules
