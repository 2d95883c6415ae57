#include "connections_adaptor.hpp"

#include "bus_message.hpp"
#include "connection_info.hpp"
#include "dbus_errors.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace mptcp::dbus {
namespace {

[[noreturn]] void notFound(std::uint32_t token)
{
    char text[80];
    std::snprintf(text, sizeof text, "no MPTCP connection has token %08x (%u)", token, token);
    throw PmError(ErrorKind::NotFound, text);
}

// Every member is SD_BUS_VTABLE_UNPRIVILEGED: open to every local user,
// as the generated adaptor's were (sd-bus otherwise wants CAP_SYS_ADMIN).
template <sd_bus_message_handler_t List, sd_bus_message_handler_t Get, sd_bus_message_handler_t Subflows>
constexpr sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("ListConnections", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ua{sv})", connections), List,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("GetConnection", SD_BUS_ARGS("u", token), SD_BUS_RESULT("a{sv}", info), Get,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("ListSubflows", SD_BUS_ARGS("u", token), SD_BUS_RESULT("aa{sv}", subflows), Subflows,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

}  // namespace

ConnectionsAdaptor::ConnectionsAdaptor(sd_bus* bus, const char* path, diag::ConnectionReader& reader,
                                       InterfaceNames& names)
    : reader_(reader),
      names_(names),
      slot_(bus, path, kConnectionsInterface, kVtable<&listConnections, &getConnection, &listSubflows>, this)
{
}

int ConnectionsAdaptor::listConnections(sd_bus_message* call, void* self, sd_bus_error* error)
{
    auto& a = *static_cast<ConnectionsAdaptor*>(self);
    return msg::answerNow(call, error, "ListConnections", [&a](sd_bus_message* reply) {
        const auto connections = a.reader_.list();
        InfoWriter writer(reply, a.names_);
        checkWrite(sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "(ua{sv})"));
        for (const auto& c : connections) {
            checkWrite(sd_bus_message_open_container(reply, SD_BUS_TYPE_STRUCT, "ua{sv}"));
            const std::uint32_t token = c.info->token;  // list() gives only sockets with a token
            checkWrite(sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, &token));
            writer.connection(c);
            checkWrite(sd_bus_message_close_container(reply));
        }
        checkWrite(sd_bus_message_close_container(reply));
    });
}

int ConnectionsAdaptor::getConnection(sd_bus_message* call, void* self, sd_bus_error* error)
{
    auto& a = *static_cast<ConnectionsAdaptor*>(self);
    return msg::answerNow(call, error, "GetConnection", [&a, call](sd_bus_message* reply) {
        const std::uint32_t token = msg::readUint32(call);
        const auto c = a.reader_.find(token);
        if (!c) {
            notFound(token);
        }
        InfoWriter(reply, a.names_).connection(*c);
    });
}

int ConnectionsAdaptor::listSubflows(sd_bus_message* call, void* self, sd_bus_error* error)
{
    auto& a = *static_cast<ConnectionsAdaptor*>(self);
    return msg::answerNow(call, error, "ListSubflows", [&a, call](sd_bus_message* reply) {
        const std::uint32_t token = msg::readUint32(call);
        // An unknown token is NotFound, not an empty list: the lookup by
        // token is one cheap request, the TCP dumps are not.
        if (!a.reader_.find(token)) {
            notFound(token);
        }
        const auto subflows = a.reader_.subflows(token);
        InfoWriter writer(reply, a.names_);
        checkWrite(sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "a{sv}"));
        for (const auto& s : subflows) {
            writer.subflow(s);
        }
        checkWrite(sd_bus_message_close_container(reply));
    });
}

NoMptcpConnectionsAdaptor::NoMptcpConnectionsAdaptor(sd_bus* bus, const char* path, std::string why)
    : why_(std::move(why)), slot_(bus, path, kConnectionsInterface, kVtable<&refuse, &refuse, &refuse>, this)
{
}

int NoMptcpConnectionsAdaptor::refuse(sd_bus_message* /*call*/, void* self, sd_bus_error* error)
{
    return msg::notSupported(error, static_cast<NoMptcpConnectionsAdaptor*>(self)->why_);
}

}  // namespace mptcp::dbus
