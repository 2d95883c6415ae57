// The codec against crafted bytes: requests byte for byte, replies well
// formed and malformed. A malformed reply must become a clean PmError.
#include "genl_codec.hpp"
#include "pm_protocol.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <array>
#include <cstring>
#include <vector>

namespace mptcp::genl {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Builds a reply message the way the kernel lays it out.
class ReplyBytes {
public:
    explicit ReplyBytes(std::uint16_t type = 0x1f, std::uint8_t cmd = proto::CMD_ADD_ADDR)
    {
        nlh_ = mnl_nlmsg_put_header(buf_.data());
        nlh_->nlmsg_type = type;
        auto* g = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(genlmsghdr)));
        g->cmd = cmd;
        g->version = 1;
    }
    nlattr* nestStart(std::uint16_t type) { return mnl_attr_nest_start(nlh_, type); }
    void nestEnd(nlattr* n) { mnl_attr_nest_end(nlh_, n); }
    void put(std::uint16_t type, const void* data, std::size_t len) { mnl_attr_put(nlh_, type, len, data); }
    void u8(std::uint16_t t, std::uint8_t v) { put(t, &v, 1); }
    void u16(std::uint16_t t, std::uint16_t v) { put(t, &v, 2); }
    void u32(std::uint16_t t, std::uint32_t v) { put(t, &v, 4); }
    const nlmsghdr* msg() const { return nlh_; }
    nlmsghdr* mutableMsg() { return nlh_; }

private:
    alignas(4) std::array<std::uint8_t, 1024> buf_{};
    nlmsghdr* nlh_;
};

void putV4Endpoint(ReplyBytes& r, std::uint8_t id, const char* addr)
{
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u16(proto::ADDR_ATTR_FAMILY, AF_INET);
    r.u8(proto::ADDR_ATTR_ID, id);
    in_addr a{};
    inet_pton(AF_INET, addr, &a);
    r.put(proto::ADDR_ATTR_ADDR4, &a, 4);
    r.u32(proto::ADDR_ATTR_FLAGS, proto::FLAG_SUBFLOW);
    r.nestEnd(nest);
}

TEST(RequestBuilder, AddAddrIsLaidOutAsTheKernelExpects)
{
    alignas(4) std::array<std::uint8_t, kRequestBufferSize> buf{};
    RequestBuilder b(buf, 0x1f, NLM_F_ACK, 42, proto::CMD_ADD_ADDR, 1);
    AddrSpec spec;
    spec.address = IpAddress::parse("10.0.0.1");
    spec.port = 8080;
    spec.ifindex = 3;
    spec.flags = proto::FLAG_SIGNAL;
    b.putAddr(proto::ATTR_ADDR, spec);
    const auto bytes = b.bytes();

    // header 16 + genl 4 + nest 4 + family 8 + addr4 8 + port 8 + flags 8 + ifidx 8
    // clang-format off
    const Bytes expected = {
        64, 0, 0, 0, 0x1f, 0, NLM_F_REQUEST | NLM_F_ACK, 0, 42, 0, 0, 0, 0, 0, 0, 0,  // nlmsghdr
        proto::CMD_ADD_ADDR, 1, 0, 0,                                                  // genlmsghdr
        44, 0, proto::ATTR_ADDR, 0x80,                                                 // nest, NLA_F_NESTED
        6, 0, proto::ADDR_ATTR_FAMILY, 0, AF_INET, 0, 0, 0,                            // family
        8, 0, proto::ADDR_ATTR_ADDR4, 0, 10, 0, 0, 1,                                  // address
        6, 0, proto::ADDR_ATTR_PORT, 0, 0x90, 0x1f, 0, 0,                              // port 8080, host order
        8, 0, proto::ADDR_ATTR_FLAGS, 0, proto::FLAG_SIGNAL, 0, 0, 0,                  // flags
        8, 0, proto::ADDR_ATTR_IF_IDX, 0, 3, 0, 0, 0,                                  // ifindex
    };
    // clang-format on
    EXPECT_EQ(Bytes(bytes.begin(), bytes.end()), expected);
}

TEST(RequestBuilder, LeavesOutWhatIsNotGiven)
{
    alignas(4) std::array<std::uint8_t, kRequestBufferSize> buf{};
    RequestBuilder b(buf, 0x1f, NLM_F_ACK, 1, proto::CMD_DEL_ADDR, 1);
    AddrSpec spec;
    spec.id = 7;
    b.putAddr(proto::ATTR_ADDR, spec);
    // nlmsghdr 16 + genl 4 + nest 4 + id 8: no family, address, port, flags.
    EXPECT_EQ(b.bytes().size(), 32u);
}

TEST(ParseEndpoint, ReadsIpv4)
{
    ReplyBytes r;
    putV4Endpoint(r, 3, "192.0.2.7");
    const Endpoint ep = parseEndpoint(r.msg());
    EXPECT_EQ(ep.id, 3);
    EXPECT_EQ(ep.address.toString(), "192.0.2.7");
    EXPECT_EQ(ep.flags, proto::FLAG_SUBFLOW);
    EXPECT_EQ(ep.port, 0);
    EXPECT_EQ(ep.ifindex, 0);
}

TEST(ParseEndpoint, ReadsIpv6PortAndInterface)
{
    ReplyBytes r;
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u16(proto::ADDR_ATTR_FAMILY, AF_INET6);
    r.u8(proto::ADDR_ATTR_ID, 255);
    in6_addr a{};
    inet_pton(AF_INET6, "::ffff:10.0.1.3", &a);
    r.put(proto::ADDR_ATTR_ADDR6, &a, 16);
    r.u16(proto::ADDR_ATTR_PORT, 10200);
    r.u32(proto::ADDR_ATTR_IF_IDX, 9999);
    r.u32(proto::ADDR_ATTR_FLAGS, 0x40 | proto::FLAG_SIGNAL);
    r.nestEnd(nest);
    const Endpoint ep = parseEndpoint(r.msg());
    EXPECT_EQ(ep.id, 255);
    EXPECT_EQ(ep.address.toString(), "::ffff:10.0.1.3");
    EXPECT_EQ(ep.port, 10200);
    EXPECT_EQ(ep.ifindex, 9999);
    EXPECT_EQ(flagNames(ep.flags), (std::vector<std::string>{"signal", "0x40"}));
}

TEST(ParseEndpoint, IgnoresAttributesItDoesNotKnow)
{
    ReplyBytes r;
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u16(proto::ADDR_ATTR_FAMILY, AF_INET);
    r.u8(proto::ADDR_ATTR_ID, 1);
    r.u32(42, 0xdeadbeef);
    const std::uint8_t a[4] = {10, 0, 0, 1};
    r.put(proto::ADDR_ATTR_ADDR4, a, 4);
    r.nestEnd(nest);
    r.u32(99, 1);  // unknown top-level attribute too
    EXPECT_EQ(parseEndpoint(r.msg()).address.toString(), "10.0.0.1");
}

void expectMalformed(const nlmsghdr* msg, const char* fragment)
{
    try {
        parseEndpoint(msg);
        FAIL() << "accepted a malformed endpoint";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Failed);
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(ParseEndpoint, NeverSplicesTheTwoAddressKinds)
{
    ReplyBytes r;
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u16(proto::ADDR_ATTR_FAMILY, AF_INET6);
    r.u8(proto::ADDR_ATTR_ID, 1);
    in6_addr a6{};
    inet_pton(AF_INET6, "2001:db8::9", &a6);
    r.put(proto::ADDR_ATTR_ADDR6, &a6, 16);
    const std::uint8_t a4[4] = {10, 0, 0, 1};
    r.put(proto::ADDR_ATTR_ADDR4, a4, 4);
    r.nestEnd(nest);
    EXPECT_EQ(parseEndpoint(r.msg()).address.toString(), "2001:db8::9");
}

TEST(ParseEndpoint, RefusesAShortAddress)
{
    ReplyBytes r;
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u16(proto::ADDR_ATTR_FAMILY, AF_INET);
    r.u8(proto::ADDR_ATTR_ID, 1);
    const std::uint8_t a[3] = {10, 0, 0};
    r.put(proto::ADDR_ATTR_ADDR4, a, 3);
    r.nestEnd(nest);
    expectMalformed(r.msg(), "ADDR_ATTR_ADDR4");
}

TEST(ParseEndpoint, RefusesAnOversizedFlagsAttribute)
{
    ReplyBytes r;
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u8(proto::ADDR_ATTR_ID, 1);
    const std::uint64_t big = 1;
    r.put(proto::ADDR_ATTR_FLAGS, &big, sizeof big);
    r.nestEnd(nest);
    expectMalformed(r.msg(), "ADDR_ATTR_FLAGS");
}

TEST(ParseEndpoint, RefusesAFamilyWithoutItsAddress)
{
    ReplyBytes r;
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u16(proto::ADDR_ATTR_FAMILY, AF_INET6);
    r.u8(proto::ADDR_ATTR_ID, 4);
    const std::uint8_t a[4] = {10, 0, 0, 1};
    r.put(proto::ADDR_ATTR_ADDR4, a, 4);
    r.nestEnd(nest);
    expectMalformed(r.msg(), "without a usable family and address");
}

TEST(ParseEndpoint, RefusesAnEndpointWithoutId)
{
    ReplyBytes r;
    auto* nest = r.nestStart(proto::ATTR_ADDR);
    r.u16(proto::ADDR_ATTR_FAMILY, AF_INET);
    r.nestEnd(nest);
    expectMalformed(r.msg(), "without an id");
}

TEST(ParseEndpoint, RefusesAReplyWithoutTheNest)
{
    ReplyBytes r;
    expectMalformed(r.msg(), "without MPTCP_PM_ATTR_ADDR");
}

TEST(ParseEndpoint, StopsAtAnAttributeThatOverrunsTheMessage)
{
    ReplyBytes r;
    putV4Endpoint(r, 1, "10.0.0.1");
    // Claim the nest is longer than the message: it must not be read past
    // the end, so the endpoint has no address at all.
    auto* nest = static_cast<nlattr*>(mnl_nlmsg_get_payload_offset(r.msg(), sizeof(genlmsghdr)));
    nest->nla_len = 4000;
    expectMalformed(r.msg(), "without MPTCP_PM_ATTR_ADDR");
}

TEST(ParseEndpoint, RefusesAMessageShorterThanItsHeader)
{
    ReplyBytes r;
    r.mutableMsg()->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
    expectMalformed(r.msg(), "shorter than its generic netlink header");
}

TEST(ParseLimits, ReadsBoth)
{
    ReplyBytes r(0x1f, proto::CMD_GET_LIMITS);
    r.u32(proto::ATTR_RCV_ADD_ADDRS, 3);
    r.u32(proto::ATTR_SUBFLOWS, 8);
    const Limits l = parseLimits(r.msg());
    EXPECT_EQ(l.subflows, 8u);
    EXPECT_EQ(l.addAddrAccepted, 3u);
}

TEST(ParseLimits, RefusesOneMissing)
{
    ReplyBytes r(0x1f, proto::CMD_GET_LIMITS);
    r.u32(proto::ATTR_SUBFLOWS, 8);
    EXPECT_THROW(parseLimits(r.msg()), PmError);
}

TEST(ParseFamily, ReadsIdAndGroups)
{
    ReplyBytes r(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
    r.u16(CTRL_ATTR_FAMILY_ID, 0x1f);
    auto* groups = r.nestStart(CTRL_ATTR_MCAST_GROUPS);
    auto* g = r.nestStart(1);
    r.put(CTRL_ATTR_MCAST_GRP_NAME, "mptcp_pm_events", 16);
    r.u32(CTRL_ATTR_MCAST_GRP_ID, 9);
    r.nestEnd(g);
    r.nestEnd(groups);
    const FamilyInfo info = parseFamily(r.msg());
    EXPECT_EQ(info.id, 0x1f);
    EXPECT_EQ(info.group("mptcp_pm_events"), 9u);
    EXPECT_FALSE(info.group("other").has_value());
}

TEST(ParseFamily, RefusesAGroupNameWithoutItsNul)
{
    ReplyBytes r(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
    r.u16(CTRL_ATTR_FAMILY_ID, 0x1f);
    auto* groups = r.nestStart(CTRL_ATTR_MCAST_GROUPS);
    auto* g = r.nestStart(1);
    r.put(CTRL_ATTR_MCAST_GRP_NAME, "mptcp", 5);
    r.nestEnd(g);
    r.nestEnd(groups);
    EXPECT_THROW(parseFamily(r.msg()), PmError);
}

// An NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK and extack on.
Bytes errorMessage(int err, const char* text, bool capped)
{
    alignas(4) std::array<std::uint8_t, 512> buf{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = NLMSG_ERROR;
    auto* e = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nlmsgerr)));
    e->error = -err;
    e->msg.nlmsg_len = sizeof(nlmsghdr) + 8;  // the echoed request
    if (capped) {
        nlh->nlmsg_flags |= NLM_F_CAPPED;
    } else {
        mnl_nlmsg_put_extra_header(nlh, 8);  // its 8 payload bytes
    }
    if (text != nullptr) {
        nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
        mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
    }
    return Bytes(buf.begin(), buf.begin() + nlh->nlmsg_len);
}

TEST(ParseStatus, ReadsErrnoAndExtackOfACappedAck)
{
    const Bytes m = errorMessage(EEXIST, "too many addresses or duplicate one: -17", true);
    const KernelError s = parseStatus(reinterpret_cast<const nlmsghdr*>(m.data()));
    EXPECT_EQ(s.error, EEXIST);
    EXPECT_EQ(s.message, "too many addresses or duplicate one: -17");
}

TEST(ParseStatus, SkipsTheEchoedRequestOfAnUncappedAck)
{
    const Bytes m = errorMessage(EINVAL, "address not found", false);
    const KernelError s = parseStatus(reinterpret_cast<const nlmsghdr*>(m.data()));
    EXPECT_EQ(s.error, EINVAL);
    EXPECT_EQ(s.message, "address not found");
}

TEST(ParseStatus, ReadsAPlainAck)
{
    const Bytes m = errorMessage(0, nullptr, true);
    const KernelError s = parseStatus(reinterpret_cast<const nlmsghdr*>(m.data()));
    EXPECT_EQ(s.error, 0);
    EXPECT_TRUE(s.message.empty());
}

TEST(ParseStatus, RefusesATruncatedError)
{
    Bytes m = errorMessage(EINVAL, nullptr, true);
    auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
    EXPECT_THROW(parseStatus(nlh), PmError);
}

TEST(ParseStatus, IgnoresAnUnterminatedMessage)
{
    Bytes m = errorMessage(EINVAL, "abc", true);
    auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
    // Overwrite the NUL: the text is then not a string and is dropped.
    m[nlh->nlmsg_len - 1] = 'x';
    const KernelError s = parseStatus(nlh);
    EXPECT_EQ(s.error, EINVAL);
    EXPECT_TRUE(s.message.empty());
}

}  // namespace
}  // namespace mptcp::genl
