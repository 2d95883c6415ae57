// Managed interfaces (docs/dbus-api.md: ManageInterface, ReleaseInterface): the
// service keeps one endpoint per usable address of every managed interface,
// following the addresses through rtnetlink, and remembers what it manages
// and which endpoints it created in a state file, so that a restart neither
// orphans nor duplicates endpoints.
//
// No D-Bus here: the daemon's ManagedInterfaces turns D-Bus arguments into
// ManagedSettings and the outcomes below into signals and errors. Every
// kernel and rtnetlink access goes through the injected seams, so the whole
// class runs in unit tests against fakes.
#pragma once

#include "interface_table.hpp"
#include "limits_policy.hpp"
#include "managed_state.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "reconciler.hpp"
#include "route_events.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mptcp {

// What a step did, for the signals (EndpointsChanged, PropertiesChanged of
// SubflowsLimit), and the first thing that went wrong (all of them are in
// the log). A failure does not undo what was done before it.
struct ManagedOutcome {
    bool endpointsChanged = false;
    bool subflowsLimitChanged = false;
    std::optional<PmError> failure;

    void merge(const ManagedOutcome& later);
};

class ManagedEndpoints {
public:
    using Log = std::function<void(const std::string&)>;

    // routeEvents must be subscribed before start() dumps, so that no change
    // falls between the dump and the first event.
    ManagedEndpoints(PmClient& pm, NetlinkTransport& routeDump, RouteEventSocket& routeEvents, StateFile state,
                     LimitsPolicy limits, Log log);

    // Reads the state file (one of another network namespace, or one that
    // cannot be read, is logged and not used), takes back the endpoints it
    // records that the kernel still has under the same id and address,
    // learns the links and addresses, and reconciles.
    ManagedOutcome start();

    // From now on keeps the endpoints of `interface` as `settings` say
    // (flags 0: as release). Refuses an interface that does not exist
    // (InvalidArgs, nothing changed). When the kernel refuses the endpoints
    // as invalid, the previous settings are restored; other kernel failures
    // (a full table) leave the interface managed, retried at the next change.
    ManagedOutcome manage(const std::string& interface, const ManagedSettings& settings);
    // Deletes the endpoints the service created for `interface` and stops
    // managing it. Releasing an interface that is not managed (or no longer
    // exists) changes nothing and is not an error.
    ManagedOutcome release(const std::string& interface);

    // The event socket is readable: applies the events and reconciles when a
    // managed interface changed. Never throws; problems go to the log.
    ManagedOutcome onRouteEvents();

    int eventFd() const { return events_.fd(); }
    const ManagedSet& managed() const { return managed_; }
    const std::vector<OwnedEndpoint>& owned() const { return owned_; }
    const std::string& statePath() const { return state_.path(); }

private:
    void drainEvents();
    void resync();
    ManagedOutcome reconcile();
    void removeEndpoints(const std::vector<OwnedEndpoint>& remove, std::vector<OwnedEndpoint>& owned,
                         ManagedOutcome& out);
    void addEndpoints(const std::vector<WantedEndpoint>& add, std::vector<OwnedEndpoint>& owned, ManagedOutcome& out);
    void saveState(ManagedOutcome& out);
    void applyLimits(ManagedOutcome& out);
    void logNotes(const std::vector<std::string>& notes);
    void fail(ManagedOutcome& out, const PmError& error);

    PmClient& pm_;
    NetlinkTransport& routeDump_;
    RouteEventSocket& events_;
    StateFile state_;
    LimitsPolicy limits_;
    Log log_;

    std::uint64_t netns_ = 0;
    ManagedSet managed_;
    std::vector<OwnedEndpoint> owned_;
    InterfaceTable interfaces_;
    bool dirty_ = false;          // a managed interface changed since the last reconcile
    bool resyncPending_ = false;  // events were lost and the dump failed: retry it
    std::uint32_t routeSeq_ = 0;
    std::string savedText_;  // what the state file holds: written only on change
    std::vector<std::string> lastNotes_;
    alignas(4) std::array<std::uint8_t, rtnl::kReceiveBufferSize> buffer_{};
};

}  // namespace mptcp
