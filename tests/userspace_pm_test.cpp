// The userspace path manager's core against the fake kernel: the rules
// refuse before anything is sent, the kernel's refusals arrive as the
// contract's errors with the kernel's own text, CreateSubflow picks an id
// the connection does not use (never 0), and the path manager setting.
#include "userspace_pm.hpp"
#include "fake_kernel.hpp"
#include "mptcp_sysctl.hpp"
#include "pm_error.hpp"
#include "pm_protocol.hpp"
#include "pm_rules.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace mptcp {
namespace {

using testing::FakeKernel;

class Names : public InterfaceNames {
public:
    std::optional<std::int32_t> indexOf(std::string_view name) override
    {
        return name == "eth1" ? std::optional<std::int32_t>(3) : std::nullopt;
    }
    std::optional<std::string> nameOf(std::int32_t index) override
    {
        return index == 3 ? std::optional<std::string>("eth1") : std::nullopt;
    }
};

IpAddress ip(const char* text)
{
    return *IpAddress::parse(text);
}

CreateSubflowRequest create(std::uint32_t token, const char* local, const char* remote, std::uint16_t remotePort,
                            std::uint8_t id = 0, bool backup = false, const char* interface = "")
{
    CreateSubflowRequest r;
    r.token = token;
    r.localId = id;
    r.localAddress = local;
    r.interface = interface;
    r.remoteAddress = remote;
    r.remotePort = remotePort;
    r.backup = backup;
    return r;
}

SubflowTuple tuple(std::uint32_t token, const char* local, std::uint16_t localPort, const char* remote,
                   std::uint16_t remotePort)
{
    SubflowTuple t;
    t.token = token;
    t.localAddress = local;
    t.localPort = localPort;
    t.remoteAddress = remote;
    t.remotePort = remotePort;
    return t;
}

// Runs fn, expects a PmError of `kind` whose message contains `fragment`.
template <typename Fn>
void expectError(Fn&& fn, ErrorKind kind, const std::string& fragment)
{
    try {
        fn();
        FAIL() << "accepted; expected an error mentioning \"" << fragment << "\"";
    } catch (const PmError& e) {
        EXPECT_EQ(e.kind(), kind) << e.what();
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

class UserspacePmTest : public ::testing::Test {
protected:
    UserspacePmTest()
    {
        kernel_.addLocalAddress(ip("10.0.0.1"));
        kernel_.addLocalAddress(ip("10.0.0.2"));
        FakeKernel::Connection c;
        c.localAddress = ip("10.0.0.1");
        c.localPort = 40001;
        c.remoteAddress = ip("10.0.0.9");
        c.remotePort = 20000;
        token_ = kernel_.addConnection(c);
        c.userspace = false;
        kernelPmToken_ = kernel_.addConnection(c);
    }

    std::size_t userspaceRequests() const
    {
        std::size_t n = 0;
        for (std::uint8_t cmd : {proto::CMD_ANNOUNCE, proto::CMD_REMOVE, proto::CMD_SUBFLOW_CREATE,
                                 proto::CMD_SUBFLOW_DESTROY, proto::CMD_SET_FLAGS}) {
            n += kernel_.requestCount(cmd);
        }
        return n;
    }

    FakeKernel kernel_;
    PmClient client_{kernel_};
    Names names_;
    UserspacePm pm_{client_, names_};
    std::uint32_t token_ = 0;
    std::uint32_t kernelPmToken_ = 0;
};

TEST_F(UserspacePmTest, AnnounceSendsASignalAddressWithItsIdPortAndDevice)
{
    pm_.announce(token_, 5, "10.0.0.2", 8080, "eth1");
    ASSERT_EQ(kernel_.connectionAddresses(token_).size(), 1u);
    const Endpoint ep = kernel_.connectionAddresses(token_)[0];
    EXPECT_EQ(ep.id, 5);
    EXPECT_EQ(ep.address, ip("10.0.0.2"));
    EXPECT_EQ(ep.port, 8080);
    EXPECT_EQ(ep.ifindex, 3);
    EXPECT_EQ(ep.flags, proto::FLAG_SIGNAL);
    EXPECT_EQ(kernel_.announcedIds(token_), std::vector<std::uint8_t>{5});
}

TEST_F(UserspacePmTest, RulesRefuseBeforeAnythingIsSent)
{
    expectError([&] { pm_.announce(token_, 0, "10.0.0.2", 0, ""); }, ErrorKind::InvalidArgs, "id 1..255");
    expectError([&] { pm_.announce(token_, 5, "10.0.0.2/24", 0, ""); }, ErrorKind::InvalidArgs,
                "is not an IPv4 or IPv6 address");
    expectError([&] { pm_.announce(token_, 5, "10.0.0.2", 0, "nope0"); }, ErrorKind::InvalidArgs,
                "no interface named \"nope0\"");
    expectError([&] { pm_.createSubflow(create(token_, "10.0.0.2", "10.0.0.9", 0)); }, ErrorKind::InvalidArgs,
                "remote port is required");
    expectError([&] { pm_.createSubflow(create(token_, "2001:db8::2", "10.0.0.9", 1)); }, ErrorKind::InvalidArgs,
                "not of the same family");
    expectError([&] { pm_.destroySubflow(tuple(token_, "10.0.0.1", 0, "10.0.0.9", 1)); }, ErrorKind::InvalidArgs,
                "local port is required");
    expectError([&] { pm_.setSubflowBackup(tuple(token_, "10.0.0.1", 0, "10.0.0.9", 0), true); },
                ErrorKind::InvalidArgs, "remote port is required");
    EXPECT_EQ(userspaceRequests(), 0u);
}

TEST_F(UserspacePmTest, AnUnknownTokenIsNotFoundWithTheKernelsText)
{
    expectError([&] { pm_.announce(1, 5, "10.0.0.2", 0, ""); }, ErrorKind::NotFound,
                "no MPTCP connection with token 1 (0x00000001) (kernel: invalid token)");
    expectError([&] { pm_.remove(1, 5); }, ErrorKind::NotFound, "invalid token");
    expectError([&] { pm_.listLocalAddresses(1); }, ErrorKind::NotFound, "invalid token");
}

TEST_F(UserspacePmTest, AKernelPmConnectionIsNotSupportedAndSaysHowToSwitch)
{
    expectError([&] { pm_.announce(kernelPmToken_, 5, "10.0.0.2", 0, ""); }, ErrorKind::NotSupported,
                "path-manager set userspace");
    expectError([&] { pm_.remove(kernelPmToken_, 5); }, ErrorKind::NotSupported, "userspace PM not selected");
}

TEST_F(UserspacePmTest, RemoveOfAnIdTheConnectionLacksIsNotFound)
{
    pm_.announce(token_, 5, "10.0.0.2", 0, "");
    expectError([&] { pm_.remove(token_, 7); }, ErrorKind::NotFound, "address with id 7 not found");
    pm_.remove(token_, 5);
    EXPECT_TRUE(kernel_.connectionAddresses(token_).empty());
    EXPECT_TRUE(kernel_.announcedIds(token_).empty());
}

TEST_F(UserspacePmTest, CreateSubflowPicksAnUnusedNonZeroId)
{
    pm_.announce(token_, 1, "10.0.0.1", 0, "");
    pm_.announce(token_, 2, "10.0.0.1", 8080, "");
    const std::uint8_t id = pm_.createSubflow(create(token_, "10.0.0.2", "10.0.0.9", 20000));
    EXPECT_EQ(id, 3);
    const auto subflows = kernel_.subflows(token_);
    ASSERT_EQ(subflows.size(), 2u);
    EXPECT_EQ(subflows[1].localId, 3);
    EXPECT_EQ(subflows[1].localAddress, ip("10.0.0.2"));
    EXPECT_EQ(subflows[1].remotePort, 20000);
    EXPECT_FALSE(subflows[1].backup);
}

TEST_F(UserspacePmTest, CreateSubflowReusesTheIdAnAddressAlreadyHas)
{
    pm_.announce(token_, 9, "10.0.0.2", 0, "");
    const std::uint8_t id = pm_.createSubflow(create(token_, "10.0.0.2", "10.0.0.9", 20000, 0, true));
    EXPECT_EQ(id, 9);
    EXPECT_TRUE(kernel_.subflows(token_).back().backup);
}

TEST_F(UserspacePmTest, CreateSubflowWithAGivenIdKeepsItAndCarriesTheKernelsRefusals)
{
    EXPECT_EQ(pm_.createSubflow(create(token_, "10.0.0.2", "10.0.0.9", 20000, 42, false, "eth1")), 42);
    EXPECT_EQ(kernel_.connectionAddresses(token_).at(0).ifindex, 3);
    expectError([&] { pm_.createSubflow(create(token_, "10.0.0.2", "10.0.0.9", 1, 43)); }, ErrorKind::InvalidArgs,
                "did not match address and id");
    expectError([&] { pm_.createSubflow(create(token_, "10.9.9.9", "10.0.0.9", 1, 44)); }, ErrorKind::InvalidArgs,
                "not configured on this host (kernel: connect error: -99)");
}

TEST_F(UserspacePmTest, DestroyAndBackupFindTheSubflowOrSayNotFound)
{
    const SubflowTuple initial = tuple(token_, "10.0.0.1", 40001, "10.0.0.9", 20000);
    pm_.setSubflowBackup(tuple(token_, "10.0.0.1", 0, "10.0.0.9", 20000), true);
    EXPECT_TRUE(kernel_.subflows(token_).at(0).backup);
    pm_.setSubflowBackup(initial, false);
    EXPECT_FALSE(kernel_.subflows(token_).at(0).backup);
    SubflowTuple other = initial;
    other.localAddress = "10.0.0.2";
    expectError([&] { pm_.setSubflowBackup(other, true); }, ErrorKind::NotFound, "(kernel: subflow not found)");
    expectError([&] { pm_.destroySubflow(other); }, ErrorKind::NotFound, "(kernel: subflow not found)");
    pm_.destroySubflow(initial);
    EXPECT_TRUE(kernel_.subflows(token_).empty());
}

TEST_F(UserspacePmTest, ListLocalAddressesInTheKernelsOrderAndNotSupportedOnOldKernels)
{
    pm_.announce(token_, 7, "10.0.0.2", 0, "");
    pm_.createSubflow(create(token_, "10.0.0.1", "10.0.0.9", 1, 3));
    const auto list = pm_.listLocalAddresses(token_);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, 7);
    EXPECT_EQ(list[1].id, 3);
    EXPECT_EQ(list[1].flags, proto::FLAG_SUBFLOW);

    UserspacePm old(client_, names_, /*listSupported=*/false);
    expectError([&] { old.listLocalAddresses(token_); }, ErrorKind::NotSupported, "6.9");
    expectError([&] { old.createSubflow(create(token_, "10.0.0.2", "10.0.0.9", 1)); }, ErrorKind::NotSupported,
                "give one");
}

TEST(UserspaceRules, FamiliesCountMappedAddressesAsIpv4)
{
    EXPECT_NO_THROW(rules::checkSameFamily(ip("::ffff:10.0.0.1"), ip("10.0.0.2")));
    EXPECT_NO_THROW(rules::checkSameFamily(ip("2001:db8::1"), ip("2001:db8::2")));
    expectError([] { rules::checkSameFamily(ip("::ffff:10.0.0.1"), ip("2001:db8::2")); }, ErrorKind::InvalidArgs,
                "not of the same family");
    expectError([] { rules::checkAnnounceId(0); }, ErrorKind::InvalidArgs, "id 0 is the initial subflow's address");
    EXPECT_NO_THROW(rules::checkAnnounceId(255));
    expectError([] { rules::checkPortGiven(0, "remote port"); }, ErrorKind::InvalidArgs, "a remote port is required");
}

TEST(KernelRelease, ComparesMajorAndMinor)
{
    EXPECT_TRUE(kernelAtLeast("6.18.44-fc-v1272", 6, 9));
    EXPECT_TRUE(kernelAtLeast("6.9", 6, 9));
    EXPECT_TRUE(kernelAtLeast("7.0.1", 6, 9));
    EXPECT_FALSE(kernelAtLeast("6.8.12-amd64", 6, 9));
    EXPECT_FALSE(kernelAtLeast("5.19.0", 6, 9));
    EXPECT_FALSE(kernelAtLeast("", 6, 9));
    EXPECT_FALSE(kernelAtLeast("garbage", 6, 9));
}

// The sysctls in a directory of the test's own.
class PathManagerSettingTest : public ::testing::Test {
protected:
    PathManagerSettingTest()
    {
        char pattern[] = "/tmp/pm-setting-XXXXXX";
        dir_ = mkdtemp(pattern);
    }
    ~PathManagerSettingTest() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& name, const std::string& value) { std::ofstream(dir_ + "/" + name) << value; }
    std::string read(const std::string& name)
    {
        std::string v;
        std::getline(std::ifstream(dir_ + "/" + name), v);
        return v;
    }
    std::string dir_;
};

TEST_F(PathManagerSettingTest, UsesPathManagerWhereItExists)
{
    write("path_manager", "kernel\n");
    write("pm_type", "0\n");
    PathManagerSetting s(dir_);
    EXPECT_EQ(s.get(), "kernel");
    s.set("userspace");
    EXPECT_EQ(read("path_manager"), "userspace");
    EXPECT_EQ(read("pm_type"), "0");  // the kernel keeps it in step, not we
}

TEST_F(PathManagerSettingTest, FallsBackToPmType)
{
    write("pm_type", "1\n");
    PathManagerSetting s(dir_);
    EXPECT_EQ(s.get(), "userspace");
    s.set("kernel");
    EXPECT_EQ(read("pm_type"), "0");
    EXPECT_EQ(s.get(), "kernel");
}

TEST_F(PathManagerSettingTest, RefusesUnknownNamesAndKernelsWithoutIt)
{
    write("path_manager", "kernel\n");
    PathManagerSetting s(dir_);
    expectError([&] { s.set("bpf\n"); }, ErrorKind::InvalidArgs, "unknown path manager \"bpf?\"");
    EXPECT_EQ(read("path_manager"), "kernel");
    PathManagerSetting none(dir_ + "/missing");
    expectError([&] { none.get(); }, ErrorKind::NotSupported, "no userspace path manager");
    expectError([&] { none.set("kernel"); }, ErrorKind::NotSupported, "no userspace path manager");
}

}  // namespace
}  // namespace mptcp
