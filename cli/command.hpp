// A parsed mptcpctl command line: what to ask the service, with the
// arguments already checked the way `ip mptcp` checks them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mptcp::cli {

// Endpoint flag bits, as the kernel numbers them.
inline constexpr std::uint32_t kFlagSignal = 0x01;
inline constexpr std::uint32_t kFlagSubflow = 0x02;
inline constexpr std::uint32_t kFlagBackup = 0x04;
inline constexpr std::uint32_t kFlagFullmesh = 0x08;
inline constexpr std::uint32_t kFlagImplicit = 0x10;
inline constexpr std::uint32_t kFlagLaminar = 0x20;

enum class Action {
    Usage,           // `help`, or no command: ip's usage on stderr, status 255
    EndpointAdd,     // AddEndpoint
    EndpointDelete,  // DeleteEndpoint
    EndpointChange,  // ChangeEndpoint
    EndpointGet,     // GetEndpoint: `endpoint show` with arguments
    EndpointList,    // ListEndpoints: `endpoint show` / `endpoint`
    EndpointFlush,   // FlushEndpoints
    LimitsSet,       // SetLimits or one limit's property
    LimitsShow,      // GetLimits
    Monitor,         // Subscribe and print the event signals
    ConnectionShow,  // Connections.ListConnections / GetConnection (+ ListSubflows with -d)
};

// What ip's mptcp_parse_opt() gathers from the words after the verb.
struct EndpointArgs {
    std::optional<std::string> address;  // inet_ntop text
    std::optional<std::uint32_t> id;     // 0..255, when `id` was given
    std::string device;                  // "" = none
    std::uint16_t port = 0;              // 0 = none, as ip sends none
    std::uint32_t flags = 0;             // kFlag* bits of the flag words
};

// The words after `connection VERB` (connection_parser.hpp).
struct ConnectionArgs {
    std::optional<std::uint32_t> token;  // `token TOKEN`
};

struct Command {
    Action action = Action::Usage;
    EndpointArgs endpoint;
    ConnectionArgs connection;
    std::optional<std::uint32_t> subflows;         // limits set
    std::optional<std::uint32_t> addAddrAccepted;  // limits set
};

}  // namespace mptcp::cli
