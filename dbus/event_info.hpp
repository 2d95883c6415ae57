// A kernel event in the contract's shape (docs/dbus-api.md, "The monitor"): which
// signal carries it and its `info` dictionary, holding only what the
// kernel sent, under the contract's keys and types. Pure apart from the
// ifindex -> name lookup, which goes through InterfaceNames.
#pragma once

#include "event_decoder.hpp"
#include "interface_names.hpp"

#include <sdbus-c++/Types.h>
#include <systemd/sd-bus.h>

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

// Calls put(key, value) for every key of the event's `info`, in the
// contract's order, with the value in the contract's type. The one list of
// keys: eventInfo() builds a dictionary from it, appendEventInfo() writes
// the same straight into a message.
template <typename Put>
void forEachInfo(const PmEvent& e, InterfaceNames& names, Put&& put)
{
    // The contract's types: q, s, y, b and u (error is a u8 on the wire).
    if (e.family) {
        put("family", *e.family);
    }
    if (e.localAddress) {
        put("local-address", e.localAddress->toString());
    }
    if (e.remoteAddress) {
        put("remote-address", e.remoteAddress->toString());
    }
    if (e.localPort) {
        put("local-port", *e.localPort);
    }
    if (e.remotePort) {
        put("remote-port", *e.remotePort);
    }
    if (e.localId) {
        put("local-id", *e.localId);
    }
    if (e.remoteId) {
        put("remote-id", *e.remoteId);
    }
    if (e.serverSide) {
        put("server-side", *e.serverSide);
    }
    if (e.backup) {
        put("backup", *e.backup);
    }
    if (e.ifindex) {
        put("interface", interfaceLabel(names, *e.ifindex));
    }
    if (e.error) {
        put("error", static_cast<std::uint32_t>(*e.error));
    }
    if (e.timeout) {
        put("timeout", *e.timeout);
    }
    if (e.resetReason) {
        put("reset-reason", *e.resetReason);
    }
    if (e.resetFlags) {
        put("reset-flags", *e.resetFlags);
    }
    if (e.flags) {
        put("flags", static_cast<std::uint32_t>(*e.flags));
    }
}

EventInfo eventInfo(const PmEvent& event, InterfaceNames& names);

// Appends the event's `info` as a{sv} to a message being built. Writes the
// same as `message << eventInfo(event, names)` without building the map and
// its variants first, straight with sd-bus; throws std::runtime_error: this runs once per event and subscriber in a
// storm.
void appendEventInfo(sd_bus_message* message, const PmEvent& event, InterfaceNames& names);

// The first argument of the event's per-event signal and of its EventBatch
// entry: the token, the type of an UnknownEvent, 0 for listener events.
std::uint32_t eventTokenArgument(const PmEvent& event);

}  // namespace mptcp::dbus
