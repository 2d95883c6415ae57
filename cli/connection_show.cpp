#include "connection_show.hpp"

#include "cli_exit.hpp"
#include "connection_format.hpp"
#include "connections_bus.hpp"

namespace mptcp::cli {
namespace {

constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";

// The subflows of each connection; one that closed since the list was
// read has none (it is gone: its line stays as the list saw it).
void addSubflows(PathManagerBus& bus, std::vector<ConnectionView>& connections)
{
    for (ConnectionView& c : connections) {
        try {
            c.subflows = listSubflows(bus, c.token);
        } catch (const BusError& e) {
            if (e.name != kNotFound) {
                throw;
            }
        }
    }
}

}  // namespace

std::string showConnections(const ConnectionArgs& args, const GlobalOptions& options, PathManagerBus& bus)
{
    std::vector<ConnectionView> connections;
    if (args.token) {
        try {
            connections.push_back(getConnection(bus, *args.token));
        } catch (const BusError& e) {
            if (e.name == kNotFound) {
                throw CliFailure(kExitRefused, refusalLine(e.message));
            }
            throw;
        }
    } else {
        connections = listConnections(bus);
    }
    if (options.details) {
        addSubflows(bus, connections);
    }
    return formatConnections(connections, options);
}

}  // namespace mptcp::cli
