#include "bus_authority.hpp"

#include "pm_error.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-bus.h>

#include <array>
#include <map>
#include <string_view>

namespace mptcp::dbus {
namespace {

constexpr const char* kPolkitName = "org.freedesktop.PolicyKit1";
constexpr const char* kPolkitPath = "/org/freedesktop/PolicyKit1/Authority";
constexpr const char* kPolkitInterface = "org.freedesktop.PolicyKit1.Authority";
// CheckAuthorization's flags: AllowUserInteraction.
constexpr std::uint32_t kAllowUserInteraction = 1;

// sdbus::Message keeps its sd_bus_message* protected. A pointer to that
// member, formed in a derived class, reads it from any Message without
// pretending the object is of the derived type.
struct RawMessage : sdbus::Message {
    static sd_bus_message* of(const sdbus::Message& m)
    {
        constexpr auto member = &RawMessage::msg_;
        return static_cast<sd_bus_message*>(m.*member);
    }
};

}  // namespace

bool allowsInteractiveAuthorization(const sdbus::Message& message)
{
    sd_bus_message* raw = RawMessage::of(message);
    return raw != nullptr && sd_bus_message_get_allow_interactive_authorization(raw) > 0;
}

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

std::optional<Caller> BusAuthorityQueries::currentCaller()
{
    const sdbus::Message* call = object_.getCurrentlyProcessedMessage();
    if (call == nullptr) {
        return std::nullopt;
    }
    return Caller{call->getSender(), allowsInteractiveAuthorization(*call)};
}

uid_t BusAuthorityQueries::unixUser(const std::string& uniqueName)
{
    if (!busDriver_) {
        busDriver_ = sdbus::createProxy(object_.getConnection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    }
    std::uint32_t uid = 0;
    try {
        busDriver_->callMethod("GetConnectionUnixUser")
            .onInterface("org.freedesktop.DBus")
            .withTimeout(kPolkitTimeout)
            .withArguments(uniqueName)
            .storeResultsTo(uid);
    } catch (const sdbus::Error& e) {
        throw PmError(ErrorKind::AccessDenied, e.getName() + ": " + e.getMessage());
    }
    return static_cast<uid_t>(uid);
}

PolkitAnswer BusAuthorityQueries::checkModify(const Caller& caller)
{
    if (!polkit_) {
        polkit_ = sdbus::createProxy(object_.getConnection(), kPolkitName, kPolkitPath);
    }
    using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
    using Result = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;
    const Subject subject{std::string("system-bus-name"),
                          std::map<std::string, sdbus::Variant>{{"name", sdbus::Variant(caller.uniqueName)}}};
    const std::map<std::string, std::string> details;
    const std::uint32_t flags = caller.allowInteractive ? kAllowUserInteraction : 0;
    Result result;
    try {
        polkit_->callMethod("CheckAuthorization")
            .onInterface(kPolkitInterface)
            .withTimeout(caller.allowInteractive ? kPolkitInteractiveTimeout : kPolkitTimeout)
            .withArguments(subject, std::string(kModifyAction), details, flags, std::string())
            .storeResultsTo(result);
    } catch (const sdbus::Error& e) {
        const auto verdict =
            meansUnreachable(e.getName()) ? PolkitAnswer::Verdict::Unreachable : PolkitAnswer::Verdict::Failed;
        return {verdict, e.getName() + ": " + e.getMessage()};
    }
    const bool authorized = result.get<0>();
    const bool challenge = result.get<1>();
    const auto& resultDetails = result.get<2>();
    using V = PolkitAnswer::Verdict;
    if (authorized) {
        return {V::Authorized, ""};
    }
    if (const auto it = resultDetails.find("polkit.dismissed"); it != resultDetails.end() && it->second == "true") {
        return {V::Dismissed, ""};
    }
    return {challenge ? V::NeedsAuthentication : V::NotAuthorized, ""};
}

}  // namespace mptcp::dbus
