// The managed interfaces' endpoints: what should exist (one endpoint per
// usable address of every managed interface) against what the kernel holds,
// as a plan of deletes and adds. Pure: the caller carries the plan out.
//
// The one rule that matters most: only endpoints the service created (the
// `owned` record) are ever deleted. An endpoint someone else made for an
// address the service would want is left alone and not duplicated; the plan
// says so in a note.
#pragma once

#include "endpoint.hpp"
#include "interface_table.hpp"
#include "usable_address.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mptcp {

// ManageInterface's arguments, checked.
struct ManagedSettings {
    std::uint32_t flags = 0;  // proto::AddrFlag bits
    std::uint16_t port = 0;   // 0 = none (signal endpoints only)
    AddressPolicy addresses;
    std::string owner;   // free text, e.g. a connection uuid
    std::string source;  // free text: why these flags (shown, never interpreted)
    // The management ends when the interface goes away (deleted, or renamed
    // to another name) instead of waiting for that name to come back.
    bool transient = false;

    bool operator==(const ManagedSettings&) const = default;
};

// Interface name -> settings. Keyed by name: an interface that goes away
// stays managed and gets its endpoints back when it returns under that name.
using ManagedSet = std::map<std::string, ManagedSettings>;

// An endpoint the service created, as it created it. The kernel's entry is
// still the service's only while it matches in every field: an endpoint
// someone deleted and made again (ids are reused), or changed, is theirs.
struct OwnedEndpoint {
    std::uint8_t id = 0;
    IpAddress address;
    std::uint16_t port = 0;
    std::int32_t ifindex = 0;
    std::uint32_t flags = 0;
    std::string interface;  // its name when created, for the log

    bool matches(const Endpoint& ep) const
    {
        return ep.id == id && ep.address.sameAs(address) && ep.port == port && ep.ifindex == ifindex &&
               ep.flags == flags;
    }
    bool operator==(const OwnedEndpoint&) const = default;
};

struct WantedEndpoint {
    std::string interface;
    std::int32_t ifindex = 0;
    IpAddress address;
    std::uint16_t port = 0;
    std::uint32_t flags = 0;

    bool operator==(const WantedEndpoint&) const = default;
};

struct ReconcilePlan {
    std::vector<OwnedEndpoint> remove;  // ours, no longer wanted as they are
    std::vector<WantedEndpoint> add;
    std::vector<OwnedEndpoint> keep;  // ours and already right
    // Why something wanted is not added, or something recorded is gone:
    // for the log, one line each.
    std::vector<std::string> notes;
};

// Every usable address of every managed interface that exists now, in
// interface-name order; an interface that is not there wants nothing.
std::vector<WantedEndpoint> wantedEndpoints(const ManagedSet& managed, const InterfaceTable& interfaces);

// Compares what is wanted with the kernel's table. An owned record that no
// longer matches its kernel entry is dropped (someone deleted or changed
// it); the kernel's implicit entries are not in the way (an add replaces
// them).
ReconcilePlan planReconcile(const std::vector<WantedEndpoint>& wanted, const std::vector<Endpoint>& kernelTable,
                            const std::vector<OwnedEndpoint>& owned);

}  // namespace mptcp
