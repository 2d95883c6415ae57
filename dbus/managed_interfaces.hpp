// InterfaceManager (ManageInterface, ReleaseInterface, ReleaseOwner,
// ListManagedInterfaces)
// over the core's ManagedEndpoints: D-Bus arguments in, signals out, and a
// failure the kernel reported while keeping the endpoints becomes the call's
// error after the signals for what did change. Authorization is the
// adaptor's (it asks before calling here).
#pragma once

#include "managed_endpoints.hpp"
#include "service_ports.hpp"

namespace mptcp::dbus {

class ManagedInterfaces final : public InterfaceManager {
public:
    ManagedInterfaces(ManagedEndpoints& core, Notifier& notifier) : core_(core), notifier_(notifier) {}

    void manage(const std::string& interface, const std::vector<std::string>& flags, const OptionMap& options) override;
    void release(const std::string& interface) override;
    std::vector<std::string> releaseOwner(const std::string& owner) override;
    std::vector<ManagedInterfaceStruct> list() override;

    // At start (after the object is registered) and whenever the rtnetlink
    // socket is readable: never throws; what goes wrong is in the log.
    void start();
    void onRouteEvents();
    // Reads the configuration file (at start, before start(), and on
    // SIGHUP): never throws; mistakes are in the log.
    void loadConfig(const std::string& path);

private:
    // Signals for what changed; then the failure, if any, as the error.
    void announce(const ManagedOutcome& outcome, bool throwFailure);

    ManagedEndpoints& core_;
    Notifier& notifier_;
};

}  // namespace mptcp::dbus
