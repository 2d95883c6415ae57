// The service behind org.mptcp.PathManager: D-Bus-shaped arguments in,
// D-Bus-shaped results out, core calls in between. It knows nothing of
// sd-bus beyond its value types; the adaptor forwards to it and turns what
// it throws into D-Bus errors. Authorization is done before a change gets
// here (authorization_gate.hpp).
#pragma once

#include "mptcp_sysctl.hpp"
#include "path_manager.hpp"
#include "service_ports.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace mptcp::dbus {

// (id, address, port, interface, flags) as the contract's (usqsas).
using EndpointStruct = std::tuple<std::uint32_t, std::string, std::uint16_t, std::string, std::vector<std::string>>;

class PathManagerService {
public:
    PathManagerService(PathManager& pm, MptcpEnabledSetting& enabled, Notifier& notifier)
        : pm_(pm), enabled_(enabled), notifier_(notifier)
    {
    }

    std::uint32_t addEndpoint(const std::string& address, std::uint16_t port, const std::string& interface,
                              std::uint32_t id, const std::vector<std::string>& flags);
    void deleteEndpoint(std::uint32_t id, const std::string& address);
    void changeEndpoint(std::uint32_t id, const std::string& address, std::uint16_t port,
                        const std::vector<std::string>& changes);
    // One endpoint with its interface's name, handed to visit(const
    // Endpoint&, const std::string& interface) without building strings and
    // a vector for it: GetEndpoint writes it straight into the reply.
    // Throws PmError.
    template <typename Visit>
    void visitEndpoint(std::uint32_t id, Visit&& visit);
    // The kernel's table, each endpoint with its interface's name (looked
    // up once per call for each device), without building strings and
    // vectors for it: ListEndpoints writes them straight into the reply.
    // Throws PmError.
    template <typename Visit>
    void visitEndpoints(Visit&& visit);
    void flushEndpoints();
    void setLimits(std::uint32_t subflows, std::uint32_t addAddrAccepted);
    std::tuple<std::uint32_t, std::uint32_t> getLimits();

    std::uint32_t subflowsLimit();
    void setSubflowsLimit(std::uint32_t value);
    std::uint32_t addAddrAcceptedLimit();
    void setAddAddrAcceptedLimit(std::uint32_t value);
    bool enabled();
    void setEnabled(bool value);
    static std::string version();

private:
    // Writes the given limits and announces the properties that changed.
    void changeLimits(std::optional<std::uint32_t> subflows, std::optional<std::uint32_t> addAddrAccepted);

    // An interface's name for ListEndpoints: each index looked up once per
    // call (endpoints usually share a few devices).
    const std::string& labelOf(std::int32_t ifindex, std::vector<std::pair<std::int32_t, std::string>>& labels);

    PathManager& pm_;
    // While PropertiesChanged for a limit is being emitted: the limits just
    // written. The signal reads the properties' values back (the bus code
    // calls the getters); they are these, without more kernel reads.
    struct Announcing {
        std::optional<std::uint32_t> subflows;
        std::optional<std::uint32_t> addAddrAccepted;
    };
    std::optional<Announcing> announcing_;
    MptcpEnabledSetting& enabled_;
    Notifier& notifier_;
};

template <typename Visit>
void PathManagerService::visitEndpoint(std::uint32_t id, Visit&& visit)
{
    const Endpoint ep = pm_.getEndpoint(id);
    visit(ep, pm_.interfaceLabel(ep.ifindex));
}

template <typename Visit>
void PathManagerService::visitEndpoints(Visit&& visit)
{
    const auto endpoints = pm_.listEndpoints();
    std::vector<std::pair<std::int32_t, std::string>> labels;
    for (const Endpoint& ep : endpoints) {
        visit(ep, labelOf(ep.ifindex, labels));
    }
}

}  // namespace mptcp::dbus
