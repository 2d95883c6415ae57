#include "bus_authority.hpp"
#include "journal_log.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <array>
#include <cstdio>
#include <map>
#include <string_view>

namespace mptcp::dbus {
namespace {

constexpr const char* kPolkitName = "org.freedesktop.PolicyKit1";
constexpr const char* kPolkitPath = "/org/freedesktop/PolicyKit1/Authority";
constexpr const char* kPolkitInterface = "org.freedesktop.PolicyKit1.Authority";
// CheckAuthorization's flags: AllowUserInteraction.
constexpr std::uint32_t kAllowUserInteraction = 1;

using Clock = std::chrono::steady_clock;

// sdbus-c++ 1.2 lets exceptions from a reply handler escape into sd-bus's
// C frames: nothing may leave one.
template <typename Fn>
void guarded(const char* what, Fn&& fn) noexcept
{
    try {
        fn();
    } catch (const std::exception& e) {
        mptcp::journal::logLine(mptcp::journal::Priority::Error, "mptcp-pathmanagerd",
                                std::string(what) + ": " + e.what());
    } catch (...) {
        mptcp::journal::logLine(mptcp::journal::Priority::Error, "mptcp-pathmanagerd", std::string(what) + " failed");
    }
}

bool isTimeout(const std::string& errorName)
{
    return errorName == "org.freedesktop.DBus.Error.NoReply" || errorName == "org.freedesktop.DBus.Error.Timeout" ||
           errorName == "org.freedesktop.DBus.Error.TimedOut";
}

PolkitAnswer fromResult(bool authorized, bool challenge, const std::map<std::string, std::string>& details)
{
    using V = PolkitAnswer::Verdict;
    if (authorized) {
        return {V::Authorized, "", {}};
    }
    if (const auto it = details.find("polkit.dismissed"); it != details.end() && it->second == "true") {
        return {V::Dismissed, "", {}};
    }
    return {challenge ? V::NeedsAuthentication : V::NotAuthorized, "", {}};
}

}  // namespace

bool meansUnreachable(const std::string& errorName)
{
    static constexpr std::array<std::string_view, 6> kUnreachable = {
        "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoReply",        "org.freedesktop.DBus.Error.Timeout",
        "org.freedesktop.DBus.Error.TimedOut",       "org.freedesktop.DBus.Error.Disconnected",
    };
    for (const auto name : kUnreachable) {
        if (errorName == name) {
            return true;
        }
    }
    return false;
}

void BusAuthorityQueries::askUnixUser(const std::string& uniqueName, UidAnswer answer)
{
    try {
        if (!busDriver_) {
            busDriver_ = sdbus::createProxy(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
        }
        busDriver_->callMethodAsync("GetConnectionUnixUser")
            .onInterface("org.freedesktop.DBus")
            .withTimeout(limits_.check)
            .withArguments(uniqueName)
            .uponReplyInvoke([answer](const sdbus::Error* error, std::uint32_t uid) {
                guarded("the caller's uid", [&] {
                    if (error != nullptr) {
                        answer(std::nullopt, error->getName() + ": " + error->getMessage());
                    } else {
                        answer(static_cast<uid_t>(uid), "");
                    }
                });
            });
    } catch (const sdbus::Error& e) {
        answer(std::nullopt, e.getName() + ": " + e.getMessage());
    }
}

sdbus::IProxy& BusAuthorityQueries::polkit()
{
    if (!polkit_) {
        polkit_ = sdbus::createProxy(bus_, kPolkitName, kPolkitPath);
    }
    return *polkit_;
}

void BusAuthorityQueries::checkAuthorization(const Caller& caller, const char* actionId,
                                             const std::string& cancellationId, PolkitReply reply)
{
    using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
    using Result = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;
    const Subject subject{std::string("system-bus-name"),
                          std::map<std::string, sdbus::Variant>{{"name", sdbus::Variant(caller.uniqueName)}}};
    const std::map<std::string, std::string> details;
    const std::uint32_t flags = caller.allowInteractive ? kAllowUserInteraction : 0;
    // The call's own timeout is the check's time limit: sd-bus answers it
    // with NoReply when it runs out, while everything else goes on.
    const std::chrono::milliseconds limit = caller.allowInteractive ? limits_.interactiveCheck : limits_.check;
    const auto started = Clock::now();
    try {
        polkit()
            .callMethodAsync("CheckAuthorization")
            .onInterface(kPolkitInterface)
            .withTimeout(limit)
            .withArguments(subject, std::string(actionId), details, flags, cancellationId)
            .uponReplyInvoke([reply, limit, started](const sdbus::Error* error, Result result) {
                guarded("polkit's answer", [&] {
                    using V = PolkitAnswer::Verdict;
                    if (error == nullptr) {
                        reply(fromResult(result.get<0>(), result.get<1>(), result.get<2>()));
                    } else if (isTimeout(error->getName()) &&
                               Clock::now() - started + std::chrono::milliseconds(10) >= limit) {
                        reply({V::TimedOut, error->getName() + ": " + error->getMessage(), limit});
                    } else {
                        const V verdict = meansUnreachable(error->getName()) ? V::Unreachable : V::Failed;
                        reply({verdict, error->getName() + ": " + error->getMessage(), {}});
                    }
                });
            });
    } catch (const sdbus::Error& e) {
        reply({PolkitAnswer::Verdict::Unreachable, e.getName() + ": " + e.getMessage(), {}});
    }
}

void BusAuthorityQueries::cancelCheck(const std::string& cancellationId)
{
    try {
        polkit()
            .callMethodAsync("CancelCheckAuthorization")
            .onInterface(kPolkitInterface)
            .withTimeout(limits_.check)
            .withArguments(cancellationId)
            .uponReplyInvoke([cancellationId](const sdbus::Error* error) {
                // polkit refuses to cancel a check it already answered; any
                // other refusal is worth a line in the log.
                if (error != nullptr && error->getName() != "org.freedesktop.PolicyKit1.Error.NotAuthorized") {
                    mptcp::journal::logLine(mptcp::journal::Priority::Warning, "mptcp-pathmanagerd",
                                            "cancelling polkit check " + cancellationId + ": " + error->getName() +
                                                ": " + error->getMessage());
                }
            });
    } catch (const sdbus::Error& e) {
        mptcp::journal::logLine(mptcp::journal::Priority::Warning, "mptcp-pathmanagerd",
                                "cannot cancel polkit check " + cancellationId + ": " + e.what());
    }
}

}  // namespace mptcp::dbus
