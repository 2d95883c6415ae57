#include "no_mptcp_service.hpp"

#include "connections_adaptor.hpp"
#include "dbus_errors.hpp"
#include "event_loop.hpp"
#include "journal_log.hpp"
#include "path_manager_adaptor.hpp"
#include "system_bus.hpp"
#include "userspace_adaptor.hpp"

#include <cstdio>
#include <cstring>

namespace mptcp::dbus {
namespace {

void log(const std::string& line, journal::Priority priority = journal::Priority::Info)
{
    journal::logLine(priority, "mptcp-pathmanagerd", line);
}

}  // namespace

int serveWithoutMptcp(const std::string& why)
{
    std::unique_ptr<SystemBus> bus;
    try {
        bus = std::make_unique<SystemBus>();
    } catch (const BusFailure& e) {
        log(std::string("cannot connect to the system bus: ") + e.what(), journal::Priority::Error);
        return 1;
    }
    try {
        PathManagerAdaptor adaptor(bus->get(), why);
        NoMptcpConnectionsAdaptor connections(bus->get(), kObjectPath, why);
        UserspaceAdaptor userspace(bus->get(), why);
        EventLoop loop(*bus);
        try {
            bus->requestName(kBusName);
        } catch (const BusFailure& e) {
            log(std::string("cannot own org.mptcp.PathManager: ") + e.what(), journal::Priority::Error);
            return 1;
        }
        log("serving org.mptcp.PathManager without MPTCP: every call answers "
            "org.mptcp.PathManager.Error.NotSupported",
            journal::Priority::Warning);
        const int sig = loop.run();
        log(std::string("stopping on ") + strsignal(sig));
        return 0;
    } catch (const BusFailure& e) {
        log(std::string("lost the bus: ") + e.what(), journal::Priority::Error);
        return 1;
    } catch (const std::exception& e) {
        log(std::string("fatal: ") + e.what(), journal::Priority::Error);
        return 1;
    }
}

}  // namespace mptcp::dbus
