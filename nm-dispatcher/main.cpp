// mptcp-pathmanager-dispatch: NetworkManager's dispatcher runs it (installed
// as dispatcher.d/90-mptcp-pathmanager) as `HOOK INTERFACE ACTION` on every
// device event. It decides which MPTCP endpoint flags the connection gets
// and hands the interface to org.mptcp.PathManager, which keeps the
// endpoints in step with the addresses. It always exits 0 and returns fast:
// a failing or slow hook would delay every hook NetworkManager runs later.
#include "config_file.hpp"
#include "hook_runner.hpp"
#include "nm_settings.hpp"
#include "path_manager_calls.hpp"
#include "pm_rules.hpp"
#include "system_bus.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#ifndef MPTCP_DISPATCHER_CONF
#error "MPTCP_DISPATCHER_CONF (the configuration file's path) must be defined by the build"
#endif

namespace {

constexpr const char* kName = "mptcp-pathmanager-dispatch";
// NetworkManager answers from memory; the service may first need starting.
constexpr int kSettingsTimeoutMs = 3000;
constexpr int kServiceTimeoutMs = 5000;

constexpr const char* kUsage =
    "Usage: mptcp-pathmanager-dispatch INTERFACE ACTION\n"
    "       mptcp-pathmanager-dispatch --check-config [FILE]\n"
    "\n"
    "NetworkManager dispatcher hook of mptcp-pathmanager: on up, reapply,\n"
    "dhcp4-change and dhcp6-change it asks org.mptcp.PathManager to manage\n"
    "the interface's MPTCP endpoints with the flags the connection should\n"
    "have; on down it releases the interface. Always exits 0.\n"
    "--check-config reads the configuration (default: " MPTCP_DISPATCHER_CONF
    ")\n"
    "and says what is wrong with it (exit status 1) or that it is fine.\n"
    "See mptcp-pathmanager-dispatch(8).\n";

// One write per line, so that the lines of hooks running side by side do
// not interleave in the journal; each with its priority (docs/logging.md).
class StderrLog final : public mptcp::dispatch::HookLog {
public:
    void write(mptcp::journal::Priority priority, const std::string& text) override
    {
        mptcp::journal::logLine(priority, kName, text);
    }
    void line(const std::string& text) override { write(mptcp::journal::Priority::Info, text); }
};

int checkConfig(const char* path)
{
    const auto loaded = mptcp::dispatch::loadConfigFile(path);
    if (!loaded.problem.empty()) {
        std::fprintf(stderr, "%s\n", loaded.problem.c_str());
        return 1;
    }
    std::printf("%s: fine (a missing file means the built-in defaults)\n", path);
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc >= 2 && argc <= 3 && std::string_view(argv[1]) == "--check-config") {
        return checkConfig(argc == 3 ? argv[2] : MPTCP_DISPATCHER_CONF);
    }
    if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (argc != 3) {
        // Not a call from NetworkManager's dispatcher, which always passes two.
        std::fputs(kUsage, stderr);
        return 2;
    }

    StderrLog log;
    try {
        mptcp::dispatch::HookEvent event{argv[1], argv[2], {}};
        for (const char* name : mptcp::dispatch::kHookEnvironment) {
            if (const char* value = std::getenv(name)) {
                event.env[name] = value;
            }
        }
        log.write(mptcp::journal::Priority::Debug, "dispatched " + mptcp::rules::quoteArg(argv[2]) + " for " +
                                                       mptcp::rules::quoteArg(argv[1]) + " with " +
                                                       std::to_string(event.env.size()) + " of its variables set");
        const auto config = mptcp::dispatch::loadConfigFile(MPTCP_DISPATCHER_CONF);
        mptcp::dispatch::SystemBus bus;
        mptcp::dispatch::NmSettingsSource settings(bus, kSettingsTimeoutMs);
        mptcp::dispatch::BusPathManagerCalls service(bus, kServiceTimeoutMs);
        mptcp::dispatch::runHook(event, config, settings, service, log);
    } catch (const std::exception& e) {
        log.write(mptcp::journal::Priority::Error, std::string("internal error: ") + e.what() + ": nothing changed");
    } catch (...) {
        log.write(mptcp::journal::Priority::Error, "internal error: nothing changed");
    }
    return 0;
}
