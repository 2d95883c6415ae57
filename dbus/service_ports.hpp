// What the service needs from the bus, as two small interfaces: the real
// adaptor implements them with sd-bus, the unit tests with GoogleMock.
#pragma once

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

// Who may change the configuration. Throws PmError(AccessDenied) to refuse
// the caller of the method being processed.
class Authorizer {
public:
    virtual ~Authorizer() = default;
    virtual void authorizeChange(const char* what) = 0;
};

}  // namespace mptcp::dbus
