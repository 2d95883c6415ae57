// ManageInterface's flags and options (a{sv}) <-> ManagedSettings, with the
// contract's rules (docs/dbus-api.md, "Managed interfaces"): known flag names only, no implicit, not
// signal+fullmesh; options unique-local (b), families (as of "ipv4",
// "ipv6"), port (q, only on signal endpoints without subflow), owner (s),
// source (s, why these flags), transient (b, management ends with the
// interface).
// Anything else is InvalidArgs naming the option and what was wrong.
#pragma once

#include "reconciler.hpp"
#include "service_ports.hpp"

#include "option_value.hpp"

#include <map>
#include <string>
#include <vector>

namespace mptcp::dbus {

using ManageOptions = OptionMap;

// Throws PmError(InvalidArgs). Empty flags give settings with flags 0
// (the contract's "manage nothing").
ManagedSettings parseManageArguments(const std::vector<std::string>& flags, const ManageOptions& options);

// The options as ListManagedInterfaces shows them: families and
// unique-local always, port, owner, source and transient when set. Passing them back to
// ManageInterface gives the same settings.
ManageOptions toOptions(const ManagedSettings& settings);

// An interface name as the kernel accepts one (1..15 bytes, no '/', ':' or
// white space); throws PmError(InvalidArgs) otherwise.
void checkInterfaceName(const std::string& name);

}  // namespace mptcp::dbus
