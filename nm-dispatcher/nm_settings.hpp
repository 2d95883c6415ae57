// The connection's settings from NetworkManager: one GetSettings call on
// org.freedesktop.NetworkManager.Settings.Connection at CONNECTION_DBUS_PATH,
// rather than libnm's NMClient, which would load NetworkManager's whole
// object tree to answer one question.
#pragma once

#include "hook_ports.hpp"
#include "system_bus.hpp"

#include <gio/gio.h>

namespace mptcp::dispatch {

// The part of GetSettings' a{sa{sv}} the decision needs. Values of an
// unexpected type count as absent; a reply of another type throws
// LookupError.
ConnectionSettings connectionSettingsFrom(GVariant* settings);

class NmSettingsSource final : public ConnectionSettingsSource {
public:
    NmSettingsSource(SystemBus& bus, int timeoutMs) : bus_(bus), timeoutMs_(timeoutMs) {}
    ConnectionSettings lookup(const std::string& dbusPath) override;

private:
    SystemBus& bus_;
    int timeoutMs_;
};

}  // namespace mptcp::dispatch
