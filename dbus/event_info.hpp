// A kernel event in the contract's shape (docs/dbus-api.md, "The monitor"): which
// signal carries it and its `info` dictionary, holding only what the
// kernel sent, under the contract's keys and types. Pure apart from the
// ifindex -> name lookup, which goes through InterfaceNames.
#pragma once

#include "event_decoder.hpp"
#include "interface_names.hpp"

#include <sdbus-c++/Types.h>

#include <map>
#include <string>

namespace mptcp::dbus {

using EventInfo = std::map<std::string, sdbus::Variant>;

// The signal of a known event type ("ConnectionCreated", ...), or
// "UnknownEvent" for a type this build does not know.
const char* eventSignalName(std::uint8_t type);

// Whether the signal's first argument is the token (u): every connection
// signal. Listener signals have only `info`; UnknownEvent has the type.
bool signalHasToken(std::uint8_t type);

EventInfo eventInfo(const PmEvent& event, InterfaceNames& names);

}  // namespace mptcp::dbus
