#include "system_bus.hpp"

#include <memory>

namespace mptcp::dispatch {
namespace {

struct GFreeDeleter {
    void operator()(void* p) const { g_free(p); }
};
using GString_ = std::unique_ptr<gchar, GFreeDeleter>;

}  // namespace

SystemBus::~SystemBus()
{
    if (connection_ != nullptr) {
        g_object_unref(connection_);
    }
}

GDBusConnection* SystemBus::get(std::string* error)
{
    if (!tried_) {
        tried_ = true;
        GError* e = nullptr;
        const GString_ address(g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SYSTEM, nullptr, &e));
        if (address) {
            connection_ = g_dbus_connection_new_for_address_sync(
                address.get(),
                static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
                nullptr, nullptr, &e);
        }
        if (connection_ == nullptr) {
            error_ = std::string("cannot connect to the system bus: ") + (e != nullptr ? e->message : "unknown error");
        }
        if (e != nullptr) {
            g_error_free(e);
        }
    }
    if (connection_ == nullptr && error != nullptr) {
        *error = error_;
    }
    return connection_;
}

std::string dbusErrorName(const GError* error)
{
    if (const GString_ remote{g_dbus_error_get_remote_error(error)}) {
        return remote.get();
    }
    if (error->domain == G_DBUS_ERROR) {
        const GString_ encoded{g_dbus_error_encode_gerror(error)};
        return encoded.get();
    }
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        return "org.freedesktop.DBus.Error.Timeout";
    }
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CLOSED)) {
        return "org.freedesktop.DBus.Error.Disconnected";
    }
    return "org.freedesktop.DBus.Error.Failed";
}

std::string dbusErrorMessage(const GError* error)
{
    GError* copy = g_error_copy(error);
    g_dbus_error_strip_remote_error(copy);
    std::string message = copy->message;
    g_error_free(copy);
    return message;
}

}  // namespace mptcp::dispatch
