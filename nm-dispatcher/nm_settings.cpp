#include "nm_settings.hpp"

#include <memory>

namespace mptcp::dispatch {
namespace {

struct VariantDeleter {
    void operator()(GVariant* v) const { g_variant_unref(v); }
};
using VariantPtr = std::unique_ptr<GVariant, VariantDeleter>;

VariantPtr section(GVariant* settings, const char* name)
{
    return VariantPtr(g_variant_lookup_value(settings, name, G_VARIANT_TYPE_VARDICT));
}

std::string stringIn(GVariant* dict, const char* key)
{
    const char* value = nullptr;
    return dict != nullptr && g_variant_lookup(dict, key, "&s", &value) ? value : "";
}

}  // namespace

ConnectionSettings connectionSettingsFrom(GVariant* settings)
{
    if (settings == nullptr || !g_variant_is_of_type(settings, G_VARIANT_TYPE("a{sa{sv}}"))) {
        throw LookupError("the settings are not of type a{sa{sv}}");
    }
    ConnectionSettings c;
    const auto connection = section(settings, "connection");
    c.uuid = stringIn(connection.get(), "uuid");
    c.id = stringIn(connection.get(), "id");
    c.type = stringIn(connection.get(), "type");
    guint32 mptcpFlags = 0;
    if (connection && g_variant_lookup(connection.get(), "mptcp-flags", "u", &mptcpFlags)) {
        c.nmMptcpFlags = mptcpFlags;
    }
    // NetworkManager 1.42 says master/slave-type; later ones also controller/port-type.
    for (const char* key : {"master", "slave-type", "controller", "port-type"}) {
        if (!stringIn(connection.get(), key).empty()) {
            c.isPort = true;
        }
    }
    if (const auto user = section(settings, "user")) {
        if (const VariantPtr data{g_variant_lookup_value(user.get(), "data", G_VARIANT_TYPE("a{ss}"))}) {
            const char* flags = nullptr;
            if (g_variant_lookup(data.get(), "mptcp-pathmanager.flags", "&s", &flags)) {
                c.userFlags = flags;
            }
        }
    }
    return c;
}

ConnectionSettings NmSettingsSource::lookup(const std::string& dbusPath)
{
    if (!g_variant_is_object_path(dbusPath.c_str())) {
        throw LookupError("not a D-Bus object path");
    }
    std::string why;
    GDBusConnection* bus = bus_.get(&why);
    if (bus == nullptr) {
        throw LookupError(why);
    }
    GError* error = nullptr;
    const VariantPtr reply{g_dbus_connection_call_sync(bus, "org.freedesktop.NetworkManager", dbusPath.c_str(),
                                                       "org.freedesktop.NetworkManager.Settings.Connection",
                                                       "GetSettings", nullptr, G_VARIANT_TYPE("(a{sa{sv}})"),
                                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, timeoutMs_, nullptr, &error)};
    if (!reply) {
        const std::string what = "GetSettings failed: " + dbusErrorName(error) + ": " + dbusErrorMessage(error);
        g_error_free(error);
        throw LookupError(what);
    }
    const VariantPtr settings{g_variant_get_child_value(reply.get(), 0)};
    return connectionSettingsFrom(settings.get());
}

}  // namespace mptcp::dispatch
