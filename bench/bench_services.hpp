// The services every figure runs against: a private bus, the daemon and the
// floor service on it, all in the benchmark's throwaway namespace; and a
// watcher that sees the moment a name gets its owner (the end of start-up).
#pragma once

#include "private_bus.hpp"
#include "process.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mptcp::bench {

inline constexpr const char* kServiceName = "org.mptcp.PathManager";
inline constexpr const char* kServicePath = "/org/mptcp/PathManager";
inline constexpr const char* kServiceInterface = "org.mptcp.PathManager";
inline constexpr const char* kFloorName = "org.mptcp.BenchFloor";
inline constexpr const char* kFloorPath = "/org/mptcp/BenchFloor";
inline constexpr const char* kFloorInterface = "org.mptcp.BenchFloor";
// The reference services. The replier (bench/reply_service.cpp): the
// daemon's reply shapes and signals from plain sd-bus, with no kernel
// work. The minimal service (bench/minimal_service.cpp): figure 1's calls
// with the floor's kernel request in the handler, then the daemon's reply
// and signal.
inline constexpr const char* kReplierName = "org.mptcp.BenchReplier";
inline constexpr const char* kReplierPath = "/org/mptcp/BenchReplier";
inline constexpr const char* kReplierInterface = "org.mptcp.BenchReplier";
inline constexpr const char* kMinimalName = "org.mptcp.BenchMinimal";
inline constexpr const char* kMinimalPath = "/org/mptcp/BenchMinimal";
inline constexpr const char* kMinimalInterface = "org.mptcp.BenchMinimal";

using Clock = std::chrono::steady_clock;

// The programs a run uses; "" where one is not there (its figure then says
// "not measured" and why).
struct Programs {
    std::string daemon;
    std::string floor;
    std::string replier;  // the reference service of figures 1 and 8
    std::string minimal;  // figure 1's other reference service
    std::string policy;
    std::string mptcpctl;
    std::string hook;
    std::string connectionHelper;
    std::string mptcpd;
    std::string polkitStub;  // the tests' polkit, which can hold a check
};

// Sees NameOwnerChanged on its own connection and event-loop thread, and
// stamps the moment a name gets an owner.
class NameWatcher {
public:
    explicit NameWatcher(const std::string& busAddress);
    ~NameWatcher();
    NameWatcher(const NameWatcher&) = delete;
    NameWatcher& operator=(const NameWatcher&) = delete;

    // Forgets an earlier owner of name: the next waitOwned() waits anew.
    void forget(const std::string& name);
    // When name got its owner, or nullopt after timeout.
    std::optional<Clock::time_point> waitOwned(const std::string& name, std::chrono::milliseconds timeout);

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<sdbus::IProxy> busProxy_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, Clock::time_point> owned_;
};

// Starts a service and returns it with the time from just before its exec
// to its name being owned. Throws if it does not own the name in time.
struct StartedService {
    ChildProcess process;
    double startSeconds = 0;
};
StartedService startService(NameWatcher& watcher, const SpawnOptions& options, const std::string& name);

// The bus, the daemon and the floor service for a run (the reference
// services are started by the figures that use them: startReference()).
class ServiceSet {
public:
    ServiceSet(const Programs& programs, const std::string& workDir);
    ServiceSet(const ServiceSet&) = delete;
    ServiceSet& operator=(const ServiceSet&) = delete;

    PrivateBus& bus() { return *bus_; }
    NameWatcher& watcher() { return *watcher_; }
    pid_t daemonPid() const { return daemon_.pid(); }
    pid_t floorPid() const { return floor_.pid(); }
    // The daemon's stderr, for a failure message.
    std::string daemonLogPath() const { return workDir_ + "/mptcp-pathmanagerd.log"; }

    SpawnOptions daemonOptions() const;
    SpawnOptions floorOptions() const;

    // Pins the benchmark, the bus, the daemon and the floor service to one
    // CPU (nullopt: all CPUs again).
    void pinAll(std::optional<int> cpu);

    // Stops the daemon; "" when it exited cleanly on SIGTERM.
    std::string stopDaemon() { return daemon_.stop(); }

private:
    const Programs& programs_;
    std::string workDir_;
    std::unique_ptr<PrivateBus> bus_;
    std::unique_ptr<NameWatcher> watcher_;
    ChildProcess daemon_;
    ChildProcess floor_;
};

// A reference service owning busName on the run's bus (stopped when the
// ChildProcess goes); throws like startService(). Pin it with the others
// for a pinned pass: ServiceSet::pinAll() does not know it.
ChildProcess startReference(ServiceSet& services, const std::string& program, const std::string& busName);

}  // namespace mptcp::bench
