#include "reconciler.hpp"

#include "pm_protocol.hpp"

#include <algorithm>

namespace mptcp {
namespace {

std::string describe(const IpAddress& address, std::uint16_t port)
{
    return address.toString() + (port != 0 ? " port " + std::to_string(port) : "");
}

// The kernel's duplicate rule (docs/kernel-behaviour.md §3): the same address, and
// the same port when either side has one.
bool sameSlot(const Endpoint& ep, const WantedEndpoint& w)
{
    return ep.address.sameAs(w.address) && ep.port == w.port;
}

}  // namespace

std::vector<WantedEndpoint> wantedEndpoints(const ManagedSet& managed, const InterfaceTable& interfaces)
{
    std::vector<WantedEndpoint> wanted;
    for (const auto& [name, settings] : managed) {
        const auto ifindex = interfaces.indexOf(name);
        if (!ifindex || settings.flags == 0) {
            continue;
        }
        for (const rtnl::Address& a : interfaces.addressesOf(*ifindex)) {
            if (isUsable(a, settings.addresses)) {
                wanted.push_back({name, *ifindex, a.address, settings.port, settings.flags});
            }
        }
    }
    return wanted;
}

ReconcilePlan planReconcile(const std::vector<WantedEndpoint>& wanted, const std::vector<Endpoint>& kernelTable,
                            const std::vector<OwnedEndpoint>& owned)
{
    ReconcilePlan plan;
    // Which kernel entries are ours: those still exactly as created.
    std::vector<const Endpoint*> ours;
    std::vector<const OwnedEndpoint*> oursRecord;
    for (const OwnedEndpoint& o : owned) {
        auto it =
            std::find_if(kernelTable.begin(), kernelTable.end(), [&](const Endpoint& ep) { return o.matches(ep); });
        if (it == kernelTable.end()) {
            plan.notes.push_back("endpoint " + std::to_string(o.id) + " " + o.address.toString() + " (" + o.interface +
                                 ") that the service created was deleted or changed by someone else; no longer "
                                 "the service's");
            continue;
        }
        ours.push_back(&*it);
        oursRecord.push_back(&o);
    }
    std::vector<bool> kept(ours.size(), false);

    std::vector<const WantedEndpoint*> planned;
    for (const WantedEndpoint& w : wanted) {
        // The same address on two managed interfaces: one endpoint only.
        auto twin = std::find_if(planned.begin(), planned.end(), [&](const WantedEndpoint* p) {
            return p->address.sameAs(w.address) && p->port == w.port;
        });
        if (twin != planned.end()) {
            plan.notes.push_back(describe(w.address, w.port) + " (" + w.interface + "): already kept for " +
                                 (*twin)->interface + "; one endpoint per address");
            continue;
        }
        planned.push_back(&w);

        bool done = false;
        for (std::size_t i = 0; i < ours.size(); ++i) {
            const Endpoint& ep = *ours[i];
            if (!kept[i] && sameSlot(ep, w) && ep.ifindex == w.ifindex && ep.flags == w.flags) {
                kept[i] = true;
                plan.keep.push_back(*oursRecord[i]);
                done = true;
                break;
            }
        }
        if (done) {
            continue;
        }
        // Someone else's endpoint (not ours, not the kernel's implicit one)
        // already has this address: leave it, never duplicate or fight it.
        auto foreign = std::find_if(kernelTable.begin(), kernelTable.end(), [&](const Endpoint& ep) {
            const bool isOurs = std::find(ours.begin(), ours.end(), &ep) != ours.end();
            return !isOurs && !(ep.flags & proto::FLAG_IMPLICIT) && sameSlot(ep, w);
        });
        if (foreign != kernelTable.end()) {
            plan.notes.push_back(describe(w.address, w.port) + " (" + w.interface + "): endpoint " +
                                 std::to_string(foreign->id) +
                                 " already has this address and was not created by the service; left as it is");
            continue;
        }
        plan.add.push_back(w);
    }
    for (std::size_t i = 0; i < ours.size(); ++i) {
        if (!kept[i]) {
            plan.remove.push_back(*oursRecord[i]);
        }
    }
    return plan;
}

}  // namespace mptcp
