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

#include "journal_log.hpp"

#include "declared_config.hpp"
#include "interface_table.hpp"
#include "limits_policy.hpp"
#include "managed_state.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "reconciler.hpp"
#include "route_events.hpp"

#include <cstdint>
#include <functional>
#include <memory>
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
    // Each line with its journal priority: Info for what was done, Warning
    // for what went wrong or was refused (journal_log.hpp).
    using Log = std::function<void(journal::Priority, const std::string&)>;

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
    // exists) changes nothing and is not an error. An interface the
    // configuration file declares is refused by both (Exists, naming the
    // file): calls do not override the file.
    ManagedOutcome release(const std::string& interface);
    // Releases every interface managed with this owner (exact match);
    // `released` gets their names, possibly none. Owner "" is InvalidArgs,
    // "config" too (the file's entries are changed in the file).
    ManagedOutcome releaseOwner(const std::string& owner, std::vector<std::string>& released);

    // Reads the configuration file and applies it: its interfaces are
    // managed from now on (a ManageInterface entry of the same name is
    // dropped), its limits set. Every mistake is one log line (file, line,
    // key); a file with mistakes is not applied at all — at start nothing
    // is declared, at a reload the previous version stays. True when applied.
    // May come before start() (then start() reconciles).
    bool loadDeclared(const std::string& path, ManagedOutcome& out);

    // The event socket is readable: applies the events and reconciles when a
    // managed interface changed. Never throws; problems go to the log.
    ManagedOutcome onRouteEvents();

    int eventFd() const { return events_.fd(); }
    // What calls asked for (ManageInterface), and what the file declares.
    const ManagedSet& managed() const { return managed_; }
    const DeclaredConfig& declared() const { return declared_; }
    const std::vector<OwnedEndpoint>& owned() const { return owned_; }
    const std::string& statePath() const { return state_.path(); }

private:
    // Reads at most `budget` datagrams. After an overrun it drops every
    // datagram queued before the gap (until the socket is empty), and only
    // then dumps: applying those older events on top of a newer dump would
    // bring back addresses that are gone, and remove ones that came back.
    void drainEvents(int budget);
    void resync();
    ManagedOutcome reconcile();
    void removeEndpoints(const std::vector<OwnedEndpoint>& remove, std::vector<OwnedEndpoint>& owned,
                         ManagedOutcome& out);
    void addEndpoints(const std::vector<WantedEndpoint>& add, std::vector<OwnedEndpoint>& owned, ManagedOutcome& out);
    void saveState(ManagedOutcome& out);
    void applyLimits(ManagedOutcome& out);
    void applyDeclaredLimits(ManagedOutcome& out);
    // A managed name: asked for by a call, or matched by the file.
    bool isManaged(const std::string& name) const;
    // Every interface to keep endpoints for, by name: the calls' entries
    // and each present interface the file's patterns match (the file wins).
    ManagedSet effective() const;
    // Transient entries whose interface is gone end.
    void endTransient();
    // Entries of calls for interfaces the file declares: dropped.
    void dropShadowed();
    std::optional<PmError> declaredError(const std::string& interface) const;
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
    DeclaredConfig declared_;
    std::vector<OwnedEndpoint> owned_;
    InterfaceTable interfaces_;
    bool started_ = false;        // start() ran: changes are reconciled at once
    bool dirty_ = false;          // a managed interface changed since the last reconcile
    bool resyncPending_ = false;  // events were lost and the dump failed: retry it
    bool discarding_ = false;     // events were lost: dropping what was queued before the gap
    std::size_t discarded_ = 0;   // datagrams dropped so far in this overrun, for the log
    std::uint32_t routeSeq_ = 0;
    std::string savedText_;  // what the state file holds: written only on change
    std::vector<std::string> lastNotes_;
    // Not zeroed: only what the kernel writes is read, and its pages stay out
    // of memory until then. On the heap: inside the object it made main's
    // stack frame 32 KiB deeper, and every call below main touched stack
    // pages of its own instead of reusing those near the top.
    std::unique_ptr<std::uint8_t[]> buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(rtnl::kReceiveBufferSize);
};

}  // namespace mptcp
