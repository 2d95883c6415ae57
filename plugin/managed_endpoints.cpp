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
    log_(error.what());
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
                log_(state_.path() + " belongs to another network namespace (" + std::to_string(saved->netns) +
                     ", this is " + std::to_string(netns_) + "); not used");
            } else {
                managed_ = saved->interfaces;
                owned_ = saved->endpoints;
                savedText_ = formatState(*saved);
                log_("managed interfaces: took back " + std::to_string(managed_.size()) + " interface(s) and " +
                     std::to_string(owned_.size()) + " endpoint record(s) from " + state_.path());
            }
        }
    } catch (const PmError& e) {
        log_(std::string(e.what()) + "; starting with no managed interfaces");
    }
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
    drainEvents();  // a device created just before the call must be known
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
        log_(interface + ": managed (" + describe(settings) + ")");
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
    log_(interface + ": settings refused by the kernel; back to " +
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
    drainEvents();
    const bool wasManaged = managed_.erase(interface) != 0;
    if (wasManaged) {
        log_(interface + ": released");
    }
    if (!wasManaged && !dirty_) {
        return {};
    }
    return reconcile();
}

ManagedOutcome ManagedEndpoints::onRouteEvents()
{
    drainEvents();
    if (!dirty_) {
        return {};
    }
    return reconcile();
}

void ManagedEndpoints::drainEvents()
{
    bool lost = resyncPending_;
    for (int i = 0; i < kDatagramsPerWake; ++i) {
        std::size_t length = 0;
        RouteEventSocket::Status status;
        try {
            status = events_.receive(buffer_, &length);
        } catch (const PmError& e) {
            log_(std::string(e.what()) + "; reading links and addresses again");
            lost = true;
            break;
        }
        if (status == RouteEventSocket::Status::Empty) {
            break;
        }
        if (status == RouteEventSocket::Status::Overrun) {
            log_("rtnetlink events were lost (receive buffer overrun); reading links and addresses again");
            lost = true;
            continue;
        }
        try {
            rtnl::forEachMessage({buffer_.data(), length}, [&](const rtnl::Message& m) {
                for (const std::string& name : interfaces_.apply(m)) {
                    dirty_ |= managed_.count(name) != 0;
                }
            });
        } catch (const PmError& e) {
            log_(std::string(e.what()) + "; reading links and addresses again");
            lost = true;
        }
    }
    if (!lost) {
        return;
    }
    try {
        resync();
        resyncPending_ = false;
        dirty_ = true;
    } catch (const PmError& e) {
        log_(std::string("cannot read the links and addresses again: ") + e.what() + "; retrying at the next event");
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
    const ReconcilePlan plan = planReconcile(wantedEndpoints(managed_, interfaces_), table, owned_);
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
            log_("removed " + describe(r));
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
            log_("the kernel accepted " + w->address.toString() + " (" + w->interface +
                 ") but it is not in its table (removed meanwhile?)");
            continue;
        }
        owned.push_back({it->id, w->address, w->port, w->ifindex, it->flags, w->interface});
        log_("added " + describe(owned.back()) + ": " + joined(flagNames(w->flags)));
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
    if (owned_.empty() || limits_.mode() == LimitsPolicy::Mode::Off) {
        return;
    }
    try {
        const Limits current = pm_.getLimits();
        const auto target = limits_.subflowsToSet(current.subflows, owned_.size());
        if (!target) {
            return;
        }
        pm_.setLimits(*target, std::nullopt);
        out.subflowsLimitChanged = true;
        log_("subflows limit " + std::to_string(current.subflows) + " -> " + std::to_string(*target) + " for " +
             std::to_string(owned_.size()) + " managed endpoint(s) (limits policy " + limits_.describe() + ")");
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
            log_(note);
        }
    }
    lastNotes_ = notes;
}

}  // namespace mptcp
