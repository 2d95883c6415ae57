#include "no_mptcp_service.hpp"

#include "connections_adaptor.hpp"
#include "daemon_log.hpp"
#include "dbus_errors.hpp"
#include "event_loop.hpp"
#include "path_manager_adaptor.hpp"
#include "system_bus.hpp"
#include "userspace_adaptor.hpp"

#include <cstdio>
#include <cstring>

namespace mptcp::dbus {
int serveWithoutMptcp(const std::string& why)
{
    std::unique_ptr<SystemBus> bus;
    try {
        bus = std::make_unique<SystemBus>();
    } catch (const BusFailure& e) {
        daemonLog(std::string("cannot connect to the system bus: ") + e.what(), journal::Priority::Error);
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
            daemonLog(std::string("cannot own org.mptcp.PathManager: ") + e.what(), journal::Priority::Error);
            return 1;
        }
        daemonLog(
            "serving org.mptcp.PathManager without MPTCP: every call answers "
            "org.mptcp.PathManager.Error.NotSupported",
            journal::Priority::Warning);
        const int sig = loop.run();
        daemonLog(std::string("stopping on ") + strsignal(sig));
        return 0;
    } catch (const BusFailure& e) {
        daemonLog(std::string("lost the bus: ") + e.what(), journal::Priority::Error);
        return 1;
    } catch (const std::exception& e) {
        daemonLog(std::string("fatal: ") + e.what(), journal::Priority::Error);
        return 1;
    }
}

}  // namespace mptcp::dbus
