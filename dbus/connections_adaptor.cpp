#include "connections_adaptor.hpp"

#include "connection_info.hpp"
#include "dbus_errors.hpp"

#include <cstdio>

namespace mptcp::dbus {
namespace {

[[noreturn]] void notFound(std::uint32_t token)
{
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08x", token);
    throw PmError(ErrorKind::NotFound,
                  std::string("no MPTCP connection has token ") + hex + " (" + std::to_string(token) + ")");
}

}  // namespace

std::vector<sdbus::Struct<uint32_t, std::map<std::string, sdbus::Variant>>> ConnectionsAdaptor::ListConnections()
{
    return atBoundary("ListConnections", [&] {
        const auto connections = reader_.list();
        std::vector<sdbus::Struct<uint32_t, std::map<std::string, sdbus::Variant>>> out;
        out.reserve(connections.size());
        for (const auto& c : connections) {
            out.emplace_back(c.info->token, connectionInfo(c, names_));
        }
        return out;
    });
}

std::map<std::string, sdbus::Variant> ConnectionsAdaptor::GetConnection(const uint32_t& token)
{
    return atBoundary("GetConnection", [&] {
        const auto c = reader_.find(token);
        if (!c) {
            notFound(token);
        }
        return connectionInfo(*c, names_);
    });
}

std::vector<std::map<std::string, sdbus::Variant>> ConnectionsAdaptor::ListSubflows(const uint32_t& token)
{
    return atBoundary("ListSubflows", [&] {
        // An unknown token is NotFound, not an empty list: the lookup by
        // token is one cheap request, the TCP dumps are not.
        if (!reader_.find(token)) {
            notFound(token);
        }
        std::vector<std::map<std::string, sdbus::Variant>> out;
        for (const auto& s : reader_.subflows(token)) {
            out.push_back(subflowInfo(s, names_));
        }
        return out;
    });
}

}  // namespace mptcp::dbus
