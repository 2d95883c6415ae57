// AuthorityQueries over sd-bus, all asynchronous: the caller's uid as the
// bus daemon recorded it (GetConnectionUnixUser, the kernel's SO_PEERCRED
// of the connection, not something the caller says), and polkit's
// CheckAuthorization / CancelCheckAuthorization for its bus name. No
// libpolkit: polkit's D-Bus API is a method call, and its library would
// pull GLib into the daemon (docs/architecture.md, "Budgets that shaped the
// design"). A daemon that only ever serves reads never talks to polkit.
#pragma once

#include "polkit_authorizer.hpp"

#include <systemd/sd-bus.h>

#include <chrono>

namespace mptcp::dbus {

// How long one check may take (daemon options --polkit-timeout and
// --polkit-interactive-timeout). Nothing else waits meanwhile, so these
// only bound how long a caller waits before it is told AccessDenied.
struct AuthorizationLimits {
    // A check polkit decides alone (rules, cached authorizations), and the
    // bus driver's answer about a caller's uid.
    std::chrono::milliseconds check{std::chrono::seconds(10)};
    // A check of a caller that allowed interaction: polkit may keep a
    // password dialog open for it.
    std::chrono::milliseconds interactiveCheck{std::chrono::minutes(5)};
};

class BusAuthorityQueries final : public AuthorityQueries {
public:
    BusAuthorityQueries(sd_bus* bus, AuthorizationLimits limits) : bus_(bus), limits_(limits) {}

    void askUnixUser(const std::string& uniqueName, UidAnswer answer) override;
    void checkAuthorization(const Caller& caller, const char* actionId, const std::string& cancellationId,
                            PolkitReply reply) override;
    void cancelCheck(const std::string& cancellationId) override;

private:
    sd_bus* bus_;
    AuthorizationLimits limits_;
};

// Whether a D-Bus error from calling polkit means that polkit is not there
// (or not answering) rather than that it refused.
bool meansUnreachable(const std::string& errorName);

}  // namespace mptcp::dbus
