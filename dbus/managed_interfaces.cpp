#include "managed_interfaces.hpp"

#include "daemon_log.hpp"
#include "journal_log.hpp"
#include "managed_options.hpp"

#include <cstdio>

namespace mptcp::dbus {

void ManagedInterfaces::manage(const std::string& interface, const std::vector<std::string>& flags,
                               const OptionMap& options)
{
    checkInterfaceName(interface);
    const ManagedSettings settings = parseManageArguments(flags, options);
    announce(core_.manage(interface, settings), true);
}

void ManagedInterfaces::release(const std::string& interface)
{
    checkInterfaceName(interface);
    announce(core_.release(interface), true);
}

std::vector<std::string> ManagedInterfaces::releaseOwner(const std::string& owner)
{
    std::vector<std::string> released;
    announce(core_.releaseOwner(owner, released), true);
    return released;
}

// The file's entries first, as written (a glob stays a glob), with owner
// "config"; then the calls' entries by name.
std::vector<ManagedInterfaceStruct> ManagedInterfaces::list()
{
    std::vector<ManagedInterfaceStruct> out;
    out.reserve(core_.declared().interfaces.size() + core_.managed().size());
    for (const DeclaredInterface& d : core_.declared().interfaces) {
        out.push_back({d.pattern, flagNames(d.settings.flags), toOptions(d.settings)});
    }
    for (const auto& [name, settings] : core_.managed()) {
        out.push_back({name, flagNames(settings.flags), toOptions(settings)});
    }
    return out;
}

void ManagedInterfaces::loadConfig(const std::string& path)
{
    try {
        ManagedOutcome out;
        core_.loadDeclared(path, out);
        announce(out, false);
    } catch (const std::exception& e) {
        mptcp::dbus::daemonLog(std::string("managed interfaces: ") + e.what(), mptcp::journal::Priority::Error);
    }
}

void ManagedInterfaces::start()
{
    announce(core_.start(), false);
}

void ManagedInterfaces::onRouteEvents()
{
    try {
        announce(core_.onRouteEvents(), false);
    } catch (const std::exception& e) {
        // The loop must go on: a reader that throws would end the daemon.
        daemonLog(std::string("managed interfaces: ") + e.what(), journal::Priority::Error);
    }
}

void ManagedInterfaces::announce(const ManagedOutcome& outcome, bool throwFailure)
{
    if (outcome.endpointsChanged) {
        notifier_.endpointsChanged();
    }
    if (outcome.subflowsLimitChanged) {
        notifier_.propertiesChanged({"SubflowsLimit"});
    }
    if (throwFailure && outcome.failure) {
        throw *outcome.failure;
    }
}

}  // namespace mptcp::dbus
