#include "nm_profiles.hpp"

#include "nm_settings.hpp"

#include <algorithm>
#include <memory>

namespace mptcp::profile {
namespace {

struct ErrorFree {
    void operator()(GError* e) const { g_error_free(e); }
};
using ErrorPtr = std::unique_ptr<GError, ErrorFree>;

std::string messageOf(GError* error)
{
    if (error == nullptr) {
        return "unknown error";
    }
    // libnm hands D-Bus errors on as "GDBus.Error:NAME: text"; keep the
    // name, it says what NetworkManager refused.
    gchar* remote = g_dbus_error_get_remote_error(error);
    std::string text = error->message;
    if (remote != nullptr) {
        g_dbus_error_strip_remote_error(error);
        text = std::string(remote) + ": " + error->message;
        g_free(remote);
    }
    return text;
}

// The result of one asynchronous libnm call, waited for on the default
// main context (this is a short-lived command: waiting is its job).
struct Pending {
    bool done = false;
    GAsyncResult* result = nullptr;
};

void finished(GObject*, GAsyncResult* result, gpointer data)
{
    auto* p = static_cast<Pending*>(data);
    p->result = G_ASYNC_RESULT(g_object_ref(result));
    p->done = true;
}

void waitFor(Pending& p)
{
    while (!p.done) {
        g_main_context_iteration(nullptr, TRUE);
    }
}

std::string idOf(NMRemoteConnection* c)
{
    const char* id = nm_connection_get_id(NM_CONNECTION(c));
    return id != nullptr ? id : "";
}

std::string uuidOf(NMRemoteConnection* c)
{
    const char* uuid = nm_connection_get_uuid(NM_CONNECTION(c));
    return uuid != nullptr ? uuid : "";
}

std::vector<NMDevice*> devicesOf(NMClient* client, NMRemoteConnection* connection)
{
    std::vector<NMDevice*> devices;
    const GPtrArray* actives = nm_client_get_active_connections(client);
    for (guint i = 0; actives != nullptr && i < actives->len; ++i) {
        auto* active = NM_ACTIVE_CONNECTION(actives->pdata[i]);
        if (nm_active_connection_get_connection(active) != connection) {
            continue;
        }
        const GPtrArray* list = nm_active_connection_get_devices(active);
        for (guint j = 0; list != nullptr && j < list->len; ++j) {
            devices.push_back(NM_DEVICE(list->pdata[j]));
        }
    }
    return devices;
}

std::string deviceName(NMDevice* device)
{
    const char* ip = nm_device_get_ip_iface(device);
    if (ip != nullptr && *ip != '\0') {
        return ip;
    }
    const char* iface = nm_device_get_iface(device);
    return iface != nullptr ? iface : "";
}

}  // namespace

NmProfiles::NmProfiles()
{
    GError* raw = nullptr;
    client_ = nm_client_new(nullptr, &raw);
    const ErrorPtr error(raw);
    if (client_ == nullptr) {
        throw ProfileError(1, "cannot reach NetworkManager: " + messageOf(error.get()));
    }
    if (!nm_client_get_nm_running(client_)) {
        g_object_unref(client_);
        client_ = nullptr;
        throw ProfileError(1, "NetworkManager is not running");
    }
}

NmProfiles::~NmProfiles()
{
    if (client_ != nullptr) {
        g_object_unref(client_);
    }
}

std::vector<NMRemoteConnection*> NmProfiles::all() const
{
    std::vector<NMRemoteConnection*> list;
    const GPtrArray* connections = nm_client_get_connections(client_);
    for (guint i = 0; connections != nullptr && i < connections->len; ++i) {
        list.push_back(NM_REMOTE_CONNECTION(connections->pdata[i]));
    }
    std::sort(list.begin(), list.end(), [](NMRemoteConnection* a, NMRemoteConnection* b) {
        return std::make_pair(idOf(a), uuidOf(a)) < std::make_pair(idOf(b), uuidOf(b));
    });
    return list;
}

NMRemoteConnection* NmProfiles::find(const std::string& name) const
{
    std::vector<NMRemoteConnection*> byId;
    for (auto* c : all()) {
        if (uuidOf(c) == name) {
            return c;
        }
        if (idOf(c) == name) {
            byId.push_back(c);
        }
    }
    if (byId.size() == 1) {
        return byId.front();
    }
    if (byId.empty()) {
        throw ProfileError(
            2, "no connection profile has the id or uuid \"" + name + "\" (mptcpctl profile show lists them)");
    }
    std::string uuids;
    for (auto* c : byId) {
        uuids += " " + uuidOf(c);
    }
    throw ProfileError(2, "several connection profiles have the id \"" + name + "\"; name one by its uuid:" + uuids);
}

dispatch::ConnectionSettings NmProfiles::settingsOf(NMRemoteConnection* connection)
{
    GVariant* dbus = nm_connection_to_dbus(NM_CONNECTION(connection), NM_CONNECTION_SERIALIZE_NO_SECRETS);
    g_variant_ref_sink(dbus);
    dispatch::ConnectionSettings settings = dispatch::connectionSettingsFrom(dbus);
    g_variant_unref(dbus);
    return settings;
}

Placement NmProfiles::placementOf(NMRemoteConnection* connection) const
{
    Placement p;
    const auto devices = devicesOf(client_, connection);
    if (!devices.empty()) {
        p.active = true;
        p.device = deviceName(devices.front());
        return p;
    }
    const char* name = nm_connection_get_interface_name(NM_CONNECTION(connection));
    p.device = name != nullptr ? name : "";
    return p;
}

void NmProfiles::storeFlags(NMRemoteConnection* connection, const std::optional<std::string>& flags)
{
    NMConnection* copy = nm_simple_connection_new_clone(NM_CONNECTION(connection));
    const std::unique_ptr<NMConnection, void (*)(gpointer)> owner(copy, g_object_unref);
    auto* user = NM_SETTING_USER(nm_connection_get_setting(copy, NM_TYPE_SETTING_USER));
    if (user == nullptr) {
        if (!flags) {
            return;  // no user data at all: nothing to remove, the profile stays as it is
        }
        user = NM_SETTING_USER(nm_setting_user_new());
        nm_connection_add_setting(copy, NM_SETTING(user));
    }
    GError* raw = nullptr;
    if (!nm_setting_user_set_data(user, kUserDataKey, flags ? flags->c_str() : nullptr, &raw)) {
        const ErrorPtr error(raw);
        throw ProfileError(2, "cannot set the user data: " + messageOf(error.get()));
    }
    Pending pending;
    nm_remote_connection_update2(connection, nm_connection_to_dbus(copy, NM_CONNECTION_SERIALIZE_ALL),
                                 NM_SETTINGS_UPDATE2_FLAG_TO_DISK, nullptr, nullptr, finished, &pending);
    waitFor(pending);
    GVariant* reply = nm_remote_connection_update2_finish(connection, pending.result, &raw);
    g_object_unref(pending.result);
    if (reply == nullptr) {
        const ErrorPtr error(raw);
        throw ProfileError(2, "NetworkManager did not save \"" + idOf(connection) + "\": " + messageOf(error.get()));
    }
    g_variant_unref(reply);
}

std::vector<std::string> NmProfiles::reapply(NMRemoteConnection* connection)
{
    std::vector<std::string> names;
    for (NMDevice* device : devicesOf(client_, connection)) {
        Pending pending;
        // No connection given: the device takes its settings connection,
        // just saved; version 0: whatever is applied now.
        nm_device_reapply_async(device, nullptr, 0, 0, nullptr, finished, &pending);
        waitFor(pending);
        GError* raw = nullptr;
        const gboolean ok = nm_device_reapply_finish(device, pending.result, &raw);
        g_object_unref(pending.result);
        if (!ok) {
            const ErrorPtr error(raw);
            throw ProfileError(2, "saved, but NetworkManager did not reapply it on " + deviceName(device) + ": " +
                                      messageOf(error.get()));
        }
        names.push_back(deviceName(device));
    }
    return names;
}

}  // namespace mptcp::profile
