// The sd-bus side of org.mptcp.PathManager: one sd-bus vtable on the
// service's object, each method read straight from the call and answered
// straight into the reply (no generated glue: sd-bus checks the signatures,
// and introspection comes from the vtable, held to
// org.mptcp.PathManager.xml by a test). Changes go through the
// authorization gate (the property writes are answered by the gate
// itself); reads are answered at once.
#pragma once

#include "authorization_gate.hpp"
#include "bus_message.hpp"
#include "path_manager_service.hpp"
#include "service_ports.hpp"

#include <systemd/sd-bus.h>

#include <optional>
#include <string>
#include <vector>

namespace mptcp::dbus {

inline constexpr const char* kBusName = "org.mptcp.PathManager";
inline constexpr const char* kObjectPath = "/org/mptcp/PathManager";
inline constexpr const char* kPathManagerInterface = "org.mptcp.PathManager";

class PathManagerAdaptor {
public:
    struct Parts {
        PathManagerService& service;
        MonitorControl& monitor;
        InterfaceManager& interfaces;
        AuthorizationGate& gate;
    };

    // Serves the interface on kObjectPath; registers the writable
    // properties with the gate. Throws std::runtime_error.
    PathManagerAdaptor(sd_bus* bus, Parts parts);
    // A kernel without MPTCP: every member but Version answers
    // org.mptcp.PathManager.Error.NotSupported with `why`.
    PathManagerAdaptor(sd_bus* bus, std::string why);
    PathManagerAdaptor(const PathManagerAdaptor&) = delete;
    PathManagerAdaptor& operator=(const PathManagerAdaptor&) = delete;

    // The vtable's handlers (public for the vtable's initializer only).
    static int onAddEndpoint(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onDeleteEndpoint(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onChangeEndpoint(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onGetEndpoint(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onListEndpoints(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onFlushEndpoints(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onSetLimits(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onGetLimits(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onSubscribe(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onUnsubscribe(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onSubscribeBatched(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onManageInterface(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onReleaseInterface(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onReleaseOwner(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onListManagedInterfaces(sd_bus_message* call, void* self, sd_bus_error* error);
    static int getProperty(sd_bus* bus, const char* path, const char* interface, const char* property,
                           sd_bus_message* reply, void* self, sd_bus_error* error);
    static int setProperty(sd_bus* bus, const char* path, const char* interface, const char* property,
                           sd_bus_message* value, void* self, sd_bus_error* error);

private:
    // NotSupported without MPTCP; 0 when the parts are there.
    int refused(sd_bus_error* error) const;

    std::optional<Parts> parts_;
    std::string why_;
    VtableSlot slot_;  // last: registered once the members above exist
};

// (usqsas), as GetEndpoint, ListEndpoints and ListLocalAddresses answer it.
void appendEndpoint(sd_bus_message* m, const EndpointStruct& endpoint);
void appendEndpoint(sd_bus_message* m, const Endpoint& endpoint, const std::string& interface);

// Notifier over the object's signals. They go out at once, before the
// reply of the method that caused them: a caller that has its reply has
// its signals too.
class BusNotifier final : public Notifier {
public:
    explicit BusNotifier(sd_bus* bus) : bus_(bus) {}
    void endpointsChanged() override;
    void propertiesChanged(const std::vector<std::string>& names) override;
    // Where PropertiesChanged takes the new values from; without it the
    // signal names the properties as invalidated.
    void readValuesFrom(PathManagerService& service) { values_ = &service; }

private:
    sd_bus* bus_;
    PathManagerService* values_ = nullptr;
};

}  // namespace mptcp::dbus
