// org.mptcp.PathManager.Connections on the service's object: the adaptor
// generated from org.mptcp.PathManager.Connections.xml, each method a read
// of the kernel's socket diagnostics at the time of the call, through
// atBoundary() so that nothing but an sdbus::Error ever leaves. Read-only
// and open to every local user (the kernel shows them the same through
// sock_diag), so no authorization.
#pragma once

#include "connection_reader.hpp"
#include "connections_adaptor_glue.h"
#include "interface_names.hpp"

#include <sdbus-c++/sdbus-c++.h>

namespace mptcp::dbus {

class ConnectionsAdaptor final : public org::mptcp::PathManager::Connections_adaptor {
public:
    ConnectionsAdaptor(sdbus::IObject& object, diag::ConnectionReader& reader, InterfaceNames& names)
        : Connections_adaptor(object), reader_(reader), names_(names)
    {
    }

private:
    std::vector<sdbus::Struct<uint32_t, std::map<std::string, sdbus::Variant>>> ListConnections() override;
    std::map<std::string, sdbus::Variant> GetConnection(const uint32_t& token) override;
    std::vector<std::map<std::string, sdbus::Variant>> ListSubflows(const uint32_t& token) override;

    diag::ConnectionReader& reader_;
    InterfaceNames& names_;
};

}  // namespace mptcp::dbus
