#include "path_manager_service.hpp"

#include "version.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace mptcp::dbus {

std::uint32_t PathManagerService::addEndpoint(const std::string& address, std::uint16_t port,
                                              const std::string& interface, std::uint32_t id,
                                              const std::vector<std::string>& flags)
{
    const std::uint8_t assigned = pm_.addEndpoint({address, port, interface, id, flags});
    notifier_.endpointsChanged();
    return assigned;
}

void PathManagerService::deleteEndpoint(std::uint32_t id, const std::string& address)
{
    pm_.deleteEndpoint(id, address);
    // "delete id 0 ADDR" closes subflows but leaves the table as it was.
    if (id != 0) {
        notifier_.endpointsChanged();
    }
}

void PathManagerService::changeEndpoint(std::uint32_t id, const std::string& address, std::uint16_t port,
                                        const std::vector<std::string>& changes)
{
    if (pm_.changeEndpoint(id, address, port, changes)) {
        notifier_.endpointsChanged();
    }
}

const std::string& PathManagerService::labelOf(std::int32_t ifindex,
                                               std::vector<std::pair<std::int32_t, std::string>>& labels)
{
    auto it = std::find_if(labels.begin(), labels.end(), [&](const auto& l) { return l.first == ifindex; });
    if (it == labels.end()) {
        labels.emplace_back(ifindex, pm_.interfaceLabel(ifindex));
        it = std::prev(labels.end());
    }
    return it->second;
}

void PathManagerService::flushEndpoints()
{
    pm_.flushEndpoints();
    notifier_.endpointsChanged();
}

void PathManagerService::setLimits(std::uint32_t subflows, std::uint32_t addAddrAccepted)
{
    changeLimits(subflows, addAddrAccepted);
}

void PathManagerService::changeLimits(std::optional<std::uint32_t> subflows,
                                      std::optional<std::uint32_t> addAddrAccepted)
{
    // The limits before are read in the write's own round trip; when the
    // kernel could not read them, every value written is announced.
    const std::optional<Limits> before = pm_.replaceLimits(subflows, addAddrAccepted);
    const bool subflowsChanged = subflows && (!before || *subflows != before->subflows);
    const bool acceptedChanged = addAddrAccepted && (!before || *addAddrAccepted != before->addAddrAccepted);
    if (!subflowsChanged && !acceptedChanged) {
        return;
    }
    // The three lists of names, built once (at the first change): no
    // vector and strings to build for every call.
    static const std::vector<std::string> kBoth{"SubflowsLimit", "AddAddrAcceptedLimit"};
    static const std::vector<std::string> kSubflows{"SubflowsLimit"};
    static const std::vector<std::string> kAccepted{"AddAddrAcceptedLimit"};
    const std::vector<std::string>& changed = subflowsChanged && acceptedChanged ? kBoth
                                              : subflowsChanged                  ? kSubflows
                                                                                 : kAccepted;
    announcing_ = Announcing{subflows, addAddrAccepted};
    try {
        notifier_.propertiesChanged(changed);
    } catch (...) {
        announcing_.reset();
        throw;
    }
    announcing_.reset();
}

std::tuple<std::uint32_t, std::uint32_t> PathManagerService::getLimits()
{
    const Limits l = pm_.getLimits();
    return {l.subflows, l.addAddrAccepted};
}

std::uint32_t PathManagerService::subflowsLimit()
{
    return announcing_ && announcing_->subflows ? *announcing_->subflows : pm_.getLimits().subflows;
}

void PathManagerService::setSubflowsLimit(std::uint32_t value)
{
    changeLimits(value, std::nullopt);
}

std::uint32_t PathManagerService::addAddrAcceptedLimit()
{
    return announcing_ && announcing_->addAddrAccepted ? *announcing_->addAddrAccepted
                                                       : pm_.getLimits().addAddrAccepted;
}

void PathManagerService::setAddAddrAcceptedLimit(std::uint32_t value)
{
    changeLimits(std::nullopt, value);
}

bool PathManagerService::enabled()
{
    return enabled_.get();
}

void PathManagerService::setEnabled(bool value)
{
    const bool before = enabled_.get();
    enabled_.set(value);
    if (before != value) {
        notifier_.propertiesChanged({"Enabled"});
    }
}

std::string PathManagerService::version()
{
    return kVersion;
}

}  // namespace mptcp::dbus
