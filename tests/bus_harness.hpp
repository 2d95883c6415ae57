// The bus-test harness: a private D-Bus system bus (a dbus-daemon of our own
// with the project's policy), mptcp-pathmanagerd on it in a fresh network
// namespace, and a client that records the service's signals. Every test
// gets its own bus, daemon and namespace, so tests cannot disturb each other
// or the host: nothing here ever changes the host namespace's network.
//
// Environment (set by tests/meson.build):
//   MPTCP_PATHMANAGERD  the daemon binary
//   MPTCP_TEST_POLICY   the project's bus policy file, included by the bus
//   CI                  "true": a test that cannot run here fails, not skips
#pragma once

#include "pathmanager_proxy.h"

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp::test {

inline constexpr const char* kBusName = "org.mptcp.PathManager";
inline constexpr const char* kObjectPath = "/org/mptcp/PathManager";
inline constexpr const char* kInterface = "org.mptcp.PathManager";

// How long a test waits for something that should happen at once (a
// signal, the daemon owning its name); long enough for a loaded CI machine.
inline constexpr std::chrono::milliseconds kEventTimeout{5000};

// The contract's endpoint (usqsas): id, address, port, interface, flags.
using EndpointStruct = sdbus::Struct<std::uint32_t, std::string, std::uint16_t, std::string, std::vector<std::string>>;

// Why the bus tests cannot run on this machine, or "" when they can: not
// root, no network namespaces, no MPTCP in the kernel, no dbus-daemon.
std::string busTestObstacle();

struct BusOptions {
    // Root may own any name and call anything, on top of the project's
    // policy. Turn off to test what the project's policy alone allows.
    bool rootMayDoEverything = true;
    // More arguments for the daemon (e.g. shorter authorization limits).
    std::vector<std::string> daemonArgs = {};
};

// A private system bus and the daemon, each a child process of the test.
class BusHarness {
public:
    explicit BusHarness(BusOptions options = {}) : options_(options) {}
    ~BusHarness();
    BusHarness(const BusHarness&) = delete;
    BusHarness& operator=(const BusHarness&) = delete;

    // Temp dir, bus, daemon in a fresh namespace; returns once the daemon
    // owns org.mptcp.PathManager. Throws std::runtime_error saying what
    // went wrong (the logs are then in logs()).
    void start();

    // SIGTERM to the daemon, by pid. Returns "" when it exited with status 0
    // within a few seconds, else what happened instead.
    std::string stopDaemon();
    // Starts the daemon again, in the same namespace (after stopDaemon()).
    void restartDaemon();

    // Stops whatever still runs (daemon, bus) and removes the temp dir.
    void stop();

    const std::string& busAddress() const { return busAddress_; }
    const std::string& tempDir() const { return dir_; }
    pid_t daemonPid() const { return daemonPid_; }

    // Runs `sh -c shellCmd` inside the daemon's network namespace and
    // returns its stdout (stderr goes to the test's stderr). *exitStatus is
    // the exit code, or 128 + signal number. Bounded: killed after 20 s.
    std::string runInNamespace(const std::string& shellCmd, int* exitStatus = nullptr) const;

    // The daemon's and the bus's stderr so far, for a failing test's output.
    std::string logs() const;

private:
    void writeBusConfig() const;
    void startBus();
    void startDaemon();
    void waitForDaemonOnBus();

    BusOptions options_;
    std::string dir_;
    std::string busAddress_;
    pid_t busPid_ = -1;
    pid_t daemonPid_ = -1;
    // Held from the first start on, so that the namespace outlives a daemon
    // restart and runInNamespace() works even after the daemon has gone.
    int netnsFd_ = -1;
};

// One signal as received: EndpointsChanged, PropertiesChanged or a monitor
// signal; the fields a member does not carry stay empty.
struct RecordedSignal {
    std::string member;
    // PropertiesChanged
    std::string propertiesInterface;
    std::map<std::string, sdbus::Variant> changed;
    std::vector<std::string> invalidated;
    // Monitor signals: the token (or the type of UnknownEvent), info, and
    // the count of EventsLost.
    std::uint32_t token = 0;
    std::map<std::string, sdbus::Variant> info;
    std::uint64_t lost = 0;
    // An event that came inside an EventBatch (member is then the event's
    // signal name), and the number of that batch among this client's
    // EventBatch signals, counting from 1.
    bool batched = false;
    std::size_t batch = 0;
};

// The generated org.mptcp.PathManager proxy plus org.freedesktop.DBus.
// Properties, recording every signal the service sends. The signal handlers
// run on the connection's event-loop thread (BusClient starts it).
//
// A synchronous call returns before the signals it caused are recorded:
// sdbus-c++ 1.2 makes it with sd_bus_call() on the calling thread, which
// queues the signals that came before the reply for the event-loop thread
// to dispatch later. BusClient::settleSignals() waits for that.
class PathManagerClient final : public sdbus::ProxyInterfaces<org::mptcp::PathManager_proxy, sdbus::Properties_proxy> {
public:
    explicit PathManagerClient(sdbus::IConnection& connection);
    ~PathManagerClient();
    PathManagerClient(const PathManagerClient&) = delete;
    PathManagerClient& operator=(const PathManagerClient&) = delete;

    // The underlying proxy, for raw messages that the generated class
    // cannot send (wrong signatures, other interfaces).
    sdbus::IProxy& rawProxy() { return getProxy(); }

    std::vector<RecordedSignal> recorded() const;
    std::size_t countOf(std::string_view member) const;
    // Waits until at least n signals named member were recorded.
    bool waitForCount(std::string_view member, std::size_t n, std::chrono::milliseconds timeout = kEventTimeout) const;

private:
    void record(RecordedSignal signal);
    void recordEvent(const char* member, std::uint32_t token, const std::map<std::string, sdbus::Variant>& info);

    void onEndpointsChanged() override;
    void onConnectionCreated(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info) override;
    void onConnectionEstablished(const std::uint32_t& token,
                                 const std::map<std::string, sdbus::Variant>& info) override;
    void onConnectionClosed(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info) override;
    void onAddressAnnounced(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info) override;
    void onAddressRemoved(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info) override;
    void onSubflowEstablished(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info) override;
    void onSubflowClosed(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info) override;
    void onSubflowPriorityChanged(const std::uint32_t& token,
                                  const std::map<std::string, sdbus::Variant>& info) override;
    void onListenerCreated(const std::map<std::string, sdbus::Variant>& info) override;
    void onListenerClosed(const std::map<std::string, sdbus::Variant>& info) override;
    void onUnknownEvent(const std::uint32_t& type, const std::map<std::string, sdbus::Variant>& info) override;
    void onEventsLost(const std::uint64_t& count) override;
    // Each entry is recorded as one event, in the batch's order.
    void onEventBatch(
        const std::vector<sdbus::Struct<std::string, std::uint32_t, std::map<std::string, sdbus::Variant>>>& events)
        override;
    void onPropertiesChanged(const std::string& interfaceName,
                             const std::map<std::string, sdbus::Variant>& changedProperties,
                             const std::vector<std::string>& invalidatedProperties) override;

    mutable std::mutex mutex_;
    mutable std::condition_variable arrived_;
    std::vector<RecordedSignal> signals_;
    std::size_t batches_ = 0;
};

// A connection of its own to the private bus (any address works with
// createSessionBusConnectionWithAddress), a PathManagerClient on it, and
// the connection's event loop on a thread of its own for the signals.
class BusClient {
public:
    explicit BusClient(const std::string& busAddress);
    ~BusClient();
    BusClient(const BusClient&) = delete;
    BusClient& operator=(const BusClient&) = delete;

    PathManagerClient& pm() { return *pm_; }
    sdbus::IConnection& connection() { return *connection_; }

    // Returns once every signal that reached this client before the call
    // has been recorded (false on timeout). A signal is sent before the
    // reply to the call that caused it, so after settleSignals() the
    // recorded signals are complete up to the last call that returned:
    // "no signal" can then be asserted without a guessed delay.
    bool settleSignals(std::chrono::milliseconds timeout = kEventTimeout);

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<PathManagerClient> pm_;
    // The bus itself, the partner of settleSignals()' round trip.
    std::unique_ptr<sdbus::IProxy> busDriver_;
};

// GoogleTest fixture: a fresh bus, daemon, namespace and client per test.
// Skips (fails under CI=true) where the tests cannot run; at the end
// expects the daemon to exit 0 on SIGTERM, and prints the logs of a
// failed test.
class BusTest : public ::testing::Test {
protected:
    explicit BusTest(BusOptions options = {}) : bus_(options) {}

    void SetUp() override;
    void TearDown() override;

    PathManagerClient& pm() { return client_->pm(); }
    // BusClient::settleSignals(), as an expectation.
    void settleSignals();
    // runInNamespace() that expects exit status 0.
    std::string inNamespace(const std::string& shellCmd);

    BusHarness bus_;
    std::unique_ptr<BusClient> client_;
};

}  // namespace mptcp::test
