// AuthorityQueries over sd-bus: the caller of the call being processed,
// its uid as the bus daemon recorded it (GetConnectionUnixUser, the
// kernel's SO_PEERCRED of the connection, not something the caller says),
// and polkit's CheckAuthorization for its bus name. No libpolkit: polkit's
// D-Bus API is one method call, and its library would pull GLib into the
// daemon (docs/architecture.md, "Budgets that shaped the design"). Both
// proxies are made on first use, so a daemon that only ever serves reads
// never talks to polkit.
#pragma once

#include "polkit_authorizer.hpp"

#include <sdbus-c++/IObject.h>
#include <sdbus-c++/IProxy.h>

#include <chrono>
#include <memory>

namespace mptcp::dbus {

// How long the daemon waits for polkit. It serves nothing else meanwhile
// (sdbus-c++ 1.2 method handlers are synchronous), so a plain check is
// kept short; an interactive one waits as long as a D-Bus client waits
// for any reply by default, beyond which the caller has given up anyway.
inline constexpr std::chrono::seconds kPolkitTimeout{5};
inline constexpr std::chrono::seconds kPolkitInteractiveTimeout{25};

class BusAuthorityQueries final : public AuthorityQueries {
public:
    explicit BusAuthorityQueries(sdbus::IObject& object) : object_(object) {}

    std::optional<Caller> currentCaller() override;
    uid_t unixUser(const std::string& uniqueName) override;
    PolkitAnswer checkModify(const Caller& caller) override;

private:
    sdbus::IObject& object_;
    std::unique_ptr<sdbus::IProxy> busDriver_;
    std::unique_ptr<sdbus::IProxy> polkit_;
};

// The ALLOW_INTERACTIVE_AUTHORIZATION flag of a message: sdbus-c++ 1.2 has
// no accessor for it, sd-bus has.
bool allowsInteractiveAuthorization(const sdbus::Message& message);

// Whether a D-Bus error from calling polkit means that polkit is not there
// (or not answering) rather than that it refused.
bool meansUnreachable(const std::string& errorName);

}  // namespace mptcp::dbus
