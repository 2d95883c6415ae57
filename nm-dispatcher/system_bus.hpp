// The hook's one connection to the system bus, opened on first use (a
// `down` event never needs NetworkManager, and may not need the bus).
#pragma once

#include <gio/gio.h>

#include <string>

namespace mptcp::dispatch {

class SystemBus {
public:
    SystemBus() = default;
    ~SystemBus();
    SystemBus(const SystemBus&) = delete;
    SystemBus& operator=(const SystemBus&) = delete;

    // The connection, or nullptr with *error saying why there is none.
    // Private rather than g_bus_get()'s shared one, whose exit-on-close
    // would end the hook with status 1 if the bus went away.
    GDBusConnection* get(std::string* error);

private:
    GDBusConnection* connection_ = nullptr;
    std::string error_;
    bool tried_ = false;
};

// A GError as a D-Bus error name and message: the remote name when the
// peer sent one, the standard name GDBus maps a local error to, else
// org.freedesktop.DBus.Error.Failed.
std::string dbusErrorName(const GError* error);
std::string dbusErrorMessage(const GError* error);

}  // namespace mptcp::dispatch
