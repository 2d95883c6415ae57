#include "path_manager_adaptor.hpp"

#include "dbus_errors.hpp"
#include "journal_log.hpp"

#include <cstdio>

namespace mptcp::dbus {

uint32_t PathManagerAdaptor::AddEndpoint(const std::string& address, const uint16_t& port, const std::string& interface,
                                         const uint32_t& id, const std::vector<std::string>& flags)
{
    return atBoundary("AddEndpoint", [&] { return service_.addEndpoint(address, port, interface, id, flags); });
}

void PathManagerAdaptor::DeleteEndpoint(const uint32_t& id, const std::string& address)
{
    atBoundary("DeleteEndpoint", [&] { service_.deleteEndpoint(id, address); });
}

void PathManagerAdaptor::ChangeEndpoint(const uint32_t& id, const std::string& address, const uint16_t& port,
                                        const std::vector<std::string>& changes)
{
    atBoundary("ChangeEndpoint", [&] { service_.changeEndpoint(id, address, port, changes); });
}

EndpointStruct PathManagerAdaptor::GetEndpoint(const uint32_t& id)
{
    return atBoundary("GetEndpoint", [&] { return service_.getEndpoint(id); });
}

std::vector<EndpointStruct> PathManagerAdaptor::ListEndpoints()
{
    return atBoundary("ListEndpoints", [&] { return service_.listEndpoints(); });
}

void PathManagerAdaptor::FlushEndpoints()
{
    atBoundary("FlushEndpoints", [&] { service_.flushEndpoints(); });
}

void PathManagerAdaptor::SetLimits(const uint32_t& subflows, const uint32_t& add_addr_accepted)
{
    atBoundary("SetLimits", [&] { service_.setLimits(subflows, add_addr_accepted); });
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

void PathManagerAdaptor::ManageInterface(const std::string& interface, const std::vector<std::string>& flags,
                                         const std::map<std::string, sdbus::Variant>& options)
{
    atBoundary("ManageInterface", [&] {
        service_.authorizeChange("ManageInterface");
        interfaces_.manage(interface, flags, options);
    });
}

void PathManagerAdaptor::ReleaseInterface(const std::string& interface)
{
    atBoundary("ReleaseInterface", [&] {
        service_.authorizeChange("ReleaseInterface");
        interfaces_.release(interface);
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

uint32_t PathManagerAdaptor::SubflowsLimit()
{
    return atBoundary("SubflowsLimit", [&] { return service_.subflowsLimit(); });
}

void PathManagerAdaptor::SubflowsLimit(const uint32_t& value)
{
    atBoundary("SubflowsLimit", [&] { service_.setSubflowsLimit(value); });
}

uint32_t PathManagerAdaptor::AddAddrAcceptedLimit()
{
    return atBoundary("AddAddrAcceptedLimit", [&] { return service_.addAddrAcceptedLimit(); });
}

void PathManagerAdaptor::AddAddrAcceptedLimit(const uint32_t& value)
{
    atBoundary("AddAddrAcceptedLimit", [&] { service_.setAddAddrAcceptedLimit(value); });
}

bool PathManagerAdaptor::Enabled()
{
    return atBoundary("Enabled", [&] { return service_.enabled(); });
}

void PathManagerAdaptor::Enabled(const bool& value)
{
    atBoundary("Enabled", [&] { service_.setEnabled(value); });
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

void BusNotifier::propertiesChanged(const std::vector<std::string>& names)
{
    try {
        object_.emitPropertiesChangedSignal(org::mptcp::PathManager_adaptor::INTERFACE_NAME, names);
    } catch (const sdbus::Error& e) {
        journal::logLine(journal::Priority::Warning, "mptcp-pathmanagerd",
                         std::string("cannot emit PropertiesChanged: ") + e.what());
    }
}

}  // namespace mptcp::dbus
