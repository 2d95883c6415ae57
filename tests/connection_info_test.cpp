// The Connections interface's dicts: the contract's keys and types, and
// only the keys the kernel provided.
#include "connection_info.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <set>

namespace mptcp::dbus {
namespace {

class NoNames final : public InterfaceNames {
public:
    std::optional<std::int32_t> indexOf(std::string_view) override { return std::nullopt; }
    std::optional<std::string> nameOf(std::int32_t index) override
    {
        return index == 2 ? std::optional<std::string>("eth0") : std::nullopt;
    }
};

std::set<std::string> keysOf(const InfoDict& info)
{
    std::set<std::string> keys;
    for (const auto& [key, value] : info) {
        keys.insert(key);
    }
    return keys;
}

diag::SocketId socketId()
{
    diag::SocketId id;
    id.family = AF_INET6;
    id.state = 1;
    id.local = *IpAddress::parse("::ffff:127.0.0.1");
    id.remote = *IpAddress::parse("::1");
    id.localPort = 1;
    id.remotePort = 2;
    id.uid = 65534;
    return id;
}

TEST(ConnectionInfo, TodaysKernelGivesEveryKeyWithItsType)
{
    diag::Connection c;
    c.id = socketId();
    c.id.ifindex = 2;
    diag::MptcpInfo i;
    i.subflows = 1;
    i.token = 5;
    i.flags = 0;
    i.localAddrUsed = 0;
    i.localAddrMax = 1;
    i.checksum = false;
    i.retransmits = 0;
    i.bytesRetransmitted = 0;
    i.bytesSent = 10;
    i.bytesReceived = 20;
    i.bytesAcked = 10;
    i.subflowsTotal = 3;
    c.info = i;
    NoNames names;
    const InfoDict info = connectionInfo(c, names);
    EXPECT_EQ(keysOf(info), (std::set<std::string>{"family",
                                                   "local-address",
                                                   "local-port",
                                                   "remote-address",
                                                   "remote-port",
                                                   "state",
                                                   "uid",
                                                   "interface",
                                                   "subflows",
                                                   "add-addr-signal",
                                                   "add-addr-accepted",
                                                   "local-addr-used",
                                                   "local-addr-max",
                                                   "fallback",
                                                   "checksum",
                                                   "bytes-sent",
                                                   "bytes-received",
                                                   "bytes-acked",
                                                   "bytes-retransmitted",
                                                   "retransmits"}));
    EXPECT_EQ(info.at("family").get<std::uint16_t>(), AF_INET6);
    EXPECT_EQ(info.at("local-address").get<std::string>(), "::ffff:127.0.0.1");
    EXPECT_EQ(info.at("local-port").get<std::uint16_t>(), 1);
    EXPECT_EQ(info.at("state").get<std::string>(), "established");
    EXPECT_EQ(info.at("uid").get<std::uint32_t>(), 65534u);
    EXPECT_EQ(info.at("interface").get<std::string>(), "eth0");
    EXPECT_EQ(info.at("subflows").get<std::uint32_t>(), 3u) << "subflows_total wins";
    EXPECT_EQ(info.at("local-addr-used").get<std::uint32_t>(), 0u) << "a zero the kernel sent is present";
    EXPECT_EQ(info.at("fallback").get<bool>(), false);
    EXPECT_EQ(info.at("bytes-sent").get<std::uint64_t>(), 10u);
    EXPECT_EQ(info.at("retransmits").get<std::uint32_t>(), 0u);
}

TEST(ConnectionInfo, OldKernelLeavesOutWhatItDoesNotSend)
{
    diag::Connection c;
    c.id = socketId();
    diag::MptcpInfo i;
    i.subflows = 1;
    i.token = 5;
    i.flags = diag::kMptcpInfoFallback;
    c.info = i;
    NoNames names;
    const InfoDict info = connectionInfo(c, names);
    EXPECT_EQ(keysOf(info),
              (std::set<std::string>{"family", "local-address", "local-port", "remote-address", "remote-port", "state",
                                     "uid", "subflows", "add-addr-signal", "add-addr-accepted", "fallback"}));
    EXPECT_EQ(info.at("subflows").get<std::uint32_t>(), 2u) << "the additional subflows plus the initial one";
    EXPECT_EQ(info.at("fallback").get<bool>(), true);
}

TEST(ConnectionInfo, SubflowKeys)
{
    diag::TcpSubflow s;
    s.id = socketId();
    s.id.ifindex = 9;
    s.idLocal = 0;
    s.idRemote = 3;
    s.flags = diag::kSubflowBackupLocal | diag::kSubflowJoinRemote;
    s.rttUs = 50;
    s.bytesSent = 1;
    s.bytesReceived = 2;
    s.totalRetransmits = 0;
    NoNames names;
    const InfoDict info = subflowInfo(s, names);
    EXPECT_EQ(keysOf(info),
              (std::set<std::string>{"local-address", "local-port", "remote-address", "remote-port", "local-id",
                                     "remote-id", "backup", "remote-backup", "interface", "state", "rtt-us",
                                     "bytes-sent", "bytes-received", "retransmits", "join", "fully-established"}));
    EXPECT_EQ(info.at("local-id").get<std::uint8_t>(), 0);
    EXPECT_EQ(info.at("remote-id").get<std::uint8_t>(), 3);
    EXPECT_EQ(info.at("backup").get<bool>(), true);
    EXPECT_EQ(info.at("remote-backup").get<bool>(), false);
    EXPECT_EQ(info.at("join").get<bool>(), true);
    EXPECT_EQ(info.at("fully-established").get<bool>(), false);
    EXPECT_EQ(info.at("interface").get<std::string>(), "if9") << "an index no device has";
    EXPECT_EQ(info.at("rtt-us").get<std::uint32_t>(), 50u);

    diag::TcpSubflow bare;
    bare.id = socketId();
    EXPECT_EQ(keysOf(subflowInfo(bare, names)),
              (std::set<std::string>{"local-address", "local-port", "remote-address", "remote-port", "state"}));
}

}  // namespace
}  // namespace mptcp::dbus
