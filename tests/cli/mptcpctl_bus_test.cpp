// mptcpctl against the real daemon on a private bus, beyond what `ip`
// can be compared with: the monitor (its lines against ip's own monitor of
// the same namespace, for real loopback MPTCP connections), Ctrl-C, and
// the clear lines for an unreachable service and an unauthorized user.
#include "bus_harness.hpp"
#include "process_runner.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

namespace mptcp::test {
namespace {

constexpr uid_t kNobody = 65534;

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        out.push_back(l);
    }
    return out;
}

// One MPTCP connection over loopback, in the given namespace, from a child
// process: listen, connect, one byte each way, a pause for the path
// manager's subflows and announcements, close.
void loopbackConnection(int netnsFd, int family, const char* address, std::uint16_t port)
{
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (setns(netnsFd, CLONE_NEWNET) != 0) {
            _exit(10);
        }
        sockaddr_storage addr{};
        socklen_t len = 0;
        if (family == AF_INET) {
            auto* a = reinterpret_cast<sockaddr_in*>(&addr);
            a->sin_family = AF_INET;
            a->sin_port = htons(port);
            inet_pton(AF_INET, address, &a->sin_addr);
            len = sizeof *a;
        } else {
            auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
            a->sin6_family = AF_INET6;
            a->sin6_port = htons(port);
            inet_pton(AF_INET6, address, &a->sin6_addr);
            len = sizeof *a;
        }
        const int listener = socket(family, SOCK_STREAM, IPPROTO_MPTCP);
        const int one = 1;
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(listener, 1) != 0) {
            _exit(11);
        }
        const int client = socket(family, SOCK_STREAM, IPPROTO_MPTCP);
        if (client < 0 || connect(client, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
            _exit(12);
        }
        const int server = accept(listener, nullptr, nullptr);
        char byte = 'x';
        if (server < 0 || write(client, &byte, 1) != 1 || read(server, &byte, 1) != 1 || write(server, &byte, 1) != 1 ||
            read(client, &byte, 1) != 1) {
            _exit(13);
        }
        usleep(300000);
        close(client);
        close(server);
        close(listener);
        usleep(200000);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "loopback MPTCP connection failed: " << status;
}

class MptcpctlOnTheBus : public BusTest {
protected:
    void SetUp() override
    {
        BusTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        const char* cli = std::getenv("MPTCPCTL");
        ASSERT_NE(cli, nullptr) << "MPTCPCTL is not set (run through meson test)";
        mptcpctl_ = cli;
        const std::string ns = "/proc/" + std::to_string(bus_.daemonPid()) + "/ns/net";
        serviceNs_ = open(ns.c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(serviceNs_, 0);
        inNamespace("ip link set lo up && ip addr add 10.0.1.1/32 dev lo");
    }

    void TearDown() override
    {
        if (serviceNs_ >= 0) {
            close(serviceNs_);
        }
        BusTest::TearDown();
    }

    RunOptions options(uid_t uid = 0) const
    {
        RunOptions o;
        o.netnsFd = serviceNs_;
        o.extraEnv = {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_.busAddress()};
        o.uid = uid;
        return o;
    }

    RunResult mptcpctl(std::vector<std::string> args, uid_t uid = 0)
    {
        args.insert(args.begin(), mptcpctl_);
        return runProgram(args, options(uid));
    }

    // Waits until the file has a line containing text.
    bool waitForLine(const std::string& path, const std::string& text)
    {
        const auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (readFile(path).find(text) != std::string::npos) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    std::string mptcpctl_;
    int serviceNs_ = -1;
};

// Every line ip prints for a known event is, word for word, the start of
// one line of mptcpctl's (which may add what ip 6.1 does not print, such
// as server_side), and mptcpctl prints nothing else but listener events,
// which carry their address and port ("[UNKNOWN 15|16]" to ip 6.1).
TEST_F(MptcpctlOnTheBus, MonitorLinesCarryIpsTokensAddressesAndPorts)
{
    const std::string ctlOut = bus_.tempDir() + "/mptcpctl-monitor.out";
    const std::string ipOut = bus_.tempDir() + "/ip-monitor.out";
    BackgroundProgram ctl({mptcpctl_, "-ts", "monitor"}, ctlOut, options());
    BackgroundProgram ip({"ip", "mptcp", "monitor"}, ipOut, options());

    // Both are listening once both have seen a listener come and go.
    bool ready = false;
    for (int i = 0; i < 50 && !ready; ++i) {
        inNamespace("ip mptcp endpoint add 127.0.0.1 port 10999 signal && ip mptcp endpoint flush");
        ready = waitForLine(ctlOut, "LISTENER_CLOSED") && waitForLine(ipOut, "[UNKNOWN 16]");
    }
    ASSERT_TRUE(ready) << "the monitors did not start; mptcpctl said:\n" << readFile(ctlOut);
    const std::size_t ctlStart = lines(readFile(ctlOut)).size();
    const std::size_t ipStart = lines(readFile(ipOut)).size();

    inNamespace(
        "ip mptcp limits set subflows 2 add_addr_accepted 2 && "
        "ip mptcp endpoint add 127.0.0.1 port 10001 signal && ip mptcp endpoint add 10.0.1.1 signal");
    loopbackConnection(serviceNs_, AF_INET, "127.0.0.1", 12345);
    loopbackConnection(serviceNs_, AF_INET6, "::1", 12346);
    inNamespace("ip mptcp endpoint flush");
    // The last event both must have printed before they are stopped.
    ASSERT_TRUE(waitForLine(ctlOut, "[LISTENER_CLOSED] saddr4=127.0.0.1 sport=10001"));
    ASSERT_TRUE(waitForLine(ipOut, "[UNKNOWN 16]"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // ip's last lines of the same burst

    EXPECT_EQ(ctl.stop(SIGINT), 0) << "mptcpctl monitor must exit 0 on Ctrl-C";
    ip.stop(SIGTERM);

    const std::regex timestamp(R"(^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\] )");
    std::vector<std::string> ctlLines;
    const auto allCtl = lines(readFile(ctlOut));
    for (std::size_t i = ctlStart; i < allCtl.size(); ++i) {
        ASSERT_TRUE(std::regex_search(allCtl[i], timestamp)) << "no -ts timestamp: " << allCtl[i];
        ctlLines.push_back(std::regex_replace(allCtl[i], timestamp, ""));
    }
    const auto allIp = lines(readFile(ipOut));
    std::size_t known = 0, listeners = 0;
    for (std::size_t i = ipStart; i < allIp.size(); ++i) {
        const std::string& line = allIp[i];
        if (line.starts_with("[UNKNOWN")) {
            ++listeners;
            continue;
        }
        ++known;
        bool found = false;
        for (auto it = ctlLines.begin(); it != ctlLines.end() && !found; ++it) {
            if (it->starts_with(line) && (it->size() == line.size() || (*it)[line.size()] == ' ')) {
                ctlLines.erase(it);
                found = true;
                break;
            }
        }
        EXPECT_TRUE(found) << "ip printed, mptcpctl did not: " << line << "\nmptcpctl printed:\n" << readFile(ctlOut);
    }
    EXPECT_GE(known, 8u) << "too few connection events to compare:\n" << readFile(ipOut);
    std::size_t ctlListeners = 0;
    for (const std::string& l : ctlLines) {
        if (l.starts_with("[LISTENER_")) {
            ++ctlListeners;
            EXPECT_TRUE(std::regex_search(l, std::regex(R"( saddr[46]=\S+ sport=\d+$)"))) << l;
        } else {
            ADD_FAILURE() << "mptcpctl printed, ip did not: " << l;
        }
    }
    // Which warm-up listener lines fall before or after the start line
    // differs between the two monitors; the endpoint's own listener is there.
    EXPECT_GE(listeners, 2u);
    EXPECT_GE(ctlListeners, 2u);
    const std::string all = readFile(ctlOut);
    EXPECT_NE(all.find("[LISTENER_CREATED] saddr4=127.0.0.1 sport=10001\n"), std::string::npos);
    EXPECT_NE(all.find("[LISTENER_CLOSED] saddr4=127.0.0.1 sport=10001\n"), std::string::npos);
}

// A service from before SubscribeBatched: python3-dbusmock in the daemon's
// place, with Subscribe and Unsubscribe only (it answers SubscribeBatched
// with UnknownMethod). mptcpctl monitor falls back to one signal per event
// and prints the same line it prints for a batched event.
TEST_F(MptcpctlOnTheBus, MonitorFallsBackToSubscribeOnAServiceWithoutBatches)
{
    ASSERT_EQ(std::system("/usr/bin/python3 -c 'import dbusmock' >/dev/null 2>&1"), 0)
        << "python3-dbusmock is not installed (tools/install-deps.sh)";
    ASSERT_EQ(bus_.stopDaemon(), "");
    RunOptions mockOptions = options();
    BackgroundProgram mock({"/usr/bin/python3", "-m", "dbusmock", "--system", "org.mptcp.PathManager",
                            "/org/mptcp/PathManager", "org.mptcp.PathManager"},
                           bus_.tempDir() + "/mock.out", mockOptions);
    auto busDriver = sdbus::createProxy(client_->connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    bool owned = false;
    for (auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
         !owned && std::chrono::steady_clock::now() < deadline;) {
        busDriver->callMethod("NameHasOwner")
            .onInterface("org.freedesktop.DBus")
            .withArguments(std::string("org.mptcp.PathManager"))
            .storeResultsTo(owned);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(owned) << "the mock service did not come up";
    auto old = sdbus::createProxy(client_->connection(), "org.mptcp.PathManager", "/org/mptcp/PathManager");
    constexpr const char* kMock = "org.freedesktop.DBus.Mock";
    for (const char* method : {"Subscribe", "Unsubscribe"}) {
        old->callMethod("AddMethod")
            .onInterface(kMock)
            .withArguments(std::string("org.mptcp.PathManager"), std::string(method), std::string(), std::string(),
                           std::string());
    }

    const std::string out = bus_.tempDir() + "/fallback-monitor.out";
    BackgroundProgram ctl({mptcpctl_, "monitor"}, out, options());
    using Call = sdbus::Struct<std::uint64_t, std::string, std::vector<sdbus::Variant>>;
    bool subscribed = false;
    for (auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
         !subscribed && std::chrono::steady_clock::now() < deadline;) {
        std::vector<Call> calls;
        old->callMethod("GetCalls").onInterface(kMock).storeResultsTo(calls);
        for (const auto& c : calls) {
            subscribed |= std::get<1>(c) == "Subscribe";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(subscribed) << "mptcpctl did not fall back to Subscribe:\n" << readFile(out);

    const std::map<std::string, sdbus::Variant> info = {{"family", sdbus::Variant(std::uint16_t{AF_INET})},
                                                        {"local-address", sdbus::Variant(std::string("127.0.0.1"))},
                                                        {"local-port", sdbus::Variant(std::uint16_t{4242})}};
    old->callMethod("EmitSignal")
        .onInterface(kMock)
        .withArguments(std::string("org.mptcp.PathManager"), std::string("ListenerCreated"), std::string("a{sv}"),
                       std::vector<sdbus::Variant>{sdbus::Variant(info)});
    EXPECT_TRUE(waitForLine(out, "[LISTENER_CREATED] saddr4=127.0.0.1 sport=4242\n")) << readFile(out);
    EXPECT_EQ(ctl.stop(SIGTERM), 0) << readFile(out);
    mock.stop(SIGTERM);
}

TEST_F(MptcpctlOnTheBus, MonitorIsOpenToEveryUserAndStopsOnSigterm)
{
    ASSERT_EQ(chmod(bus_.tempDir().c_str(), 0755), 0);  // the bus socket, for nobody
    const std::string out = bus_.tempDir() + "/nobody-monitor.out";
    BackgroundProgram ctl({mptcpctl_, "monitor"}, out, options(kNobody));
    bool seen = false;
    for (int i = 0; i < 50 && !seen; ++i) {
        inNamespace("ip mptcp endpoint add 127.0.0.1 port 10998 signal && ip mptcp endpoint flush");
        seen = waitForLine(out, "[LISTENER_CLOSED] saddr4=127.0.0.1 sport=10998");
    }
    EXPECT_TRUE(seen) << readFile(out);
    EXPECT_EQ(ctl.stop(SIGTERM), 0) << readFile(out);
}

TEST_F(MptcpctlOnTheBus, AnOrdinaryUserReadsButMayNotChange)
{
    ASSERT_EQ(chmod(bus_.tempDir().c_str(), 0755), 0);
    ASSERT_EQ(mptcpctl({"endpoint", "add", "10.0.1.1", "subflow"}).status, 0);
    const RunResult show = mptcpctl({"endpoint", "show"}, kNobody);
    EXPECT_EQ(show.status, 0) << show.err;
    EXPECT_EQ(show.out, "10.0.1.1 id 1 subflow \n");
    EXPECT_EQ(mptcpctl({"limits", "show"}, kNobody).out, "add_addr_accepted 0 subflows 2 \n");

    for (const std::vector<std::string>& change : {std::vector<std::string>{"endpoint", "add", "10.0.1.2"},
                                                   {"endpoint", "flush"},
                                                   {"limits", "set", "subflows", "3"},
                                                   {"endpoint", "change", "id", "1", "backup"},
                                                   {"endpoint", "delete", "id", "1"}}) {
        const RunResult r = mptcpctl(change, kNobody);
        EXPECT_EQ(r.status, 2) << change[0] << " " << change[1];
        EXPECT_EQ(r.err,
                  "Error: not authorized to change the MPTCP configuration (root, or a user polkit allows "
                  "org.mptcp.PathManager.modify, may do so).\n");
        EXPECT_EQ(r.out, "");
    }
    EXPECT_EQ(mptcpctl({"endpoint", "show"}).out, "10.0.1.1 id 1 subflow \n") << "nothing may have changed";
}

TEST_F(MptcpctlOnTheBus, UnreachableServiceIsOneClearLine)
{
    ASSERT_EQ(bus_.stopDaemon(), "");
    const RunResult noService = mptcpctl({"endpoint", "show"});
    EXPECT_EQ(noService.status, 1);
    EXPECT_TRUE(noService.err.starts_with(
        "Error: cannot reach the MPTCP path manager service org.mptcp.PathManager on the system bus: "))
        << noService.err;
    EXPECT_EQ(std::count(noService.err.begin(), noService.err.end(), '\n'), 1);
    EXPECT_EQ(noService.out, "");

    RunOptions noBus = options();
    noBus.extraEnv = {"DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + bus_.tempDir() + "/no-such-socket"};
    const RunResult r = runProgram({mptcpctl_, "limits", "show"}, noBus);
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(r.err.starts_with("Error: cannot reach the MPTCP path manager service")) << r.err;

    // The command line is checked before anything is sent.
    const RunResult bad = runProgram({mptcpctl_, "endpoint", "add"}, noBus);
    EXPECT_EQ(bad.status, 255);
    EXPECT_EQ(bad.err, "Error: argument \"ADDRESS\" is required\n");
}

TEST_F(MptcpctlOnTheBus, MonitorSaysWhenTheServiceLeaves)
{
    const std::string out = bus_.tempDir() + "/monitor.out";
    BackgroundProgram ctl({mptcpctl_, "monitor"}, out, options());
    bool seen = false;
    for (int i = 0; i < 50 && !seen; ++i) {
        inNamespace("ip mptcp endpoint add 127.0.0.1 port 10997 signal && ip mptcp endpoint flush");
        seen = waitForLine(out, "LISTENER_CLOSED");
    }
    ASSERT_TRUE(seen) << readFile(out);
    ASSERT_EQ(bus_.stopDaemon(), "");
    EXPECT_TRUE(waitForLine(out, "Error: the MPTCP path manager service org.mptcp.PathManager left the bus"))
        << readFile(out);
    EXPECT_EQ(ctl.stop(SIGKILL), 1) << "it must have ended by itself, with status 1";
}

}  // namespace
}  // namespace mptcp::test
