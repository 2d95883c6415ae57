#include "userspace_service.hpp"

#include "endpoint.hpp"
#include "pm_error.hpp"

namespace mptcp::dbus {

void UserspaceService::refresh()
{
    try {
        follow(setting_.get());
    } catch (const std::exception& e) {
        problem(std::string("cannot read the path manager setting: ") + e.what());
    }
}

void UserspaceService::problem(const std::string& what)
{
    // Looked at every few seconds: say it once, not every time.
    if (what != lastProblem_ && hooks_.log) {
        hooks_.log(what);
    }
    lastProblem_ = what;
}

void UserspaceService::follow(const std::string& current)
{
    const bool changed = !known_.empty() && current != known_;
    const bool wasKnown = !known_.empty();
    known_ = current;
    const bool hold = current == "userspace";
    if (!wasKnown || hold != holding_) {
        try {
            if (hooks_.holdEvents) {
                hooks_.holdEvents(hold);
            }
            holding_ = hold;
            lastProblem_.clear();
        } catch (const std::exception& e) {
            // Said loudly: without a listener the kernel refuses the
            // MP_JOINs of userspace-PM connections.
            problem(std::string("cannot hold the kernel's MPTCP event subscription for the userspace path "
                                "manager (peers' MP_JOINs will be refused): ") +
                    e.what());
        }
    }
    if (changed && hooks_.pathManagerChanged) {
        hooks_.pathManagerChanged();
    }
}

void UserspaceService::setPathManager(const std::string& name)
{
    setting_.set(name);
    follow(setting_.get());
}

void UserspaceService::announce(std::uint32_t token, std::uint8_t id, const std::string& address, std::uint16_t port,
                                const std::string& interface)
{
    pm_.announce(token, id, address, port, interface);
}

void UserspaceService::remove(std::uint32_t token, std::uint8_t id)
{
    pm_.remove(token, id);
}

std::uint8_t UserspaceService::createSubflow(std::uint32_t token, std::uint8_t localId, const std::string& localAddress,
                                             const std::string& interface, const std::string& remoteAddress,
                                             std::uint16_t remotePort, bool backup)
{
    CreateSubflowRequest req;
    req.token = token;
    req.localId = localId;
    req.localAddress = localAddress;
    req.interface = interface;
    req.remoteAddress = remoteAddress;
    req.remotePort = remotePort;
    req.backup = backup;
    return pm_.createSubflow(req);
}

namespace {

SubflowTuple tuple(std::uint32_t token, const std::string& localAddress, std::uint16_t localPort,
                   const std::string& remoteAddress, std::uint16_t remotePort)
{
    SubflowTuple t;
    t.token = token;
    t.localAddress = localAddress;
    t.localPort = localPort;
    t.remoteAddress = remoteAddress;
    t.remotePort = remotePort;
    return t;
}

}  // namespace

void UserspaceService::destroySubflow(std::uint32_t token, const std::string& localAddress, std::uint16_t localPort,
                                      const std::string& remoteAddress, std::uint16_t remotePort)
{
    pm_.destroySubflow(tuple(token, localAddress, localPort, remoteAddress, remotePort));
}

void UserspaceService::setSubflowBackup(std::uint32_t token, const std::string& localAddress, std::uint16_t localPort,
                                        const std::string& remoteAddress, std::uint16_t remotePort, bool backup)
{
    pm_.setSubflowBackup(tuple(token, localAddress, localPort, remoteAddress, remotePort), backup);
}

std::vector<EndpointStruct> UserspaceService::listLocalAddresses(std::uint32_t token)
{
    std::vector<EndpointStruct> out;
    for (const Endpoint& ep : pm_.listLocalAddresses(token)) {
        out.push_back(EndpointStruct{std::uint32_t{ep.id}, ep.address.toString(), ep.port,
                                     pm_.interfaceLabel(ep.ifindex), flagNames(ep.flags)});
    }
    return out;
}

}  // namespace mptcp::dbus
