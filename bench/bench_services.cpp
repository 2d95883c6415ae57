#include "bench_services.hpp"

#include <stdexcept>

namespace mptcp::bench {

NameWatcher::NameWatcher(const std::string& busAddress)
    : connection_(sdbus::createSessionBusConnectionWithAddress(busAddress)),
      busProxy_(sdbus::createProxy(*connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus"))
{
    busProxy_->uponSignal("NameOwnerChanged")
        .onInterface("org.freedesktop.DBus")
        .call([this](const std::string& name, const std::string&, const std::string& newOwner) {
            // Stamp first: the time is the figure, the bookkeeping is not.
            const auto now = Clock::now();
            std::lock_guard lock(mutex_);
            if (newOwner.empty()) {
                owned_.erase(name);
            } else {
                owned_[name] = now;
            }
            changed_.notify_all();
        });
    busProxy_->finishRegistration();
    connection_->enterEventLoopAsync();
}

NameWatcher::~NameWatcher()
{
    connection_->leaveEventLoop();
    busProxy_.reset();
    connection_.reset();
}

void NameWatcher::forget(const std::string& name)
{
    std::lock_guard lock(mutex_);
    owned_.erase(name);
}

std::optional<Clock::time_point> NameWatcher::waitOwned(const std::string& name, std::chrono::milliseconds timeout)
{
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return owned_.count(name) != 0; })) {
        return std::nullopt;
    }
    return owned_[name];
}

StartedService startService(NameWatcher& watcher, const SpawnOptions& options, const std::string& name)
{
    watcher.forget(name);
    StartedService s;
    const auto start = Clock::now();
    s.process = ChildProcess(spawnProcess(options));
    const auto owned = watcher.waitOwned(name, std::chrono::seconds(10));
    if (!owned) {
        const bool died = s.process.exited();
        throw std::runtime_error(options.argv[0] + (died ? " exited" : " did not own " + name + " within 10 s") +
                                 (options.logPath.empty() ? "" : " (log: " + options.logPath + ")"));
    }
    s.startSeconds = std::chrono::duration<double>(*owned - start).count();
    return s;
}

ServiceSet::ServiceSet(const Programs& programs, const std::string& workDir) : programs_(programs), workDir_(workDir)
{
    bus_ = std::make_unique<PrivateBus>(programs.policy, workDir);
    watcher_ = std::make_unique<NameWatcher>(bus_->address());
    daemon_ = startService(*watcher_, daemonOptions(), kServiceName).process;
    floor_ = startService(*watcher_, floorOptions(), kFloorName).process;
}

SpawnOptions ServiceSet::daemonOptions() const
{
    SpawnOptions o;
    // The managed interfaces' state in the run's directory, never /run.
    o.argv = {programs_.daemon, "--state-file=" + bus_->dir() + "/managed.state"};
    o.extraEnv = {bus_->environment()};
    o.logPath = workDir_ + "/mptcp-pathmanagerd.log";
    return o;
}

SpawnOptions ServiceSet::floorOptions() const
{
    SpawnOptions o;
    o.argv = {programs_.floor};
    o.extraEnv = {bus_->environment()};
    o.logPath = workDir_ + "/floor-service.log";
    return o;
}

ChildProcess startReference(ServiceSet& services, const std::string& program, const std::string& busName)
{
    SpawnOptions o;
    o.argv = {program};
    o.extraEnv = {services.bus().environment()};
    o.logPath = services.bus().dir() + "/" + busName + ".log";
    return startService(services.watcher(), o, busName).process;
}

void ServiceSet::pinAll(std::optional<int> cpu)
{
    pinSelf(cpu);
    pinProcess(bus_->pid(), cpu);
    pinProcess(daemon_.pid(), cpu);
    pinProcess(floor_.pid(), cpu);
}

}  // namespace mptcp::bench
