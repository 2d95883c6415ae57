// Who may change what (docs/dbus-api.md, "Who may do what"): uid 0
// always; any other caller only when polkit grants it the action the
// change needs; while polkit cannot be asked, nobody but uid 0. Reads never
// come here.
//
// Nothing here waits. A request is queued per caller and decided from
// answers that arrive later (the caller's uid from the bus, polkit's
// verdict), so that a check polkit holds for minutes while a password
// dialog is open delays no one but that caller. A caller's requests are
// decided and carried out in the order it sent them. When a caller leaves
// the bus, its pending check is cancelled at polkit and nothing is done
// for it, whatever polkit answers afterwards.
//
// The decision is pure and unit-tested: the questions it asks the bus go
// through AuthorityQueries, which bus_authority.hpp implements with sd-bus.
// The sd-bus side (method results, property writes) is authorization_gate.hpp.
#pragma once

#include "caller_uid_cache.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

namespace mptcp::dbus {

// The polkit actions of this service (data/org.mptcp.PathManager.policy).
enum class Action {
    // Everything that changes the namespace's MPTCP configuration.
    Modify,
    // Acting on live connections (the Userspace interface's changes).
    ControlConnections,
};
const char* polkitActionId(Action action);

inline constexpr const char* kAccessDeniedError = "org.freedesktop.DBus.Error.AccessDenied";
inline constexpr const char* kInteractiveAuthorizationRequiredError =
    "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired";

// The caller of one method call.
struct Caller {
    std::string uniqueName;  // ":1.42"
    // The ALLOW_INTERACTIVE_AUTHORIZATION header flag: the caller is ready
    // to wait while polkit asks its user for a password.
    bool allowInteractive = false;
};

// What polkit said about one caller and one action.
struct PolkitAnswer {
    enum class Verdict {
        Authorized,
        NotAuthorized,
        // Not authorized without authentication (polkit's is_challenge).
        NeedsAuthentication,
        // The user was asked and cancelled (polkit.dismissed).
        Dismissed,
        // No polkit on the bus, or it went away.
        Unreachable,
        // polkit did not answer within the check's time limit.
        TimedOut,
        // polkit answered with an error.
        Failed,
    };
    Verdict verdict = Verdict::NotAuthorized;
    std::string detail;                  // the D-Bus error of Unreachable and Failed
    std::chrono::milliseconds limit{0};  // the time limit that ran out (TimedOut)
};

// The outcome of one request: allowed, or the D-Bus error to answer with.
struct Decision {
    bool allowed = false;
    std::string errorName;  // kAccessDeniedError or kInteractiveAuthorizationRequiredError
    std::string message;
};

class AuthorityQueries {
public:
    using UidAnswer = std::function<void(std::optional<uid_t> uid, const std::string& error)>;
    using PolkitReply = std::function<void(const PolkitAnswer& answer)>;

    virtual ~AuthorityQueries() = default;
    // The uid the bus recorded for the connection when it connected
    // (GetConnectionUnixUser). answer runs once, later or at once: with
    // the uid, or with nullopt and why the bus could not tell.
    virtual void askUnixUser(const std::string& uniqueName, UidAnswer answer) = 0;
    // CheckAuthorization of the action for the caller's bus name, with the
    // caller's interactive flag and this cancellation id. reply runs once,
    // later or at once; TimedOut when the check's time limit ran out.
    virtual void checkAuthorization(const Caller& caller, const char* actionId, const std::string& cancellationId,
                                    PolkitReply reply) = 0;
    // CancelCheckAuthorization: polkit closes the dialog of that check, if
    // any. Fire and forget: the check's reply, if one still comes, is
    // ignored by the authorizer.
    virtual void cancelCheck(const std::string& cancellationId) = 0;
};

class PolkitAuthorizer {
public:
    // Changes of one caller that may wait for authorization at once; more
    // are refused at once, so that a caller whose check is held cannot grow
    // the daemon by sending changes without end.
    static constexpr std::size_t kMaxWaitingPerCaller = 64;

    // Runs once with the decision, unless the caller leaves the bus first.
    using Done = std::function<void(const Decision& decision)>;
    using Log = std::function<void(const std::string& line)>;

    explicit PolkitAuthorizer(AuthorityQueries& queries, Log log = {});
    PolkitAuthorizer(const PolkitAuthorizer&) = delete;
    PolkitAuthorizer& operator=(const PolkitAuthorizer&) = delete;

    // Decides whether the caller may do `what` (a method or property name,
    // for the error message) under `action`. done runs at once when the
    // answer is known (root, uid already known, nothing of the caller's
    // queued before), else later from the event loop.
    void authorize(Action action, std::string what, const Caller& caller, Done done);

    // The name left the bus: its pending check is cancelled at polkit, its
    // queued requests are dropped without an answer (the reply could not
    // reach it anyway) and its uid is forgotten.
    void callerVanished(const std::string& uniqueName);

    std::size_t cachedCallers() const { return uids_.size(); }
    // Requests waiting for an answer, over all callers.
    std::size_t pendingRequests() const;

private:
    struct Request {
        Action action;
        std::string what;
        bool allowInteractive;
        Done done;
    };
    struct CallerQueue {
        std::deque<Request> requests;
        // A question about the head is out: the uid lookup, or the polkit
        // check with this cancellation id ("" for the uid lookup).
        bool waiting = false;
        std::string checkId;
        // The caller's uid, once the bus said it.
        std::optional<uid_t> uid;
    };

    // Decides as many of the caller's requests as can be decided now.
    void pump(const std::string& name);
    void onUid(const std::string& name, std::optional<uid_t> uid, const std::string& error);
    void onPolkit(const std::string& name, const std::string& checkId, const PolkitAnswer& answer);
    // Pops the head of the caller's queue and tells it the decision.
    void finishHead(const std::string& name, const Decision& decision);

    AuthorityQueries& queries_;
    Log log_;
    CallerUidCache uids_;
    std::unordered_map<std::string, CallerQueue> callers_;
    std::uint64_t nextCheck_ = 1;
};

}  // namespace mptcp::dbus
