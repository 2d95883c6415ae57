#include "options.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace mptcp::bench {
namespace {

// Where meson put this build's programs (set by bench/meson.build).
#ifndef BENCH_BUILD_ROOT
#error "BENCH_BUILD_ROOT must be defined by the build"
#endif
#ifndef BENCH_SOURCE_ROOT
#error "BENCH_SOURCE_ROOT must be defined by the build"
#endif

// Returns path if it is an executable file, else "".
std::string ifExecutable(const std::string& path)
{
    return access(path.c_str(), X_OK) == 0 ? path : "";
}

Programs defaultPrograms()
{
    const std::string build = BENCH_BUILD_ROOT;
    const std::string source = BENCH_SOURCE_ROOT;
    Programs p;
    p.daemon = ifExecutable(build + "/dbus/mptcp-pathmanagerd");
    p.floor = ifExecutable(build + "/bench/mptcp-pm-bench-floor");
    p.replier = ifExecutable(build + "/bench/mptcp-pm-bench-replier");
    p.minimal = ifExecutable(build + "/bench/mptcp-pm-bench-minimal");
    p.policy = source + "/data/org.mptcp.PathManager.conf";
    // The pieces that land later, where their issues put them.
    p.mptcpctl = ifExecutable(build + "/cli/mptcpctl");
    p.hook = ifExecutable(build + "/nm-dispatcher/mptcp-pathmanager-dispatch");
    p.connectionHelper = ifExecutable(build + "/tests/mptcp-connect-storm");
    p.mptcpd = ifExecutable("/usr/libexec/mptcpd");
    p.polkitStub = ifExecutable(build + "/tests/polkit-stub");
    return p;
}

}  // namespace

const char* const kUsage =
    "Usage: mptcp-pm-bench [--quick | --smoke] [--json FILE] [--pin-cpu N | --no-pin]\n"
    "                      [--daemon PATH] [--mptcpctl PATH] [--hook PATH] [--mptcpd PATH]\n"
    "                      [--connection-helper PATH]\n"
    "\n"
    "Measures mptcp-pathmanagerd against floors and peers measured in the same run\n"
    "(an empty D-Bus call, the kernel request made directly, ip, dbus-send, mptcpd),\n"
    "prints a table and writes the same figures as JSON. Runs as root in a network\n"
    "namespace of its own on a private D-Bus; it touches nothing of the host.\n"
    "\n"
    "  --quick     fewer repeats and calls (under a minute)\n"
    "  --smoke     the least that exercises every figure (seconds; numbers mean nothing)\n"
    "  --json FILE where the JSON goes (default: bench-results.json)\n"
    "  --pin-cpu N the CPU of the pinned pass (default: the last one)\n"
    "  --no-pin    no pinned pass\n"
    "  --daemon, --mptcpctl, --hook, --mptcpd, --connection-helper PATH\n"
    "              another binary instead of the one of this build (or of the system)\n"
    "\n"
    "Exit status: 0 when the run completed (whether or not every goal was met),\n"
    "1 when it could not run, 2 for a bad argument.\n";

const char* modeName(Mode mode)
{
    switch (mode) {
        case Mode::Full:
            return "full";
        case Mode::Quick:
            return "quick";
        case Mode::Smoke:
            return "smoke";
    }
    return "?";
}

Options parseOptions(int argc, char** argv)
{
    Options o;
    o.programs = defaultPrograms();
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o.pinCpu = static_cast<int>(cpus > 0 ? cpus - 1 : 0);
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw std::invalid_argument(std::string(arg) + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else if (arg == "--quick") {
            o.mode = Mode::Quick;
        } else if (arg == "--smoke") {
            o.mode = Mode::Smoke;
        } else if (arg == "--json") {
            o.jsonPath = value();
        } else if (arg == "--no-pin") {
            o.pinCpu.reset();
        } else if (arg == "--pin-cpu") {
            const std::string v = value();
            char* end = nullptr;
            const long cpu = std::strtol(v.c_str(), &end, 10);
            if (end == v.c_str() || *end != '\0' || cpu < 0 || cpu >= cpus) {
                throw std::invalid_argument("--pin-cpu: \"" + v + "\" is not a CPU of this machine (0.." +
                                            std::to_string(cpus - 1) + ")");
            }
            o.pinCpu = static_cast<int>(cpu);
        } else if (arg == "--daemon") {
            o.programs.daemon = value();
        } else if (arg == "--mptcpctl") {
            o.programs.mptcpctl = value();
        } else if (arg == "--hook") {
            o.programs.hook = value();
        } else if (arg == "--mptcpd") {
            o.programs.mptcpd = value();
        } else if (arg == "--connection-helper") {
            o.programs.connectionHelper = value();
        } else {
            throw std::invalid_argument("unknown argument \"" + std::string(arg) + "\" (try --help)");
        }
    }
    return o;
}

}  // namespace mptcp::bench
