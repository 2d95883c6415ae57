// org.mptcp.PathManager.Connections on the service's object, each method
// a read of the kernel's socket diagnostics at the time of the call.
// Read-only and open to every local user (the kernel shows them the same
// through sock_diag), so no authorization.
//
// A hand-written sd-bus vtable (sd_bus_add_object_vtable) on the daemon's
// sd_bus (system_bus.hpp), beside the other interfaces' vtables on the
// same path: the handlers write the
// dicts straight into the reply (connection_info.hpp), with no generated
// adaptor, std::function or sdbus::Message in between. The names and
// types are those of dbus/org.mptcp.PathManager.Connections.xml (the
// contract, from which the proxy is still generated; bus_service_test
// holds the introspection against it). Nothing thrown leaves a handler:
// everything becomes a D-Bus error (dbus_errors.hpp's names).
#pragma once

#include "bus_message.hpp"
#include "connection_reader.hpp"
#include "interface_names.hpp"

#include <systemd/sd-bus.h>

#include <memory>
#include <string>

namespace mptcp::dbus {

inline constexpr const char* kConnectionsInterface = "org.mptcp.PathManager.Connections";

class ConnectionsAdaptor {
public:
    // Serves the interface on `path` of `bus` until destroyed. Throws
    // std::runtime_error when sd-bus refuses the registration.
    ConnectionsAdaptor(sd_bus* bus, const char* path, diag::ConnectionReader& reader, InterfaceNames& names);

private:
    static int listConnections(sd_bus_message* call, void* self, sd_bus_error* error);
    static int getConnection(sd_bus_message* call, void* self, sd_bus_error* error);
    static int listSubflows(sd_bus_message* call, void* self, sd_bus_error* error);

    diag::ConnectionReader& reader_;
    InterfaceNames& names_;
    VtableSlot slot_;  // last: registered once the members above exist
};

// The same interface on a kernel without MPTCP (no_mptcp_service.hpp):
// every method answers NotSupported with the daemon's reason.
class NoMptcpConnectionsAdaptor {
public:
    NoMptcpConnectionsAdaptor(sd_bus* bus, const char* path, std::string why);

private:
    static int refuse(sd_bus_message* call, void* self, sd_bus_error* error);

    std::string why_;
    VtableSlot slot_;
};

}  // namespace mptcp::dbus
