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

CallResult BusPathManagerCalls::call(const char* method, GVariant* parameters, const GVariantType* replyType,
                                     GVariant** kept)
{
    g_variant_ref_sink(parameters);
    std::string why;
    GDBusConnection* bus = bus_.get(&why);
    if (bus == nullptr) {
        g_variant_unref(parameters);
        return {false, "org.freedesktop.DBus.Error.NoServer", why};
    }
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(bus, kBusName, kObjectPath, kInterface, method, parameters, replyType,
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
    if (kept != nullptr) {
        *kept = reply;
    } else {
        g_variant_unref(reply);
    }
    return {};
}

CallResult BusPathManagerCalls::manageInterface(const std::string& interface, const std::vector<std::string>& flags,
                                                const ManageOptions& options)
{
    if (!isUtf8(interface) || !isUtf8(options.owner) || !isUtf8(options.source)) {
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
    if (!options.source.empty()) {
        g_variant_builder_add(&opts, "{sv}", "source", g_variant_new_string(options.source.c_str()));
    }
    g_variant_builder_add(&opts, "{sv}", "transient", g_variant_new_boolean(options.transient));
    return call("ManageInterface", g_variant_new("(sasa{sv})", interface.c_str(), &names, &opts));
}

CallResult BusPathManagerCalls::releaseInterface(const std::string& interface)
{
    if (!isUtf8(interface)) {
        return notUtf8();
    }
    return call("ReleaseInterface", g_variant_new("(s)", interface.c_str()));
}

CallResult BusPathManagerCalls::releaseOwner(const std::string& owner)
{
    if (!isUtf8(owner)) {
        return {false, "org.freedesktop.DBus.Error.InvalidArgs", "the owner is not valid UTF-8"};
    }
    GVariant* reply = nullptr;
    CallResult result = call("ReleaseOwner", g_variant_new("(s)", owner.c_str()), G_VARIANT_TYPE("(as)"), &reply);
    if (reply != nullptr) {
        GVariantIter* names = nullptr;
        const gchar* name = nullptr;
        g_variant_get(reply, "(as)", &names);
        while (g_variant_iter_next(names, "&s", &name)) {
            result.released.emplace_back(name);
        }
        g_variant_iter_free(names);
        g_variant_unref(reply);
    }
    return result;
}

}  // namespace mptcp::dispatch
