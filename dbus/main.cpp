// mptcp-pathmanagerd: owns org.mptcp.PathManager on the system bus and
// serves the MPTCP path manager of the network namespace it runs in.
#include "authorization_gate.hpp"
#include "batch_timer.hpp"
#include "bus_authority.hpp"
#include "connection_reader.hpp"
#include "connections_adaptor.hpp"
#include "daemon_log.hpp"
#include "event_loop.hpp"
#include "event_signals.hpp"
#include "event_socket.hpp"
#include "journal_log.hpp"
#include "limits_policy.hpp"
#include "managed_endpoints.hpp"
#include "managed_interfaces.hpp"
#include "monitor.hpp"
#include "mptcp_sysctl.hpp"
#include "netlink_transport.hpp"
#include "no_mptcp_service.hpp"
#include "path_manager.hpp"
#include "path_manager_adaptor.hpp"
#include "path_manager_service.hpp"
#include "peer_tracker.hpp"
#include "periodic_timer.hpp"
#include "pm_client.hpp"
#include "reload_signal.hpp"
#include "route_events.hpp"
#include "system_bus.hpp"
#include "userspace_adaptor.hpp"
#include "userspace_pm.hpp"
#include "userspace_service.hpp"
#include "version.hpp"

#include <malloc.h>
#include <sys/utsname.h>
#include <cerrno>
#include <chrono>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

namespace {

using mptcp::dbus::daemonLog;

constexpr const char* kUsage =
    "Usage: mptcp-pathmanagerd [--help] [--version] [--always-monitor] [--debug]\n"
    "                          [--state-file=PATH] [--subflows-limit=raise|off|N]\n"
    "                          [--config=PATH]\n"
    "                          [--polkit-timeout=SECONDS]\n"
    "                          [--polkit-interactive-timeout=SECONDS]\n"
    "\n"
    "Serves the Multipath TCP path manager of this network namespace as\n"
    "org.mptcp.PathManager on the system bus (the bus DBUS_SYSTEM_BUS_ADDRESS\n"
    "names, else the standard system bus). Mirrors `ip mptcp endpoint`,\n"
    "`ip mptcp limits` and `ip mptcp monitor`; see mptcp-pathmanagerd(8).\n"
    "The userspace path manager's per-connection commands are on the same\n"
    "object as org.mptcp.PathManager.Userspace.\n"
    "\n"
    "  --always-monitor  stay in the kernel's MPTCP events group at all times,\n"
    "                    not only while a client is subscribed\n"
    "  --debug           write debug lines too (also: MPTCP_PATHMANAGER_DEBUG=1)\n"
    "  --state-file=PATH\n"
    "                    where the managed interfaces are kept across restarts\n"
    "                    (default /run/mptcp-pathmanager/managed.state)\n"
    "  --config=PATH     the interfaces to manage without being asked, read at\n"
    "                    start and on SIGHUP (default " MPTCP_PATHMANAGER_CONF
    ")\n"
    "  --subflows-limit=raise|off|N\n"
    "                    while interfaces are managed: raise the subflows limit\n"
    "                    to what their endpoints need, never lowering it\n"
    "                    (default); never touch it; or keep it at N (0..8)\n"
    "  --polkit-timeout=SECONDS\n"
    "                    how long one authorization check may take when the\n"
    "                    caller did not allow interaction (default 10)\n"
    "  --polkit-interactive-timeout=SECONDS\n"
    "                    the same when it did: polkit may be showing a\n"
    "                    password dialog (default 300). The daemon serves\n"
    "                    everyone else meanwhile.\n";

constexpr auto kError = mptcp::journal::Priority::Error;
constexpr auto kWarning = mptcp::journal::Priority::Warning;

// "1.5" -> 1500 ms; nullopt unless 0 < value <= one day.
std::optional<std::chrono::milliseconds> parseSeconds(std::string_view text)
{
    const std::string s(text);
    char* end = nullptr;
    errno = 0;
    const double seconds = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !(seconds > 0) || seconds > 86400) {
        return std::nullopt;
    }
    const auto ms = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000 + 0.5));
    return ms.count() > 0 ? std::optional(ms) : std::nullopt;
}

// GET_ADDR dumps take a token since Linux 6.9; older kernels ignore it.
bool tokenListsSupported()
{
    utsname u{};
    return uname(&u) == 0 && mptcp::kernelAtLeast(u.release, 6, 9);
}

std::string busDescription()
{
    const char* addr = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    return addr ? std::string("the bus at ") + addr : "the system bus";
}

}  // namespace

int main(int argc, char** argv)
{
    bool alwaysMonitor = false;
    std::string stateFile = mptcp::kDefaultStateFile;
    std::string configFile = MPTCP_PATHMANAGER_CONF;
    mptcp::LimitsPolicy limitsPolicy;
    mptcp::dbus::AuthorizationLimits authLimits;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--polkit-timeout=") || arg.starts_with("--polkit-interactive-timeout=")) {
            const auto value = arg.substr(arg.find('=') + 1);
            const auto limit = parseSeconds(value);
            if (!limit) {
                daemonLog(std::string(argv[i]) + " takes a number of seconds above 0 and at most 86400", kError);
                return 2;
            }
            (arg.starts_with("--polkit-timeout=") ? authLimits.check : authLimits.interactiveCheck) = *limit;
            continue;
        }
        if (arg.starts_with("--state-file=") && arg.size() > 13) {
            stateFile = arg.substr(13);
            continue;
        }
        if (arg.starts_with("--config=") && arg.size() > 9) {
            configFile = arg.substr(9);
            continue;
        }
        if (arg.starts_with("--subflows-limit=")) {
            const auto policy = mptcp::LimitsPolicy::parse(arg.substr(17));
            if (!policy) {
                daemonLog(
                    "--subflows-limit takes raise, off or a number 0..8, not \"" + std::string(argv[i] + 17) + "\"",
                    kError);
                return 2;
            }
            limitsPolicy = *policy;
            continue;
        }
        if (arg == "--debug") {
            mptcp::journal::enableDebug();
            continue;
        }
        if (arg == "--always-monitor") {
            alwaysMonitor = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "--version") {
            std::printf("mptcp-pathmanagerd %s\n", mptcp::kVersion);
            return 0;
        }
        daemonLog("unknown argument \"" + std::string(argv[i]) + "\" (try --help)", kError);
        return 2;
    }

    // The kernel first. Without MPTCP the daemon still owns its name and
    // answers NotSupported to every call (after one clear log line): an
    // activated service that vanished would leave its callers waiting.
    std::unique_ptr<mptcp::NetlinkTransport> transport;
    std::unique_ptr<mptcp::PmClient> client;
    std::unique_ptr<mptcp::InterfaceNames> names;
    std::unique_ptr<mptcp::EventSource> events;  // none: a kernel without the events group
    std::unique_ptr<mptcp::RouteEventSocket> routeEvents;
    std::unique_ptr<mptcp::NetlinkTransport> routeDump;
    std::unique_ptr<mptcp::NetlinkTransport> sockDiag;  // live connections
    try {
        transport = mptcp::openGenericNetlink();
        client = std::make_unique<mptcp::PmClient>(*transport);
        names = mptcp::systemInterfaceNames();
        // Managed interfaces: subscribed to address events before the dump.
        routeEvents = mptcp::openRouteEvents();
        routeDump = mptcp::openRouteNetlink();
        sockDiag = mptcp::openSockDiagNetlink();
        if (const auto group = client->eventsGroup()) {
            events = mptcp::openEventSocket(*group);
        }
    } catch (const mptcp::PmError& e) {
        daemonLog(e.what(), kError);
        return e.kind() == mptcp::ErrorKind::NotSupported ? mptcp::dbus::serveWithoutMptcp(e.what()) : 1;
    } catch (const std::exception& e) {
        daemonLog(e.what(), kError);
        return 1;
    }
    mptcp::PathManager pm(*client, *names);
    mptcp::ManagedEndpoints managed(
        *client, *routeDump, *routeEvents, mptcp::StateFile(stateFile), limitsPolicy,
        [](mptcp::journal::Priority priority, const std::string& line) { daemonLog(line, priority); });
    mptcp::MptcpEnabledSetting enabled;
    mptcp::diag::ConnectionReader connections(*sockDiag);

    std::unique_ptr<mptcp::dbus::SystemBus> bus;
    try {
        bus = std::make_unique<mptcp::dbus::SystemBus>();
    } catch (const mptcp::dbus::BusFailure& e) {
        daemonLog("cannot connect to " + busDescription() + ": " + e.what(), kError);
        return 1;
    }

    try {
        // Every interface is an sd-bus vtable, and the signals are sent
        // with sd-bus too.
        mptcp::dbus::BusNotifier notifier(bus->get());
        // Changes: uid 0, or polkit's action, asked without waiting.
        mptcp::dbus::BusAuthorityQueries authority(bus->get(), authLimits);
        mptcp::dbus::PolkitAuthorizer authorizer(authority, [](const std::string& line) { daemonLog(line); });
        mptcp::dbus::AuthorizationGate gate(bus->get(), authorizer);
        mptcp::dbus::PathManagerService service(pm, enabled, notifier);
        notifier.readValuesFrom(service);
        // The kernel's events as signals, while someone listens; a peer
        // that leaves the bus is unsubscribed.
        mptcp::dbus::BusEventSignals eventSignals(bus->get(), *names);
        mptcp::dbus::TimerFdBatchTimer batchTimer;  // SubscribeBatched's max-delay-ms
        mptcp::dbus::Monitor monitor(events.get(), eventSignals, client->familyId(),
                                     {.always = alwaysMonitor, .timer = &batchTimer});
        mptcp::dbus::PeerTracker peers;
        peers.watch(bus->get());
        peers.onVanished([&monitor](const std::string& name) { monitor.peerVanished(name); });
        peers.onVanished([&authorizer](const std::string& name) { authorizer.callerVanished(name); });
        mptcp::dbus::ManagedInterfaces interfaces(managed, notifier);
        mptcp::dbus::PathManagerAdaptor adaptor(bus->get(), {service, monitor, interfaces, gate});
        // Live connections: read-only, from the kernel at each call.
        mptcp::dbus::ConnectionsAdaptor connectionsAdaptor(bus->get(), mptcp::dbus::kObjectPath, connections, *names);
        // The userspace path manager: its interface on the same object,
        // and the event subscription held while it is selected.
        mptcp::UserspacePm userspacePm(*client, *names, tokenListsSupported());
        mptcp::PathManagerSetting pathManagerSetting;
        mptcp::dbus::UserspaceAdaptor* userspaceAdaptorPtr = nullptr;
        mptcp::dbus::UserspaceService userspace(
            userspacePm, pathManagerSetting,
            {.pathManagerChanged = [&userspaceAdaptorPtr] { userspaceAdaptorPtr->pathManagerChanged(); },
             .holdEvents = [&monitor](bool on) { monitor.hold(on); },
             .log = [](const std::string& line) { daemonLog(line); }});
        mptcp::dbus::UserspaceAdaptor userspaceAdaptor(bus->get(), userspace, gate);
        userspaceAdaptorPtr = &userspaceAdaptor;
        gate.interceptPropertyWrites(mptcp::dbus::kObjectPath);
        mptcp::dbus::EventLoop loop(*bus);
        if (events) {
            loop.addReader(
                monitor.fd(), [&monitor] { monitor.onReadable(); }, [&monitor] { return monitor.wantsInput(); });
            loop.addReader(batchTimer.fd(), [&] {
                batchTimer.consume();
                monitor.onTimer();
            });
        }
        loop.addReader(managed.eventFd(), [&interfaces] { interfaces.onRouteEvents(); });
        // The kernel tells nobody when the path manager setting changes
        // (sysctl -w): look again every few seconds.
        userspace.start();
        mptcp::dbus::PeriodicTimer pathManagerWatch(std::chrono::seconds(2));
        loop.addReader(pathManagerWatch.fd(), [&] {
            pathManagerWatch.acknowledge();
            userspace.refresh();
        });
        mptcp::dbus::ReloadSignal reload;  // SIGHUP: read the configuration file again
        loop.addReader(reload.fd(), [&reload, &interfaces, &configFile] {
            if (reload.consume()) {
                daemonLog("SIGHUP: reading " + configFile + " again");
                interfaces.loadConfig(configFile);
            }
        });
        interfaces.loadConfig(configFile);  // declared interfaces, before the state's are taken back
        interfaces.start();                 // saved state back, endpoints caught up, before any call
        // The object is in place before the name: a client activated by
        // its first call never finds the name without the object.
        try {
            bus->requestName(mptcp::dbus::kBusName);
        } catch (const mptcp::dbus::BusFailure& e) {
            daemonLog(std::string("cannot own org.mptcp.PathManager: ") + e.what(), kError);
            return 1;
        }
        daemonLog("serving org.mptcp.PathManager on " + busDescription());
        daemonLog("options: state file " + stateFile + (alwaysMonitor ? ", always monitoring" : ""),
                  mptcp::journal::Priority::Debug);
        if (!enabled.get()) {
            daemonLog(
                "note: net.mptcp.enabled is 0 in this namespace: endpoints are configured but MPTCP "
                "sockets are refused until it is 1 (property Enabled)",
                kWarning);
        }
        // Start-up's temporary allocations (the state file, the dumps, the
        // bus's introspection of our object) are freed by now; give their
        // pages back, or they stay resident for the daemon's whole life.
        malloc_trim(0);
        const int sig = loop.run();
        daemonLog(std::string("stopping on ") + strsignal(sig));
        return 0;
    } catch (const mptcp::dbus::BusFailure& e) {
        daemonLog(std::string("lost the bus: ") + e.what(), kError);
        return 1;
    } catch (const std::exception& e) {
        daemonLog(std::string("fatal: ") + e.what(), kError);
        return 1;
    }
}
