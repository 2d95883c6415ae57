// The sd-bus side of the service: the adaptor generated from
// org.mptcp.PathManager.xml, every method forwarded to PathManagerService
// through atBoundary() so that nothing but an sdbus::Error ever leaves.
// Changes go through the authorization gate (asynchronous methods; the
// property writes are answered by the gate itself).
#pragma once

#include "authorization_gate.hpp"
#include "path_manager_service.hpp"
#include "pathmanager_adaptor.h"
#include "service_ports.hpp"

#include <sdbus-c++/sdbus-c++.h>

namespace mptcp::dbus {

inline constexpr const char* kBusName = "org.mptcp.PathManager";
inline constexpr const char* kObjectPath = "/org/mptcp/PathManager";

class PathManagerAdaptor final : public org::mptcp::PathManager_adaptor {
public:
    // Registers the writable properties with the gate.
    PathManagerAdaptor(sdbus::IObject& object, PathManagerService& service, MonitorControl& monitor,
                       InterfaceManager& interfaces, AuthorizationGate& gate);

private:
    void AddEndpoint(sdbus::Result<uint32_t>&& result, std::string address, uint16_t port, std::string interface,
                     uint32_t id, std::vector<std::string> flags) override;
    void DeleteEndpoint(sdbus::Result<>&& result, uint32_t id, std::string address) override;
    void ChangeEndpoint(sdbus::Result<>&& result, uint32_t id, std::string address, uint16_t port,
                        std::vector<std::string> changes) override;
    EndpointStruct GetEndpoint(const uint32_t& id) override;
    std::vector<EndpointStruct> ListEndpoints() override;
    void FlushEndpoints(sdbus::Result<>&& result) override;
    void SetLimits(sdbus::Result<>&& result, uint32_t subflows, uint32_t add_addr_accepted) override;
    std::tuple<uint32_t, uint32_t> GetLimits() override;
    void Subscribe() override;
    void Unsubscribe() override;
    void ManageInterface(sdbus::Result<>&& result, std::string interface, std::vector<std::string> flags,
                         std::map<std::string, sdbus::Variant> options) override;
    void ReleaseInterface(sdbus::Result<>&& result, std::string interface) override;
    void ReleaseOwner(sdbus::Result<std::vector<std::string>>&& result, std::string owner) override;
    std::vector<ManagedInterfaceStruct> ListManagedInterfaces() override;

    uint32_t SubflowsLimit() override;
    void SubflowsLimit(const uint32_t& value) override;
    uint32_t AddAddrAcceptedLimit() override;
    void AddAddrAcceptedLimit(const uint32_t& value) override;
    bool Enabled() override;
    void Enabled(const bool& value) override;
    std::string Version() override;

    // The unique name of the caller of the method being processed.
    std::string sender() const;
    // The generated setters: never called, the gate answers the writes.
    [[noreturn]] static void unguardedWrite(const char* property);

    sdbus::IObject& object_;
    PathManagerService& service_;
    MonitorControl& monitor_;
    InterfaceManager& interfaces_;
    AuthorizationGate& gate_;
};

// Notifier over the object's signals. They go out at once, before the
// reply of the method that caused them: a caller that has its reply has
// its signals too.
class BusNotifier final : public Notifier {
public:
    explicit BusNotifier(sdbus::IObject& object) : object_(object) {}
    void endpointsChanged() override;
    void propertiesChanged(const std::vector<std::string>& names) override;
    // Where PropertiesChanged takes the new values from; without it the
    // signal names the properties as invalidated.
    void readValuesFrom(PathManagerService& service) { values_ = &service; }

private:
    sdbus::IObject& object_;
    PathManagerService* values_ = nullptr;
};

}  // namespace mptcp::dbus
