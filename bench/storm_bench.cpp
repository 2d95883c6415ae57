#include "storm_bench.hpp"

#include "connection_storm.hpp"
#include "event_counter.hpp"
#include "machine_load.hpp"
#include "memory_usage.hpp"
#include "signal_counter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>
#include <thread>

namespace mptcp::bench {
namespace {

constexpr const char* kEmitterName = "org.mptcp.BenchEmitter";
constexpr const char* kEmitterPath = "/org/mptcp/BenchEmitter";
constexpr const char* kEmitterInterface = "org.mptcp.BenchEmitter";
// The paced rates of the issue, in kernel events per second.
constexpr double kPacedRates[] = {12000, 30000};
// Quiet long enough to say the kernel, the daemon and the bus are done.
constexpr auto kQuiet = std::chrono::milliseconds(1000);
constexpr auto kSettleLimit = std::chrono::seconds(60);

double seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

std::size_t countLines(const std::string& path, const std::string& containing = "")
{
    std::ifstream in(path);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) {
        n += containing.empty() || line.find(containing) != std::string::npos ? 1 : 0;
    }
    return n;
}

Row plain(const std::string& name, double value, const std::string& unit, const std::string& note = "")
{
    Row r;
    r.name = name;
    r.value = value;
    r.unit = unit;
    r.note = note;
    return r;
}

// The bus's raw capacity: signals per second from a trivial emitter that
// always has the next signal ready, to the same counting client the
// daemon's signals go to.
double busCapacity(ServiceSet& services, const Programs& programs, int count)
{
    const std::string emitter = programs.floor.substr(0, programs.floor.rfind('/') + 1) + "mptcp-pm-bench-emitter";
    SpawnOptions o;
    o.argv = {emitter};
    o.extraEnv = {services.bus().environment()};
    o.logPath = services.bus().dir() + "/emitter.log";
    StartedService started = startService(services.watcher(), o, kEmitterName);
    SignalCounter counter(services.bus().address(), kEmitterName, kEmitterInterface);
    auto proxy = sdbus::createProxy(counter.connection(), kEmitterName, kEmitterPath);
    const auto start = Clock::now();
    proxy->callMethod("Emit")
        .onInterface(kEmitterInterface)
        .withTimeout(std::chrono::seconds(120))
        .withArguments(static_cast<std::uint32_t>(count));
    if (!counter.waitFor(static_cast<std::uint64_t>(count), std::chrono::seconds(120))) {
        throw std::runtime_error("the emitter's " + std::to_string(count) + " signals did not all arrive (" +
                                 std::to_string(counter.counts().signals) + " did)");
    }
    const auto c = counter.counts();
    return static_cast<double>(c.signals) / seconds(c.last - start);
}

// What one storm gave: the independent count and what the subscriber saw.
struct StormOutcome {
    std::uint64_t kernelEvents = 0;
    std::uint64_t counterDropped = 0;
    SignalCounter::Counts signals;
    double stormSeconds = 0;
    double daemonCpu = 0;  // seconds
    double mptcpdCpu = 0;
    std::int64_t unaccounted() const
    {
        return static_cast<std::int64_t>(kernelEvents) - static_cast<std::int64_t>(signals.signals + signals.lost);
    }
};

StormOutcome storm(SignalCounter& subscriber, pid_t daemon, pid_t mptcpd, int connections, int threads, double rate)
{
    subscriber.reset();
    EventCounter counter;
    const double daemonBefore = cpuSecondsOf(daemon).value_or(0);
    const double mptcpdBefore = mptcpd > 0 ? cpuSecondsOf(mptcpd).value_or(0) : 0;
    const StormResult r = runConnectionStorm(connections, threads, rate / kEventsPerConnection);
    counter.waitQuiet(std::chrono::milliseconds(300), std::chrono::seconds(10));
    StormOutcome o;
    o.kernelEvents = counter.events();
    o.counterDropped = counter.dropped();
    // Until every event is accounted for, or nothing more comes.
    if (!subscriber.waitFor(o.kernelEvents, kSettleLimit)) {
        subscriber.waitQuiet(kQuiet, kSettleLimit);
    }
    o.signals = subscriber.counts();
    o.stormSeconds = r.seconds;
    o.daemonCpu = cpuSecondsOf(daemon).value_or(0) - daemonBefore;
    o.mptcpdCpu = mptcpd > 0 ? cpuSecondsOf(mptcpd).value_or(0) - mptcpdBefore : 0;
    return o;
}

std::string accountNote(const StormOutcome& o)
{
    std::string note = std::to_string(o.signals.signals) + " signals + " + std::to_string(o.signals.lost) + " in " +
                       std::to_string(o.signals.lostSignals) + " EventsLost of " + std::to_string(o.kernelEvents) +
                       " kernel events";
    if (o.signals.lostUnknown > 0) {
        note += "; " + std::to_string(o.signals.lostUnknown) + " EventsLost without a count";
    }
    if (o.counterDropped > 0) {
        note += "; the independent listener itself missed " + std::to_string(o.counterDropped) +
                " (its count is a lower bound)";
    }
    return note;
}

// Subscribes `subscriber` the way mptcpctl monitor does (batched, the
// service's defaults) or one signal per event. False when the daemon has
// no such method.
bool subscribe(sdbus::IProxy& control, bool batched)
{
    try {
        if (batched) {
            control.callMethod("SubscribeBatched")
                .onInterface(kServiceInterface)
                .withArguments(std::map<std::string, sdbus::Variant>{});
        } else {
            control.callMethod("Subscribe").onInterface(kServiceInterface);
        }
        return true;
    } catch (const sdbus::Error& e) {
        if (e.getName() != "org.mptcp.PathManager.Error.NotSupported" &&
            e.getName() != "org.freedesktop.DBus.Error.UnknownMethod") {
            throw;
        }
        return false;
    }
}

// The rows of one unpaced storm: what arrived, what was lost, and the rate
// against the smaller of the bus's capacity and the kernel's rate.
void reportStorm(Report& report, const std::string& label, const StormOutcome& full, double capacity, bool withGoals)
{
    const double kernelRate = static_cast<double>(full.kernelEvents) / full.stormSeconds;
    report.add(plain(label + "kernel events (independent listener)", static_cast<double>(full.kernelEvents), "events",
                     std::to_string(static_cast<long>(kernelRate)) + " events/s in " +
                         std::to_string(full.stormSeconds).substr(0, 5) + " s"));
    report.add(plain(label + "events delivered", static_cast<double>(full.signals.signals), "events",
                     "in " + std::to_string(full.signals.messages) + " signals"));
    report.add(plain(label + "EventsLost (sum of counts)", static_cast<double>(full.signals.lost), "events",
                     std::to_string(full.signals.lostSignals) + " EventsLost signals"));
    Row unaccounted = plain(label + "unaccounted (kernel - delivered - lost)",
                            std::abs(static_cast<double>(full.unaccounted())), "events", accountNote(full));
    unaccounted.goal = Goal{Goal::Kind::ValueAtMost, 0};
    report.add(unaccounted);

    Row rate;
    rate.name = label + "delivered events/s";
    const double window = seconds(full.signals.last - full.signals.first);
    rate.value = window > 0 ? static_cast<double>(full.signals.signals) / window : 0;
    rate.unit = "ev/s";
    rate.floor = std::min(capacity, kernelRate);
    rate.floorName = "the bus's raw capacity in signals/s (or the kernel's rate, if lower)";
    rate.ratio = *rate.floor > 0 ? rate.value / *rate.floor : 0;
    if (withGoals) {
        rate.goal = Goal{Goal::Kind::RatioAtLeast, 0.9};
    } else {
        rate.note = "for reference: one signal per event is bound by the bus's cost per message";
    }
    if (kernelRate < capacity) {
        rate.note += std::string(rate.note.empty() ? "" : "; ") +
                     "the kernel emitted below the bus's capacity: held against its rate";
    }
    report.add(rate);
    report.add(plain(label + "daemon CPU per event (storm)",
                     full.kernelEvents > 0 ? full.daemonCpu * 1e6 / static_cast<double>(full.kernelEvents) : 0, "us"));
}

}  // namespace

void measureEventStorm(ServiceSet& services, const Programs& programs, const StormPlan& plan, Report& report)
{
    report.beginFigure("3", "Events: connection storm, one subscriber (floor: the bus's raw capacity)");
    const pid_t daemon = services.daemonPid();
    const auto loadBefore = sampleLoad();

    SignalCounter subscriber(services.bus().address(), kServiceName, kServiceInterface);
    auto control = sdbus::createProxy(subscriber.connection(), kServiceName, kServicePath);
    if (!subscribe(*control, false)) {
        report.notMeasured("the event storm", "this daemon has no monitor (Subscribe failed)");
        return;
    }

    const double capacity = busCapacity(services, programs, plan.capacitySignals);
    report.add(
        plain("bus raw capacity (trivial emitter)", capacity, "sig/s",
              std::to_string(plan.capacitySignals) + " signals shaped like ConnectionCreated, from sd-bus directly"));
    const auto memoryBefore = memoryOf(daemon);

    // One signal per event (Subscribe), for reference.
    const StormOutcome perEvent = storm(subscriber, daemon, -1, plan.stormConnections, plan.threads, 0);
    reportStorm(report, "Subscribe: ", perEvent, capacity, false);
    control->callMethod("Unsubscribe").onInterface(kServiceInterface);

    // Batched (SubscribeBatched, as mptcpctl monitor subscribes), with
    // `ip mptcp monitor` listening too (to a file: it writes as fast as it
    // reads). The goals apply here.
    const bool batched = subscribe(*control, true);
    if (!batched) {
        report.warn("the daemon has no SubscribeBatched: the goals are held against one signal per event");
        subscribe(*control, false);
    }
    const std::string label = batched ? "SubscribeBatched: " : "Subscribe: ";
    ChildProcess ipMonitor;
    const std::string ipOut = services.bus().dir() + "/ip-monitor.out";
    const std::string ipErr = services.bus().dir() + "/ip-monitor.err";
    {
        std::ofstream touch(ipOut);
    }
    const int ipOutFd = ::open(ipOut.c_str(), O_WRONLY | O_CLOEXEC);
    SpawnOptions ipOpts;
    ipOpts.argv = {"ip", "mptcp", "monitor"};
    ipOpts.stdoutFd = ipOutFd;
    ipOpts.logPath = ipErr;
    ipMonitor = ChildProcess(spawnProcess(ipOpts));
    ::close(ipOutFd);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // ip has joined the group

    const StormOutcome full = storm(subscriber, daemon, -1, plan.stormConnections, plan.threads, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ipMonitor.stop();
    const auto memoryAfter = memoryOf(daemon);

    reportStorm(report, label, full, capacity, true);

    Row ip;
    ip.name = "ip mptcp monitor beside it: events printed";
    ip.value = static_cast<double>(countLines(ipOut));
    ip.unit = "events";
    ip.floor = static_cast<double>(full.kernelEvents);
    ip.floorName = "kernel events";
    ip.ratio = full.kernelEvents > 0 ? ip.value / static_cast<double>(full.kernelEvents) : 0;
    ip.note = std::to_string(countLines(ipErr, "No buffer space")) + " ENOBUFS reports; for reference";
    report.add(ip);

    // Never deaf: after the overruns, a gentle burst must arrive whole.
    const StormOutcome after = storm(subscriber, daemon, -1, 300, 1, 3000);
    Row deaf;
    deaf.name = label + "after the storm: a gentle burst delivered";
    deaf.value = static_cast<double>(after.signals.signals);
    deaf.unit = "signals";
    deaf.floor = static_cast<double>(after.kernelEvents);
    deaf.floorName = "kernel events of the burst";
    deaf.ratio = after.kernelEvents > 0 ? deaf.value / static_cast<double>(after.kernelEvents) : 0;
    deaf.goal = Goal{Goal::Kind::RatioAtLeast, 1.0};
    deaf.note = full.signals.lostSignals > 0 ? "the daemon kept reading after its overruns"
                                             : "the storm caused no overrun, so this checks less";
    report.add(deaf);

    // Paced storms, each with a fresh mptcpd listening in the same namespace
    // (one that went deaf in an earlier storm would cost nothing).
    for (const double paced : kPacedRates) {
        const std::string paceLabel = label + "paced " + std::to_string(static_cast<int>(paced / 1000)) + "k events/s";
        ChildProcess mptcpd;
        const std::string mptcpdLog = services.bus().dir() + "/mptcpd-" + std::to_string(int(paced)) + ".log";
        if (!programs.mptcpd.empty()) {
            SpawnOptions o;
            o.argv = {programs.mptcpd, "--log=stderr", "--notify-flags=skip_link_local,skip_loopback"};
            o.logPath = mptcpdLog;
            mptcpd = ChildProcess(spawnProcess(o));
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        const int connections = static_cast<int>(paced * plan.pacedSeconds / kEventsPerConnection);
        const StormOutcome o =
            storm(subscriber, daemon, mptcpd.running() ? mptcpd.pid() : -1, connections, plan.threads, paced);
        Row loss = plain(paceLabel + ": lost or unaccounted",
                         static_cast<double>(o.signals.lost) + std::abs(static_cast<double>(o.unaccounted())), "events",
                         accountNote(o));
        // The bus's capacity is in signals: it bounds one signal per event,
        // not batches of up to 256.
        if (batched || paced < capacity) {
            loss.goal = Goal{Goal::Kind::ValueAtMost, 0};
        } else {
            loss.note += "; above the bus's capacity in signals, so loss is allowed";
        }
        report.add(loss);
        Row cpu;
        cpu.name = paceLabel + ": daemon CPU per event";
        cpu.value = o.kernelEvents > 0 ? o.daemonCpu * 1e6 / static_cast<double>(o.kernelEvents) : 0;
        cpu.unit = "us";
        if (programs.mptcpd.empty()) {
            cpu.note = "mptcpd is not installed: no peer";
        } else if (mptcpd.exited()) {
            cpu.note = "mptcpd exited during the storm (log: " + mptcpdLog + "): no peer";
        } else if (o.mptcpdCpu * 1e6 < static_cast<double>(o.kernelEvents) * 0.05) {
            cpu.note = "mptcpd used next to no CPU: it stopped reading (deaf after an ENOBUFS): no peer";
        } else {
            cpu.floor = o.mptcpdCpu * 1e6 / static_cast<double>(o.kernelEvents);
            cpu.floorName = "mptcpd's CPU per event in the same storm (it forwards nothing)";
            cpu.ratio = cpu.value / *cpu.floor;
            cpu.goal = Goal{Goal::Kind::RatioAtMost, 1.5};
        }
        report.add(cpu);
    }
    control->callMethod("Unsubscribe").onInterface(kServiceInterface);
    if (const auto w = busyWarning("event storm", between(loadBefore, sampleLoad())); !w.empty()) {
        report.warn(w);
    }

    report.beginFigure("4", "Memory");
    if (memoryBefore && memoryAfter) {
        Row pss = plain("PSS growth after the storm", memoryAfter->pssKiB - memoryBefore->pssKiB, "KiB",
                        "before " + std::to_string(static_cast<long>(memoryBefore->pssKiB)) + " KiB, after " +
                            std::to_string(static_cast<long>(memoryAfter->pssKiB)) + " KiB");
        pss.goal = Goal{Goal::Kind::ValueAtMost, 5120};
        report.add(pss);
        Row anon = plain("anonymous RSS growth after the storm", memoryAfter->anonKiB - memoryBefore->anonKiB, "KiB");
        anon.goal = Goal{Goal::Kind::ValueAtMost, 5120};
        report.add(anon);
    } else {
        report.notMeasured("memory after the storm", "the daemon's smaps_rollup could not be read");
    }
}

}  // namespace mptcp::bench
