#include "error_translation.hpp"

#include <string_view>

namespace mptcp::cli {
namespace {

bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// The kernel's text the service quoted as "(kernel: TEXT)", or "".
std::string quotedKernelText(const std::string& message)
{
    constexpr std::string_view kMark = "(kernel: ";
    const auto start = message.rfind(kMark);
    if (start == std::string::npos || message.back() != ')') {
        return {};
    }
    const auto from = start + kMark.size();
    return message.substr(from, message.size() - 1 - from);
}

// Rules the service applies itself before the kernel would: the kernel's
// words for them, as ip shows them. "" when the message is none of these.
std::string kernelWordsForServiceRule(const std::string& message)
{
    if (contains(message, "a port needs the signal flag and no subflow flag")) {
        return "flags must have signal and not subflow when using port";
    }
    if (contains(message, "an endpoint id or an address is needed")) {
        return "missing address ID";
    }
    if (contains(message, " limit ") && contains(message, "is out of range (0..")) {
        const auto from = message.find("(0..") + 4;
        const auto to = message.find(')', from);
        return "limit greater than maximum (" + message.substr(from, to - from) + ")";
    }
    if (contains(message, "flags signal and fullmesh cannot be combined")) {
        return "flags mustn't have both signal and fullmesh";
    }
    return {};
}

// `no interface named "X"`: ip's own check of `dev X` (this program makes
// it too, but the service's namespace is the one that counts).
bool missingInterface(const std::string& message, std::string& name)
{
    constexpr std::string_view kMark = "no interface named \"";
    const auto start = message.find(kMark);
    if (start == std::string::npos) {
        return false;
    }
    const auto from = start + kMark.size();
    const auto to = message.find('"', from);
    name = message.substr(from, to == std::string::npos ? std::string::npos : to - from);
    return true;
}

bool isUnreachable(const std::string& name)
{
    static constexpr std::string_view kNames[] = {
        "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoReply",        "org.freedesktop.DBus.Error.Disconnected",
        "org.freedesktop.DBus.Error.NoServer",       "org.freedesktop.DBus.Error.TimedOut",
        "org.freedesktop.DBus.Error.Timeout",        "org.freedesktop.DBus.Error.Spawn.ChildExited",
        "org.freedesktop.DBus.Error.UnknownObject",  "org.freedesktop.DBus.Error.UnknownInterface",
        "org.freedesktop.DBus.Error.UnknownMethod",  "org.freedesktop.DBus.Error.UnknownProperty",
    };
    for (const std::string_view n : kNames) {
        if (name == n) {
            return true;
        }
    }
    return startsWith(name, "org.freedesktop.DBus.Error.Spawn.") || startsWith(name, "System.Error.") ||
           name == "sdbus.Error";
}

std::string withoutFinalDot(std::string text)
{
    while (!text.empty() && (text.back() == '.' || text.back() == '\n')) {
        text.pop_back();
    }
    return text;
}

}  // namespace

CliExit busUnreachable(const std::string& why)
{
    return {kExitUnreachable, "Error: cannot reach the MPTCP path manager service " + std::string(kServiceName) +
                                  " on the system bus: " + withoutFinalDot(why) + ".\n"};
}

CliExit translateError(const std::string& name, const std::string& message)
{
    if (name == "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") {
        // polkit would let the user in after typing a password, but this
        // call did not allow it to ask (see mayAskPassword()).
        return {kExitRefused,
                "Error: changing the MPTCP configuration needs authentication, and mptcpctl let polkit ask for "
                "no password (not on a terminal, or --no-ask-password): run it on a terminal, or as root.\n"};
    }
    if (name == "org.freedesktop.DBus.Error.AccessDenied") {
        return {kExitRefused,
                "Error: not authorized to change the MPTCP configuration (root, or a user polkit allows "
                "org.mptcp.PathManager.modify, may do so).\n"};
    }
    if (isUnreachable(name)) {
        return busUnreachable(message.empty() ? name : message);
    }
    if (name == "org.mptcp.PathManager.Error.NotSupported") {
        // ip cannot even start without the kernel's mptcp_pm family: exit 1.
        return {kExitUnreachable, refusalLine(withoutFinalDot(message))};
    }
    std::string interface;
    if (name == "org.freedesktop.DBus.Error.InvalidArgs" && missingInterface(message, interface)) {
        return {kExitArguments, "Error: argument \"" + interface + "\" is wrong: device does not exist\n\n"};
    }
    if (std::string kernel = quotedKernelText(message); !kernel.empty()) {
        return {kExitRefused, refusalLine(kernel)};
    }
    if (std::string kernel = kernelWordsForServiceRule(message); !kernel.empty()) {
        return {kExitRefused, refusalLine(kernel)};
    }
    if (name == "org.mptcp.PathManager.Error.NotFound") {
        return {kExitRefused, refusalLine("address not found")};  // the kernel's words for every lookup
    }
    // Anything else: the service's own words, in ip's form.
    return {kExitRefused, refusalLine(message.empty() ? name : message)};
}

}  // namespace mptcp::cli
