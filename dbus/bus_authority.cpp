#include "bus_authority.hpp"

#include "bus_call.hpp"
#include "bus_message.hpp"
#include "daemon_log.hpp"
#include "journal_log.hpp"

#include <array>
#include <string_view>

namespace mptcp::dbus {
namespace {

constexpr const char* kPolkitName = "org.freedesktop.PolicyKit1";
constexpr const char* kPolkitPath = "/org/freedesktop/PolicyKit1/Authority";
constexpr const char* kPolkitInterface = "org.freedesktop.PolicyKit1.Authority";
// CheckAuthorization's flags: AllowUserInteraction.
constexpr std::uint32_t kAllowUserInteraction = 1;

using Clock = std::chrono::steady_clock;

bool isTimeout(const std::string& errorName)
{
    return errorName == "org.freedesktop.DBus.Error.NoReply" || errorName == "org.freedesktop.DBus.Error.Timeout" ||
           errorName == "org.freedesktop.DBus.Error.TimedOut";
}

// CheckAuthorization's result (bba{ss}): is_authorized, is_challenge and
// details, of which only polkit.dismissed matters here. An answer that
// cannot be read is a failed check.
PolkitAnswer readResult(sd_bus_message* m) noexcept
try {
    using V = PolkitAnswer::Verdict;
    int authorized = 0;
    int challenge = 0;
    bool dismissed = false;
    msg::check(sd_bus_message_enter_container(m, 'r', "bba{ss}"), "read polkit's answer");
    msg::check(sd_bus_message_read(m, "bb", &authorized, &challenge), "read polkit's answer");
    msg::check(sd_bus_message_enter_container(m, 'a', "{ss}"), "read polkit's details");
    const char* key = nullptr;
    const char* value = nullptr;
    for (;;) {
        const int r = sd_bus_message_read(m, "{ss}", &key, &value);
        msg::check(r, "read polkit's details");
        if (r == 0) {
            break;
        }
        dismissed = dismissed || (std::string_view(key) == "polkit.dismissed" && std::string_view(value) == "true");
    }
    if (authorized) {
        return {V::Authorized, "", {}};
    }
    if (dismissed) {
        return {V::Dismissed, "", {}};
    }
    return {challenge ? V::NeedsAuthentication : V::NotAuthorized, "", {}};
} catch (const std::exception& e) {
    return {PolkitAnswer::Verdict::Failed, std::string("polkit's answer is unreadable: ") + e.what(), {}};
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
        auto call = newMethodCall(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                  "GetConnectionUnixUser");
        msg::check(sd_bus_message_append_basic(call.get(), 's', uniqueName.c_str()), "write the caller's name");
        callAsync(call, limits_.check, "the caller's uid", [answer](const CallReply& reply) {
            if (reply.failed()) {
                answer(std::nullopt, reply.errorText());
                return;
            }
            std::uint32_t uid = 0;
            if (const int r = sd_bus_message_read_basic(reply.message(), 'u', &uid); r <= 0) {
                answer(std::nullopt, "the bus driver's answer about the caller is not a uid");
                return;
            }
            answer(static_cast<uid_t>(uid), "");
        });
    } catch (const std::exception& e) {
        answer(std::nullopt, e.what());
    }
}

void BusAuthorityQueries::checkAuthorization(const Caller& caller, const char* actionId,
                                             const std::string& cancellationId, PolkitReply reply)
{
    const std::uint32_t flags = caller.allowInteractive ? kAllowUserInteraction : 0;
    // The call's own timeout is the check's time limit: sd-bus answers it
    // with NoReply when it runs out, while everything else goes on.
    const std::chrono::milliseconds limit = caller.allowInteractive ? limits_.interactiveCheck : limits_.check;
    const auto started = Clock::now();
    try {
        auto call = newMethodCall(bus_, kPolkitName, kPolkitPath, kPolkitInterface, "CheckAuthorization");
        // subject (sa{sv}): the caller's bus name; details a{ss}: none.
        msg::check(sd_bus_message_append(call.get(), "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
                                         caller.uniqueName.c_str(), actionId, 0, flags, cancellationId.c_str()),
                   "write polkit's check");
        callAsync(call, limit, "polkit's answer", [reply, limit, started](const CallReply& answer) {
            using V = PolkitAnswer::Verdict;
            if (!answer.failed()) {
                reply(readResult(answer.message()));
            } else if (isTimeout(answer.errorName()) &&
                       Clock::now() - started + std::chrono::milliseconds(10) >= limit) {
                reply({V::TimedOut, answer.errorText(), limit});
            } else {
                const V verdict = meansUnreachable(answer.errorName()) ? V::Unreachable : V::Failed;
                reply({verdict, answer.errorText(), {}});
            }
        });
    } catch (const std::exception& e) {
        reply({PolkitAnswer::Verdict::Unreachable, e.what(), {}});
    }
}

void BusAuthorityQueries::cancelCheck(const std::string& cancellationId)
{
    try {
        auto call = newMethodCall(bus_, kPolkitName, kPolkitPath, kPolkitInterface, "CancelCheckAuthorization");
        msg::check(sd_bus_message_append_basic(call.get(), 's', cancellationId.c_str()), "write the cancellation");
        callAsync(call, limits_.check, "polkit's cancellation", [cancellationId](const CallReply& answer) {
            // polkit refuses to cancel a check it already answered; any
            // other refusal is worth a line in the log.
            if (answer.failed() && answer.errorName() != "org.freedesktop.PolicyKit1.Error.NotAuthorized") {
                mptcp::dbus::daemonLog("cancelling polkit check " + cancellationId + ": " + answer.errorText(),
                                       mptcp::journal::Priority::Warning);
            }
        });
    } catch (const std::exception& e) {
        mptcp::dbus::daemonLog("cannot cancel polkit check " + cancellationId + ": " + e.what(),
                               mptcp::journal::Priority::Warning);
    }
}

}  // namespace mptcp::dbus
