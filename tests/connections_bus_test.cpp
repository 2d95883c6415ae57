// org.mptcp.PathManager.Connections and `mptcpctl connection show` as a
// user meets them: the real daemon on a private bus, in a fresh network
// namespace of the real kernel, with real MPTCP connections over loopback
// inside it - IPv4 and IPv6, some owned by root and some by nobody, some
// with an extra subflow from a subflow endpoint. What the service says is
// held against the test's own reading of the kernel's socket diagnostics
// (diag_truth.hpp, written apart from the service's codec).
#include "bus_harness.hpp"
#include "cli/process_runner.hpp"
#include "connections_proxy.h"
#include "diag_truth.hpp"
#include "mptcp_sockets.hpp"
#include "unprivileged_connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mptcp::test {
namespace {

using testing::MptcpConnection;
using testing::MptcpListener;
using testing::TruthConnection;
using testing::TruthSubflow;
using Truth = std::map<std::uint32_t, TruthConnection>;
using Dict = std::map<std::string, sdbus::Variant>;
using Clock = std::chrono::steady_clock;

constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";

class ConnectionsProxy final : public sdbus::ProxyInterfaces<org::mptcp::PathManager::Connections_proxy> {
public:
    explicit ConnectionsProxy(sdbus::IConnection& connection) : ProxyInterfaces(connection, kBusName, kObjectPath)
    {
        registerProxy();
    }
    ~ConnectionsProxy() { unregisterProxy(); }
    ConnectionsProxy(const ConnectionsProxy&) = delete;
    ConnectionsProxy& operator=(const ConnectionsProxy&) = delete;
};

template <typename T>
T valueOf(const Dict& dict, const std::string& key)
{
    const auto it = dict.find(key);
    if (it == dict.end()) {
        ADD_FAILURE() << "no key " << key;
        return T{};
    }
    if (!it->second.containsValueOfType<T>()) {
        ADD_FAILURE() << "key " << key << " has type " << it->second.peekValueType();
        return T{};
    }
    return it->second.get<T>();
}

std::string endpointOf(const Dict& dict, const char* address, const char* port)
{
    return valueOf<std::string>(dict, address) + ":" + std::to_string(valueOf<std::uint16_t>(dict, port));
}

// What the service says, in the terms of the test's own reading.
Truth serviceView(ConnectionsProxy& proxy)
{
    Truth view;
    for (const auto& entry : proxy.ListConnections()) {
        const std::uint32_t token = entry.get<0>();
        const Dict& info = entry.get<1>();
        TruthConnection c;
        c.token = token;
        c.family = valueOf<std::uint16_t>(info, "family");
        c.local = endpointOf(info, "local-address", "local-port");
        c.remote = endpointOf(info, "remote-address", "remote-port");
        c.uid = valueOf<std::uint32_t>(info, "uid");
        c.state = valueOf<std::string>(info, "state");
        c.subflows = valueOf<std::uint32_t>(info, "subflows");
        try {
            for (const Dict& s : proxy.ListSubflows(token)) {
                c.subflowList.push_back({endpointOf(s, "local-address", "local-port"),
                                         endpointOf(s, "remote-address", "remote-port"), valueOf<bool>(s, "join")});
            }
        } catch (const sdbus::Error& e) {
            ADD_FAILURE() << "ListSubflows(" << token << "): " << e.getName() << ": " << e.getMessage();
        }
        EXPECT_TRUE(view.emplace(token, c).second) << "token " << token << " listed twice";
    }
    return view;
}

std::string describe(const Truth& t)
{
    std::ostringstream out;
    for (const auto& [token, c] : t) {
        out << "  " << token << " " << c.local << " -> " << c.remote << " uid " << c.uid << " " << c.state
            << " subflows " << c.subflows << ":";
        for (const TruthSubflow& s : c.subflowList) {
            out << " [" << s.local << " -> " << s.remote << (s.join ? " join" : "") << "]";
        }
        out << "\n";
    }
    return out.str();
}

// A listener and one connection to it, made (and owned) by `uid`.
struct Pair {
    MptcpListener listener;
    MptcpConnection connection;
};

class ConnectionsBusTest : public BusTest {
protected:
    void SetUp() override
    {
        BusTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        inNamespace("ip link set lo up");
        const std::string path = "/proc/" + std::to_string(bus_.daemonPid()) + "/ns/net";
        ns_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(ns_, 0) << path << ": " << std::strerror(errno);
        proxy_ = std::make_unique<ConnectionsProxy>(client_->connection());
    }

    void TearDown() override
    {
        pairs_.clear();
        proxy_.reset();
        if (ns_ >= 0) {
            close(ns_);
        }
        BusTest::TearDown();
    }

    Truth truth()
    {
        Truth t;
        testing::inNetworkNamespace(ns_, [&] { t = testing::readKernelTruth(); });
        return t;
    }

    // Opens a connection over loopback in the daemon's namespace, its
    // sockets owned by uid (a thread of its own switches its ids only).
    Pair& open(const std::string& address, uid_t uid)
    {
        Pair p;
        testing::inNetworkNamespace(ns_, [&] {
            if (uid != 0 && (syscall(SYS_setresgid, kNogroup, kNogroup, kNogroup) != 0 ||
                             syscall(SYS_setresuid, uid, uid, uid) != 0)) {
                throw std::runtime_error(std::string("setresuid: ") + std::strerror(errno));
            }
            p.listener = testing::mptcpListen(address);
            p.connection = testing::mptcpConnect(p.listener, address);
            testing::exchangeData(p.connection);
        });
        pairs_.push_back(std::move(p));
        return pairs_.back();
    }

    // The tokens of a pair's client and server sides in the kernel's view.
    static std::pair<std::uint32_t, std::uint32_t> tokensOf(const Truth& t, const Pair& p)
    {
        std::uint32_t client = 0, server = 0;
        const std::string port = ":" + std::to_string(p.connection.clientPort);
        for (const auto& [token, c] : t) {
            if (c.local.ends_with(port)) {
                client = token;
            } else if (c.remote.ends_with(port)) {
                server = token;
            }
        }
        return {client, server};
    }

    // Waits until the kernel has settled: each given token has `subflows`
    // subflows in both its count and the TCP dump.
    Truth waitForSubflows(const std::vector<std::uint32_t>& tokens, std::uint32_t subflows)
    {
        const auto deadline = Clock::now() + kEventTimeout;
        for (;;) {
            Truth t = truth();
            bool settled = true;
            for (const std::uint32_t token : tokens) {
                const auto it = t.find(token);
                settled &=
                    it != t.end() && it->second.subflows == subflows && it->second.subflowList.size() == subflows;
            }
            if (settled || Clock::now() > deadline) {
                return t;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    // The service's view through `proxy` equals the kernel's, read just
    // before and just after (retried while the kernel itself moves).
    void expectSameAsKernel(ConnectionsProxy& proxy, const char* who)
    {
        for (int attempt = 0; attempt < 5; ++attempt) {
            const Truth before = truth();
            const Truth seen = serviceView(proxy);
            const Truth after = truth();
            if (before != after) {
                continue;
            }
            EXPECT_EQ(seen, before) << "as " << who << ", the service says\n"
                                    << describe(seen) << "the kernel says\n"
                                    << describe(before);
            return;
        }
        ADD_FAILURE() << "the kernel's connections kept changing";
    }

    // The scene: five connections (ten MPTCP sockets, both ends listed).
    // A (IPv4) is opened before the subflow endpoint is added, B (IPv4)
    // after; the kernel gives both an extra subflow from 127.0.0.2 (it
    // applies a new endpoint to existing connections too). C (IPv4) and E
    // (IPv6) belong to nobody; D and E (IPv6) have only their initial
    // subflow, as the endpoint is IPv4.
    Truth openScene()
    {
        pm().SetLimits(2, 0);
        const Pair& a = open("127.0.0.1", 0);
        pm().AddEndpoint("127.0.0.2", 0, "", 0, {"subflow"});
        const Pair& b = open("127.0.0.1", 0);
        const Pair& c = open("127.0.0.1", kNobody);
        open("::1", 0);
        open("::1", kNobody);
        const Truth first = truth();
        std::vector<std::uint32_t> joined;
        for (const Pair* p : {&a, &b, &c}) {
            const auto [client, server] = tokensOf(first, *p);
            joined.push_back(client);
            joined.push_back(server);
        }
        return waitForSubflows(joined, 2);
    }

    int ns_ = -1;
    std::unique_ptr<ConnectionsProxy> proxy_;
    std::deque<Pair> pairs_;  // a deque: references to its pairs stay valid
};

TEST_F(ConnectionsBusTest, ListsWhatTheKernelHasForRootAndForNobody)
{
    const Truth scene = openScene();
    ASSERT_EQ(scene.size(), 10u) << describe(scene);
    // The scene is what it should be, so that the comparisons below mean something.
    std::multiset<std::uint32_t> uids, counts;
    std::set<int> families;
    for (const auto& [token, c] : scene) {
        uids.insert(c.uid);
        counts.insert(c.subflows);
        families.insert(c.family);
        ASSERT_FALSE(c.subflowList.empty()) << describe(scene);
    }
    EXPECT_EQ(uids.count(kNobody), 4u) << describe(scene);
    EXPECT_EQ(counts.count(2), 6u) << describe(scene);
    EXPECT_EQ(counts.count(1), 4u) << describe(scene);
    EXPECT_EQ(families.size(), 2u);

    expectSameAsKernel(*proxy_, "root");
    const auto nobodyBus = connectAs(kNobody, kNogroup, bus_.busAddress());
    ConnectionsProxy nobody(*nobodyBus);
    expectSameAsKernel(nobody, "nobody");

    // The initial subflow first: its 4-tuple is the connection's.
    for (const auto& [token, c] : serviceView(nobody)) {
        ASSERT_FALSE(c.subflowList.empty());
        EXPECT_EQ(c.subflowList.front().local, c.local) << token;
        EXPECT_EQ(c.subflowList.front().remote, c.remote) << token;
        EXPECT_FALSE(c.subflowList.front().join) << token;
    }

    // GetConnection gives what the list gives.
    const auto listed = proxy_->ListConnections();
    for (const auto& entry : listed) {
        const Dict one = nobody.GetConnection(entry.get<0>());
        EXPECT_EQ(endpointOf(one, "local-address", "local-port"),
                  endpointOf(entry.get<1>(), "local-address", "local-port"));
        EXPECT_EQ(valueOf<std::uint32_t>(one, "uid"), valueOf<std::uint32_t>(entry.get<1>(), "uid"));
    }

    // Unknown tokens and token 0 are NotFound, for both methods.
    std::uint32_t unknown = 1;
    while (scene.count(unknown) != 0) {
        ++unknown;
    }
    for (const std::uint32_t token : {unknown, 0u}) {
        try {
            nobody.GetConnection(token);
            ADD_FAILURE() << "GetConnection(" << token << ") answered";
        } catch (const sdbus::Error& e) {
            EXPECT_EQ(e.getName(), kNotFound) << e.getMessage();
        }
        try {
            proxy_->ListSubflows(token);
            ADD_FAILURE() << "ListSubflows(" << token << ") answered";
        } catch (const sdbus::Error& e) {
            EXPECT_EQ(e.getName(), kNotFound) << e.getMessage();
        }
    }
}

TEST_F(ConnectionsBusTest, ClosedConnectionsDisappearAtOnce)
{
    open("127.0.0.1", 0);
    open("::1", kNobody);
    const Pair& closing = open("127.0.0.1", kNobody);
    const auto [client, server] = tokensOf(truth(), closing);
    ASSERT_NE(client, 0u);
    ASSERT_NE(server, 0u);
    ASSERT_EQ(proxy_->ListConnections().size(), 6u);

    // An abortive close (SO_LINGER 0) ends both sides in the kernel at once.
    const linger abort{1, 0};
    for (const int fd : {closing.connection.client.get(), closing.connection.server.get()}) {
        ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort), 0);
    }
    pairs_.back().connection.client.reset();
    pairs_.back().connection.server.reset();
    const auto deadline = Clock::now() + kEventTimeout;
    Truth t = truth();
    while ((t.count(client) != 0 || t.count(server) != 0) && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        t = truth();
    }
    ASSERT_EQ(t.count(client) + t.count(server), 0u) << "the kernel still has the closed connection\n" << describe(t);

    const Truth seen = serviceView(*proxy_);
    EXPECT_EQ(seen.count(client) + seen.count(server), 0u) << describe(seen);
    EXPECT_EQ(seen.size(), 4u) << describe(seen);
    for (const std::uint32_t token : {client, server}) {
        try {
            proxy_->GetConnection(token);
            ADD_FAILURE() << "GetConnection of a closed connection answered";
        } catch (const sdbus::Error& e) {
            EXPECT_EQ(e.getName(), kNotFound) << e.getMessage();
        }
    }
}

TEST_F(ConnectionsBusTest, BytesGrowAfterTraffic)
{
    const Pair& p = open("::1", kNobody);
    const auto [client, server] = tokensOf(truth(), p);
    ASSERT_NE(client, 0u);
    const Dict clientBefore = proxy_->GetConnection(client);
    const Dict serverBefore = proxy_->GetConnection(server);
    const std::uint64_t sent = valueOf<std::uint64_t>(clientBefore, "bytes-sent");
    const std::uint64_t received = valueOf<std::uint64_t>(serverBefore, "bytes-received");

    constexpr std::size_t kBytes = 100000;
    std::thread reader([&] {
        std::vector<char> buf(8192);
        std::size_t total = 0;
        while (total < kBytes) {
            const ssize_t n = recv(p.connection.server.get(), buf.data(), buf.size(), 0);
            if (n <= 0) {
                break;
            }
            total += static_cast<std::size_t>(n);
        }
    });
    const std::vector<char> data(kBytes, 'x');
    std::size_t off = 0;
    while (off < kBytes) {
        const ssize_t n = send(p.connection.client.get(), data.data() + off, kBytes - off, MSG_NOSIGNAL);
        ASSERT_GT(n, 0) << std::strerror(errno);
        off += static_cast<std::size_t>(n);
    }
    reader.join();

    EXPECT_GE(valueOf<std::uint64_t>(proxy_->GetConnection(client), "bytes-sent"), sent + kBytes);
    EXPECT_GE(valueOf<std::uint64_t>(proxy_->GetConnection(server), "bytes-received"), received + kBytes);
    // The subflow counts the same bytes.
    const auto subflows = proxy_->ListSubflows(client);
    ASSERT_EQ(subflows.size(), 1u);
    EXPECT_GE(valueOf<std::uint64_t>(subflows[0], "bytes-sent"), kBytes);
}

// An MPTCP client whose peer speaks plain TCP falls back, and stays a
// connection (with a token) that says so.
TEST_F(ConnectionsBusTest, FallbackConnectionsAreListedAndSaySo)
{
    testing::Fd tcpListener, client, server;
    std::uint16_t port = 0;
    testing::inNetworkNamespace(ns_, [&] {
        tcpListener = testing::Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof sa;
        if (tcpListener.get() < 0 || bind(tcpListener.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
            listen(tcpListener.get(), 4) != 0 ||
            getsockname(tcpListener.get(), reinterpret_cast<sockaddr*>(&sa), &len)) {
            throw std::runtime_error(std::string("plain TCP listener: ") + std::strerror(errno));
        }
        port = ntohs(sa.sin_port);
        client = testing::Fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, testing::kIpprotoMptcp));
        if (client.get() < 0 || connect(client.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0) {
            throw std::runtime_error(std::string("MPTCP connect to plain TCP: ") + std::strerror(errno));
        }
        server = testing::Fd(accept4(tcpListener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    });
    ASSERT_GE(server.get(), 0);
    const Truth t = truth();
    std::uint32_t token = 0;
    for (const auto& [tok, c] : t) {
        if (c.remote == "127.0.0.1:" + std::to_string(port)) {
            token = tok;
        }
    }
    ASSERT_NE(token, 0u) << "the kernel lists no MPTCP connection to the plain TCP port\n" << describe(t);
    const Dict info = proxy_->GetConnection(token);
    EXPECT_TRUE(valueOf<bool>(info, "fallback"));
    expectSameAsKernel(*proxy_, "root");
}

// `mptcpctl connection show` against the same truth, for root and nobody.
TEST_F(ConnectionsBusTest, MptcpctlShowsTheKernelsConnections)
{
    const char* cli = std::getenv("MPTCPCTL");
    ASSERT_NE(cli, nullptr) << "MPTCPCTL is not set (run through meson test)";
    const Truth scene = openScene();
    ASSERT_EQ(scene.size(), 10u);

    auto run = [&](std::vector<std::string> args, uid_t uid) {
        args.insert(args.begin(), cli);
        RunOptions o;
        o.extraEnv = {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_.busAddress()};
        o.uid = uid;
        return runProgram(args, o);
    };
    auto bracketed = [](const std::string& endpoint, int family) {
        if (family != AF_INET6) {
            return endpoint;
        }
        const auto colon = endpoint.rfind(':');
        return "[" + endpoint.substr(0, colon) + "]" + endpoint.substr(colon);
    };
    auto lineStart = [&](const TruthConnection& c) {
        char token[16];
        std::snprintf(token, sizeof token, "%08x", c.token);
        return std::string("token ") + token + " local " + bracketed(c.local, c.family) + " remote " +
               bracketed(c.remote, c.family) + " state " + c.state + " uid " + std::to_string(c.uid) + " subflows " +
               std::to_string(c.subflows) + " bytes_sent ";
    };

    for (const uid_t uid : {uid_t{0}, kNobody}) {
        const RunResult r = run({"-d", "connection", "show"}, uid);
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.err, "");
        std::istringstream lines(r.out);
        std::string line;
        for (const auto& [token, c] : scene) {
            ASSERT_TRUE(std::getline(lines, line)) << r.out;
            EXPECT_TRUE(line.starts_with(lineStart(c))) << line << "\nexpected to start with\n" << lineStart(c);
            for (const TruthSubflow& s : c.subflowList) {
                ASSERT_TRUE(std::getline(lines, line)) << r.out;
                const std::string want = "\tsubflow local " + bracketed(s.local, c.family) + " remote " +
                                         bracketed(s.remote, c.family) + " state ";
                EXPECT_TRUE(line.starts_with(want)) << line << "\nexpected to start with\n" << want;
                EXPECT_EQ(line.find(" join") != std::string::npos, s.join) << line;
            }
        }
        EXPECT_FALSE(std::getline(lines, line)) << "more lines than connections: " << line;
    }

    // One connection by its token as printed; an unknown one is refused.
    const TruthConnection& first = scene.begin()->second;
    char token[16];
    std::snprintf(token, sizeof token, "%08x", first.token);
    const RunResult one = run({"connection", "show", "token", token}, kNobody);
    ASSERT_EQ(one.status, 0) << one.err;
    EXPECT_TRUE(one.out.starts_with(lineStart(first))) << one.out;
    EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 1) << one.out;
    const RunResult none = run({"connection", "show", "token", "0"}, 0);
    EXPECT_EQ(none.status, 2);
    EXPECT_TRUE(none.err.starts_with("Error: no MPTCP connection has token 00000000")) << none.err;

    // JSON: one object per connection, with its token as a number.
    const RunResult json = run({"-j", "connection", "show"}, 0);
    ASSERT_EQ(json.status, 0) << json.err;
    EXPECT_TRUE(json.out.starts_with("[{\"token\":")) << json.out;
    for (const auto& [t, c] : scene) {
        EXPECT_NE(json.out.find("{\"token\":" + std::to_string(t) + ","), std::string::npos) << json.out;
    }
}

}  // namespace
}  // namespace mptcp::test
