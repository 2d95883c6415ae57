#include "path_manager_adaptor.hpp"

#include "dbus_errors.hpp"
#include "journal_log.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace mptcp::dbus {

PathManagerAdaptor::PathManagerAdaptor(sdbus::IObject& object, PathManagerService& service, MonitorControl& monitor,
                                       InterfaceManager& interfaces, AuthorizationGate& gate)
    : PathManager_adaptor(object),
      object_(object),
      service_(service),
      monitor_(monitor),
      interfaces_(interfaces),
      gate_(gate)
{
    gate.guardProperty<uint32_t>(INTERFACE_NAME, "SubflowsLimit", Action::Modify,
                                 [&service](const uint32_t& value) { service.setSubflowsLimit(value); });
    gate.guardProperty<uint32_t>(INTERFACE_NAME, "AddAddrAcceptedLimit", Action::Modify,
                                 [&service](const uint32_t& value) { service.setAddAddrAcceptedLimit(value); });
    gate.guardProperty<bool>(INTERFACE_NAME, "Enabled", Action::Modify,
                             [&service](const bool& value) { service.setEnabled(value); });
}

void PathManagerAdaptor::AddEndpoint(sdbus::Result<uint32_t>&& result, std::string address, uint16_t port,
                                     std::string interface, uint32_t id, std::vector<std::string> flags)
{
    atBoundary("AddEndpoint", [&] {
        gate_.run(Action::Modify, "AddEndpoint", std::move(result),
                  [this, address = std::move(address), port, interface = std::move(interface), id,
                   flags = std::move(flags)] { return service_.addEndpoint(address, port, interface, id, flags); });
    });
}

void PathManagerAdaptor::DeleteEndpoint(sdbus::Result<>&& result, uint32_t id, std::string address)
{
    atBoundary("DeleteEndpoint", [&] {
        gate_.run(Action::Modify, "DeleteEndpoint", std::move(result),
                  [this, id, address = std::move(address)] { service_.deleteEndpoint(id, address); });
    });
}

void PathManagerAdaptor::ChangeEndpoint(sdbus::Result<>&& result, uint32_t id, std::string address, uint16_t port,
                                        std::vector<std::string> changes)
{
    atBoundary("ChangeEndpoint", [&] {
        gate_.run(Action::Modify, "ChangeEndpoint", std::move(result),
                  [this, id, address = std::move(address), port, changes = std::move(changes)] {
                      service_.changeEndpoint(id, address, port, changes);
                  });
    });
}

EndpointStruct PathManagerAdaptor::GetEndpoint(const uint32_t& id)
{
    return atBoundary("GetEndpoint", [&] { return service_.getEndpoint(id); });
}

std::vector<EndpointStruct> PathManagerAdaptor::ListEndpoints()
{
    return atBoundary("ListEndpoints", [&] { return service_.listEndpoints(); });
}

void PathManagerAdaptor::FlushEndpoints(sdbus::Result<>&& result)
{
    atBoundary("FlushEndpoints", [&] {
        gate_.run(Action::Modify, "FlushEndpoints", std::move(result), [this] { service_.flushEndpoints(); });
    });
}

void PathManagerAdaptor::SetLimits(sdbus::Result<>&& result, uint32_t subflows, uint32_t add_addr_accepted)
{
    atBoundary("SetLimits", [&] {
        gate_.run(Action::Modify, "SetLimits", std::move(result),
                  [this, subflows, add_addr_accepted] { service_.setLimits(subflows, add_addr_accepted); });
    });
}

std::tuple<uint32_t, uint32_t> PathManagerAdaptor::GetLimits()
{
    return atBoundary("GetLimits", [&] { return service_.getLimits(); });
}

void PathManagerAdaptor::Subscribe()
{
    atBoundary("Subscribe", [&] { monitor_.subscribe(sender()); });
}

void PathManagerAdaptor::Unsubscribe()
{
    atBoundary("Unsubscribe", [&] { monitor_.unsubscribe(sender()); });
}

void PathManagerAdaptor::SubscribeBatched(const std::map<std::string, sdbus::Variant>& options)
{
    atBoundary("SubscribeBatched", [&] { monitor_.subscribeBatched(sender(), parseBatchOptions(options)); });
}

void PathManagerAdaptor::ManageInterface(sdbus::Result<>&& result, std::string interface,
                                         std::vector<std::string> flags, std::map<std::string, sdbus::Variant> options)
{
    atBoundary("ManageInterface", [&] {
        gate_.run(Action::Modify, "ManageInterface", std::move(result),
                  [this, interface = std::move(interface), flags = std::move(flags), options = std::move(options)] {
                      interfaces_.manage(interface, flags, options);
                  });
    });
}

void PathManagerAdaptor::ReleaseInterface(sdbus::Result<>&& result, std::string interface)
{
    atBoundary("ReleaseInterface", [&] {
        gate_.run(Action::Modify, "ReleaseInterface", std::move(result),
                  [this, interface = std::move(interface)] { interfaces_.release(interface); });
    });
}

// The same authorization as ReleaseInterface: it releases interfaces too.
void PathManagerAdaptor::ReleaseOwner(sdbus::Result<std::vector<std::string>>&& result, std::string owner)
{
    atBoundary("ReleaseOwner", [&] {
        gate_.run(Action::Modify, "ReleaseOwner", std::move(result),
                  [this, owner = std::move(owner)] { return interfaces_.releaseOwner(owner); });
    });
}

std::vector<ManagedInterfaceStruct> PathManagerAdaptor::ListManagedInterfaces()
{
    return atBoundary("ListManagedInterfaces", [&] { return interfaces_.list(); });
}

std::string PathManagerAdaptor::sender() const
{
    const sdbus::Message* call = object_.getCurrentlyProcessedMessage();
    return call != nullptr ? call->getSender() : std::string();
}

void PathManagerAdaptor::unguardedWrite(const char* property)
{
    throw sdbus::Error(
        kFailed, std::string(property) + ": internal error: this write bypassed the authorization gate and is refused");
}

uint32_t PathManagerAdaptor::SubflowsLimit()
{
    return atBoundary("SubflowsLimit", [&] { return service_.subflowsLimit(); });
}

void PathManagerAdaptor::SubflowsLimit(const uint32_t&)
{
    unguardedWrite("SubflowsLimit");
}

uint32_t PathManagerAdaptor::AddAddrAcceptedLimit()
{
    return atBoundary("AddAddrAcceptedLimit", [&] { return service_.addAddrAcceptedLimit(); });
}

void PathManagerAdaptor::AddAddrAcceptedLimit(const uint32_t&)
{
    unguardedWrite("AddAddrAcceptedLimit");
}

bool PathManagerAdaptor::Enabled()
{
    return atBoundary("Enabled", [&] { return service_.enabled(); });
}

void PathManagerAdaptor::Enabled(const bool&)
{
    unguardedWrite("Enabled");
}

std::string PathManagerAdaptor::Version()
{
    return PathManagerService::version();
}

// A signal that cannot be queued must not turn a change the kernel already
// made into an error reply: the caller would retry a done deed. Say so in
// the log instead.
void BusNotifier::endpointsChanged()
{
    try {
        object_.emitSignal("EndpointsChanged").onInterface(org::mptcp::PathManager_adaptor::INTERFACE_NAME);
    } catch (const sdbus::Error& e) {
        journal::logLine(journal::Priority::Warning, "mptcp-pathmanagerd",
                         std::string("cannot emit EndpointsChanged: ") + e.what());
    }
}

// The XML marks the writable properties EmitsChangedSignal "false": the
// kernel announces no change, so a change made with ip or sysctl emits
// nothing, and a signal is not guaranteed. sd-bus then refuses to emit
// PropertiesChanged for them (EDOM), yet every change made through the
// service is still announced: the signal is built here, with the values.
void BusNotifier::propertiesChanged(const std::vector<std::string>& names)
{
    try {
        std::map<std::string, sdbus::Variant> changed;
        std::vector<std::string> invalidated;
        for (const auto& name : names) {
            if (values_ == nullptr) {
                invalidated.push_back(name);
            } else if (name == "SubflowsLimit") {
                changed.emplace(name, sdbus::Variant(values_->subflowsLimit()));
            } else if (name == "AddAddrAcceptedLimit") {
                changed.emplace(name, sdbus::Variant(values_->addAddrAcceptedLimit()));
            } else if (name == "Enabled") {
                changed.emplace(name, sdbus::Variant(values_->enabled()));
            } else {
                invalidated.push_back(name);
            }
        }
        auto signal = object_.createSignal("org.freedesktop.DBus.Properties", "PropertiesChanged");
        signal << std::string(org::mptcp::PathManager_adaptor::INTERFACE_NAME) << changed << invalidated;
        object_.emitSignal(signal);
    } catch (const std::exception& e) {
        journal::logLine(journal::Priority::Warning, "mptcp-pathmanagerd",
                         std::string("cannot emit PropertiesChanged: ") + e.what());
    }
}

}  // namespace mptcp::dbus
