// The sock_diag codec against crafted bytes: the request as the kernel
// reads it, mptcp_info of older, current and newer kernels, subflows'
// ULP info, and malformed answers refused with a named error.
#include "sock_diag_codec.hpp"
#include "diag_bytes.hpp"
#include "pm_error.hpp"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

namespace mptcp::diag {
namespace {

using testing::DiagBytes;
using testing::DiagMptcpInfo;
using testing::DiagSocket;
using testing::DiagSubflowInfo;

const nlmsghdr* header(const DiagBytes& b)
{
    return reinterpret_cast<const nlmsghdr*>(b.data());
}

DiagMptcpInfo fullInfo()
{
    DiagMptcpInfo i;
    i.subflows = 1;
    i.addAddrSignal = 2;
    i.addAddrAccepted = 3;
    i.flags = kMptcpInfoFallback;
    i.token = 0xdeadbeef;
    i.localAddrUsed = 4;
    i.localAddrMax = 5;
    i.csumEnabled = 1;
    i.retransmits = 6;
    i.bytesRetrans = 7;
    i.bytesSent = 8000;
    i.bytesReceived = 9000;
    i.bytesAcked = 7999;
    i.subflowsTotal = 2;
    return i;
}

const DiagSocket kV4{"10.0.0.1", 40000, "10.0.0.2", 80, 1, 1000, 0};

TEST(SockDiagCodec, MptcpRequestCarriesTheProtocolInAnAttribute)
{
    alignas(4) std::array<std::uint8_t, kRequestBufferSize> buf{};
    const auto bytes = buildRequest(buf, {.family = AF_INET6, .protocol = kProtocolMptcp, .dump = true, .seq = 7});
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
    ASSERT_EQ(nlh->nlmsg_len, bytes.size());
    EXPECT_EQ(nlh->nlmsg_type, SOCK_DIAG_BY_FAMILY);
    EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(nlh->nlmsg_seq, 7u);
    const auto* req = static_cast<const inet_diag_req_v2*>(mnl_nlmsg_get_payload(nlh));
    EXPECT_EQ(req->sdiag_family, AF_INET6);
    EXPECT_EQ(req->idiag_ext, 1u << (INET_DIAG_INFO - 1));
    EXPECT_EQ(req->idiag_states & (1u << kStateListen), 0u) << "listeners are not connections";
    EXPECT_NE(req->idiag_states & (1u << 1), 0u);
    // One attribute after the request: INET_DIAG_REQ_PROTOCOL = 262.
    ASSERT_EQ(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(inet_diag_req_v2) + MNL_ATTR_HDRLEN + 4);
    const auto* a = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, sizeof(inet_diag_req_v2)));
    EXPECT_EQ(mnl_attr_get_type(a), INET_DIAG_REQ_PROTOCOL);
    EXPECT_EQ(mnl_attr_get_payload_len(a), 4u);
    EXPECT_EQ(mnl_attr_get_u32(a), 262u);
}

TEST(SockDiagCodec, OneConnectionRequestNamesTheTokenAndIsNoDump)
{
    alignas(4) std::array<std::uint8_t, kRequestBufferSize> buf{};
    const auto bytes = buildRequest(
        buf, {.family = AF_INET, .protocol = kProtocolMptcp, .dump = false, .token = 0x1234abcd, .seq = 1});
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
    EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST);
    const auto* req = static_cast<const inet_diag_req_v2*>(mnl_nlmsg_get_payload(nlh));
    EXPECT_EQ(req->id.idiag_cookie[0], 0x1234abcdu);
    EXPECT_EQ(req->id.idiag_cookie[1], 0u);
}

TEST(SockDiagCodec, TcpRequestUsesTheByteFieldAndNoAttribute)
{
    alignas(4) std::array<std::uint8_t, kRequestBufferSize> buf{};
    const auto bytes = buildRequest(buf, {.family = AF_INET, .protocol = kProtocolTcp, .dump = true, .seq = 1});
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
    EXPECT_EQ(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(inet_diag_req_v2));
    EXPECT_EQ(static_cast<const inet_diag_req_v2*>(mnl_nlmsg_get_payload(nlh))->sdiag_protocol, IPPROTO_TCP);
}

TEST(SockDiagCodec, MptcpSocketOfTodaysKernel)
{
    const DiagBytes m = testing::diagMessage(kV4, testing::mptcpInfoBytes(fullInfo()));
    const MptcpSocket s = parseMptcpSocket(header(m));
    EXPECT_EQ(s.id.family, AF_INET);
    EXPECT_EQ(s.id.local.toString(), "10.0.0.1");
    EXPECT_EQ(s.id.remote.toString(), "10.0.0.2");
    EXPECT_EQ(s.id.localPort, 40000);
    EXPECT_EQ(s.id.remotePort, 80);
    EXPECT_EQ(s.id.uid, 1000u);
    EXPECT_EQ(std::string(stateName(s.id.state)), "established");
    ASSERT_TRUE(s.info);
    EXPECT_EQ(s.info->token, 0xdeadbeefu);
    EXPECT_EQ(s.info->subflows, 1);
    EXPECT_EQ(s.info->addAddrSignal, 2);
    EXPECT_EQ(s.info->addAddrAccepted, 3);
    EXPECT_EQ(s.info->flags, kMptcpInfoFallback);
    EXPECT_EQ(s.info->localAddrUsed, 4);
    EXPECT_EQ(s.info->localAddrMax, 5);
    EXPECT_EQ(s.info->checksum, true);
    EXPECT_EQ(s.info->retransmits, 6u);
    EXPECT_EQ(s.info->bytesRetransmitted, 7u);
    EXPECT_EQ(s.info->bytesSent, 8000u);
    EXPECT_EQ(s.info->bytesReceived, 9000u);
    EXPECT_EQ(s.info->bytesAcked, 7999u);
    EXPECT_EQ(s.info->subflowsTotal, 2);
}

TEST(SockDiagCodec, OlderKernelsGiveOnlyTheirFields)
{
    DiagBytes info = testing::mptcpInfoBytes(fullInfo());
    // 5.9: 40 bytes; 5.12/5.14: 48 (padding after csum_enabled); 6.5: 80; 6.8: 88.
    info.resize(40);
    MptcpSocket s = parseMptcpSocket(header(testing::diagMessage(kV4, info)));
    ASSERT_TRUE(s.info);
    EXPECT_EQ(s.info->token, 0xdeadbeefu);
    EXPECT_FALSE(s.info->localAddrUsed);
    EXPECT_FALSE(s.info->checksum);
    EXPECT_FALSE(s.info->bytesSent);
    EXPECT_FALSE(s.info->subflowsTotal);

    info = testing::mptcpInfoBytes(fullInfo());
    info.resize(48);
    s = parseMptcpSocket(header(testing::diagMessage(kV4, info)));
    EXPECT_EQ(s.info->localAddrMax, 5);
    EXPECT_EQ(s.info->checksum, true);
    EXPECT_FALSE(s.info->retransmits) << "the tail padding of a 5.14 struct is no field";

    info = testing::mptcpInfoBytes(fullInfo());
    info.resize(88);
    s = parseMptcpSocket(header(testing::diagMessage(kV4, info)));
    EXPECT_EQ(s.info->bytesAcked, 7999u);
    EXPECT_EQ(s.info->subflowsTotal, 2);

    info.resize(80);
    s = parseMptcpSocket(header(testing::diagMessage(kV4, info)));
    EXPECT_EQ(s.info->retransmits, 6u);
    EXPECT_FALSE(s.info->subflowsTotal);
}

TEST(SockDiagCodec, NewerKernelsLongerStructIsReadAsFarAsKnown)
{
    DiagBytes info = testing::mptcpInfoBytes(fullInfo());
    info.resize(200, 0xff);
    const MptcpSocket s = parseMptcpSocket(header(testing::diagMessage(kV4, info)));
    ASSERT_TRUE(s.info);
    EXPECT_EQ(s.info->token, 0xdeadbeefu);
    EXPECT_EQ(s.info->subflowsTotal, 2);
}

TEST(SockDiagCodec, TruncatedMptcpInfoIsMalformed)
{
    DiagBytes info = testing::mptcpInfoBytes(fullInfo());
    info.resize(39);
    const DiagBytes m = testing::diagMessage(kV4, info);
    EXPECT_THROW(parseMptcpSocket(header(m)), PmError);
}

TEST(SockDiagCodec, MessageShorterThanItsHeaderIsMalformed)
{
    DiagBytes m = testing::diagMessage(kV4, std::nullopt);
    auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 20;
    m.resize(nlh->nlmsg_len);
    try {
        parseMptcpSocket(header(m));
        FAIL() << "no error";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Failed);
        EXPECT_NE(std::string(e.what()).find("inet_diag_msg"), std::string::npos) << e.what();
    }
}

TEST(SockDiagCodec, Ipv6SocketWithIpv4MappedAddressStaysMapped)
{
    const DiagSocket v6{"::ffff:10.0.0.1", 1, "2001:db8::2", 2, 8, 0, 3};
    const MptcpSocket s = parseMptcpSocket(header(testing::diagMessage(v6, std::nullopt)));
    EXPECT_EQ(s.id.family, AF_INET6);
    EXPECT_EQ(s.id.local.toString(), "::ffff:10.0.0.1");
    EXPECT_EQ(s.id.remote.toString(), "2001:db8::2");
    EXPECT_EQ(std::string(stateName(s.id.state)), "close-wait");
    EXPECT_EQ(s.id.ifindex, 3u);
    EXPECT_FALSE(s.info);
}

TEST(SockDiagCodec, SubflowWithUlpInfo)
{
    DiagSubflowInfo ulp;
    ulp.tokenLocal = 0xabc;
    ulp.tokenRemote = 0;
    ulp.idLocal = 1;
    ulp.idRemote = 2;
    ulp.flags = kSubflowJoinLocal | kSubflowBackupRemote | kSubflowFullyEstablished;
    ulp.rttUs = 321;
    ulp.totalRetrans = 4;
    ulp.bytesSent = 1000;
    ulp.bytesReceived = 2000;
    const DiagBytes m = testing::diagMessage(kV4, testing::tcpInfoBytes(ulp), ulp);
    const auto sf = parseTcpSubflow(header(m));
    ASSERT_TRUE(sf);
    EXPECT_EQ(sf->tokenLocal, 0xabcu);
    EXPECT_EQ(sf->tokenRemote, 0u);
    EXPECT_EQ(sf->idLocal, 1);
    EXPECT_EQ(sf->idRemote, 2);
    EXPECT_EQ(sf->flags, kSubflowJoinLocal | kSubflowBackupRemote | kSubflowFullyEstablished);
    EXPECT_EQ(sf->rttUs, 321u);
    EXPECT_EQ(sf->totalRetransmits, 4u);
    EXPECT_EQ(sf->bytesSent, 1000u);
    EXPECT_EQ(sf->bytesReceived, 2000u);
}

TEST(SockDiagCodec, ShortTcpInfoLeavesOutTheFieldsItLacks)
{
    DiagSubflowInfo ulp;
    ulp.tokenLocal = 1;
    ulp.rttUs = 9;
    ulp.tcpInfoLength = 104;  // up to tcpi_total_retrans: no byte counters
    const auto sf = parseTcpSubflow(header(testing::diagMessage(kV4, testing::tcpInfoBytes(ulp), ulp)));
    ASSERT_TRUE(sf);
    EXPECT_EQ(sf->rttUs, 9u);
    EXPECT_TRUE(sf->totalRetransmits);
    EXPECT_FALSE(sf->bytesSent);
    EXPECT_FALSE(sf->bytesReceived);
}

TEST(SockDiagCodec, TcpSocketsThatAreNoSubflowsAreSkipped)
{
    EXPECT_FALSE(parseTcpSubflow(header(testing::diagMessage(kV4, std::nullopt))));
    DiagSubflowInfo tls;
    tls.ulpName = "tls";
    tls.tokenLocal = 5;
    EXPECT_FALSE(parseTcpSubflow(header(testing::diagMessage(kV4, std::nullopt, tls))));
}

TEST(SockDiagCodec, WrongSizedSubflowAttributeIsMalformed)
{
    DiagSubflowInfo ulp;
    ulp.tokenLocal = 1;
    DiagBytes m = testing::diagMessage(kV4, std::nullopt, ulp);
    // The TOKEN_LOC attribute is the message's last: shrink it to 2 bytes.
    auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
    auto* tokenAttr = reinterpret_cast<nlattr*>(m.data() + m.size() - 8);
    ASSERT_EQ(tokenAttr->nla_type, 2);
    tokenAttr->nla_len = 6;
    (void)nlh;
    EXPECT_THROW(parseTcpSubflow(header(m)), PmError);
}

TEST(SockDiagCodec, DatagramWalkReportsSocketsDoneAndErrors)
{
    DiagBytes d = testing::diagMessage(kV4, std::nullopt, std::nullopt, 3, 9);
    const DiagBytes err = testing::diagError(ENOENT, 4, 9);
    const DiagBytes done = testing::diagDone(3, 9);
    d.insert(d.end(), err.begin(), err.end());
    d.insert(d.end(), done.begin(), done.end());
    std::vector<Message> seen;
    forEachMessage(d, [&](const Message& m) { seen.push_back(m); });
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].kind, Message::Kind::Socket);
    EXPECT_EQ(seen[0].seq, 3u);
    EXPECT_EQ(seen[0].portId, 9u);
    EXPECT_EQ(seen[1].kind, Message::Kind::Error);
    EXPECT_EQ(seen[1].error, ENOENT);
    EXPECT_EQ(seen[2].kind, Message::Kind::Done);
    EXPECT_EQ(seen[2].error, 0);
}

TEST(SockDiagCodec, DatagramEndingInsideAMessageIsMalformed)
{
    DiagBytes d = testing::diagMessage(kV4, std::nullopt);
    d.resize(d.size() - 4);
    EXPECT_THROW(forEachMessage(d, [](const Message&) {}), PmError);
}

TEST(SockDiagCodec, UnknownFamilyIsMalformed)
{
    DiagBytes m = testing::diagMessage(kV4, std::nullopt);
    reinterpret_cast<inet_diag_msg*>(m.data() + MNL_NLMSG_HDRLEN)->idiag_family = AF_UNIX;
    EXPECT_THROW(parseMptcpSocket(header(m)), PmError);
}

TEST(SockDiagCodec, StateNames)
{
    EXPECT_STREQ(stateName(2), "syn-sent");
    EXPECT_STREQ(stateName(3), "syn-recv");
    EXPECT_STREQ(stateName(4), "fin-wait-1");
    EXPECT_STREQ(stateName(5), "fin-wait-2");
    EXPECT_STREQ(stateName(6), "time-wait");
    EXPECT_STREQ(stateName(7), "close");
    EXPECT_STREQ(stateName(9), "last-ack");
    EXPECT_STREQ(stateName(11), "closing");
    EXPECT_STREQ(stateName(200), "");
}

}  // namespace
}  // namespace mptcp::diag
