// mptcp-pathmanagerd: owns org.mptcp.PathManager on the system bus and
// serves the MPTCP path manager of the network namespace it runs in.
#include "event_loop.hpp"
#include "mptcp_sysctl.hpp"
#include "netlink_transport.hpp"
#include "path_manager.hpp"
#include "path_manager_adaptor.hpp"
#include "path_manager_service.hpp"
#include "pm_client.hpp"
#include "unavailable_features.hpp"
#include "version.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

constexpr const char* kUsage =
    "Usage: mptcp-pathmanagerd [--help] [--version]\n"
    "\n"
    "Serves the Multipath TCP path manager of this network namespace as\n"
    "org.mptcp.PathManager on the system bus (the bus DBUS_SYSTEM_BUS_ADDRESS\n"
    "names, else the standard system bus). Mirrors `ip mptcp endpoint` and\n"
    "`ip mptcp limits`; see mptcp-pathmanagerd(8).\n";

void log(const char* fmt, const char* arg)
{
    std::fprintf(stderr, "mptcp-pathmanagerd: ");
    std::fprintf(stderr, fmt, arg);
    std::fputc('\n', stderr);
}

std::string busDescription()
{
    const char* addr = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    return addr ? std::string("the bus at ") + addr : "the system bus";
}

}  // namespace

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "--version") {
            std::printf("mptcp-pathmanagerd %s\n", mptcp::kVersion);
            return 0;
        }
        log("unknown argument \"%s\" (try --help)", argv[i]);
        return 2;
    }

    // The kernel first: without MPTCP there is nothing to serve, and a
    // clear line here beats NotSupported on every call.
    std::unique_ptr<mptcp::NetlinkTransport> transport;
    std::unique_ptr<mptcp::PmClient> client;
    std::unique_ptr<mptcp::InterfaceNames> names;
    try {
        transport = mptcp::openGenericNetlink();
        client = std::make_unique<mptcp::PmClient>(*transport);
        names = mptcp::systemInterfaceNames();
    } catch (const std::exception& e) {
        log("%s", e.what());
        return 1;
    }
    mptcp::PathManager pm(*client, *names);
    mptcp::MptcpEnabledSetting enabled;

    std::unique_ptr<sdbus::IConnection> bus;
    try {
        bus = sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
        log("cannot connect to %s", (busDescription() + ": " + e.getMessage()).c_str());
        return 1;
    }

    try {
        auto object = sdbus::createObject(*bus, mptcp::dbus::kObjectPath);
        mptcp::dbus::BusNotifier notifier(*object);
        mptcp::dbus::RootOnlyAuthorizer authorizer(*object);
        mptcp::dbus::PathManagerService service(pm, enabled, notifier, authorizer);
        mptcp::dbus::UnavailableMonitor monitor;
        mptcp::dbus::UnavailableInterfaceManager interfaces;
        mptcp::dbus::PathManagerAdaptor adaptor(*object, service, monitor, interfaces);
        object->finishRegistration();
        mptcp::dbus::EventLoop loop(*bus);
        // The object is in place before the name: a client activated by
        // its first call never finds the name without the object.
        try {
            bus->requestName(mptcp::dbus::kBusName);
        } catch (const sdbus::Error& e) {
            log("cannot own org.mptcp.PathManager: %s", e.getMessage().c_str());
            return 1;
        }
        log("serving org.mptcp.PathManager on %s", busDescription().c_str());
        if (!enabled.get()) {
            log("%s",
                "note: net.mptcp.enabled is 0 in this namespace: endpoints are configured but MPTCP "
                "sockets are refused until it is 1 (property Enabled)");
        }
        const int sig = loop.run();
        log("stopping on %s", strsignal(sig));
        return 0;
    } catch (const sdbus::Error& e) {
        log("lost the bus: %s", (e.getName() + ": " + e.getMessage()).c_str());
        return 1;
    } catch (const std::exception& e) {
        log("fatal: %s", e.what());
        return 1;
    }
}
