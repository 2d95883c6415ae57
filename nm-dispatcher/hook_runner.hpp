// One run of the hook: from argv, environment and configuration to at most
// one call to org.mptcp.PathManager and its log lines. No GLib here: the
// partners come in through hook_ports.hpp.
#pragma once

#include "dispatch_config.hpp"
#include "hook_ports.hpp"

#include <map>
#include <string>

namespace mptcp::dispatch {

// What NetworkManager's dispatcher hands a script: argv[1] (the interface,
// "none" or "" for events without one), argv[2] (the action) and the
// environment (CONNECTION_UUID, CONNECTION_ID, CONNECTION_DBUS_PATH,
// DEVICE_IFACE, DEVICE_IP_IFACE, VPN_IP_IFACE, ...).
struct HookEvent {
    std::string interface;
    std::string action;
    std::map<std::string, std::string> env;
};

// The environment variables the hook reads; main() copies only these.
inline constexpr const char* kHookEnvironment[] = {
    "CONNECTION_UUID", "CONNECTION_ID", "CONNECTION_DBUS_PATH", "DEVICE_IFACE", "DEVICE_IP_IFACE", "VPN_IP_IFACE",
};

// The configuration as loaded, with the one line that reports a problem
// with the file ("" when there is none; the config is then the defaults).
struct LoadedConfig {
    DispatchConfig config;
    std::string problem;
};

// Decides and acts; every outcome, success or failure, is one log line
// (plus the configuration's problem line, if any). Never throws for
// anything the partners report.
void runHook(const HookEvent& event, const LoadedConfig& config, ConnectionSettingsSource& settings,
             PathManagerCalls& service, HookLog& log);

}  // namespace mptcp::dispatch
