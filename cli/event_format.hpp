// One line per monitor signal, in the form of `ip mptcp monitor` (6.1):
// "[   ESTABLISHED] token=... remid=... locid=... saddr4=... daddr4=...
// sport=... dport=..." with ip's names, order and number formats, and
// then what ip 6.1 does not print: dev=NAME where ip prints ifindex=N,
// server_side, the attributes of listener events (ip: "[UNKNOWN 15]"), and
// any key a newer service may add, as key=value.
#pragma once

#include "global_options.hpp"

#include <sys/time.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mptcp::cli {

// One value of an event's info (a{sv}): its D-Bus type, and the value as
// a number (integers, booleans) or as text (strings).
struct InfoValue {
    char type = 's';
    std::uint64_t number = 0;
    std::string text;

    static InfoValue of(std::uint64_t n, char type = 'u') { return {type, n, {}}; }
    static InfoValue of(std::string s) { return {'s', 0, std::move(s)}; }
};
using EventInfo = std::map<std::string, InfoValue>;

// The line (with its newline) for a monitor signal: its member name, the
// token (connection signals) or the type (UnknownEvent), and info.
std::string formatEvent(std::string_view member, std::optional<std::uint32_t> tokenOrType, const EventInfo& info);

// EventsLost(count): the service missed kernel events; count 0 = unknown.
std::string formatEventsLost(std::uint64_t count);

// What ip prints before an event with -t ("Timestamp: <asctime> N usec\n")
// or -ts ("[2024-01-31T12:00:00.123456] "); "" without either.
std::string timestampPrefix(Timestamps kind, const timeval& when);

}  // namespace mptcp::cli
