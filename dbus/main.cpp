// mptcp-pathmanagerd: owns org.mptcp.PathManager on the system bus and
// serves the MPTCP path manager of the network namespace it runs in.
#include "bus_authority.hpp"
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
#include "pm_client.hpp"
#include "route_events.hpp"
#include "version.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

constexpr const char* kUsage =
    "Usage: mptcp-pathmanagerd [--help] [--version] [--always-monitor] [--debug]\n"
    "                          [--state-file=PATH] [--subflows-limit=raise|off|N]\n"
    "\n"
    "Serves the Multipath TCP path manager of this network namespace as\n"
    "org.mptcp.PathManager on the system bus (the bus DBUS_SYSTEM_BUS_ADDRESS\n"
    "names, else the standard system bus). Mirrors `ip mptcp endpoint`,\n"
    "`ip mptcp limits` and `ip mptcp monitor`; see mptcp-pathmanagerd(8).\n"
    "\n"
    "  --always-monitor  emit the kernel's MPTCP events as signals at all\n"
    "                    times, not only while a client is subscribed\n"
    "  --debug           write debug lines too (also: MPTCP_PATHMANAGER_DEBUG=1)\n"
    "  --state-file=PATH\n"
    "                    where the managed interfaces are kept across restarts\n"
    "                    (default /run/mptcp-pathmanager/managed.state)\n"
    "  --subflows-limit=raise|off|N\n"
    "                    while interfaces are managed: raise the subflows limit\n"
    "                    to what their endpoints need, never lowering it\n"
    "                    (default); never touch it; or keep it at N (0..8)\n";

// One line on stderr with its journal priority (docs/logging.md).
void log(const char* fmt, const char* arg, mptcp::journal::Priority priority = mptcp::journal::Priority::Info)
{
    const int size = std::snprintf(nullptr, 0, fmt, arg);
    std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
    std::snprintf(text.data(), text.size() + 1, fmt, arg);
    mptcp::journal::logLine(priority, "mptcp-pathmanagerd", text);
}

constexpr auto kError = mptcp::journal::Priority::Error;
constexpr auto kWarning = mptcp::journal::Priority::Warning;

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
    mptcp::LimitsPolicy limitsPolicy;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--state-file=") && arg.size() > 13) {
            stateFile = arg.substr(13);
            continue;
        }
        if (arg.starts_with("--subflows-limit=")) {
            const auto policy = mptcp::LimitsPolicy::parse(arg.substr(17));
            if (!policy) {
                log("--subflows-limit takes raise, off or a number 0..8, not \"%s\"", argv[i] + 17, kError);
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
        log("unknown argument \"%s\" (try --help)", argv[i], kError);
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
    try {
        transport = mptcp::openGenericNetlink();
        client = std::make_unique<mptcp::PmClient>(*transport);
        names = mptcp::systemInterfaceNames();
        // Managed interfaces: subscribed to address events before the dump.
        routeEvents = mptcp::openRouteEvents();
        routeDump = mptcp::openRouteNetlink();
        if (const auto group = client->eventsGroup()) {
            events = mptcp::openEventSocket(*group);
        }
    } catch (const mptcp::PmError& e) {
        log("%s", e.what(), kError);
        return e.kind() == mptcp::ErrorKind::NotSupported ? mptcp::dbus::serveWithoutMptcp(e.what()) : 1;
    } catch (const std::exception& e) {
        log("%s", e.what(), kError);
        return 1;
    }
    mptcp::PathManager pm(*client, *names);
    mptcp::ManagedEndpoints managed(*client, *routeDump, *routeEvents, mptcp::StateFile(stateFile), limitsPolicy,
                                    [](const std::string& line) { log("%s", line.c_str()); });
    mptcp::MptcpEnabledSetting enabled;

    std::unique_ptr<sdbus::IConnection> bus;
    try {
        bus = sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
        log("cannot connect to %s", (busDescription() + ": " + e.getMessage()).c_str(), kError);
        return 1;
    }

    try {
        auto object = sdbus::createObject(*bus, mptcp::dbus::kObjectPath);
        mptcp::dbus::BusNotifier notifier(*object);
        // Changes: uid 0, or polkit's org.mptcp.PathManager.modify.
        mptcp::dbus::BusAuthorityQueries authority(*object);
        mptcp::dbus::PolkitAuthorizer authorizer(authority);
        mptcp::dbus::PathManagerService service(pm, enabled, notifier, authorizer);
        // The kernel's events as signals, while someone listens; a peer
        // that leaves the bus is unsubscribed.
        mptcp::dbus::BusEventSignals eventSignals(*object, *bus, *names);
        mptcp::dbus::Monitor monitor(events.get(), eventSignals, client->familyId(), {.always = alwaysMonitor});
        mptcp::dbus::PeerTracker peers;
        peers.watch(*bus);
        peers.onVanished([&monitor](const std::string& name) { monitor.peerVanished(name); });
        peers.onVanished([&authorizer](const std::string& name) { authorizer.forgetCaller(name); });
        mptcp::dbus::ManagedInterfaces interfaces(managed, notifier);
        mptcp::dbus::PathManagerAdaptor adaptor(*object, service, monitor, interfaces);
        object->finishRegistration();
        mptcp::dbus::EventLoop loop(*bus);
        if (events) {
            loop.addReader(
                monitor.fd(), [&monitor] { monitor.onReadable(); }, [&monitor] { return monitor.wantsInput(); });
        }
        loop.addReader(managed.eventFd(), [&interfaces] { interfaces.onRouteEvents(); });
        interfaces.start();  // saved state back, endpoints caught up, before any call
        // The object is in place before the name: a client activated by
        // its first call never finds the name without the object.
        try {
            bus->requestName(mptcp::dbus::kBusName);
        } catch (const sdbus::Error& e) {
            log("cannot own org.mptcp.PathManager: %s", e.getMessage().c_str(), kError);
            return 1;
        }
        log("serving org.mptcp.PathManager on %s", busDescription().c_str());
        log("options: %s", ("state file " + stateFile + (alwaysMonitor ? ", always monitoring" : "")).c_str(),
            mptcp::journal::Priority::Debug);
        if (!enabled.get()) {
            log("%s",
                "note: net.mptcp.enabled is 0 in this namespace: endpoints are configured but MPTCP "
                "sockets are refused until it is 1 (property Enabled)",
                kWarning);
        }
        const int sig = loop.run();
        log("stopping on %s", strsignal(sig));
        return 0;
    } catch (const sdbus::Error& e) {
        log("lost the bus: %s", (e.getName() + ": " + e.getMessage()).c_str(), kError);
        return 1;
    } catch (const std::exception& e) {
        log("fatal: %s", e.what(), kError);
        return 1;
    }
}
