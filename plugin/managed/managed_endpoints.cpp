#include "managed_endpoints.hpp"

#include "endpoint.hpp"
#include "path_manager.hpp"
#include "pm_rules.hpp"
#include "rtnl_dump.hpp"

#include <algorithm>
#include <cerrno>

namespace mptcp {
namespace {

// A burst of events is handled in slices: the bus gets its turn between
// them (the socket stays readable, so the loop comes back at once).
constexpr int kDatagramsPerWake = 64;
// Datagrams queued before an overrun are only read and dropped, which is
// cheap: a larger slice, so that the resynchronisation comes soon.
constexpr int kDiscardsPerWake = 1024;
// A call (ManageInterface) must see the interfaces as they are now: it
// reads what is pending, up to this many datagrams.
constexpr int kDatagramsPerCall = 1 << 16;

PmError translated(const KernelRefused& refusal, const std::string& subject)
{
    try {
        throwTranslated(refusal, subject);
    } catch (const PmError& e) {
        return e;
    }
    return PmError(ErrorKind::Failed, subject);  // not reached: throwTranslated always throws
}

std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : " ") + w;
    }
    return out;
}

std::string describe(const ManagedSettings& s)
{
    std::string text = joined(flagNames(s.flags));
    if (s.port != 0) {
        text += " port " + std::to_string(s.port);
    }
    text += s.addresses.ipv4 && s.addresses.ipv6 ? ", IPv4 and IPv6" : s.addresses.ipv4 ? ", IPv4 only" : ", IPv6 only";
    if (s.addresses.uniqueLocal) {
        text += " (unique-local too)";
    }
    if (!s.owner.empty()) {
        text += ", owner " + rules::quoteArg(s.owner);
    }
    if (s.transient) {
        text += ", transient";
    }
    if (!s.source.empty()) {
        text += ", source " + rules::quoteArg(s.source);
    }
    return text;
}

std::string describe(const OwnedEndpoint& e)
{
    return "endpoint " + std::to_string(e.id) + " " + e.address.toString() + " (" + e.interface + ")";
}

}  // namespace

void ManagedOutcome::merge(const ManagedOutcome& later)
{
    endpointsChanged |= later.endpointsChanged;
    subflowsLimitChanged |= later.subflowsLimitChanged;
    if (!failure && later.failure) {
        failure = later.failure;
    }
}

ManagedEndpoints::ManagedEndpoints(PmClient& pm, NetlinkTransport& routeDump, RouteEventSocket& routeEvents,
                                   StateFile state, LimitsPolicy limits, Log log)
    : pm_(pm),
      routeDump_(routeDump),
      events_(routeEvents),
      state_(std::move(state)),
      limits_(limits),
      log_(std::move(log))
{
}

void ManagedEndpoints::fail(ManagedOutcome& out, const PmError& error)
{
    log_(journal::Priority::Warning, error.what());
    if (!out.failure) {
        out.failure = error;
    }
}

ManagedOutcome ManagedEndpoints::start()
{
    ManagedOutcome out;
    netns_ = currentNetnsId();
    savedText_ = formatState({netns_, {}, {}});
    try {
        if (auto saved = state_.load()) {
            if (saved->netns != netns_) {
                log_(journal::Priority::Warning, state_.path() + " belongs to another network namespace (" +
                                                     std::to_string(saved->netns) + ", this is " +
                                                     std::to_string(netns_) + "); not used");
            } else {
                managed_ = saved->interfaces;
                owned_ = saved->endpoints;
                savedText_ = formatState(*saved);
                log_(journal::Priority::Info, "managed interfaces: took back " + std::to_string(managed_.size()) +
                                                  " interface(s) and " + std::to_string(owned_.size()) +
                                                  " endpoint record(s) from " + state_.path());
            }
        }
    } catch (const PmError& e) {
        log_(journal::Priority::Warning, std::string(e.what()) + "; starting with no managed interfaces");
    }
    dropShadowed();
    started_ = true;
    try {
        resync();
    } catch (const PmError& e) {
        fail(out, PmError(e.kind(), std::string("cannot read the links and addresses: ") + e.what(), e.error()));
        resyncPending_ = true;
        return out;
    }
    out.merge(reconcile());
    return out;
}

ManagedOutcome ManagedEndpoints::manage(const std::string& interface, const ManagedSettings& settings)
{
    if (settings.flags == 0) {
        return release(interface);
    }
    ManagedOutcome out;
    if (settings.owner == kConfigOwner) {
        out.failure = PmError(ErrorKind::InvalidArgs, std::string("owner \"") + kConfigOwner +
                                                          "\" is reserved for the interfaces the configuration "
                                                          "file declares");
        return out;
    }
    if (auto refused = declaredError(interface)) {
        out.failure = refused;
        return out;
    }
    drainEvents(kDatagramsPerCall);  // a device created just before the call must be known
    if (!interfaces_.indexOf(interface)) {
        out.failure = PmError(ErrorKind::InvalidArgs,
                              "no interface named " + rules::quoteArg(interface) + " in this network namespace");
        if (dirty_) {
            out.merge(reconcile());
        }
        return out;
    }
    std::optional<ManagedSettings> previous;
    if (auto it = managed_.find(interface); it != managed_.end()) {
        previous = it->second;
    }
    managed_[interface] = settings;
    if (previous != settings) {
        log_(journal::Priority::Info, interface + ": managed (" + describe(settings) + ")");
    }
    out.merge(reconcile());
    if (!out.failure) {
        return out;
    }
    const PmError first = *out.failure;
    if (first.kind() != ErrorKind::InvalidArgs) {
        out.failure = PmError(first.kind(),
                              std::string(first.what()) + "; " + interface +
                                  " stays managed and the service tries again at the next change",
                              first.error());
        return out;
    }
    // The kernel refused these endpoints as invalid: go back to what was.
    if (previous) {
        managed_[interface] = *previous;
    } else {
        managed_.erase(interface);
    }
    log_(journal::Priority::Warning,
         interface + ": settings refused by the kernel; back to " +
             (previous ? "the previous ones (" + describe(*previous) + ")" : std::string("not managed")));
    out.merge(reconcile());
    out.failure = PmError(
        first.kind(),
        std::string(first.what()) + "; " + interface + (previous ? " keeps its previous settings" : " is not managed"),
        first.error());
    return out;
}

ManagedOutcome ManagedEndpoints::release(const std::string& interface)
{
    if (auto refused = declaredError(interface)) {
        ManagedOutcome out;
        out.failure = refused;
        return out;
    }
    drainEvents(kDatagramsPerCall);
    const bool wasManaged = managed_.erase(interface) != 0;
    if (wasManaged) {
        log_(journal::Priority::Info, interface + ": released");
    }
    if (!wasManaged && !dirty_) {
        return {};
    }
    return reconcile();
}

ManagedOutcome ManagedEndpoints::releaseOwner(const std::string& owner, std::vector<std::string>& released)
{
    ManagedOutcome out;
    if (owner.empty() || owner == kConfigOwner) {
        out.failure =
            PmError(ErrorKind::InvalidArgs,
                    owner.empty() ? std::string("an owner is required")
                                  : std::string("the interfaces of owner \"") + kConfigOwner + "\" are declared in " +
                                        (declared_.path.empty() ? std::string(kDefaultConfigFile) : declared_.path) +
                                        "; change them there and reload the service");
        return out;
    }
    drainEvents(kDatagramsPerCall);
    for (auto it = managed_.begin(); it != managed_.end();) {
        if (it->second.owner == owner) {
            released.push_back(it->first);
            log_(journal::Priority::Info, it->first + ": released (owner " + rules::quoteArg(owner) + ")");
            it = managed_.erase(it);
        } else {
            ++it;
        }
    }
    if (released.empty() && !dirty_) {
        return out;
    }
    return reconcile();
}

std::optional<PmError> ManagedEndpoints::declaredError(const std::string& interface) const
{
    const DeclaredInterface* d = declared_.find(interface);
    if (d == nullptr) {
        return std::nullopt;
    }
    return PmError(ErrorKind::Exists, interface + " is declared in " + declared_.path + " (line " +
                                          std::to_string(d->line) + ", [interface:" + d->pattern +
                                          "]); change it there and reload the service");
}

bool ManagedEndpoints::isManaged(const std::string& name) const
{
    return managed_.count(name) != 0 || (!declared_.interfaces.empty() && declared_.find(name) != nullptr);
}

ManagedSet ManagedEndpoints::effective() const
{
    if (declared_.interfaces.empty()) {
        return managed_;
    }
    ManagedSet out;
    for (const auto& [name, settings] : managed_) {
        if (declared_.find(name) == nullptr) {
            out.emplace(name, settings);
        }
    }
    for (const std::string& name : interfaces_.names()) {
        if (const DeclaredInterface* d = declared_.find(name)) {
            out[name] = d->settings;
        }
    }
    return out;
}

void ManagedEndpoints::endTransient()
{
    for (auto it = managed_.begin(); it != managed_.end();) {
        if (it->second.transient && !interfaces_.indexOf(it->first)) {
            log_(journal::Priority::Info, it->first + ": gone; its management ends (transient)");
            it = managed_.erase(it);
        } else {
            ++it;
        }
    }
}

bool ManagedEndpoints::loadDeclared(const std::string& path, ManagedOutcome& out)
{
    DeclaredConfigResult loaded = loadDeclaredConfig(path);
    if (!loaded.mistakes.empty()) {
        for (const std::string& m : loaded.mistakes) {
            log_(journal::Priority::Warning, m);
        }
        log_(journal::Priority::Warning, path + ": not applied (" + std::to_string(loaded.mistakes.size()) +
                                             " mistake(s)); " +
                                             (declared_.path.empty() ? std::string("no interface is declared")
                                                                     : "the version applied before stays in effect"));
        return false;
    }
    if (loaded.config == declared_) {
        return true;
    }
    if (loaded.config.path.empty()) {
        log_(journal::Priority::Info, path + ": no such file; no interface is declared");
    }
    declared_ = std::move(loaded.config);
    dropShadowed();
    for (const DeclaredInterface& d : declared_.interfaces) {
        log_(journal::Priority::Info, d.pattern + ": declared (" + describe(d.settings) + ")");
    }
    if (!declared_.path.empty()) {
        log_(journal::Priority::Info,
             declared_.path + ": applied, " + std::to_string(declared_.interfaces.size()) + " interface section(s)");
    }
    applyDeclaredLimits(out);
    if (started_ && !resyncPending_) {
        drainEvents(kDatagramsPerCall);
        out.merge(reconcile());
    }
    return true;
}

void ManagedEndpoints::dropShadowed()
{
    for (auto it = managed_.begin(); it != managed_.end();) {
        if (declared_.find(it->first) != nullptr) {
            log_(journal::Priority::Info,
                 it->first + ": declared in " + declared_.path + "; the settings of ManageInterface are dropped");
            it = managed_.erase(it);
        } else {
            ++it;
        }
    }
}

void ManagedEndpoints::applyDeclaredLimits(ManagedOutcome& out)
{
    if (!declared_.subflows && !declared_.addAddrAccepted) {
        return;
    }
    try {
        const Limits current = pm_.getLimits();
        const bool subflows = declared_.subflows && *declared_.subflows != current.subflows;
        const bool accepted = declared_.addAddrAccepted && *declared_.addAddrAccepted != current.addAddrAccepted;
        if (!subflows && !accepted) {
            return;
        }
        pm_.setLimits(subflows ? declared_.subflows : std::nullopt,
                      accepted ? declared_.addAddrAccepted : std::nullopt);
        out.subflowsLimitChanged |= subflows;
        log_(journal::Priority::Info, "limits set as " + declared_.path + " says: subflows " +
                                          std::to_string(declared_.subflows.value_or(current.subflows)) +
                                          ", add_addr_accepted " +
                                          std::to_string(declared_.addAddrAccepted.value_or(current.addAddrAccepted)));
    } catch (const KernelRefused& e) {
        fail(out, translated(e, "limits"));
    } catch (const PmError& e) {
        fail(out, e);
    }
}

ManagedOutcome ManagedEndpoints::onRouteEvents()
{
    drainEvents(discarding_ ? kDiscardsPerWake : kDatagramsPerWake);
    if (!dirty_) {
        return {};
    }
    return reconcile();
}

void ManagedEndpoints::drainEvents(int budget)
{
    bool resyncNow = resyncPending_ && !discarding_;
    for (int i = 0; i < budget; ++i) {
        std::size_t length = 0;
        RouteEventSocket::Status status;
        try {
            status = events_.receive({buffer_.get(), rtnl::kReceiveBufferSize}, &length);
        } catch (const PmError& e) {
            // What follows in the queue may depend on what was just lost.
            log_(journal::Priority::Warning, std::string(e.what()) + "; reading links and addresses again");
            discarding_ = true;
            continue;
        }
        if (status == RouteEventSocket::Status::Empty) {
            if (discarding_) {
                // Everything older than the gap is gone: a dump taken now is
                // newer than it, and what comes after is newer still.
                discarding_ = false;
                resyncNow = true;
            }
            break;
        }
        if (status == RouteEventSocket::Status::Overrun) {
            if (!discarding_) {
                log_(journal::Priority::Warning,
                     "rtnetlink events were lost (receive buffer overrun); reading links and addresses again");
            }
            discarding_ = true;
            continue;
        }
        if (discarding_) {
            ++discarded_;
            continue;  // queued before the gap: older than the dump to come
        }
        try {
            rtnl::forEachMessage({buffer_.get(), length}, [&](const rtnl::Message& m) {
                for (const std::string& name : interfaces_.apply(m)) {
                    dirty_ |= isManaged(name);
                }
            });
        } catch (const PmError& e) {
            log_(journal::Priority::Warning, std::string(e.what()) + "; reading links and addresses again");
            discarding_ = true;
        }
    }
    if (!resyncNow) {
        return;  // nothing lost, or still throwing away what came before the gap
    }
    try {
        resync();
        resyncPending_ = false;
        dirty_ = true;
        if (discarded_ != 0) {
            log_(journal::Priority::Warning,
                 "rtnetlink: dropped " + std::to_string(discarded_) +
                     " datagram(s) queued before the overrun; links and addresses read again");
            discarded_ = 0;
        }
    } catch (const PmError& e) {
        log_(journal::Priority::Warning,
             std::string("cannot read the links and addresses again: ") + e.what() + "; retrying at the next event");
        resyncPending_ = true;
    }
}

void ManagedEndpoints::resync()
{
    const rtnl::Snapshot snapshot = rtnl::dumpLinksAndAddresses(routeDump_, routeSeq_);
    interfaces_.reset(snapshot.links, snapshot.addresses);
}

ManagedOutcome ManagedEndpoints::reconcile()
{
    ManagedOutcome out;
    dirty_ = false;
    std::vector<Endpoint> table;
    try {
        table = pm_.dumpAddrs();
    } catch (const KernelRefused& e) {
        fail(out, translated(e, "table"));
        return out;
    } catch (const PmError& e) {
        fail(out, e);
        return out;
    }
    endTransient();
    const ReconcilePlan plan = planReconcile(wantedEndpoints(effective(), interfaces_), table, owned_);
    logNotes(plan.notes);
    // Deletes first: they free room in the table, and addresses to re-add
    // with other flags.
    std::vector<OwnedEndpoint> owned = plan.keep;
    removeEndpoints(plan.remove, owned, out);
    addEndpoints(plan.add, owned, out);
    owned_ = std::move(owned);
    saveState(out);
    applyLimits(out);
    return out;
}

void ManagedEndpoints::removeEndpoints(const std::vector<OwnedEndpoint>& remove, std::vector<OwnedEndpoint>& owned,
                                       ManagedOutcome& out)
{
    for (const OwnedEndpoint& r : remove) {
        try {
            genl::AddrSpec spec;
            spec.id = r.id;
            pm_.delAddr(spec);
            out.endpointsChanged = true;
            log_(journal::Priority::Info, "removed " + describe(r));
        } catch (const KernelRefused& e) {
            if (e.status().error == EINVAL && e.status().message == "address not found") {
                continue;  // someone deleted it meanwhile: the goal is reached
            }
            owned.push_back(r);  // still ours: tried again at the next reconcile
            fail(out, translated(e, "with id " + std::to_string(r.id)));
        } catch (const PmError& e) {
            owned.push_back(r);
            fail(out, e);
        }
    }
}

void ManagedEndpoints::addEndpoints(const std::vector<WantedEndpoint>& add, std::vector<OwnedEndpoint>& owned,
                                    ManagedOutcome& out)
{
    std::vector<const WantedEndpoint*> added;
    for (const WantedEndpoint& w : add) {
        // No id: the kernel chooses, and replaces an implicit entry of the
        // same address, keeping its id (docs/kernel-behaviour.md §3).
        genl::AddrSpec spec;
        spec.address = w.address;
        spec.port = w.port;
        spec.ifindex = w.ifindex;
        spec.flags = w.flags;
        const std::string subject =
            w.address.toString() + (w.port != 0 ? " port " + std::to_string(w.port) : "") + " (" + w.interface + ")";
        try {
            pm_.addAddr(spec);
            out.endpointsChanged = true;
            added.push_back(&w);
        } catch (const KernelRefused& e) {
            fail(out, translated(e, subject));
        } catch (const PmError& e) {
            fail(out, PmError(e.kind(), subject + ": " + e.what(), e.error()));
        }
    }
    if (added.empty()) {
        return;
    }
    // The kernel does not say which id it chose: address and port are unique
    // in the table, so the entry with both is the one just added.
    std::vector<Endpoint> table;
    try {
        table = pm_.dumpAddrs();
    } catch (const KernelRefused& e) {
        fail(out, translated(e, "table (the ids of the endpoints just added are unknown)"));
        return;
    } catch (const PmError& e) {
        fail(out, e);
        return;
    }
    for (const WantedEndpoint* w : added) {
        auto it = std::find_if(table.begin(), table.end(),
                               [&](const Endpoint& ep) { return ep.address.sameAs(w->address) && ep.port == w->port; });
        if (it == table.end()) {
            log_(journal::Priority::Warning, "the kernel accepted " + w->address.toString() + " (" + w->interface +
                                                 ") but it is not in its table (removed meanwhile?)");
            continue;
        }
        owned.push_back({it->id, w->address, w->port, w->ifindex, it->flags, w->interface});
        log_(journal::Priority::Info, "added " + describe(owned.back()) + ": " + joined(flagNames(w->flags)));
    }
}

void ManagedEndpoints::saveState(ManagedOutcome& out)
{
    const ManagedState state{netns_, managed_, owned_};
    std::string text = formatState(state);
    if (text == savedText_) {
        return;
    }
    try {
        state_.save(state);
        savedText_ = std::move(text);
    } catch (const PmError& e) {
        fail(out, PmError(e.kind(), std::string(e.what()) + " (a restart of the service would forget this change)",
                          e.error()));
    }
}

void ManagedEndpoints::applyLimits(ManagedOutcome& out)
{
    // A subflows limit the file sets is kept as set: a pin.
    const LimitsPolicy policy =
        declared_.subflows ? LimitsPolicy::parse(std::to_string(*declared_.subflows)).value_or(limits_) : limits_;
    if (owned_.empty() || policy.mode() == LimitsPolicy::Mode::Off) {
        return;
    }
    try {
        const Limits current = pm_.getLimits();
        const auto target = policy.subflowsToSet(current.subflows, owned_.size());
        if (!target) {
            return;
        }
        pm_.setLimits(*target, std::nullopt);
        out.subflowsLimitChanged = true;
        log_(journal::Priority::Info, "subflows limit " + std::to_string(current.subflows) + " -> " +
                                          std::to_string(*target) + " for " + std::to_string(owned_.size()) +
                                          " managed endpoint(s) (limits policy " + policy.describe() + ")");
    } catch (const KernelRefused& e) {
        fail(out, translated(e, "limits"));
    } catch (const PmError& e) {
        fail(out, e);
    }
}

// A note repeats at every reconcile while its cause lasts: log it once.
void ManagedEndpoints::logNotes(const std::vector<std::string>& notes)
{
    for (const std::string& note : notes) {
        if (std::find(lastNotes_.begin(), lastNotes_.end(), note) == lastNotes_.end()) {
            log_(journal::Priority::Info, note);
        }
    }
    lastNotes_ = notes;
}

}  // namespace mptcp
