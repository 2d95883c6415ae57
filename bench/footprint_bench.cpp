#include "footprint_bench.hpp"

#include "machine_load.hpp"
#include "stats.hpp"

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace mptcp::bench {
namespace {

// Time for a fresh service to finish what it does after owning its name
// (the first call's allocations) before its memory is read.
constexpr auto kSettle = std::chrono::milliseconds(200);

struct Samples {
    std::vector<double> startMs;
    std::vector<double> pss;
    std::vector<double> anon;
};

void callOnce(sdbus::IConnection& connection, const char* name, const char* path, const char* interface,
              const char* method)
{
    auto proxy = sdbus::createProxy(connection, name, path);
    proxy->callMethod(method).onInterface(interface);
}

// mptcpd has no bus name: it is up when it has logged that its path
// manager plugin is initialized.
bool waitForLogLine(const std::string& path, const std::string& text, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        if (s.str().find(text) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

double median(const std::vector<double>& v)
{
    return quantile(v, 0.5);
}

Row ratioRow(const std::string& name, const std::string& unit, const std::vector<double>& value,
             const std::vector<double>& floor, const std::string& floorName, std::optional<Goal> goal)
{
    Row r;
    r.name = name;
    r.unit = unit;
    r.value = median(value);
    r.floor = median(floor);
    r.floorName = floorName;
    r.ratio = *r.floor > 0 ? r.value / *r.floor : 0;
    r.goal = goal;
    return r;
}

}  // namespace

IdleMemory measureFootprint(const Programs& programs, const std::string& workDir, const FootprintPlan& plan,
                            Report& report)
{
    PrivateBus bus(programs.policy, workDir);
    NameWatcher watcher(bus.address());
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus.address());

    SpawnOptions daemonOpts;
    daemonOpts.argv = {programs.daemon, "--state-file=" + bus.dir() + "/managed.state"};
    daemonOpts.extraEnv = {bus.environment()};
    daemonOpts.logPath = workDir + "/footprint-daemon.log";
    SpawnOptions floorOpts;
    floorOpts.argv = {programs.floor};
    floorOpts.extraEnv = {bus.environment()};
    floorOpts.logPath = workDir + "/footprint-floor.log";

    // mptcpd in a namespace of its own (its plugins add endpoints for the
    // addresses they see), started once and read beside the others.
    ChildProcess mptcpd;
    std::string mptcpdProblem;
    if (programs.mptcpd.empty()) {
        mptcpdProblem = "mptcpd is not installed (Debian: apt-get install mptcpd mptcpd-plugins)";
    } else {
        SpawnOptions o;
        o.argv = {programs.mptcpd, "--log=stderr"};
        o.logPath = workDir + "/mptcpd.log";
        o.newNetworkNamespace = true;
        try {
            mptcpd = ChildProcess(spawnProcess(o));
            if (!waitForLogLine(o.logPath, "initialized", std::chrono::seconds(5)) || mptcpd.exited()) {
                mptcpdProblem = "mptcpd did not come up within 5 s (log: " + o.logPath + ")";
                mptcpd.stop();
            }
        } catch (const std::exception& e) {
            mptcpdProblem = e.what();
        }
    }

    Samples daemon, floor, mptcpdMem;
    const auto before = sampleLoad();
    for (int run = 0; run < plan.runs; ++run) {
        // Alternate who starts first: the second finds the page cache and
        // the bus a little warmer.
        StartedService d, f;
        if (run % 2 == 0) {
            d = startService(watcher, daemonOpts, kServiceName);
            f = startService(watcher, floorOpts, kFloorName);
        } else {
            f = startService(watcher, floorOpts, kFloorName);
            d = startService(watcher, daemonOpts, kServiceName);
        }
        daemon.startMs.push_back(d.startSeconds * 1000);
        floor.startMs.push_back(f.startSeconds * 1000);
        callOnce(*connection, kServiceName, kServicePath, kServiceInterface, "GetLimits");
        callOnce(*connection, kFloorName, kFloorPath, kFloorInterface, "Ping");
        std::this_thread::sleep_for(kSettle);
        const auto dm = memoryOf(d.process.pid());
        const auto fm = memoryOf(f.process.pid());
        if (dm && fm) {
            daemon.pss.push_back(dm->pssKiB);
            daemon.anon.push_back(dm->anonKiB);
            floor.pss.push_back(fm->pssKiB);
            floor.anon.push_back(fm->anonKiB);
        }
        if (mptcpd.running()) {
            if (const auto mm = memoryOf(mptcpd.pid())) {
                mptcpdMem.pss.push_back(mm->pssKiB);
                mptcpdMem.anon.push_back(mm->anonKiB);
            }
        }
        if (const auto problem = d.process.stop(); !problem.empty()) {
            report.warn("mptcp-pathmanagerd " + problem + " on SIGTERM");
        }
        f.process.stop();
    }
    const auto load = between(before, sampleLoad());

    IdleMemory idle;
    report.beginFigure("4", "Memory, idle (floor: the floor service, running beside it)");
    if (daemon.pss.empty()) {
        report.notMeasured("idle memory", "this kernel has no /proc/PID/smaps_rollup");
    } else {
        const std::string floorName = "the floor service (sdbus-c++, one method, one property)";
        report.add(ratioRow("idle PSS", "KiB", daemon.pss, floor.pss, floorName, Goal{Goal::Kind::RatioAtMost, 1.15}));
        report.add(ratioRow("idle anonymous RSS", "KiB", daemon.anon, floor.anon, floorName,
                            Goal{Goal::Kind::RatioAtMost, 1.2}));
        idle.daemon = MemoryUsage{median(daemon.pss), median(daemon.anon)};
    }

    report.beginFigure("5", "Start-up, exec to bus name owned (floor: the floor service)");
    Row start = ratioRow("start-up", "ms", daemon.startMs, floor.startMs, "the floor service's start-up",
                         Goal{Goal::Kind::RatioAtMost, 1.5});
    start.p99 = quantile(daemon.startMs, 0.99);
    start.note = std::to_string(plan.runs) + " starts each, alternating which goes first";
    report.add(start);

    report.beginFigure("7", "mptcpd (Debian package) idle, for the record (floor: the floor service)");
    if (!mptcpdProblem.empty()) {
        report.notMeasured("mptcpd", mptcpdProblem);
    } else if (!mptcpdMem.pss.empty() && !floor.pss.empty()) {
        report.add(ratioRow("mptcpd idle PSS", "KiB", mptcpdMem.pss, floor.pss, "the floor service", std::nullopt));
        report.add(ratioRow("mptcpd idle anonymous RSS", "KiB", mptcpdMem.anon, floor.anon, "the floor service",
                            std::nullopt));
    }
    if (const auto w = busyWarning("start-up and idle memory", load); !w.empty()) {
        report.warn(w);
    }
    return idle;
}

}  // namespace mptcp::bench
