// The Connections interface's dictionaries (a{sv}), made from what the
// kernel's socket diagnostics said: only the keys the kernel provided (a
// field it sent is present even when zero; one an older kernel does not
// send is absent). One list of keys, two outputs: written straight into a
// reply message (the service), or as a map of Variants (unit tests).
//
// Why straight into the message: an sdbus::Variant is a whole sd-bus
// message of its own (allocated, written, sealed, then copied), about
// twenty per connection; for a thousand connections that alone cost a
// hundred times the kernel's dump.
#pragma once

#include "connection_reader.hpp"
#include "interface_names.hpp"

#include <sdbus-c++/Message.h>
#include <sdbus-c++/Types.h>

#include <map>
#include <string>

namespace mptcp::dbus {

using InfoDict = std::map<std::string, sdbus::Variant>;

// A connection's info (family, addresses, ports, state, uid, subflows, ...),
// appended to msg as one a{sv}.
void writeConnectionInfo(sdbus::Message& msg, const diag::Connection& c, InterfaceNames& names);
// A subflow's dict (addresses, ports, ids, backup flags, state, rtt, ...).
void writeSubflowInfo(sdbus::Message& msg, const diag::TcpSubflow& s, InterfaceNames& names);

// The same as maps.
InfoDict connectionInfo(const diag::Connection& c, InterfaceNames& names);
InfoDict subflowInfo(const diag::TcpSubflow& s, InterfaceNames& names);

}  // namespace mptcp::dbus
