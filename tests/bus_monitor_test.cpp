// The monitor as a user meets it: the real daemon on a private bus, in a
// fresh network namespace of the real kernel, and real MPTCP connections
// over loopback inside that namespace (sockets made by a thread that joined
// it). A subscriber must see what the connections did, with the tokens,
// addresses and ports the sockets used, the same events `ip mptcp monitor`
// sees, and nothing at all while nobody is subscribed.
//
// "Nothing arrived" is never a timeout: a marker event (a port endpoint's
// listener) comes after the traffic in the kernel's one ordered stream, so
// once its signal is in, any signal of the traffic would be in too.
#include "bus_harness.hpp"
#include "mptcp_sockets.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mptcp::test {
namespace {

using testing::Fd;
using testing::MptcpConnection;
using testing::MptcpListener;
using Clock = std::chrono::steady_clock;

// The connection-level signals: token first, then info.
const std::set<std::string> kConnectionSignals = {
    "ConnectionCreated", "ConnectionEstablished", "ConnectionClosed", "AddressAnnounced",
    "AddressRemoved",    "SubflowEstablished",    "SubflowClosed",    "SubflowPriorityChanged",
};

bool isMonitorSignal(const RecordedSignal& s)
{
    return kConnectionSignals.count(s.member) != 0 || s.member == "ListenerCreated" || s.member == "ListenerClosed" ||
           s.member == "UnknownEvent" || s.member == "EventsLost";
}

bool has(const RecordedSignal& s, const std::string& key)
{
    return s.info.count(key) != 0;
}

template <typename T>
T infoOf(const RecordedSignal& s, const std::string& key)
{
    const auto it = s.info.find(key);
    if (it == s.info.end()) {
        ADD_FAILURE() << s.member << " has no info key " << key;
        return T{};
    }
    if (!it->second.containsValueOfType<T>()) {
        ADD_FAILURE() << s.member << ": info key " << key << " has type " << it->second.peekValueType();
        return T{};
    }
    return it->second.get<T>();
}

std::string describe(const std::vector<RecordedSignal>& signals)
{
    std::ostringstream out;
    for (const auto& s : signals) {
        out << "  " << s.member << " token=" << std::hex << s.token << std::dec;
        for (const auto& [k, v] : s.info) {
            out << " " << k << "(" << v.peekValueType() << ")";
        }
        out << "\n";
    }
    return out.str();
}

// `ip mptcp monitor` (iproute2), run in the daemon's namespace as a second,
// independent listener; its lines go to a file. Killed by pid at the end,
// and by the kernel if the test dies (PR_SET_PDEATHSIG).
class IpMonitor {
public:
    IpMonitor(int netnsFd, std::string outputPath) : path_(std::move(outputPath))
    {
        // stdbuf: one line per event as it happens, not at exit.
        const std::vector<std::string> args = {"/usr/bin/stdbuf", "-oL", "ip", "mptcp", "monitor"};
        if (access(args[0].c_str(), X_OK) != 0) {
            throw std::runtime_error("stdbuf is not installed (coreutils)");
        }
        std::vector<char*> argv;
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        const int out = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0) {
            throw std::runtime_error("open " + path_ + ": " + std::strerror(errno));
        }
        pid_ = fork();
        if (pid_ == 0) {
            // Only system calls between fork() and exec(): the test has threads.
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || setns(netnsFd, CLONE_NEWNET) != 0 ||
                dup2(out, STDOUT_FILENO) < 0) {
                _exit(127);
            }
            execvp(argv[0], argv.data());
            _exit(127);
        }
        close(out);
        if (pid_ < 0) {
            throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        }
    }
    ~IpMonitor()
    {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
    IpMonitor(const IpMonitor&) = delete;
    IpMonitor& operator=(const IpMonitor&) = delete;

    // Each event line as (name, token): "[       CREATED] token=70285d1f ...".
    std::vector<std::pair<std::string, std::uint32_t>> events() const
    {
        std::vector<std::pair<std::string, std::uint32_t>> out;
        std::ifstream in(path_);
        for (std::string line; std::getline(in, line);) {
            const auto close = line.find(']');
            if (line.empty() || line[0] != '[' || close == std::string::npos) {
                continue;
            }
            std::string name = line.substr(1, close - 1);
            name.erase(0, name.find_first_not_of(' '));
            std::uint32_t token = 0;
            const auto at = line.find("token=");
            if (at != std::string::npos) {
                token = static_cast<std::uint32_t>(std::stoul(line.substr(at + 6), nullptr, 16));
            }
            out.emplace_back(name, token);
        }
        return out;
    }
    // Listener events: iproute2 6.1 does not know them by name.
    static bool isListenerCreated(const std::string& name)
    {
        return name == "UNKNOWN 15" || name == "LISTENER_CREATED";
    }
    static bool isListenerClosed(const std::string& name) { return name == "UNKNOWN 16" || name == "LISTENER_CLOSED"; }
    std::size_t listenerClosedCount() const
    {
        const auto all = events();
        return static_cast<std::size_t>(
            std::count_if(all.begin(), all.end(), [](const auto& e) { return isListenerClosed(e.first); }));
    }
    // The events up to the last ListenerClosed: the same point of the
    // kernel's stream as a marker's, when nothing opened a listener since.
    std::vector<std::pair<std::string, std::uint32_t>> eventsUntilLastListenerClosed() const
    {
        auto all = events();
        const auto last =
            std::find_if(all.rbegin(), all.rend(), [](const auto& e) { return isListenerClosed(e.first); });
        all.erase(last.base(), all.end());
        return all;
    }

private:
    std::string path_;
    pid_t pid_ = -1;
};

// iproute2's event names -> the contract's signals.
std::string signalOfIpName(const std::string& name)
{
    static const std::map<std::string, std::string> names = {
        {"CREATED", "ConnectionCreated"},  {"ESTABLISHED", "ConnectionEstablished"},
        {"CLOSED", "ConnectionClosed"},    {"ANNOUNCED", "AddressAnnounced"},
        {"REMOVED", "AddressRemoved"},     {"SF_ESTABLISHED", "SubflowEstablished"},
        {"SF_CLOSED", "SubflowClosed"},    {"SF_PRIORITY", "SubflowPriorityChanged"},
        {"UNKNOWN 15", "ListenerCreated"}, {"LISTENER_CREATED", "ListenerCreated"},
        {"UNKNOWN 16", "ListenerClosed"},  {"LISTENER_CLOSED", "ListenerClosed"},
    };
    const auto it = names.find(name);
    return it != names.end() ? it->second : "?" + name;
}

class BusMonitorTest : public BusTest {
protected:
    void SetUp() override
    {
        BusTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        inNamespace("ip link set lo up");
        const std::string ns = "/proc/" + std::to_string(bus_.daemonPid()) + "/ns/net";
        netns_ = Fd(open(ns.c_str(), O_RDONLY | O_CLOEXEC));
        ASSERT_GE(netns_.get(), 0) << ns << ": " << std::strerror(errno);
    }

    // A listener in the daemon's namespace.
    MptcpListener listen(const std::string& address = "127.0.0.1")
    {
        MptcpListener l;
        testing::inNetworkNamespace(netns_.get(), [&] { l = testing::mptcpListen(address); });
        return l;
    }

    // One connection to 127.0.0.1 in the daemon's namespace, with a byte
    // each way, left open.
    MptcpConnection connect(const MptcpListener& l)
    {
        MptcpConnection c;
        testing::inNetworkNamespace(netns_.get(), [&] { c = testing::mptcpConnect(l, "127.0.0.1"); });
        testing::exchangeData(c);
        return c;
    }

    // An MPTCP listening socket opened and closed in the daemon's
    // namespace: a ListenerCreated and a ListenerClosed at this point of
    // the kernel's event stream, and nothing else (a port endpoint would
    // also be announced to live connections). Returns the signals' port.
    std::uint16_t marker()
    {
        const MptcpListener l = listen();
        return l.port;
    }

    // Waits for the ListenerClosed of marker(port) and returns every
    // monitor signal recorded before it (from index `from` on).
    std::vector<RecordedSignal> signalsUntilMarker(std::uint16_t port, std::size_t from = 0)
    {
        const auto deadline = Clock::now() + kEventTimeout;
        for (;;) {
            const auto all = pm().recorded();
            std::vector<RecordedSignal> before;
            for (std::size_t i = from; i < all.size(); ++i) {
                const auto& s = all[i];
                if (!isMonitorSignal(s)) {
                    continue;
                }
                if (s.member == "ListenerClosed" && has(s, "local-port") &&
                    s.info.at("local-port").get<std::uint16_t>() == port) {
                    return before;
                }
                before.push_back(s);
            }
            if (Clock::now() >= deadline) {
                ADD_FAILURE() << "the marker's ListenerClosed (port " << port << ") did not come within "
                              << kEventTimeout.count() << " ms; recorded:\n"
                              << describe(before);
                return before;
            }
            pm().waitForCount("ListenerClosed", pm().countOf("ListenerClosed") + 1, std::chrono::milliseconds(100));
        }
    }

    // Waits until a `member` signal satisfying pred has been recorded.
    template <typename Pred>
    bool waitForSignal(const std::string& member, Pred pred)
    {
        const auto deadline = Clock::now() + kEventTimeout;
        for (;;) {
            const auto signals = named(member);
            if (std::any_of(signals.begin(), signals.end(), pred)) {
                return true;
            }
            if (Clock::now() >= deadline) {
                return false;
            }
            pm().waitForCount(member, signals.size() + 1, std::chrono::milliseconds(100));
        }
    }

    // A connection in the daemon's namespace, then a Subscribe and a
    // marker: expects that the connection caused no signal, the marker's
    // ListenerCreated being the first monitor signal since the call.
    void expectConnectionUnheard()
    {
        const std::size_t from = pm().recorded().size();
        {
            MptcpListener l = listen();
            MptcpConnection c = connect(l);
        }
        pm().Subscribe();
        const std::uint16_t port = marker();
        const auto between = signalsUntilMarker(port, from);
        ASSERT_EQ(between.size(), 1u) << describe(between);
        EXPECT_EQ(between[0].member, "ListenerCreated");
        EXPECT_EQ(infoOf<std::uint16_t>(between[0], "local-port"), port);
    }

    // More events than the monitor lets through the bus at once, so that
    // its pacing pauses and resumes; counted independently by mptcp-burst's
    // own listener of the kernel's group. The caller has subscribed.
    void expectBurstAccountedFor()
    {
        const char* burst = std::getenv("MPTCP_BURST");
        ASSERT_NE(burst, nullptr) << "MPTCP_BURST is not set (run the test through `meson test`)";
        const std::size_t from = pm().recorded().size();
        const std::string out = inNamespace(std::string(burst) + " -n 300 -j 2 --count-events");
        std::uint64_t kernelEvents = 0, counterDropped = 1;
        {
            std::istringstream words(out);
            for (std::string w; words >> w;) {
                if (w.rfind("events=", 0) == 0) {
                    kernelEvents = std::stoull(w.substr(7));
                } else if (w.rfind("dropped=", 0) == 0) {
                    counterDropped = std::stoull(w.substr(8));
                }
            }
        }
        ASSERT_EQ(counterDropped, 0u) << "the independent count is incomplete: " << out;
        ASSERT_GE(kernelEvents, 1800u) << out;

        const auto signals = signalsUntilMarker(marker(), from);
        std::uint64_t events = 0, lost = 0;
        bool lostUnknown = false;
        for (const auto& s : signals) {
            if (s.member == "EventsLost") {
                lost += s.lost;
                lostUnknown |= s.lost == 0;
            } else {
                ++events;
            }
        }
        --events;  // the marker's ListenerCreated
        if (lostUnknown) {
            EXPECT_LE(events, kernelEvents);
        } else {
            EXPECT_EQ(events + lost, kernelEvents) << out << "; signals " << events << ", EventsLost " << lost;
        }
    }

    std::vector<RecordedSignal> named(const std::string& member)
    {
        std::vector<RecordedSignal> out;
        for (auto& s : pm().recorded()) {
            if (s.member == member) {
                out.push_back(s);
            }
        }
        return out;
    }

    std::size_t monitorSignalCount()
    {
        const auto all = pm().recorded();
        return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), isMonitorSignal));
    }

    Fd netns_;
};

// ------------------------------------------------------ what a subscriber sees

TEST_F(BusMonitorTest, SubscriberSeesAConnectionsLifeWithItsTokensAddressesAndPorts)
{
    pm().Subscribe();
    std::uint16_t listenerPort = 0, clientPort = 0;
    {
        MptcpListener l = listen();
        listenerPort = l.port;
        MptcpConnection c = connect(l);
        clientPort = c.clientPort;
    }
    ASSERT_TRUE(pm().waitForCount("ConnectionClosed", 2)) << describe(pm().recorded());
    ASSERT_TRUE(pm().waitForCount("ListenerClosed", 1)) << describe(pm().recorded());

    const auto created = named("ConnectionCreated");
    const auto established = named("ConnectionEstablished");
    const auto closed = named("ConnectionClosed");
    ASSERT_EQ(created.size(), 2u) << describe(pm().recorded());
    ASSERT_EQ(established.size(), 2u) << describe(pm().recorded());
    ASSERT_EQ(closed.size(), 2u);
    // The server side says so; the client side has no server-side key.
    const auto serverIt = std::find_if(created.begin(), created.end(), [](const RecordedSignal& s) {
        return has(s, "server-side") && s.info.at("server-side").get<bool>();
    });
    ASSERT_NE(serverIt, created.end()) << describe(created);
    const RecordedSignal& server = *serverIt;
    const RecordedSignal& client = &created[0] == &server ? created[1] : created[0];
    EXPECT_FALSE(has(client, "server-side"));
    EXPECT_NE(client.token, server.token);

    EXPECT_EQ(infoOf<std::uint16_t>(client, "family"), AF_INET);
    EXPECT_EQ(infoOf<std::string>(client, "local-address"), "127.0.0.1");
    EXPECT_EQ(infoOf<std::string>(client, "remote-address"), "127.0.0.1");
    EXPECT_EQ(infoOf<std::uint16_t>(client, "local-port"), clientPort);
    EXPECT_EQ(infoOf<std::uint16_t>(client, "remote-port"), listenerPort);
    EXPECT_EQ(infoOf<std::uint16_t>(server, "local-port"), listenerPort);
    EXPECT_EQ(infoOf<std::uint16_t>(server, "remote-port"), clientPort);
    EXPECT_EQ(infoOf<std::uint8_t>(server, "local-id"), 0);
    EXPECT_EQ(infoOf<std::uint8_t>(server, "remote-id"), 0);

    // Created, Established and Closed of one side share its token.
    std::multiset<std::uint32_t> createdTokens, establishedTokens, closedTokens;
    for (const auto& s : created) {
        createdTokens.insert(s.token);
    }
    for (const auto& s : established) {
        establishedTokens.insert(s.token);
        EXPECT_EQ(infoOf<std::uint16_t>(s, "local-port"), s.token == client.token ? clientPort : listenerPort);
    }
    for (const auto& s : closed) {
        closedTokens.insert(s.token);
    }
    EXPECT_EQ(establishedTokens, createdTokens);
    EXPECT_EQ(closedTokens, createdTokens);

    // The listening socket itself.
    const auto listenerCreated = named("ListenerCreated");
    ASSERT_EQ(listenerCreated.size(), 1u);
    EXPECT_EQ(infoOf<std::uint16_t>(listenerCreated[0], "local-port"), listenerPort);
    EXPECT_EQ(infoOf<std::string>(listenerCreated[0], "local-address"), "127.0.0.1");
    EXPECT_EQ(pm().countOf("EventsLost"), 0u);
}

TEST_F(BusMonitorTest, SignalEndpointAnnouncesAnAddressAndASubflowJoinsIt)
{
    pm().SetLimits(2, 2);
    const std::uint32_t endpointId = pm().AddEndpoint("127.0.0.2", 0, "", 0, {"signal"});
    pm().Subscribe();
    // Listening on any address, so that the join to 127.0.0.2 is accepted.
    MptcpListener l = listen("0.0.0.0");
    MptcpConnection c = connect(l);
    ASSERT_TRUE(pm().waitForCount("SubflowEstablished", 1)) << describe(pm().recorded());
    std::uint32_t clientToken = 0;
    for (const auto& s : named("ConnectionCreated")) {
        if (!has(s, "server-side")) {
            clientToken = s.token;
        }
    }
    ASSERT_NE(clientToken, 0u);

    // The server announced 127.0.0.2 to the client.
    const auto announced = named("AddressAnnounced");
    const auto toClient = std::find_if(announced.begin(), announced.end(),
                                       [&](const RecordedSignal& s) { return s.token == clientToken; });
    ASSERT_NE(toClient, announced.end()) << describe(pm().recorded());
    EXPECT_EQ(infoOf<std::string>(*toClient, "remote-address"), "127.0.0.2");
    EXPECT_EQ(infoOf<std::uint8_t>(*toClient, "remote-id"), endpointId);
    EXPECT_TRUE(has(*toClient, "remote-port"));

    // The client's new subflow: from 127.0.0.1 to the announced address.
    const auto subflows = named("SubflowEstablished");
    const auto clientSubflow =
        std::find_if(subflows.begin(), subflows.end(), [&](const RecordedSignal& s) { return s.token == clientToken; });
    ASSERT_NE(clientSubflow, subflows.end()) << describe(pm().recorded());
    EXPECT_EQ(infoOf<std::string>(*clientSubflow, "local-address"), "127.0.0.1");
    EXPECT_EQ(infoOf<std::string>(*clientSubflow, "remote-address"), "127.0.0.2");
    EXPECT_EQ(infoOf<std::uint16_t>(*clientSubflow, "remote-port"), l.port);
    EXPECT_EQ(infoOf<std::uint8_t>(*clientSubflow, "remote-id"), endpointId);
    EXPECT_EQ(infoOf<bool>(*clientSubflow, "backup"), false);
    EXPECT_EQ(infoOf<std::uint16_t>(*clientSubflow, "family"), AF_INET);
    EXPECT_TRUE(has(*clientSubflow, "local-port"));
    EXPECT_FALSE(has(*clientSubflow, "interface")) << "the kernel sends if_idx only for a bound subflow";

    // Deleting the endpoint withdraws the address (RM_ADDR) and closes the
    // subflows that use it, while the connection lives on. (Closing the
    // connection instead may or may not report its subflows' end.)
    pm().DeleteEndpoint(endpointId, "");
    EXPECT_TRUE(waitForSignal("SubflowClosed", [&](const RecordedSignal& s) {
        return s.token == clientToken && has(s, "remote-address") &&
               s.info.at("remote-address").get<std::string>() == "127.0.0.2";
    })) << describe(pm().recorded());
    EXPECT_TRUE(waitForSignal("AddressRemoved", [&](const RecordedSignal& s) {
        return s.token == clientToken && has(s, "remote-id") &&
               s.info.at("remote-id").get<std::uint8_t>() == endpointId;
    })) << describe(pm().recorded());
    EXPECT_EQ(pm().countOf("ConnectionClosed"), 0u);
    EXPECT_EQ(pm().countOf("EventsLost"), 0u);
}

TEST_F(BusMonitorTest, PortEndpointOpensAndClosesAListener)
{
    pm().Subscribe();
    const std::uint32_t id = pm().AddEndpoint("127.0.0.3", 10042, "", 0, {"signal"});
    ASSERT_TRUE(pm().waitForCount("ListenerCreated", 1));
    pm().DeleteEndpoint(id, "");
    ASSERT_TRUE(pm().waitForCount("ListenerClosed", 1));
    for (const char* member : {"ListenerCreated", "ListenerClosed"}) {
        const auto s = named(member);
        ASSERT_EQ(s.size(), 1u) << member;
        EXPECT_EQ(infoOf<std::uint16_t>(s[0], "family"), AF_INET) << member;
        EXPECT_EQ(infoOf<std::string>(s[0], "local-address"), "127.0.0.3") << member;
        EXPECT_EQ(infoOf<std::uint16_t>(s[0], "local-port"), 10042) << member;
        EXPECT_FALSE(has(s[0], "remote-address")) << member;
    }
}

TEST_F(BusMonitorTest, SameEventsAsIpMptcpMonitor)
{
    pm().SetLimits(2, 2);
    pm().AddEndpoint("127.0.0.2", 0, "", 0, {"signal"});
    pm().Subscribe();
    IpMonitor ip(netns_.get(), bus_.tempDir() + "/ip-monitor.txt");
    // ip has joined the group once it reports a marker.
    const auto deadline = Clock::now() + kEventTimeout;
    while (ip.listenerClosedCount() == 0) {
        ASSERT_LT(Clock::now(), deadline) << "`ip mptcp monitor` reported nothing";
        marker();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::size_t from = pm().recorded().size();

    {
        MptcpListener l = listen("0.0.0.0");
        for (int i = 0; i < 3; ++i) {
            MptcpConnection c = connect(l);
        }
    }
    ASSERT_TRUE(pm().waitForCount("ConnectionClosed", 6)) << describe(pm().recorded());
    // Both listeners are compared up to the final marker, the last listener
    // event: what the kernel sends later (a late ADD_ADDR, say) is in
    // neither.
    const std::size_t ipListenersClosed = ip.listenerClosedCount();
    const std::uint16_t last = marker();
    const auto ours = signalsUntilMarker(last, from);
    while (ip.listenerClosedCount() < ipListenersClosed + 1) {
        ASSERT_LT(Clock::now(), deadline + kEventTimeout) << "`ip mptcp monitor` did not report the marker";
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    // The connection events: same kinds, same tokens, same number.
    std::multiset<std::pair<std::string, std::uint32_t>> fromIp, fromUs;
    for (const auto& [name, token] : ip.eventsUntilLastListenerClosed()) {
        const std::string member = signalOfIpName(name);
        if (kConnectionSignals.count(member) != 0) {
            fromIp.emplace(member, token);
        }
    }
    for (const auto& s : ours) {
        if (kConnectionSignals.count(s.member) != 0) {
            fromUs.emplace(s.member, s.token);
        }
    }
    EXPECT_GE(fromIp.size(), 18u) << "3 connections: created, established, closed on both sides";
    EXPECT_EQ(fromUs, fromIp) << "ours:\n" << describe(ours);
    EXPECT_EQ(pm().countOf("EventsLost"), 0u);
}

TEST_F(BusMonitorTest, BurstArrivesWholeOrEventsLostAccountsForTheRest)
{
    pm().Subscribe();
    expectBurstAccountedFor();
}

// -------------------------------------------------------- subscription rules

TEST_F(BusMonitorTest, NoSignalsWithoutASubscriber)
{
    expectConnectionUnheard();
    EXPECT_EQ(monitorSignalCount(), 2u) << "the marker's two signals are all there ever were";
}

TEST_F(BusMonitorTest, UnsubscribeStopsTheSignalsAndSubscribeTwiceIsOne)
{
    pm().Subscribe();
    pm().Subscribe();
    const std::uint16_t first = marker();
    signalsUntilMarker(first);
    pm().Unsubscribe();  // one Unsubscribe ends both Subscribes
    expectConnectionUnheard();
}

TEST_F(BusMonitorTest, SignalsStopWhenTheLastSubscriberLeavesTheBus)
{
    auto other = std::make_unique<BusClient>(bus_.busAddress());
    const std::string otherName = other->connection().getUniqueName();
    other->pm().Subscribe();
    marker();
    ASSERT_TRUE(other->pm().waitForCount("ListenerClosed", 1)) << "flowing, to the subscriber";
    EXPECT_EQ(monitorSignalCount(), 0u) << "and to nobody else";
    other.reset();  // gone from the bus, without Unsubscribe

    // The bus has told the daemon once the name has no owner; the daemon
    // has acted on it once it answers a call made after that.
    auto busDriver = sdbus::createProxy(client_->connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    const auto deadline = Clock::now() + kEventTimeout;
    for (bool owned = true; owned;) {
        ASSERT_LT(Clock::now(), deadline) << otherName << " is still on the bus";
        busDriver->callMethod("NameHasOwner")
            .onInterface("org.freedesktop.DBus")
            .withArguments(otherName)
            .storeResultsTo(owned);
    }
    pm().GetLimits();

    expectConnectionUnheard();
}

// ------------------------------------------------- unicast, not broadcast

// A second connection to the bus that subscribes to nothing but adds a
// plain (not eavesdropping) match rule for every signal of the service's
// interface, and records the members it receives.
class Bystander {
public:
    explicit Bystander(const std::string& busAddress)
        : connection_(sdbus::createSessionBusConnectionWithAddress(busAddress))
    {
        match_ = connection_->addMatch("type='signal',interface='org.mptcp.PathManager'", [this](sdbus::Message& m) {
            std::lock_guard lock(mutex_);
            members_.push_back(m.getMemberName());
        });
        connection_->enterEventLoopAsync();
    }
    ~Bystander()
    {
        connection_->leaveEventLoop();
        match_.reset();
    }
    std::vector<std::string> members() const
    {
        std::lock_guard lock(mutex_);
        return members_;
    }
    bool waitFor(const std::string& member) const
    {
        const auto deadline = Clock::now() + kEventTimeout;
        while (Clock::now() < deadline) {
            const auto all = members();
            if (std::find(all.begin(), all.end(), member) != all.end()) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    sdbus::Slot match_;
    mutable std::mutex mutex_;
    std::vector<std::string> members_;
};

TEST_F(BusMonitorTest, APeerThatDidNotSubscribeGetsNoEventSignalsWhateverItsMatchRules)
{
    Bystander bystander(bus_.busAddress());
    pm().Subscribe();
    {
        MptcpListener l = listen();
        MptcpConnection c = connect(l);
    }
    const auto seen = signalsUntilMarker(marker());
    ASSERT_GE(seen.size(), 6u) << "the subscriber saw the connection: " << describe(seen);
    pm().SubscribeBatched({});
    signalsUntilMarker(marker(), pm().recorded().size());

    // EndpointsChanged stays broadcast, and the daemon sends it after every
    // event signal above on its one ordered connection: once the bystander
    // has it, it would have had those too.
    pm().AddEndpoint("127.0.0.9", 0, "", 0, {"signal"});
    ASSERT_TRUE(bystander.waitFor("EndpointsChanged"));
    EXPECT_THAT(bystander.members(), ::testing::ElementsAre("EndpointsChanged"));
}

// ------------------------------------------------------------------ batches

TEST_F(BusMonitorTest, BatchedSubscriberGetsTheSameEventsInTheSameOrderInBatches)
{
    // A per-event subscriber beside it, on a connection of its own.
    BusClient perEvent(bus_.busAddress());
    perEvent.pm().Subscribe();
    pm().SubscribeBatched(
        {{"max-events", sdbus::Variant(std::uint32_t{4})}, {"max-delay-ms", sdbus::Variant(std::uint32_t{20})}});
    {
        MptcpListener l = listen();
        for (int i = 0; i < 3; ++i) {
            MptcpConnection c = connect(l);
        }
    }
    const std::uint16_t port = marker();
    const auto batched = signalsUntilMarker(port);
    ASSERT_GE(batched.size(), 19u) << "3 connections, both sides, and a listener: " << describe(batched);

    // The per-event subscriber's signals up to the same marker.
    std::vector<RecordedSignal> single;
    const auto deadline = Clock::now() + kEventTimeout;
    for (bool done = false; !done;) {
        ASSERT_LT(Clock::now(), deadline) << "the per-event subscriber did not get the marker";
        single.clear();
        for (const auto& s : perEvent.pm().recorded()) {
            if (s.member == "ListenerClosed" && has(s, "local-port") &&
                s.info.at("local-port").get<std::uint16_t>() == port) {
                done = true;
                break;
            }
            if (isMonitorSignal(s)) {
                single.push_back(s);
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    ASSERT_EQ(batched.size(), single.size()) << "batched:\n" << describe(batched) << "per event:\n" << describe(single);
    std::map<std::size_t, std::size_t> perBatch;
    for (std::size_t i = 0; i < batched.size(); ++i) {
        const auto& b = batched[i];
        const auto& s = single[i];
        EXPECT_TRUE(b.batched) << b.member << " came as a signal of its own";
        EXPECT_FALSE(s.batched);
        EXPECT_EQ(b.member, s.member) << "event " << i;
        EXPECT_EQ(b.token, s.token) << "event " << i;
        std::set<std::string> bKeys, sKeys;
        for (const auto& [k, v] : b.info) {
            bKeys.insert(k + ":" + v.peekValueType());
        }
        for (const auto& [k, v] : s.info) {
            sKeys.insert(k + ":" + v.peekValueType());
        }
        EXPECT_EQ(bKeys, sKeys) << "event " << i << " " << b.member;
        if (has(b, "local-port") && has(s, "local-port")) {
            EXPECT_EQ(infoOf<std::uint16_t>(b, "local-port"), infoOf<std::uint16_t>(s, "local-port"));
        }
        ++perBatch[b.batch];
    }
    for (const auto& [batch, events] : perBatch) {
        EXPECT_LE(events, 4u) << "batch " << batch << " exceeds max-events";
    }
    EXPECT_GE(perBatch.size(), batched.size() / 4);
}

TEST_F(BusMonitorTest, BatchedBurstArrivesWholeOrEventsLostAccountsForTheRest)
{
    pm().SubscribeBatched({});
    expectBurstAccountedFor();
}

TEST_F(BusMonitorTest, UnsubscribeEndsABatchedSubscription)
{
    pm().SubscribeBatched({{"max-delay-ms", sdbus::Variant(std::uint32_t{0})}});
    signalsUntilMarker(marker());
    pm().Unsubscribe();
    expectConnectionUnheard();
}

TEST_F(BusMonitorTest, BadBatchOptionsAreInvalidArgsNamingTheOption)
{
    const std::vector<std::pair<std::map<std::string, sdbus::Variant>, std::string>> cases = {
        {{{"max-events", sdbus::Variant(std::uint32_t{0})}}, "max-events"},
        {{{"max-events", sdbus::Variant(std::string("many"))}}, "max-events"},
        {{{"max-delay-ms", sdbus::Variant(std::int32_t{-1})}}, "max-delay-ms"},
        {{{"max-delay", sdbus::Variant(std::uint32_t{5})}}, "max-delay"},
    };
    for (const auto& [options, named] : cases) {
        try {
            pm().SubscribeBatched(options);
            ADD_FAILURE() << "accepted an option " << named;
        } catch (const sdbus::Error& e) {
            EXPECT_EQ(e.getName(), "org.freedesktop.DBus.Error.InvalidArgs");
            EXPECT_THAT(e.getMessage(), ::testing::HasSubstr(named));
        }
    }
    // Nobody was subscribed by them.
    expectConnectionUnheard();
}

}  // namespace
}  // namespace mptcp::test
