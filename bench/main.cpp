// mptcp-pm-bench: the service, the monitor and the hook side by side with
// their floors and peers, measured in one run on this machine. See
// `mptcp-pm-bench --help` and docs/performance.md.
#include "authorization_bench.hpp"
#include "bench_services.hpp"
#include "cli_bench.hpp"
#include "connections_bench.hpp"
#include "footprint_bench.hpp"
#include "hook_bench.hpp"
#include "latency_bench.hpp"
#include "options.hpp"
#include "report.hpp"
#include "storm_bench.hpp"
#include "supervisor.hpp"
#include "throwaway_namespace.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <iostream>
#include <stdexcept>

namespace mptcp::bench {
namespace {

// Exit status for "this machine cannot run it" (not root, no MPTCP): the
// code meson and automake read as "skipped".
constexpr int kCannotRunHere = 77;

struct Plans {
    FootprintPlan footprint;
    LatencyPlan latency;
    CliPlan cli;
    StormPlan storm;
    HookPlan hook;
    AuthorizationPlan authorization;
};

// How much of everything each mode does: full for docs/performance.md,
// quick for a look in under a minute, smoke for the test suite (seconds).
// Latency: repeats, read calls, write cycles, flush cycles, warm-up calls.
Plans plansFor(const Options& o)
{
    Plans p;
    switch (o.mode) {
        case Mode::Full:
            p = {{20}, {5, 2000, 100, 30, 200, {}}, {3, 40}, {100000, 20000, 3, 2}, {3, 15}, {15, 3000, 10, 3, 32}};
            break;
        case Mode::Quick:
            p = {{8}, {3, 400, 20, 8, 50, {}}, {2, 10}, {30000, 8000, 1.5, 2}, {2, 5}, {4, 800, 3, 3, 32}};
            break;
        case Mode::Smoke:
            p = {{2}, {1, 20, 3, 2, 5, {}}, {1, 2}, {2000, 200, 0.2, 2}, {1, 1}, {0.5, 40, 0.5, 3, 8}};
            break;
    }
    p.latency.pinCpu = o.pinCpu;
    return p;
}

// Live connections (figure 8): repeats, calls per batch with 100
// connections, warm-up calls; always 100 and 1,000 connections.
ConnectionsPlan connectionsPlanFor(const Options& o)
{
    ConnectionsPlan p;
    p.repeats = o.mode == Mode::Full ? 5 : o.mode == Mode::Quick ? 3 : 1;
    p.callsPer100 = o.mode == Mode::Full ? 200 : o.mode == Mode::Quick ? 50 : 5;
    p.warmupCalls = o.mode == Mode::Smoke ? 1 : 10;
    return p;
}

std::string cpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? "" : line.substr(colon + 2);
        }
    }
    return "";
}

void describeMachine(Report& report)
{
    utsname u{};
    uname(&u);
    report.setMachineFact("kernel", std::string(u.release));
    report.setMachineFact("cpus", static_cast<std::int64_t>(sysconf(_SC_NPROCESSORS_ONLN)));
    report.setMachineFact("cpu_model", cpuModel());
    std::ifstream loadavg("/proc/loadavg");
    std::string load;
    std::getline(loadavg, load);
    report.setMachineFact("loadavg_at_start", load);
}

// One figure's measurement; a failure is recorded as "not measured" with
// what went wrong, and the run goes on with the next figure.
bool attempt(Report& report, const std::string& figure, const std::string& title, const std::function<void()>& fn)
{
    try {
        fn();
        return true;
    } catch (const sdbus::Error& e) {
        report.beginFigure(figure, title);
        report.notMeasured(title, "failed: " + e.getName() + ": " + e.getMessage());
    } catch (const std::exception& e) {
        report.beginFigure(figure, title);
        report.notMeasured(title, std::string("failed: ") + e.what());
    }
    return false;
}

int run(const Options& options, const std::string& workDir)
{
    if (const std::string why = enterThrowawayNamespace(); !why.empty()) {
        std::cerr << "mptcp-pm-bench: cannot run here: " << why << '\n';
        return kCannotRunHere;
    }
    if (!leftOriginalNamespace()) {
        std::cerr << "mptcp-pm-bench: still in the network namespace it was started in; refusing to go on\n";
        return 1;
    }
    const Programs& programs = options.programs;
    const Plans plans = plansFor(options);
    Report report;
    report.setMode(modeName(options.mode));
    describeMachine(report);

    bool ok = true;
    IdleMemory idle;
    // Start-up and idle memory first, before anything else has run.
    ok &=
        attempt(report, "5", "Start-up", [&] { idle = measureFootprint(programs, workDir, plans.footprint, report); });
    {
        std::unique_ptr<ServiceSet> services;
        ok &= attempt(report, "1", "Method latency", [&] {
            services = std::make_unique<ServiceSet>(programs, workDir);
            measureMethodLatency(*services, programs, plans.latency, report);
        });
        if (services) {
            ok &= attempt(report, "2", "Per invocation",
                          [&] { measureCommands(*services, programs, plans.cli, report); });
            ok &= attempt(report, "3", "Event storm",
                          [&] { measureEventStorm(*services, programs, plans.storm, report); });
            ok &=
                attempt(report, "6", "Dispatcher hook", [&] { measureHook(*services, programs, plans.hook, report); });
            ok &= attempt(report, "8", "Live connections",
                          [&] { measureConnections(*services, programs, connectionsPlanFor(options), report); });
            ok &= attempt(report, "9", "Held authorization",
                          [&] { measureHeldCheck(*services, programs, plans.authorization, report); });
            ok &=
                attempt(report, "10", "Read flood", [&] { measureReadFlood(*services, plans.authorization, report); });
        }
        if (services) {
            if (const auto problem = services->stopDaemon(); !problem.empty()) {
                report.warn("mptcp-pathmanagerd " + problem + " on SIGTERM at the end of the run");
                ok = false;
            }
        }
    }

    report.printTable(std::cout);
    std::ofstream json(options.jsonPath);
    report.toJson().write(json);
    json << '\n';
    json.close();
    if (!json) {
        std::cerr << "mptcp-pm-bench: cannot write " << options.jsonPath << '\n';
        return 1;
    }
    std::cout << "JSON: " << options.jsonPath << '\n';
    return ok ? 0 : 1;
}

}  // namespace
}  // namespace mptcp::bench

int main(int argc, char** argv)
{
    using namespace mptcp::bench;
    Options options;
    try {
        options = parseOptions(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::cerr << "mptcp-pm-bench: " << e.what() << '\n';
        return 2;
    }
    if (options.help) {
        std::cout << kUsage;
        return 0;
    }
    for (const auto& [what, path] : {std::pair{"mptcp-pathmanagerd", options.programs.daemon},
                                     std::pair{"mptcp-pm-bench-floor", options.programs.floor}}) {
        if (path.empty() || access(path.c_str(), X_OK) != 0) {
            std::cerr << "mptcp-pm-bench: " << what << " not found (build the project first, or pass its path)\n";
            return 1;
        }
    }
    return runSupervised([&](const std::string& workDir) { return run(options, workDir); });
}
