// The org.mptcp.PathManager.Connections calls of `mptcpctl connection`,
// over sd-bus on PathManagerBus's connection (see path_manager_bus.hpp for
// why not sdbus-c++). Signatures as in dbus/org.mptcp.PathManager.Connections.xml.
#pragma once

#include "connection_view.hpp"
#include "path_manager_bus.hpp"

#include <cstdint>
#include <vector>

namespace mptcp::cli {

inline constexpr const char* kConnectionsInterface = "org.mptcp.PathManager.Connections";

// One synchronous call each; every failure throws BusError.
std::vector<ConnectionView> listConnections(PathManagerBus& bus);
ConnectionView getConnection(PathManagerBus& bus, std::uint32_t token);
std::vector<InfoMap> listSubflows(PathManagerBus& bus, std::uint32_t token);

}  // namespace mptcp::cli
