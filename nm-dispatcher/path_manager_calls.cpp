#include "path_manager_calls.hpp"

namespace mptcp::dispatch {
namespace {

constexpr const char* kBusName = "org.mptcp.PathManager";
constexpr const char* kObjectPath = "/org/mptcp/PathManager";
constexpr const char* kInterface = "org.mptcp.PathManager";

CallResult notUtf8()
{
    // g_variant_new_string() accepts UTF-8 only; the name is not sent.
    return {false, "org.freedesktop.DBus.Error.InvalidArgs", "the interface name is not valid UTF-8"};
}

bool isUtf8(const std::string& s)
{
    return g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr) && s.find('\0') == std::string::npos;
}

}  // namespace

CallResult BusPathManagerCalls::call(const char* method, GVariant* parameters)
{
    g_variant_ref_sink(parameters);
    std::string why;
    GDBusConnection* bus = bus_.get(&why);
    if (bus == nullptr) {
        g_variant_unref(parameters);
        return {false, "org.freedesktop.DBus.Error.NoServer", why};
    }
    GError* error = nullptr;
    GVariant* reply =
        g_dbus_connection_call_sync(bus, kBusName, kObjectPath, kInterface, method, parameters, G_VARIANT_TYPE_UNIT,
                                    G_DBUS_CALL_FLAGS_NONE, timeoutMs_, nullptr, &error);
    g_variant_unref(parameters);
    if (reply == nullptr) {
        CallResult failed{false, dbusErrorName(error), dbusErrorMessage(error)};
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
            failed.unansweredAfterMs = timeoutMs_;  // sent, but not answered in time
        }
        g_error_free(error);
        return failed;
    }
    g_variant_unref(reply);
    return {};
}

CallResult BusPathManagerCalls::manageInterface(const std::string& interface, const std::vector<std::string>& flags,
                                                const ManageOptions& options)
{
    if (!isUtf8(interface) || !isUtf8(options.owner)) {
        return notUtf8();
    }
    GVariantBuilder names;
    g_variant_builder_init(&names, G_VARIANT_TYPE_STRING_ARRAY);
    for (const auto& flag : flags) {
        g_variant_builder_add(&names, "s", flag.c_str());
    }
    GVariantBuilder opts;
    g_variant_builder_init(&opts, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&opts, "{sv}", "unique-local", g_variant_new_boolean(options.uniqueLocal));
    if (!options.owner.empty()) {
        g_variant_builder_add(&opts, "{sv}", "owner", g_variant_new_string(options.owner.c_str()));
    }
    return call("ManageInterface", g_variant_new("(sasa{sv})", interface.c_str(), &names, &opts));
}

CallResult BusPathManagerCalls::releaseInterface(const std::string& interface)
{
    if (!isUtf8(interface)) {
        return notUtf8();
    }
    return call("ReleaseInterface", g_variant_new("(s)", interface.c_str()));
}

}  // namespace mptcp::dispatch
