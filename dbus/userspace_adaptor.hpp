// The sd-bus side of org.mptcp.PathManager.Userspace: the adaptor generated
// from org.mptcp.PathManager.Userspace.xml, on the service's one object.
// Every changing method goes through the authorization gate (polkit's
// org.mptcp.PathManager.control-connections, asked without waiting), and
// writes of PathManager are answered by the gate (….modify); reads go
// straight to UserspaceService through atBoundary().
#pragma once

#include "authorization_gate.hpp"
#include "userspace_adaptor.h"
#include "userspace_service.hpp"

#include <sdbus-c++/sdbus-c++.h>

namespace mptcp::dbus {

class UserspaceAdaptor final : public org::mptcp::PathManager::Userspace_adaptor {
public:
    UserspaceAdaptor(sdbus::IObject& object, UserspaceService& service, AuthorizationGate& gate);

    // PropertiesChanged for PathManager (broadcast, like the main
    // interface's). A failure to queue it is only logged.
    void pathManagerChanged();

private:
    void Announce(sdbus::Result<>&& result, uint32_t token, uint8_t id, std::string address, uint16_t port,
                  std::string interface) override;
    void Remove(sdbus::Result<>&& result, uint32_t token, uint8_t id) override;
    void CreateSubflow(sdbus::Result<uint8_t>&& result, uint32_t token, uint8_t local_id, std::string local_address,
                       std::string interface, std::string remote_address, uint16_t remote_port, bool backup) override;
    void DestroySubflow(sdbus::Result<>&& result, uint32_t token, std::string local_address, uint16_t local_port,
                        std::string remote_address, uint16_t remote_port) override;
    void SetSubflowBackup(sdbus::Result<>&& result, uint32_t token, std::string local_address, uint16_t local_port,
                          std::string remote_address, uint16_t remote_port, bool backup) override;
    std::vector<EndpointStruct> ListLocalAddresses(const uint32_t& token) override;
    std::string PathManager() override;
    void PathManager(const std::string& value) override;

    sdbus::IObject& object_;
    UserspaceService& service_;
    AuthorizationGate& gate_;
};

}  // namespace mptcp::dbus
