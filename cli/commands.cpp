#include "commands.hpp"

#include "connection_show.hpp"
#include "endpoint_format.hpp"
#include "error_translation.hpp"

#include <vector>

namespace mptcp::cli {
namespace {

// AddEndpoint's flag names for the flag words given.
std::vector<std::string> addFlagNames(std::uint32_t flags)
{
    static constexpr std::pair<std::uint32_t, const char*> kNames[] = {
        {kFlagSignal, "signal"},     {kFlagSubflow, "subflow"}, {kFlagBackup, "backup"},
        {kFlagFullmesh, "fullmesh"}, {kFlagLaminar, "laminar"},
    };
    std::vector<std::string> names;
    for (const auto& [bit, name] : kNames) {
        if (flags & bit) {
            names.emplace_back(name);
        }
    }
    return names;
}

// ip's change sets both bits to what the words say: a bit not named is
// cleared (`change id 1 fullmesh` clears backup). The service keeps bits
// that are not named, so both are always named here.
std::vector<std::string> changeNames(std::uint32_t flags)
{
    return {(flags & kFlagBackup) ? "backup" : "nobackup", (flags & kFlagFullmesh) ? "fullmesh" : "nofullmesh"};
}

std::string run(const Command& c, const GlobalOptions& options, PathManagerBus& service)
{
    const EndpointArgs& e = c.endpoint;
    switch (c.action) {
        case Action::EndpointAdd:
            service.addEndpoint(*e.address, e.port, e.device, e.id.value_or(0), addFlagNames(e.flags));
            return {};
        case Action::EndpointDelete:
            // The parser has made sure: an id, and an address only with id 0.
            service.deleteEndpoint(*e.id, *e.id == 0 ? *e.address : std::string());
            return {};
        case Action::EndpointChange:
            // As the kernel does, an address wins over an id.
            if (e.address) {
                service.changeEndpoint(0, *e.address, e.port, changeNames(e.flags));
            } else {
                service.changeEndpoint(e.id.value_or(0), "", e.port, changeNames(e.flags));
            }
            return {};
        case Action::EndpointGet: {
            // By id only, as the kernel looks it up; no id means id 0.
            const EndpointView one = service.getEndpoint(e.id.value_or(0));
            return formatEndpoints({&one, 1}, options);
        }
        case Action::EndpointList: {
            return formatEndpoints(service.listEndpoints(), options);
        }
        case Action::EndpointFlush:
            service.flushEndpoints();
            return {};
        case Action::LimitsSet:
            if (c.subflows && c.addAddrAccepted) {
                service.setLimits(*c.subflows, *c.addAddrAccepted);
            } else if (c.subflows) {
                service.setLimitProperty("SubflowsLimit", *c.subflows);
            } else if (c.addAddrAccepted) {
                service.setLimitProperty("AddAddrAcceptedLimit", *c.addAddrAccepted);
            }
            return {};  // `limits set` alone changes nothing, as in ip
        case Action::LimitsShow: {
            const auto [subflows, addAddrAccepted] = service.getLimits();
            return formatLimits(subflows, addAddrAccepted, options);
        }
        case Action::ConnectionShow:
            return showConnections(c.connection, options, service);
        case Action::Usage:
        case Action::Monitor:
            break;
    }
    return {};
}

}  // namespace

std::string runCommand(const Command& command, const GlobalOptions& options, PathManagerBus& service)
{
    try {
        return run(command, options, service);
    } catch (const BusError& e) {
        const CliExit exit = translateError(e.name, e.message);
        throw CliFailure(exit.status, exit.message);
    }
}

}  // namespace mptcp::cli
