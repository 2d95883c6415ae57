// The daemon meets faults the way an administrator would see them: SIGTERM
// ends it cleanly, losing the bus ends it with a clear line and a non-zero
// exit (so that systemd restarts it), net.mptcp.enabled=0 is reported and
// not hidden, and a kernel without MPTCP gets NotSupported on every call
// instead of a daemon that is not there.
#include "bus_harness.hpp"

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace mptcp::test {
namespace {

constexpr const char* kNotSupported = "org.mptcp.PathManager.Error.NotSupported";

// Waits until the child pid has ended, without reaping it (the harness
// collects its status); false if it still runs after the timeout.
bool waitUntilEnded(pid_t pid, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        siginfo_t info{};
        if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

using FaultTest = BusTest;

TEST_F(FaultTest, SigtermEndsTheDaemonWithStatusZero)
{
    pm().ListEndpoints();
    EXPECT_EQ(bus_.stopDaemon(), "");
    EXPECT_NE(bus_.logs().find("stopping on Terminated"), std::string::npos) << bus_.logs();
}

TEST_F(FaultTest, LosingTheBusEndsTheDaemonWithAClearLineAndStatusOne)
{
    const pid_t daemon = bus_.daemonPid();
    // The bus daemon answers for itself: its own pid, a child of this test.
    std::uint32_t busPid = 0;
    auto driver = sdbus::createProxy(client_->connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    driver->callMethod("GetConnectionUnixProcessID")
        .onInterface("org.freedesktop.DBus")
        .withArguments(std::string("org.freedesktop.DBus"))
        .storeResultsTo(busPid);
    driver.reset();
    client_.reset();
    ASSERT_GT(busPid, 0u);
    ASSERT_EQ(kill(static_cast<pid_t>(busPid), SIGKILL), 0);

    ASSERT_TRUE(waitUntilEnded(daemon, kEventTimeout)) << "the daemon outlived its bus\n" << bus_.logs();
    EXPECT_EQ(bus_.stopDaemon(), "mptcp-pathmanagerd exited with status 1");
    EXPECT_NE(bus_.logs().find("mptcp-pathmanagerd: lost the bus"), std::string::npos) << bus_.logs();
}

TEST_F(FaultTest, ASecondDaemonSaysTheNameIsTakenAndLeavesTheFirstServing)
{
    const char* binary = std::getenv("MPTCP_PATHMANAGERD");
    ASSERT_NE(binary, nullptr);
    int status = -1;
    const std::string out =
        bus_.runInNamespace("DBUS_SYSTEM_BUS_ADDRESS='" + bus_.busAddress() + "' '" + binary + "' --state-file='" +
                                bus_.tempDir() + "/second.state' --config=/nonexistent 2>&1",
                            &status);
    EXPECT_EQ(status, 1) << out;
    EXPECT_NE(out.find("mptcp-pathmanagerd: cannot own org.mptcp.PathManager: another process owns "
                       "org.mptcp.PathManager"),
              std::string::npos)
        << out;
    // The first one still answers.
    EXPECT_NO_THROW(pm().ListEndpoints());
}

TEST_F(FaultTest, MptcpDisabledIsLoggedAndShownNotHidden)
{
    inNamespace("sysctl -qw net.mptcp.enabled=0");
    ASSERT_EQ(bus_.stopDaemon(), "");
    bus_.restartDaemon();
    client_ = std::make_unique<BusClient>(bus_.busAddress());

    EXPECT_NE(bus_.logs().find("net.mptcp.enabled is 0"), std::string::npos) << bus_.logs();
    EXPECT_FALSE(pm().Enabled());
    // Configuration still works: the endpoints wait for MPTCP to be enabled.
    EXPECT_EQ(pm().AddEndpoint("10.0.0.1", 0, "", 0, {"subflow"}), 1u);
    pm().Enabled(true);
    EXPECT_EQ(inNamespace("cat /proc/sys/net/mptcp/enabled"), "1\n");
}

// The daemon started on a kernel without MPTCP (tests/no_mptcp_daemon.cpp:
// the daemon's own start-up steps over the fake kernel without mptcp_pm).
class NoMptcpTest : public BusTest {
protected:
    void SetUp() override
    {
        const char* daemon = std::getenv("MPTCP_NO_MPTCP_DAEMON");
        ASSERT_NE(daemon, nullptr) << "MPTCP_NO_MPTCP_DAEMON is not set (run the test through `meson test`)";
        const char* real = std::getenv("MPTCP_PATHMANAGERD");
        realDaemon_ = real != nullptr ? real : "";
        setenv("MPTCP_PATHMANAGERD", daemon, 1);
        BusTest::SetUp();
    }
    void TearDown() override
    {
        BusTest::TearDown();
        setenv("MPTCP_PATHMANAGERD", realDaemon_.c_str(), 1);
    }
    std::string realDaemon_;
};

TEST_F(NoMptcpTest, EveryCallIsNotSupportedAndTheLogSaysWhy)
{
    const std::string why = "the kernel has no MPTCP path manager";
    EXPECT_NE(bus_.logs().find(why), std::string::npos) << bus_.logs();
    EXPECT_NE(bus_.logs().find("every call answers org.mptcp.PathManager.Error.NotSupported"), std::string::npos)
        << bus_.logs();

    auto& p = pm();
    const std::vector<std::pair<const char*, std::function<void()>>> calls = {
        {"AddEndpoint", [&] { p.AddEndpoint("10.0.0.1", 0, "", 0, {"subflow"}); }},
        {"DeleteEndpoint", [&] { p.DeleteEndpoint(1, ""); }},
        {"ChangeEndpoint", [&] { p.ChangeEndpoint(1, "", 0, {"backup"}); }},
        {"GetEndpoint", [&] { p.GetEndpoint(1); }},
        {"ListEndpoints", [&] { p.ListEndpoints(); }},
        {"FlushEndpoints", [&] { p.FlushEndpoints(); }},
        {"SetLimits", [&] { p.SetLimits(1, 1); }},
        {"GetLimits", [&] { p.GetLimits(); }},
        {"Subscribe", [&] { p.Subscribe(); }},
        {"Unsubscribe", [&] { p.Unsubscribe(); }},
        {"ManageInterface", [&] { p.ManageInterface("lo", {"subflow"}, {}); }},
        {"ReleaseInterface", [&] { p.ReleaseInterface("lo"); }},
        {"ListManagedInterfaces", [&] { p.ListManagedInterfaces(); }},
        {"get SubflowsLimit", [&] { p.SubflowsLimit(); }},
        {"set SubflowsLimit", [&] { p.SubflowsLimit(1); }},
        {"get AddAddrAcceptedLimit", [&] { p.AddAddrAcceptedLimit(); }},
        {"set AddAddrAcceptedLimit", [&] { p.AddAddrAcceptedLimit(1); }},
        {"get Enabled", [&] { p.Enabled(); }},
        {"set Enabled", [&] { p.Enabled(true); }},
    };
    for (const auto& [name, call] : calls) {
        SCOPED_TRACE(name);
        try {
            call();
            ADD_FAILURE() << name << " succeeded without MPTCP";
        } catch (const sdbus::Error& e) {
            EXPECT_EQ(e.getName(), kNotSupported);
            EXPECT_NE(e.getMessage().find(why), std::string::npos) << e.getMessage();
        }
    }
    EXPECT_FALSE(p.Version().empty());
}

TEST_F(NoMptcpTest, LiveConnectionsAreNotSupportedEither)
{
    for (const char* method : {"ListConnections", "GetConnection", "ListSubflows"}) {
        SCOPED_TRACE(method);
        auto call = pm().rawProxy().createMethodCall("org.mptcp.PathManager.Connections", method);
        if (std::string(method) != "ListConnections") {
            call << std::uint32_t{1};
        }
        try {
            pm().rawProxy().callMethod(call);
            ADD_FAILURE() << method << " succeeded without MPTCP";
        } catch (const sdbus::Error& e) {
            EXPECT_EQ(e.getName(), kNotSupported) << e.getMessage();
            EXPECT_NE(e.getMessage().find("the kernel has no MPTCP path manager"), std::string::npos) << e.getMessage();
        }
    }
}

TEST_F(NoMptcpTest, TheUserspaceInterfaceIsNotSupportedToo)
{
    auto proxy = sdbus::createProxy(client_->connection(), kBusName, kObjectPath);
    const char* userspace = "org.mptcp.PathManager.Userspace";
    const std::vector<std::pair<const char*, std::function<void()>>> calls = {
        {"Announce",
         [&] {
             proxy->callMethod("Announce")
                 .onInterface(userspace)
                 .withArguments(std::uint32_t{1}, std::uint8_t{1}, std::string("10.0.0.1"), std::uint16_t{0},
                                std::string());
         }},
        {"ListLocalAddresses",
         [&] { proxy->callMethod("ListLocalAddresses").onInterface(userspace).withArguments(std::uint32_t{1}); }},
        {"get PathManager", [&] { proxy->getProperty("PathManager").onInterface(userspace); }},
    };
    for (const auto& [name, call] : calls) {
        SCOPED_TRACE(name);
        try {
            call();
            ADD_FAILURE() << name << " succeeded without MPTCP";
        } catch (const sdbus::Error& e) {
            EXPECT_EQ(e.getName(), kNotSupported) << e.getMessage();
        }
    }
}

}  // namespace
}  // namespace mptcp::test
