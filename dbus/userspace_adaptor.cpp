#include "userspace_adaptor.hpp"

#include "dbus_errors.hpp"
#include "journal_log.hpp"

#include <cstdio>

namespace mptcp::dbus {

UserspaceAdaptor::UserspaceAdaptor(sdbus::IObject& object, UserspaceService& service, AuthorizationGate& gate)
    : Userspace_adaptor(object), object_(object), service_(service), gate_(gate)
{
    gate.guardProperty<std::string>(INTERFACE_NAME, "PathManager", Action::Modify,
                                    [&service](const std::string& value) { service.setPathManager(value); });
}

void UserspaceAdaptor::Announce(sdbus::Result<>&& result, uint32_t token, uint8_t id, std::string address,
                                uint16_t port, std::string interface)
{
    atBoundary("Announce", [&] {
        gate_.run(Action::ControlConnections, "Announce", std::move(result),
                  [this, token, id, address = std::move(address), port, interface = std::move(interface)] {
                      service_.announce(token, id, address, port, interface);
                  });
    });
}

void UserspaceAdaptor::Remove(sdbus::Result<>&& result, uint32_t token, uint8_t id)
{
    atBoundary("Remove", [&] {
        gate_.run(Action::ControlConnections, "Remove", std::move(result),
                  [this, token, id] { service_.remove(token, id); });
    });
}

void UserspaceAdaptor::CreateSubflow(sdbus::Result<uint8_t>&& result, uint32_t token, uint8_t local_id,
                                     std::string local_address, std::string interface, std::string remote_address,
                                     uint16_t remote_port, bool backup)
{
    atBoundary("CreateSubflow", [&] {
        gate_.run(Action::ControlConnections, "CreateSubflow", std::move(result),
                  [this, token, local_id, local_address = std::move(local_address), interface = std::move(interface),
                   remote_address = std::move(remote_address), remote_port, backup] {
                      return service_.createSubflow(token, local_id, local_address, interface, remote_address,
                                                    remote_port, backup);
                  });
    });
}

void UserspaceAdaptor::DestroySubflow(sdbus::Result<>&& result, uint32_t token, std::string local_address,
                                      uint16_t local_port, std::string remote_address, uint16_t remote_port)
{
    atBoundary("DestroySubflow", [&] {
        gate_.run(Action::ControlConnections, "DestroySubflow", std::move(result),
                  [this, token, local_address = std::move(local_address), local_port,
                   remote_address = std::move(remote_address), remote_port] {
                      service_.destroySubflow(token, local_address, local_port, remote_address, remote_port);
                  });
    });
}

void UserspaceAdaptor::SetSubflowBackup(sdbus::Result<>&& result, uint32_t token, std::string local_address,
                                        uint16_t local_port, std::string remote_address, uint16_t remote_port,
                                        bool backup)
{
    atBoundary("SetSubflowBackup", [&] {
        gate_.run(Action::ControlConnections, "SetSubflowBackup", std::move(result),
                  [this, token, local_address = std::move(local_address), local_port,
                   remote_address = std::move(remote_address), remote_port, backup] {
                      service_.setSubflowBackup(token, local_address, local_port, remote_address, remote_port, backup);
                  });
    });
}

std::vector<EndpointStruct> UserspaceAdaptor::ListLocalAddresses(const uint32_t& token)
{
    return atBoundary("ListLocalAddresses", [&] { return service_.listLocalAddresses(token); });
}

std::string UserspaceAdaptor::PathManager()
{
    return atBoundary("PathManager", [&] { return service_.pathManager(); });
}

void UserspaceAdaptor::PathManager(const std::string&)
{
    // The gate answers every write (guardProperty above); one that got
    // here bypassed authorization.
    throw sdbus::Error(kFailed,
                       "PathManager: internal error: this write bypassed the authorization gate and is refused");
}

void UserspaceAdaptor::pathManagerChanged()
{
    try {
        object_.emitPropertiesChangedSignal(INTERFACE_NAME, {"PathManager"});
    } catch (const sdbus::Error& e) {
        mptcp::journal::logLine(mptcp::journal::Priority::Warning, "mptcp-pathmanagerd",
                                std::string("cannot emit PropertiesChanged for PathManager: ") + e.what());
    }
}

}  // namespace mptcp::dbus
