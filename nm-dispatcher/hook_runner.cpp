#include "hook_runner.hpp"

#include "dispatch_policy.hpp"
#include "endpoint.hpp"
#include "pm_rules.hpp"

namespace mptcp::dispatch {
namespace {

std::string envOr(const HookEvent& event, const char* name, const std::string& fallback = "")
{
    const auto it = event.env.find(name);
    return it == event.env.end() || it->second.empty() ? fallback : it->second;
}

// The interface whose addresses count: the IP interface (ppp0 rather than
// the modem's tty), for a VPN the VPN's own.
std::string ipInterfaceOf(const HookEvent& event)
{
    if (isVpnAction(event.action)) {
        return envOr(event, "VPN_IP_IFACE", event.interface);
    }
    return envOr(event, "DEVICE_IP_IFACE", envOr(event, "DEVICE_IFACE", event.interface));
}

bool serviceUnavailable(const std::string& errorName)
{
    static constexpr std::string_view kPrefix = "org.freedesktop.DBus.Error.";
    if (!errorName.starts_with(kPrefix)) {
        return false;
    }
    const std::string_view what = std::string_view(errorName).substr(kPrefix.size());
    return what == "ServiceUnknown" || what == "NameHasNoOwner" || what == "NoReply" || what == "Timeout" ||
           what == "TimedOut" || what == "NoServer" || what == "Disconnected" || what.starts_with("Spawn.");
}

std::string duration(int ms)
{
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// A name from the environment, safe to print: bounded and without
// control characters (interface names and actions are plain words).
std::string plain(std::string_view s)
{
    const auto quoted = rules::quoteArg(s);
    return quoted.substr(1, quoted.size() - 2);
}

// The decision's reason as ManageInterface's `source`: the service takes
// at most 255 bytes of one line; cut at a character boundary.
std::string sourceText(const std::string& reason)
{
    constexpr std::size_t kMax = 255;
    std::string s = reason.substr(0, reason.find('\n'));
    if (s.size() > kMax) {
        std::size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) {
            --cut;  // not in the middle of a UTF-8 sequence
        }
        s.resize(cut);
    }
    return s;
}

std::string joinedNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ", ") + plain(n);
    }
    return out;
}

class Run {
public:
    Run(const HookEvent& event, HookLog& log)
        : log_(log), prefix_(plain(ipInterfaceOf(event)) + " " + plain(event.action))
    {
        const auto id = envOr(event, "CONNECTION_ID");
        if (!id.empty()) {
            prefix_ += " (connection " + rules::quoteArg(id) + ")";
        }
        prefix_ += ": ";
    }

    void say(const std::string& what) { say(journal::Priority::Info, what); }
    void say(journal::Priority priority, const std::string& what) { log_.write(priority, prefix_ + what); }

    // One line for the outcome of a call to the service: `done` when it
    // succeeded, else `undone` and the error.
    void report(const char* method, const CallResult& result, const std::string& done, const std::string& undone)
    {
        if (result.ok) {
            say(done);
        } else if (result.unansweredAfterMs > 0) {
            say("org.mptcp.PathManager did not answer within " + duration(result.unansweredAfterMs) +
                ": the change may still be made (" + result.errorName + ": " + result.message + ")");
        } else if (serviceUnavailable(result.errorName)) {
            say(journal::Priority::Error, "org.mptcp.PathManager is not available (" + result.errorName + ": " +
                                              result.message + "): nothing changed");
        } else if (std::string_view(method) == "ReleaseInterface" &&
                   result.errorName == "org.mptcp.PathManager.Error.NotFound") {
            say("released (it was not managed)");
        } else {
            say(journal::Priority::Error,
                undone + ": " + method + " failed: " + result.errorName + ": " + result.message);
        }
    }

private:
    HookLog& log_;
    std::string prefix_;
};

void configure(const HookEvent& event, const std::string& interface, const DispatchConfig& config,
               ConnectionSettingsSource& settings, PathManagerCalls& service, Run& run)
{
    const auto path = envOr(event, "CONNECTION_DBUS_PATH");
    if (path.empty()) {
        run.say(journal::Priority::Warning,
                "no CONNECTION_DBUS_PATH in the environment, so the connection is unknown: nothing changed");
        return;
    }
    ConnectionSettings connection;
    try {
        connection = settings.lookup(path);
    } catch (const LookupError& e) {
        // Without the profile the hook cannot tell whether NetworkManager
        // owns the endpoints: doing nothing is the only safe choice.
        run.say(journal::Priority::Error, "cannot read the connection's settings at " + rules::quoteArg(path) + ": " +
                                              e.what() + ": nothing changed");
        return;
    }
    const Decision d = decideConfigure(interface, connection, config);
    switch (d.verdict) {
        case Verdict::Ignore:
            run.say(d.reason);
            return;
        case Verdict::Release:
            run.report("ReleaseInterface", service.releaseInterface(interface),
                       "released: flags none (" + d.reason + ")", "not released (flags none: " + d.reason + ")");
            return;
        case Verdict::Manage:
            const ManageOptions options{d.uniqueLocal, connection.uuid, sourceText(d.reason), true};
            const std::string what = "with flags " + flagListText(d.flags) +
                                     (d.uniqueLocal ? " and unique-local" : "") + " (" + d.reason + ")";
            run.report("ManageInterface", service.manageInterface(interface, flagNames(d.flags), options),
                       "managed " + what, "not managed " + what);
            return;
    }
}

}  // namespace

void runHook(const HookEvent& event, const LoadedConfig& loaded, ConnectionSettingsSource& settings,
             PathManagerCalls& service, HookLog& log)
{
    const auto kind = classifyAction(event.action, loaded.config);
    const auto interface = ipInterfaceOf(event);
    // Events without a device (hostname, connectivity-change) and actions
    // the hook has nothing to do with pass silently: NetworkManager sends
    // many, and a line for each would bury the ones that matter.
    const bool vpnSwitchedOff = !loaded.config.vpn && (event.action == "vpn-up" || event.action == "vpn-down");
    if ((kind == ActionKind::Ignore && !vpnSwitchedOff) || interface.empty() || interface == "none") {
        return;
    }
    if (!loaded.problem.empty()) {
        log.write(journal::Priority::Warning, loaded.problem);
    }
    Run run(event, log);
    if (vpnSwitchedOff) {
        run.say("ignored: endpoints for VPN connections are off (vpn=true in [dispatcher] turns them on)");
        return;
    }
    if (kind == ActionKind::Release) {
        // The connection's other interfaces first: for modems, PPP and
        // Bluetooth the IP interface named on `down` may not be the one
        // named on `up`; the owner (the uuid) ties them.
        const auto uuid = envOr(event, "CONNECTION_UUID");
        if (!uuid.empty()) {
            const CallResult owned = service.releaseOwner(uuid);
            if (!owned.ok && serviceUnavailable(owned.errorName)) {
                run.report("ReleaseOwner", owned, "", "");
                return;  // ReleaseInterface would find no service either
            }
            std::vector<std::string> others;
            for (const auto& name : owned.released) {
                if (name != interface) {
                    others.push_back(name);
                }
            }
            if (!owned.ok) {
                run.say("the connection's other interfaces were not released: ReleaseOwner failed: " + owned.errorName +
                        ": " + owned.message);
            } else if (!others.empty()) {
                run.say("released " + joinedNames(others) + " too (the same connection)");
            }
        }
        run.report("ReleaseInterface", service.releaseInterface(interface), "released", "not released");
        return;
    }
    configure(event, interface, loaded.config, settings, service, run);
}

}  // namespace mptcp::dispatch
