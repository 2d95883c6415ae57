// ConnectionReader over the fake sock_diag socket: which requests it
// makes, what it lists (connections only, ascending token), the lookup by
// token, subflows grouped by the local token with the initial one first,
// and the kernel's refusals as named errors.
#include "connection_reader.hpp"
#include "diag_bytes.hpp"
#include "pm_error.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>

namespace mptcp::diag {
namespace {

using testing::DiagMptcpInfo;
using testing::DiagSocket;
using testing::DiagSubflowInfo;
using testing::FakeSockDiag;

FakeSockDiag::Mptcp msk(const DiagSocket& socket, std::uint32_t token)
{
    DiagMptcpInfo info;
    info.token = token;
    info.subflowsTotal = 1;
    return {socket, testing::mptcpInfoBytes(info)};
}

FakeSockDiag::Tcp subflow(const DiagSocket& socket, std::uint32_t tokenLocal, std::uint32_t flags)
{
    DiagSubflowInfo ulp;
    ulp.tokenLocal = tokenLocal;
    ulp.tokenRemote = 0;
    ulp.flags = flags;
    return {socket, ulp};
}

class ConnectionReaderTest : public ::testing::Test {
protected:
    FakeSockDiag kernel;
    ConnectionReader reader{kernel};
};

TEST_F(ConnectionReaderTest, ListsBothFamiliesInTokenOrderWithoutListenersOrTokenless)
{
    kernel.mptcp.push_back(msk({"::1", 5000, "::1", 40000, 1, 0, 0}, 30));
    kernel.mptcp.push_back(msk({"127.0.0.1", 40001, "127.0.0.1", 5001, 1, 65534, 0}, 20));
    kernel.mptcp.push_back(msk({"127.0.0.1", 5001, "0.0.0.0", 0, 10, 0, 0}, 0));       // listener
    kernel.mptcp.push_back(msk({"127.0.0.1", 5002, "127.0.0.1", 40002, 2, 0, 0}, 0));  // no token yet
    kernel.mptcp.push_back(msk({"127.0.0.1", 5001, "127.0.0.1", 40001, 1, 0, 0}, 10));
    kernel.mptcp.push_back({{"127.0.0.1", 5003, "127.0.0.1", 40003, 1, 0, 0}, std::nullopt});  // no info
    kernel.perDatagram = 1;
    const auto all = reader.list();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].info->token, 10u);
    EXPECT_EQ(all[1].info->token, 20u);
    EXPECT_EQ(all[1].id.uid, 65534u);
    EXPECT_EQ(all[2].info->token, 30u);
    EXPECT_EQ(all[2].id.family, AF_INET6);
    ASSERT_EQ(kernel.requests.size(), 2u);
    EXPECT_EQ(kernel.requests[0].family, AF_INET);
    EXPECT_EQ(kernel.requests[1].family, AF_INET6);
    for (const auto& r : kernel.requests) {
        EXPECT_EQ(r.protocol, 262);
        EXPECT_TRUE(r.dump);
    }
}

TEST_F(ConnectionReaderTest, EmptyNamespaceListsNothing)
{
    EXPECT_TRUE(reader.list().empty());
}

TEST_F(ConnectionReaderTest, FindAsksTheKernelByToken)
{
    kernel.mptcp.push_back(msk({"::1", 5000, "::1", 40000, 1, 0, 0}, 30));
    const auto c = reader.find(30);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->info->token, 30u);
    ASSERT_EQ(kernel.requests.size(), 1u);
    EXPECT_FALSE(kernel.requests[0].dump);
    EXPECT_EQ(kernel.requests[0].token, 30u);
    EXPECT_FALSE(reader.find(31)) << "ENOENT is no connection, not an error";
}

TEST_F(ConnectionReaderTest, TokenZeroIsNeverAConnectionAndNotAsked)
{
    EXPECT_FALSE(reader.find(0));
    EXPECT_TRUE(reader.subflows(0).empty());
    EXPECT_TRUE(kernel.requests.empty());
}

TEST_F(ConnectionReaderTest, SubflowsByLocalTokenInitialFirst)
{
    constexpr std::uint32_t kJoin = kSubflowJoinLocal;
    kernel.tcp.push_back(subflow({"10.0.0.2", 40010, "10.0.0.1", 5000, 1, 0, 0}, 7, kJoin));
    kernel.tcp.push_back(subflow({"127.0.0.1", 40000, "127.0.0.1", 5000, 1, 0, 0}, 8, 0));  // other connection
    kernel.tcp.push_back({{"127.0.0.1", 22, "127.0.0.1", 50000, 1, 0, 0}, std::nullopt});   // plain TCP
    kernel.tcp.push_back(subflow({"::ffff:127.0.0.1", 40000, "::ffff:127.0.0.1", 5000, 1, 0, 0}, 7, 0));
    kernel.tcp.push_back(subflow({"10.0.0.3", 40011, "10.0.0.1", 5000, 1, 0, 0}, 7, kSubflowJoinRemote));
    const auto all = reader.subflows(7);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].id.localPort, 40000) << "the initial subflow (no MP_JOIN) comes first";
    EXPECT_EQ(all[0].id.family, AF_INET6);
    EXPECT_EQ(all[1].id.local.toString(), "10.0.0.2");
    EXPECT_EQ(all[2].id.local.toString(), "10.0.0.3");
    ASSERT_EQ(kernel.requests.size(), 2u);
    EXPECT_EQ(kernel.requests[0].protocol, IPPROTO_TCP);
}

TEST_F(ConnectionReaderTest, AMalformedSocketFailsTheCallButTheDumpIsReadToItsEnd)
{
    kernel.mptcp.push_back(msk({"127.0.0.1", 1, "127.0.0.1", 2, 1, 0, 0}, 1));
    testing::DiagBytes shortInfo(20, 0);  // shorter than any kernel's mptcp_info
    kernel.mptcp.push_back({{"127.0.0.1", 3, "127.0.0.1", 4, 1, 0, 0}, shortInfo});
    for (std::uint32_t token = 2; token < 8; ++token) {
        kernel.mptcp.push_back(
            msk({"127.0.0.1", static_cast<std::uint16_t>(10 + token), "127.0.0.1", 5, 1, 0, 0}, token));
    }
    kernel.perDatagram = 1;
    try {
        reader.list();
        FAIL() << "a malformed mptcp_info was accepted";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Failed);
        EXPECT_NE(std::string(e.what()).find("mptcp_info"), std::string::npos) << e.what();
    }
    // The fake refuses a dump (EBUSY) while an earlier one is unread, as the
    // kernel does: the next call works once the bad socket is gone.
    kernel.mptcp.erase(kernel.mptcp.begin() + 1);
    EXPECT_EQ(reader.list().size(), 7u);
}

TEST_F(ConnectionReaderTest, NoMptcpDiagnosticsIsNotSupported)
{
    kernel.refuseWith = ENOENT;
    try {
        reader.list();
        FAIL() << "no error";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotSupported);
        EXPECT_NE(std::string(e.what()).find("mptcp_diag"), std::string::npos) << e.what();
    }
}

TEST_F(ConnectionReaderTest, OtherRefusalsAreFailedWithTheErrno)
{
    kernel.refuseWith = EPERM;
    try {
        reader.subflows(1);
        FAIL() << "no error";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Failed);
        EXPECT_EQ(e.error(), EPERM);
        EXPECT_NE(std::string(e.what()).find("EPERM"), std::string::npos) << e.what();
    }
    EXPECT_THROW(reader.find(5), PmError);
}

}  // namespace
}  // namespace mptcp::diag
