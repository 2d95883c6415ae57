// The userspace path manager end to end: the daemon on a private bus, in
// namespace A whose path manager it sets to "userspace"; a peer namespace
// B (in-kernel path manager) joined to A by a veth pair; real MPTCP
// connections between them. Every claim is checked in what the kernel
// itself says: its MPTCP events in A and in B (event sockets of the
// test's own), socket diagnostics (ss) and /proc/net/netlink.
//
// Needs root, network namespaces and MPTCP (skipped elsewhere, a failure
// when CI=true). Namespace B is a named one (ip netns), deleted at the end.
#include "bus_harness.hpp"
#include "event_decoder.hpp"
#include "event_socket.hpp"
#include "mptcp_sockets.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"
#include "polkit_mock.hpp"
#include "unprivileged_connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp::test {
namespace {

using Clock = std::chrono::steady_clock;
using mptcp::testing::Fd;

constexpr const char* kUserspaceInterface = "org.mptcp.PathManager.Userspace";
constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";
constexpr const char* kNotSupported = "org.mptcp.PathManager.Error.NotSupported";
constexpr const char* kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";

// A: veth0 with 10.1.1.1 and 10.1.2.1; B: veth1 with 10.1.1.2.
constexpr const char* kA1 = "10.1.1.1";
constexpr const char* kA2 = "10.1.2.1";
constexpr const char* kB1 = "10.1.1.2";

[[noreturn]] void failErrno(const std::string& what)
{
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

sockaddr_in v4(const std::string& address, std::uint16_t port)
{
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    return sa;
}

std::uint16_t portOf(int fd)
{
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    return ntohs(sa.sin_port);
}

Fd mptcpSocket()
{
    Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, mptcp::testing::kIpprotoMptcp));
    if (fd.get() < 0) {
        failErrno("socket(IPPROTO_MPTCP)");
    }
    return fd;
}

void reuseAddress(int fd)
{
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
}

// An MPTCP listener on 0.0.0.0 (ANNOUNCE opens no listener of its own:
// joins to an announced address reach the application's, which must be
// bound to the wildcard). port 0: any; else that one, shared (the peer
// listens on its own connection's port to take the service's joins: the
// kernel refuses a join that arrives on another port than the
// connection's own unless that port was announced).
Fd listenAnywhere(std::uint16_t& port)
{
    Fd fd = mptcpSocket();
    reuseAddress(fd.get());
    const sockaddr_in sa = v4("0.0.0.0", port);
    if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0 || listen(fd.get(), 16) != 0) {
        failErrno("bind/listen");
    }
    port = portOf(fd.get());
    return fd;
}

void sendByte(int from, int to)
{
    char b = 'x';
    if (send(from, &b, 1, MSG_NOSIGNAL) != 1 || recv(to, &b, 1, 0) != 1) {
        failErrno("exchanging a byte");
    }
}

// The kernel's MPTCP events of one namespace, through an event socket made
// there by the test (the socket stays in that namespace).
class NamespaceEvents {
public:
    NamespaceEvents(int netnsFd, std::uint32_t group, std::uint16_t familyId) : familyId_(familyId)
    {
        mptcp::testing::inNetworkNamespace(netnsFd, [&] {
            source_ = openEventSocket(group);
            source_->join();
        });
    }

    // Waits for an event that pred accepts; nullopt after the timeout.
    std::optional<PmEvent> waitFor(const std::function<bool(const PmEvent&)>& pred,
                                   std::chrono::milliseconds timeout = kEventTimeout)
    {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            for (const PmEvent& e : seen_) {
                if (pred(e)) {
                    return e;
                }
            }
            if (Clock::now() >= deadline) {
                return std::nullopt;
            }
            pollfd p{source_->fd(), POLLIN, 0};
            ::poll(&p, 1, 50);
            for (;;) {
                const EventSource::Read r = source_->read(buf_);
                if (r.status == EventSource::Status::Empty) {
                    break;
                }
                if (r.status == EventSource::Status::Message) {
                    decodeDatagram({buf_.data(), r.size}, familyId_, [&](DecodedEvent&& d) {
                        if (d.event) {
                            seen_.push_back(*d.event);
                        }
                    });
                }
            }
        }
    }

    // What was seen, for a failing expectation's message.
    std::string describe() const
    {
        std::string s;
        for (const PmEvent& e : seen_) {
            s += "\n  type " + std::to_string(e.type) + " token " + std::to_string(e.token.value_or(0)) + " " +
                 (e.localAddress ? e.localAddress->toString() : "-") + ":" + std::to_string(e.localPort.value_or(0)) +
                 " -> " + (e.remoteAddress ? e.remoteAddress->toString() : "-") + ":" +
                 std::to_string(e.remotePort.value_or(0)) + " loc_id " + std::to_string(e.localId.value_or(0)) +
                 " rem_id " + std::to_string(e.remoteId.value_or(0)) + " error " + std::to_string(e.error.value_or(0));
        }
        return s;
    }

private:
    std::uint16_t familyId_;
    std::unique_ptr<EventSource> source_;
    std::vector<PmEvent> seen_;
    alignas(4) std::array<std::uint8_t, 8192> buf_{};
};

IpAddress ip(const char* text)
{
    return *IpAddress::parse(text);
}

class UserspacePmBusTest : public BusTest {
protected:
    void SetUp() override
    {
        BusTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        peer_ = "mptcp-usp-peer-" + std::to_string(getpid());
        inNamespace("ip netns add " + peer_ + " && ip link add veth0 type veth peer name veth1 netns " + peer_ +
                    " && ip addr add 10.1.1.1/24 dev veth0 && ip addr add 10.1.2.1/24 dev veth0"
                    " && ip link set veth0 up && ip link set lo up"
                    " && ip -n " +
                    peer_ + " addr add 10.1.1.2/24 dev veth1 && ip -n " + peer_ + " link set veth1 up && ip -n " +
                    peer_ + " link set lo up && ip -n " + peer_ +
                    " route add 10.1.2.0/24 dev veth1"
                    " && ip -n " +
                    peer_ + " mptcp limits set add_addr_accepted 4 subflows 4");
        netnsA_ = open(("/proc/" + std::to_string(bus_.daemonPid()) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
        netnsB_ = open(("/run/netns/" + peer_).c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(netnsA_, 0);
        ASSERT_GE(netnsB_, 0);
        transport_ = openGenericNetlink();
        PmClient client(*transport_);
        familyId_ = client.familyId();
        group_ = client.eventsGroup().value();
        userspace_ = sdbus::createProxy(client_->connection(), kBusName, kObjectPath);
    }

    void TearDown() override
    {
        connections_.clear();
        for (int fd : {netnsA_, netnsB_}) {
            if (fd >= 0) {
                close(fd);
            }
        }
        if (!peer_.empty()) {
            int status = 0;
            bus_.runInNamespace("ip netns delete " + peer_, &status);
        }
        BusTest::TearDown();
    }

    void setPathManager(const std::string& name)
    {
        userspace_->setProperty("PathManager").onInterface(kUserspaceInterface).toValue(name);
    }
    std::string pathManager()
    {
        return userspace_->getProperty("PathManager").onInterface(kUserspaceInterface).get<std::string>();
    }

    // A connection from B to A's listener: {A's token, A's socket}.
    struct Connection {
        Fd listener;
        Fd atA;
        Fd atB;
        std::uint16_t port = 0;
        std::uint16_t peerPort = 0;  // B's end of the initial subflow
        std::uint32_t tokenA = 0;
    };
    Connection& connectFromPeer()
    {
        auto c = std::make_unique<Connection>();
        mptcp::testing::inNetworkNamespace(netnsA_, [&] { c->listener = listenAnywhere(c->port); });
        mptcp::testing::inNetworkNamespace(netnsB_, [&] {
            c->atB = mptcpSocket();
            reuseAddress(c->atB.get());
            const sockaddr_in local = v4(kB1, 0);
            if (bind(c->atB.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
                failErrno("bind in B");
            }
            const sockaddr_in sa = v4(kA1, c->port);
            if (connect(c->atB.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
                failErrno("connect from B");
            }
        });
        c->atA = Fd(accept4(c->listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (c->atA.get() < 0) {
            failErrno("accept in A");
        }
        sendByte(c->atB.get(), c->atA.get());
        sendByte(c->atA.get(), c->atB.get());
        c->tokenA = mptcp::testing::mptcpToken(c->atA.get());
        c->peerPort = portOf(c->atB.get());
        connections_.push_back(std::move(c));
        return *connections_.back();
    }

    // The error name of a call that must fail; "" when it succeeded.
    template <typename Call>
    static std::string errorOf(Call&& call, std::string* message = nullptr)
    {
        try {
            call();
        } catch (const sdbus::Error& e) {
            if (message != nullptr) {
                *message = e.getMessage();
            }
            return e.getName();
        }
        return "";
    }

    // Whether the daemon's own netlink sockets (its fds' inodes) include
    // one that is a member of the events group, per /proc/net/netlink of
    // its namespace: the kernel's "anyone listening?" test is host-wide,
    // so a join that works proves nothing about the daemon.
    bool daemonListensToEvents()
    {
        std::vector<std::string> inodes;
        for (const auto& entry :
             std::filesystem::directory_iterator("/proc/" + std::to_string(bus_.daemonPid()) + "/fd")) {
            std::error_code ec;
            const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
            if (!ec && target.starts_with("socket:[")) {
                inodes.push_back(target.substr(8, target.size() - 9));
            }
        }
        std::istringstream table(inNamespace("cat /proc/net/netlink"));
        std::string line;
        std::getline(table, line);  // header
        while (std::getline(table, line)) {
            std::istringstream fields(line);
            std::string sk, protocol, pid, groups, rmem, wmem, dump, locks, drops, inode;
            fields >> sk >> protocol >> pid >> groups >> rmem >> wmem >> dump >> locks >> drops >> inode;
            if (protocol != "16" || std::find(inodes.begin(), inodes.end(), inode) == inodes.end()) {
                continue;
            }
            if (group_ <= 32 && (std::stoul(groups, nullptr, 16) & (1ul << (group_ - 1))) != 0) {
                return true;
            }
        }
        return false;
    }

    // The values of PathManager in the PropertiesChanged signals so far.
    std::vector<std::string> pathManagerChanges()
    {
        settleSignals();
        std::vector<std::string> values;
        for (const RecordedSignal& r : pm().recorded()) {
            const auto it = r.changed.find("PathManager");
            if (r.member == "PropertiesChanged" && r.propertiesInterface == kUserspaceInterface &&
                it != r.changed.end()) {
                values.push_back(it->second.get<std::string>());
            }
        }
        return values;
    }

    // mptcpctl's stdout (stderr too when it fails), run in A against the
    // test's bus. *status: its exit status; without it, 0 is expected.
    std::string mptcpctl(const std::string& args, int* status = nullptr)
    {
        const char* binary = std::getenv("MPTCPCTL");
        if (binary == nullptr) {
            ADD_FAILURE() << "MPTCPCTL is not set";
            return {};
        }
        int exit = 0;
        const std::string out = bus_.runInNamespace(
            "DBUS_SYSTEM_BUS_ADDRESS='" + bus_.busAddress() + "' " + binary + " " + args + " 2>&1", &exit);
        if (status != nullptr) {
            *status = exit;
        } else {
            EXPECT_EQ(exit, 0) << "mptcpctl " << args << ": " << out;
        }
        return out;
    }

    static std::string hex(std::uint32_t token)
    {
        char text[16];
        std::snprintf(text, sizeof text, "%08x", token);
        return text;
    }

    std::string peer_;
    int netnsA_ = -1;
    int netnsB_ = -1;
    std::unique_ptr<NetlinkTransport> transport_;
    std::uint16_t familyId_ = 0;
    std::uint32_t group_ = 0;
    std::unique_ptr<sdbus::IProxy> userspace_;
    std::vector<std::unique_ptr<Connection>> connections_;
};

TEST_F(UserspacePmBusTest, EveryDoneWhenPointInTheKernelsOwnWords)
{
    ASSERT_LE(group_, 32u) << "/proc/net/netlink shows only the first 32 groups";
    // Not held while the path manager is "kernel" and nobody subscribed.
    ASSERT_EQ(pathManager(), "kernel");
    EXPECT_FALSE(daemonListensToEvents());

    // Through mptcpctl, as a user would.
    EXPECT_EQ(mptcpctl("path-manager set userspace"), "");
    EXPECT_EQ(mptcpctl("-j path-manager show"), "{\"path_manager\":\"userspace\"}\n");
    EXPECT_EQ(pathManager(), "userspace");
    EXPECT_EQ(inNamespace("cat /proc/sys/net/mptcp/path_manager"), "userspace\n");
    EXPECT_EQ(pathManagerChanges(), (std::vector<std::string>{"userspace"}));
    EXPECT_TRUE(daemonListensToEvents()) << "held without any subscriber";

    NamespaceEvents eventsA(netnsA_, group_, familyId_);
    NamespaceEvents eventsB(netnsB_, group_, familyId_);
    Connection& c = connectFromPeer();
    ASSERT_NE(c.tokenA, 0u);

    // Announce: the peer hears ADD_ADDR (ANNOUNCED), and, its path manager
    // accepting addresses, joins the announced one: an MP_JOIN the kernel
    // accepts because the daemon listens, with no client subscribed.
    userspace_->callMethod("Announce")
        .onInterface(kUserspaceInterface)
        .withArguments(c.tokenA, std::uint8_t{5}, std::string(kA2), std::uint16_t{0}, std::string());
    const auto announced = eventsB.waitFor([](const PmEvent& e) {
        return e.type == proto::EVENT_ANNOUNCED && e.remoteId == 5 && e.remoteAddress == ip(kA2);
    });
    ASSERT_TRUE(announced) << "no ANNOUNCED of id 5 at the peer";
    const auto joined = eventsB.waitFor(
        [](const PmEvent& e) { return e.type == proto::EVENT_SUB_ESTABLISHED && e.remoteAddress == ip(kA2); });
    EXPECT_TRUE(joined) << "the peer's MP_JOIN to the announced address was not accepted";
    EXPECT_TRUE(daemonListensToEvents());

    // Remove: the peer hears RM_ADDR (REMOVED of id 5); an id the
    // connection does not have is NotFound.
    userspace_->callMethod("Remove").onInterface(kUserspaceInterface).withArguments(c.tokenA, std::uint8_t{5});
    EXPECT_TRUE(eventsB.waitFor([](const PmEvent& e) { return e.type == proto::EVENT_REMOVED && e.remoteId == 5; }))
        << "no REMOVED of id 5 at the peer";
    EXPECT_EQ(
        errorOf([&] {
            userspace_->callMethod("Remove").onInterface(kUserspaceInterface).withArguments(c.tokenA, std::uint8_t{77});
        }),
        kNotFound);

    // CreateSubflow with local id 0: the service picks a non-zero id, and
    // the new subflow carries it (SUB_ESTABLISHED in A). The peer needs a
    // listener for the join: an MPTCP one on its connection's own port.
    std::uint16_t peerPort = c.peerPort;
    Fd peerListener;
    mptcp::testing::inNetworkNamespace(netnsB_, [&] { peerListener = listenAnywhere(peerPort); });
    std::uint8_t id = 0;
    userspace_->callMethod("CreateSubflow")
        .onInterface(kUserspaceInterface)
        .withArguments(c.tokenA, std::uint8_t{0}, std::string(kA2), std::string(), std::string(kB1), peerPort, false)
        .storeResultsTo(id);
    EXPECT_NE(id, 0);
    const auto created = eventsA.waitFor([&](const PmEvent& e) {
        return e.type == proto::EVENT_SUB_ESTABLISHED && e.token == c.tokenA && e.localAddress == ip(kA2) &&
               e.remotePort == peerPort;
    });
    ASSERT_TRUE(created) << "no SUB_ESTABLISHED in A for the new subflow; A saw:" << eventsA.describe()
                         << "\nB saw:" << eventsB.describe();
    EXPECT_EQ(created->localId, id);
    const std::uint16_t subflowPort = created->localPort.value_or(0);
    const std::string established =
        "ss -Htn state established '( sport = :" + std::to_string(subflowPort) + " )' | wc -l";
    EXPECT_EQ(inNamespace(established), "1\n") << "socket diagnostics do not show the subflow";
    EXPECT_EQ(mptcpctl("connection addresses token " + hex(c.tokenA)),
              std::string(kA2) + " id " + std::to_string(id) + " subflow \n");

    // SetSubflowBackup: no event here; the peer sees SUB_PRIORITY.
    userspace_->callMethod("SetSubflowBackup")
        .onInterface(kUserspaceInterface)
        .withArguments(c.tokenA, std::string(kA2), std::uint16_t{0}, std::string(kB1), peerPort, true);
    const auto priority = eventsB.waitFor(
        [&](const PmEvent& e) { return e.type == proto::EVENT_SUB_PRIORITY && e.remotePort == subflowPort; });
    ASSERT_TRUE(priority) << "no SUB_PRIORITY at the peer; B saw:" << eventsB.describe();
    EXPECT_EQ(priority->backup, true);

    // DestroySubflow: closed (SUB_CLOSED in A), gone from sock_diag.
    userspace_->callMethod("DestroySubflow")
        .onInterface(kUserspaceInterface)
        .withArguments(c.tokenA, std::string(kA2), subflowPort, std::string(kB1), peerPort);
    EXPECT_TRUE(eventsA.waitFor([&](const PmEvent& e) {
        return e.type == proto::EVENT_SUB_CLOSED && e.token == c.tokenA && e.localPort == subflowPort;
    })) << "no SUB_CLOSED in A";
    EXPECT_EQ(inNamespace(established), "0\n");
    std::string message;
    EXPECT_EQ(errorOf(
                  [&] {
                      userspace_->callMethod("DestroySubflow")
                          .onInterface(kUserspaceInterface)
                          .withArguments(c.tokenA, std::string(kA2), subflowPort, std::string(kB1), peerPort);
                  },
                  &message),
              kNotFound)
        << message;

    // An unknown token.
    EXPECT_EQ(errorOf([&] {
                  userspace_->callMethod("Announce")
                      .onInterface(kUserspaceInterface)
                      .withArguments(c.tokenA + 1, std::uint8_t{6}, std::string(kA2), std::uint16_t{0}, std::string());
              }),
              kNotFound);

    // A connection created under the in-kernel path manager. The setting
    // changed behind the service's back (sysctl): it notices, says so and
    // lets the subscription go.
    inNamespace("echo kernel > /proc/sys/net/mptcp/path_manager");
    EXPECT_TRUE(pm().waitForCount("PropertiesChanged", 2, std::chrono::seconds(10)));
    EXPECT_EQ(pathManagerChanges(), (std::vector<std::string>{"userspace", "kernel"}));
    EXPECT_FALSE(daemonListensToEvents()) << "released with the userspace path manager";
    Connection& k = connectFromPeer();
    EXPECT_EQ(errorOf(
                  [&] {
                      userspace_->callMethod("Announce")
                          .onInterface(kUserspaceInterface)
                          .withArguments(k.tokenA, std::uint8_t{6}, std::string(kA2), std::uint16_t{0}, std::string());
                  },
                  &message),
              kNotSupported);
    EXPECT_NE(message.find("path-manager set userspace"), std::string::npos) << message;
    int status = 0;
    const std::string refused = mptcpctl("connection announce token " + hex(k.tokenA) + " id 6 " + kA2, &status);
    EXPECT_EQ(status, 2);
    EXPECT_NE(refused.find("in-kernel path manager"), std::string::npos) << refused;
}

TEST_F(UserspacePmBusTest, AnUnprivilegedCallerNeedsControlConnections)
{
    if (const std::string obstacle = polkitMockObstacle(); !obstacle.empty()) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string_view(ci) == "true") {
            GTEST_FAIL() << "cannot mock polkit here, and under CI=true that is a failure: " << obstacle;
        }
        GTEST_SKIP() << obstacle;
    }
    PolkitMock polkit(bus_.busAddress());
    auto nobody = connectAs(kNobody, kNogroup, bus_.busAddress());
    auto proxy = sdbus::createProxy(*nobody, kBusName, kObjectPath);
    const auto announce = [&] {
        proxy->callMethod("Announce")
            .onInterface(kUserspaceInterface)
            .withArguments(std::uint32_t{1}, std::uint8_t{5}, std::string(kA2), std::uint16_t{0}, std::string());
    };
    // Reads are open: the property, and ListLocalAddresses reaches the
    // kernel (which knows no token 1).
    EXPECT_EQ(proxy->getProperty("PathManager").onInterface(kUserspaceInterface).get<std::string>(), "kernel");
    EXPECT_EQ(
        errorOf([&] {
            proxy->callMethod("ListLocalAddresses").onInterface(kUserspaceInterface).withArguments(std::uint32_t{1});
        }),
        kNotFound);
    // Without any grant, and with only .modify: refused before the kernel.
    EXPECT_EQ(errorOf(announce), kAccessDenied);
    polkit.grant({"org.mptcp.PathManager.modify"});
    EXPECT_EQ(errorOf(announce), kAccessDenied);
    // With control-connections the call reaches the kernel (no such token).
    polkit.grant({"org.mptcp.PathManager.control-connections"});
    EXPECT_EQ(errorOf(announce), kNotFound);
    // The property is a configuration change: .modify, not control-connections.
    EXPECT_EQ(errorOf([&] {
                  proxy->setProperty("PathManager").onInterface(kUserspaceInterface).toValue(std::string("userspace"));
              }),
              kAccessDenied);
    EXPECT_EQ(pathManager(), "kernel");
    polkit.grant({"org.mptcp.PathManager.modify"});
    proxy->setProperty("PathManager").onInterface(kUserspaceInterface).toValue(std::string("userspace"));
    EXPECT_EQ(pathManager(), "userspace");
}

// Hostile and wrong arguments get named errors, nothing changes, and the
// daemon answers on (as root: no polkit in the way).
TEST_F(UserspacePmBusTest, BadArgumentsGetNamedErrors)
{
    const std::string huge(100000, 'x');
    const std::string control("10.0.0.1\n\x01", 10);
    const auto announce = [&](std::uint8_t id, const std::string& address, const std::string& interface) {
        return errorOf([&] {
            userspace_->callMethod("Announce")
                .onInterface(kUserspaceInterface)
                .withArguments(std::uint32_t{1}, id, address, std::uint16_t{0}, interface);
        });
    };
    const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
    EXPECT_EQ(announce(0, kA2, ""), kInvalidArgs);
    EXPECT_EQ(announce(1, huge, ""), kInvalidArgs);
    EXPECT_EQ(announce(1, control, ""), kInvalidArgs);
    EXPECT_EQ(announce(1, kA2, huge), kInvalidArgs);
    EXPECT_EQ(announce(1, kA2, "nope0"), kInvalidArgs);
    EXPECT_EQ(announce(1, "::", ""), kNotFound) << "a well-formed call reaches the kernel";
    EXPECT_EQ(errorOf([&] {
                  userspace_->callMethod("CreateSubflow")
                      .onInterface(kUserspaceInterface)
                      .withArguments(std::uint32_t{1}, std::uint8_t{0}, std::string("2001:db8::1"), std::string(),
                                     std::string(kB1), std::uint16_t{80}, true);
              }),
              kInvalidArgs);
    EXPECT_EQ(errorOf([&] {
                  userspace_->callMethod("DestroySubflow")
                      .onInterface(kUserspaceInterface)
                      .withArguments(std::uint32_t{1}, std::string(kA2), std::uint16_t{0}, std::string(kB1),
                                     std::uint16_t{80});
              }),
              kInvalidArgs);
    // Wrong signatures are the bus library's InvalidArgs.
    EXPECT_EQ(errorOf([&] {
                  userspace_->callMethod("Remove").onInterface(kUserspaceInterface).withArguments(std::string("x"));
              }),
              kInvalidArgs);
    // An unknown path manager name changes nothing.
    EXPECT_EQ(errorOf([&] { setPathManager("bpf"); }), kInvalidArgs);
    EXPECT_EQ(errorOf([&] { setPathManager(huge); }), kInvalidArgs);
    EXPECT_EQ(pathManager(), "kernel");
    EXPECT_EQ(inNamespace("cat /proc/sys/net/mptcp/path_manager"), "kernel\n");
}

}  // namespace
}  // namespace mptcp::test
