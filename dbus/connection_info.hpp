// The Connections interface's dictionaries, made from what the kernel's
// socket diagnostics said: only the keys the kernel provided (a field it
// sent is present even when zero; one an older kernel does not send is
// absent). Pure apart from the ifindex -> name lookup, unit-tested.
#pragma once

#include "connection_reader.hpp"
#include "interface_names.hpp"

#include <sdbus-c++/Types.h>

#include <map>
#include <string>

namespace mptcp::dbus {

using InfoDict = std::map<std::string, sdbus::Variant>;

// A connection's info (family, addresses, ports, state, uid, subflows, ...).
InfoDict connectionInfo(const diag::Connection& c, InterfaceNames& names);

// A subflow's dict (addresses, ports, ids, backup flags, state, rtt, ...).
InfoDict subflowInfo(const diag::TcpSubflow& s, InterfaceNames& names);

}  // namespace mptcp::dbus
