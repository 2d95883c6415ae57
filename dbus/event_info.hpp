// A kernel event in the contract's shape (docs/dbus-api.md, "The monitor"): which
// signal carries it and its `info` dictionary, holding only what the
// kernel sent, under the contract's keys and types. Pure apart from the
// ifindex -> name lookup, which goes through InterfaceNames.
#pragma once

#include "event_decoder.hpp"
#include "interface_names.hpp"

#include <systemd/sd-bus.h>

#include <string>

namespace mptcp::dbus {

// The signal of a known event type ("ConnectionCreated", ...), or
// "UnknownEvent" for a type this build does not know.
const char* eventSignalName(std::uint8_t type);

// Whether the signal's first argument is the token (u): every connection
// signal. Listener signals have only `info`; UnknownEvent has the type.
bool signalHasToken(std::uint8_t type);

// Calls put(key, value) for every key of the event's `info`, in the
// contract's order, with the value in the contract's type. The one list of
// keys: appendEventInfo() writes it into a message (and the unit test
// builds a dictionary from it).
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

// Appends the event's `info` as a{sv} to a message being built, straight
// with sd-bus (no map of variants first: this runs once per event and
// subscriber in a storm); throws std::runtime_error.
void appendEventInfo(sd_bus_message* message, const PmEvent& event, InterfaceNames& names);

// The first argument of the event's per-event signal and of its EventBatch
// entry: the token, the type of an UnknownEvent, 0 for listener events.
std::uint32_t eventTokenArgument(const PmEvent& event);

}  // namespace mptcp::dbus
