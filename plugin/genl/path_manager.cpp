#include "path_manager.hpp"

#include "pm_protocol.hpp"
#include "pm_rules.hpp"

#include <cerrno>
#include <cstring>

namespace mptcp {
namespace {

std::string describe(const IpAddress& address, std::uint16_t port)
{
    std::string s = address.toString();
    if (port != 0) {
        s += " port " + std::to_string(port);
    }
    return s;
}

std::string withKernelText(std::string message, const KernelError& e)
{
    if (!e.message.empty()) {
        message += " (kernel: " + e.message + ")";
    }
    return message;
}

}  // namespace

void throwTranslated(const KernelRefused& refusal, const std::string& subject)
{
    const KernelError& e = refusal.status();
    switch (e.error) {
        case EINVAL:
            if (e.message == "address not found") {
                throw PmError(ErrorKind::NotFound, withKernelText("no endpoint " + subject, e), e.error);
            }
            if (e.message == "invalid addr flags") {
                throw PmError(ErrorKind::InvalidArgs,
                              withKernelText(subject + ": fullmesh is not allowed on a signal or implicit endpoint", e),
                              e.error);
            }
            throw PmError(ErrorKind::InvalidArgs,
                          subject + ": " + (e.message.empty() ? std::string("invalid argument (EINVAL)") : e.message),
                          e.error);
        case EEXIST:
            throw PmError(ErrorKind::Exists, withKernelText(subject + " is already an endpoint", e), e.error);
        case EBUSY:
            throw PmError(ErrorKind::Exists, withKernelText(subject + ": the id is already in use", e), e.error);
        case EADDRINUSE:
            throw PmError(ErrorKind::Exists, withKernelText(subject + ": the address and port are already in use", e),
                          e.error);
        case ERANGE:
            throw PmError(ErrorKind::LimitReached,
                          withKernelText("the endpoint table is full (" + std::to_string(proto::kMaxEndpoints) +
                                             " endpoints at most); cannot add " + subject,
                                         e),
                          e.error);
        case EADDRNOTAVAIL:
            throw PmError(ErrorKind::InvalidArgs,
                          withKernelText(subject + ": a port endpoint needs an address configured on this host", e),
                          e.error);
        default:
            throw PmError(ErrorKind::Failed,
                          subject + ": " + errnoName(e.error) + " (" + std::strerror(e.error) + ")" +
                              (e.message.empty() ? "" : ": " + e.message),
                          e.error);
    }
}

std::uint8_t PathManager::addEndpoint(const AddEndpointRequest& req)
{
    const IpAddress address = rules::parseAddress(req.address);
    const std::uint8_t id = rules::checkId(req.id);
    const std::uint32_t flags = rules::addFlags(req.flags, req.port);
    std::int32_t ifindex = 0;
    if (!req.interface.empty()) {
        auto index = names_.indexOf(req.interface);
        if (!index) {
            throw PmError(ErrorKind::InvalidArgs, "no interface named " + rules::quoteArg(req.interface));
        }
        ifindex = *index;
    }
    // Id 0 is never sent: some kernels create an endpoint with id 0 when
    // asked to (docs/kernel-behaviour.md §2); "absent" means "choose" on all of them.
    genl::AddrSpec spec;
    spec.address = address;
    spec.port = req.port;
    spec.ifindex = ifindex;
    spec.flags = flags;
    if (id != 0) {
        spec.id = id;
    }
    if (id == 0) {
        // The kernel's ACK does not say which id it chose. Send the id it
        // would choose instead: the endpoint then has the id we return,
        // without a dump of the table to learn it. A taken id (someone
        // else changed the table) is EBUSY: then the kernel chooses after
        // all, and the dump says what.
        if (const auto predicted = client_.ids().predict()) {
            spec.id = *predicted;
            try {
                client_.addAddr(spec);
                return *predicted;
            } catch (const KernelRefused& e) {
                if (e.status().error != EBUSY) {
                    throwTranslated(e, describe(address, req.port));
                }
                client_.ids().forget();
                spec.id.reset();
            }
        }
    }
    try {
        client_.addAddr(spec);
    } catch (const KernelRefused& e) {
        throwTranslated(e, describe(address, req.port) + (id != 0 ? " id " + std::to_string(id) : ""));
    }
    if (id != 0) {
        return id;
    }
    // The address and port are unique in the table, so the entry that
    // matches them exactly is ours.
    for (const Endpoint& ep : client_.dumpAddrs()) {
        if (ep.port == req.port && ep.address.sameAs(address)) {
            client_.ids().chosen(ep.id);
            return ep.id;
        }
    }
    throw PmError(ErrorKind::Failed, "the kernel accepted " + describe(address, req.port) +
                                         " but the endpoint is not in its table (removed meanwhile?)");
}

void PathManager::deleteEndpoint(std::uint32_t id, std::string_view address)
{
    const std::uint8_t checked = rules::checkId(id);
    genl::AddrSpec spec;
    spec.id = checked;
    std::string subject = "with id " + std::to_string(checked);
    if (checked != 0) {
        if (!address.empty()) {
            throw PmError(ErrorKind::InvalidArgs, "an address is only taken with id 0; endpoint " +
                                                      std::to_string(checked) + " is deleted by its id alone");
        }
    } else {
        if (address.empty()) {
            throw PmError(ErrorKind::InvalidArgs,
                          "id 0 needs an address (it closes the initial subflows that use that address)");
        }
        spec.address = rules::parseAddress(address);
        subject = "for id 0 " + spec.address->toString();
    }
    try {
        client_.delAddr(spec);
    } catch (const KernelRefused& e) {
        throwTranslated(e, subject);
    }
}

Endpoint PathManager::findByAddress(const IpAddress& address, std::uint16_t port)
{
    const Endpoint* portless = nullptr;
    const auto table = client_.dumpAddrs();
    for (const Endpoint& ep : table) {
        if (!ep.address.sameAs(address)) {
            continue;
        }
        if (ep.port != 0 && ep.port == port) {
            return ep;
        }
        if (ep.port == 0 && portless == nullptr) {
            portless = &ep;
        }
    }
    if (portless == nullptr) {
        throw PmError(ErrorKind::NotFound, "no endpoint with address " + describe(address, port));
    }
    return *portless;
}

bool PathManager::changeEndpoint(std::uint32_t id, std::string_view address, std::uint16_t port,
                                 std::span<const std::string> changes)
{
    const std::uint8_t checked = rules::checkId(id);
    if (checked != 0 && !address.empty()) {
        throw PmError(ErrorKind::InvalidArgs, "give either an endpoint id or an address, not both");
    }
    if (checked == 0 && address.empty()) {
        throw PmError(ErrorKind::InvalidArgs, "an endpoint id or an address is needed");
    }
    if (checked != 0 && port != 0) {
        throw PmError(ErrorKind::InvalidArgs, "a port only narrows a lookup by address; it cannot go with an id");
    }
    const rules::FlagChange change = rules::flagChange(changes);
    const Endpoint current = checked != 0 ? getEndpoint(checked) : findByAddress(rules::parseAddress(address), port);
    const std::uint32_t wanted = change.apply(current.flags);
    if (wanted == current.flags) {
        return false;
    }
    try {
        genl::AddrSpec spec;
        spec.id = current.id;
        spec.flags = wanted;
        client_.setFlags(spec);
    } catch (const KernelRefused& e) {
        throwTranslated(e, "with id " + std::to_string(current.id));
    }
    return true;
}

Endpoint PathManager::getEndpoint(std::uint32_t id)
{
    const std::uint8_t checked = rules::checkId(id);
    try {
        return client_.getAddr(checked);
    } catch (const KernelRefused& e) {
        throwTranslated(e, "with id " + std::to_string(checked));
    }
}

std::vector<Endpoint> PathManager::listEndpoints()
{
    try {
        return client_.dumpAddrs();
    } catch (const KernelRefused& e) {
        throwTranslated(e, "table");
    }
}

void PathManager::flushEndpoints()
{
    try {
        client_.flushAddrs();
    } catch (const KernelRefused& e) {
        throwTranslated(e, "table");
    }
}

Limits PathManager::getLimits()
{
    try {
        return client_.getLimits();
    } catch (const KernelRefused& e) {
        throwTranslated(e, "limits");
    }
}

std::optional<Limits> PathManager::replaceLimits(std::optional<std::uint32_t> subflows,
                                                 std::optional<std::uint32_t> addAddrAccepted)
{
    // Both are checked before either is sent, as the kernel itself does.
    if (subflows) {
        rules::checkLimit(*subflows, "subflows");
    }
    if (addAddrAccepted) {
        rules::checkLimit(*addAddrAccepted, "add_addr_accepted");
    }
    try {
        return client_.replaceLimits(subflows, addAddrAccepted);
    } catch (const KernelRefused& e) {
        throwTranslated(e, "limits");
    }
}

std::string PathManager::interfaceLabel(std::int32_t ifindex)
{
    return mptcp::interfaceLabel(names_, ifindex);
}

}  // namespace mptcp
