// What the service needs from the bus, as two small interfaces: the real
// adaptor implements them with sd-bus, the unit tests with GoogleMock.
#pragma once

#include "batch_options.hpp"

#include "option_value.hpp"

#include <map>
#include <string>
#include <vector>

namespace mptcp::dbus {

// Signals the service emits.
class Notifier {
public:
    virtual ~Notifier() = default;
    virtual void endpointsChanged() = 0;
    virtual void propertiesChanged(const std::vector<std::string>& names) = 0;
};

// The monitor half of the contract: Subscribe / SubscribeBatched /
// Unsubscribe by the caller's unique bus name.
class MonitorControl {
public:
    virtual ~MonitorControl() = default;
    virtual void subscribe(const std::string& sender) = 0;
    virtual void subscribeBatched(const std::string& sender, const BatchOptions& options) = 0;
    virtual void unsubscribe(const std::string& sender) = 0;
};

// Managed interfaces: ManageInterface / ReleaseInterface /
// ListManagedInterfaces.
// (interface, flags, options) as the contract's (sasa{sv}).
struct ManagedInterfaceStruct {
    std::string interface;
    std::vector<std::string> flags;
    OptionMap options;
};
class InterfaceManager {
public:
    virtual ~InterfaceManager() = default;
    virtual void manage(const std::string& interface, const std::vector<std::string>& flags,
                        const OptionMap& options) = 0;
    virtual void release(const std::string& interface) = 0;
    // The names of the interfaces released, possibly none.
    virtual std::vector<std::string> releaseOwner(const std::string& owner) = 0;
    virtual std::vector<ManagedInterfaceStruct> list() = 0;
};

}  // namespace mptcp::dbus
