// Who may change the configuration (docs/dbus-api.md, "Who may do what"): uid 0
// always; any other caller only when polkit grants it the action
// org.mptcp.PathManager.modify; and while polkit cannot be asked, nobody
// but uid 0. Reads never come here.
//
// The decision is pure and unit-tested: the questions it asks the bus (who
// is calling, what does polkit say) go through AuthorityQueries, which
// bus_authority.hpp implements with sd-bus.
#pragma once

#include "caller_uid_cache.hpp"
#include "service_ports.hpp"

#include <sys/types.h>

#include <optional>
#include <string>

namespace mptcp::dbus {

inline constexpr const char* kModifyAction = "org.mptcp.PathManager.modify";

// The caller of the method call being processed.
struct Caller {
    std::string uniqueName;  // ":1.42"
    // The ALLOW_INTERACTIVE_AUTHORIZATION header flag: the caller is ready
    // to wait while polkit asks its user for a password.
    bool allowInteractive = false;
};

// What polkit said about one caller and the modify action.
struct PolkitAnswer {
    enum class Verdict {
        Authorized,
        NotAuthorized,
        // Not authorized without authentication, and the caller did not
        // allow an interactive one (polkit's is_challenge).
        NeedsAuthentication,
        // The user was asked and cancelled (polkit.dismissed).
        Dismissed,
        // No polkit on the bus, or it did not answer in time.
        Unreachable,
        // polkit answered with an error.
        Failed,
    };
    Verdict verdict = Verdict::NotAuthorized;
    std::string detail;  // the D-Bus error of Unreachable and Failed
};

class AuthorityQueries {
public:
    virtual ~AuthorityQueries() = default;
    // nullopt while no bus call is being processed (the service acting on
    // its own behalf, e.g. reconciling managed interfaces).
    virtual std::optional<Caller> currentCaller() = 0;
    // The uid the bus recorded for the connection when it connected
    // (GetConnectionUnixUser). Throws PmError when the bus cannot tell.
    virtual uid_t unixUser(const std::string& uniqueName) = 0;
    // CheckAuthorization of kModifyAction for the caller's bus name.
    virtual PolkitAnswer checkModify(const Caller& caller) = 0;
};

class PolkitAuthorizer final : public Authorizer {
public:
    explicit PolkitAuthorizer(AuthorityQueries& queries);

    // Returns when the caller may change the configuration, else throws
    // PmError(AccessDenied) saying why.
    void authorizeChange(const char* what) override;

    // The name left the bus: its uid need not be remembered any more.
    void forgetCaller(const std::string& uniqueName) { uids_.forget(uniqueName); }
    std::size_t cachedCallers() const { return uids_.size(); }

private:
    AuthorityQueries& queries_;
    CallerUidCache uids_;
};

}  // namespace mptcp::dbus
