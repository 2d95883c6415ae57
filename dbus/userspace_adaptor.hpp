// The sd-bus side of org.mptcp.PathManager.Userspace: an sd-bus vtable on
// the service's one object (held to org.mptcp.PathManager.Userspace.xml by
// a test). Every changing method goes through the authorization gate
// (polkit's org.mptcp.PathManager.control-connections, asked without
// waiting), and writes of PathManager are answered by the gate (….modify);
// reads go straight to UserspaceService.
#pragma once

#include "authorization_gate.hpp"
#include "bus_message.hpp"
#include "userspace_service.hpp"

#include <systemd/sd-bus.h>

#include <string>

namespace mptcp::dbus {

inline constexpr const char* kUserspaceInterface = "org.mptcp.PathManager.Userspace";

class UserspaceAdaptor {
public:
    // Throws std::runtime_error.
    UserspaceAdaptor(sd_bus* bus, UserspaceService& service, AuthorizationGate& gate);
    // A kernel without MPTCP: NotSupported for every member, with `why`.
    UserspaceAdaptor(sd_bus* bus, std::string why);
    UserspaceAdaptor(const UserspaceAdaptor&) = delete;
    UserspaceAdaptor& operator=(const UserspaceAdaptor&) = delete;

    // PropertiesChanged for PathManager (broadcast, like the main
    // interface's). A failure to queue it is only logged.
    void pathManagerChanged();

    // The vtable's handlers (public for the vtable's initializer only).
    static int onAnnounce(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onRemove(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onCreateSubflow(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onDestroySubflow(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onSetSubflowBackup(sd_bus_message* call, void* self, sd_bus_error* error);
    static int onListLocalAddresses(sd_bus_message* call, void* self, sd_bus_error* error);
    static int getPathManager(sd_bus* bus, const char* path, const char* interface, const char* property,
                              sd_bus_message* reply, void* self, sd_bus_error* error);
    static int setPathManager(sd_bus* bus, const char* path, const char* interface, const char* property,
                              sd_bus_message* value, void* self, sd_bus_error* error);

private:
    // NotSupported without MPTCP; 0 otherwise.
    int refused(sd_bus_error* error) const;

    sd_bus* bus_;
    UserspaceService* service_ = nullptr;
    AuthorizationGate* gate_ = nullptr;
    std::string why_;
    VtableSlot slot_;  // last: registered once the members above exist
};

}  // namespace mptcp::dbus
