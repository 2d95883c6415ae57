// The sd-bus side of the service: the adaptor generated from
// org.mptcp.PathManager.xml, every method forwarded to PathManagerService
// through atBoundary() so that nothing but an sdbus::Error ever leaves.
#pragma once

#include "path_manager_service.hpp"
#include "pathmanager_adaptor.h"
#include "service_ports.hpp"

#include <sdbus-c++/sdbus-c++.h>

namespace mptcp::dbus {

inline constexpr const char* kBusName = "org.mptcp.PathManager";
inline constexpr const char* kObjectPath = "/org/mptcp/PathManager";

class PathManagerAdaptor final : public org::mptcp::PathManager_adaptor {
public:
    PathManagerAdaptor(sdbus::IObject& object, PathManagerService& service, MonitorControl& monitor,
                       InterfaceManager& interfaces)
        : PathManager_adaptor(object), object_(object), service_(service), monitor_(monitor), interfaces_(interfaces)
    {
    }

private:
    uint32_t AddEndpoint(const std::string& address, const uint16_t& port, const std::string& interface,
                         const uint32_t& id, const std::vector<std::string>& flags) override;
    void DeleteEndpoint(const uint32_t& id, const std::string& address) override;
    void ChangeEndpoint(const uint32_t& id, const std::string& address, const uint16_t& port,
                        const std::vector<std::string>& changes) override;
    EndpointStruct GetEndpoint(const uint32_t& id) override;
    std::vector<EndpointStruct> ListEndpoints() override;
    void FlushEndpoints() override;
    void SetLimits(const uint32_t& subflows, const uint32_t& add_addr_accepted) override;
    std::tuple<uint32_t, uint32_t> GetLimits() override;
    void Subscribe() override;
    void Unsubscribe() override;
    void SubscribeBatched(const std::map<std::string, sdbus::Variant>& options) override;
    void ManageInterface(const std::string& interface, const std::vector<std::string>& flags,
                         const std::map<std::string, sdbus::Variant>& options) override;
    void ReleaseInterface(const std::string& interface) override;
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

    sdbus::IObject& object_;
    PathManagerService& service_;
    MonitorControl& monitor_;
    InterfaceManager& interfaces_;
};

// Notifier over the object's signals. They go out at once, before the
// reply of the method that caused them: a caller that has its reply has
// its signals too.
class BusNotifier final : public Notifier {
public:
    explicit BusNotifier(sdbus::IObject& object) : object_(object) {}
    void endpointsChanged() override;
    void propertiesChanged(const std::vector<std::string>& names) override;

private:
    sdbus::IObject& object_;
};

}  // namespace mptcp::dbus
