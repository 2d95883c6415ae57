#include "connections_adaptor.hpp"

#include "connection_info.hpp"
#include "dbus_errors.hpp"

#include <cstdio>
#include <stdexcept>

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

template <typename Result>
void ConnectionsAdaptor::answer(const Result& result, const char* method,
                                const std::function<void(sdbus::Message&)>& fill)
{
    try {
        atBoundary(method, [&] {
            // The generated code created the call as a MethodCall.
            const auto* call = static_cast<const sdbus::MethodCall*>(object_.getCurrentlyProcessedMessage());
            if (call == nullptr) {
                throw std::logic_error("no call is being processed");
            }
            auto reply = call->createReply();
            fill(reply);
            reply.send();
        });
    } catch (const sdbus::Error& e) {
        result.returnError(e);
    }
}

void ConnectionsAdaptor::ListConnections(sdbus::Result<std::vector<sdbus::Struct<uint32_t, InfoDict>>>&& result)
{
    answer(result, "ListConnections", [&](sdbus::Message& reply) {
        const auto connections = reader_.list();
        reply.openContainer("(ua{sv})");
        for (const auto& c : connections) {
            reply.openStruct("ua{sv}");
            reply << c.info->token;
            writeConnectionInfo(reply, c, names_);
            reply.closeStruct();
        }
        reply.closeContainer();
    });
}

void ConnectionsAdaptor::GetConnection(sdbus::Result<InfoDict>&& result, uint32_t token)
{
    answer(result, "GetConnection", [&](sdbus::Message& reply) {
        const auto c = reader_.find(token);
        if (!c) {
            notFound(token);
        }
        writeConnectionInfo(reply, *c, names_);
    });
}

void ConnectionsAdaptor::ListSubflows(sdbus::Result<std::vector<InfoDict>>&& result, uint32_t token)
{
    answer(result, "ListSubflows", [&](sdbus::Message& reply) {
        // An unknown token is NotFound, not an empty list: the lookup by
        // token is one cheap request, the TCP dumps are not.
        if (!reader_.find(token)) {
            notFound(token);
        }
        const auto subflows = reader_.subflows(token);
        reply.openContainer("a{sv}");
        for (const auto& s : subflows) {
            writeSubflowInfo(reply, s, names_);
        }
        reply.closeContainer();
    });
}

void NoMptcpConnectionsAdaptor::ListConnections(sdbus::Result<std::vector<sdbus::Struct<uint32_t, InfoDict>>>&& result)
{
    result.returnError(sdbus::Error(kNotSupported, why_));
}

void NoMptcpConnectionsAdaptor::GetConnection(sdbus::Result<InfoDict>&& result, uint32_t)
{
    result.returnError(sdbus::Error(kNotSupported, why_));
}

void NoMptcpConnectionsAdaptor::ListSubflows(sdbus::Result<std::vector<InfoDict>>&& result, uint32_t)
{
    result.returnError(sdbus::Error(kNotSupported, why_));
}

}  // namespace mptcp::dbus
