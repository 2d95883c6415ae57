// org.mptcp.PathManager.Connections on the service's object: the adaptor
// generated from org.mptcp.PathManager.Connections.xml, each method a read
// of the kernel's socket diagnostics at the time of the call. Read-only and
// open to every local user (the kernel shows them the same through
// sock_diag), so no authorization.
//
// The methods are declared asynchronous in the XML only so that the
// generated code leaves the reply to them: each answers before it returns,
// writing the dicts straight into the reply (connection_info.hpp says why),
// or an error made by atBoundary() - nothing but an sdbus::Error leaves.
#pragma once

#include "connection_reader.hpp"
#include "connections_adaptor_glue.h"
#include "interface_names.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>

namespace mptcp::dbus {

class ConnectionsAdaptor final : public org::mptcp::PathManager::Connections_adaptor {
public:
    ConnectionsAdaptor(sdbus::IObject& object, diag::ConnectionReader& reader, InterfaceNames& names)
        : Connections_adaptor(object), object_(object), reader_(reader), names_(names)
    {
    }

private:
    using InfoDict = std::map<std::string, sdbus::Variant>;
    void ListConnections(sdbus::Result<std::vector<sdbus::Struct<uint32_t, InfoDict>>>&& result) override;
    void GetConnection(sdbus::Result<InfoDict>&& result, uint32_t token) override;
    void ListSubflows(sdbus::Result<std::vector<InfoDict>>&& result, uint32_t token) override;

    // Sends the reply that fill writes, or the error it (or anything
    // before the send) throws, to the call being processed.
    template <typename Result>
    void answer(const Result& result, const char* method, const std::function<void(sdbus::Message&)>& fill);

    sdbus::IObject& object_;
    diag::ConnectionReader& reader_;
    InterfaceNames& names_;
};

// The same interface on a kernel without MPTCP (no_mptcp_service.hpp):
// every method answers NotSupported with the daemon's reason.
class NoMptcpConnectionsAdaptor final : public org::mptcp::PathManager::Connections_adaptor {
public:
    NoMptcpConnectionsAdaptor(sdbus::IObject& object, std::string why)
        : Connections_adaptor(object), why_(std::move(why))
    {
    }

private:
    using InfoDict = std::map<std::string, sdbus::Variant>;
    void ListConnections(sdbus::Result<std::vector<sdbus::Struct<uint32_t, InfoDict>>>&& result) override;
    void GetConnection(sdbus::Result<InfoDict>&& result, uint32_t token) override;
    void ListSubflows(sdbus::Result<std::vector<InfoDict>>&& result, uint32_t token) override;

    std::string why_;
};

}  // namespace mptcp::dbus
