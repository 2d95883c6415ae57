// The daemon on a kernel without MPTCP (no generic netlink family
// "mptcp_pm"): it still owns org.mptcp.PathManager, so that clients, bus
// activation and the NetworkManager hook get a named answer at once —
// org.mptcp.PathManager.Error.NotSupported for every method and property
// but Version, on every interface — instead of an activation failure or a
// timeout. The adaptors serve that mode themselves (their `why`
// constructors).
#pragma once

#include <string>

namespace mptcp::dbus {

// The whole daemon in that mode: connects to the system bus, owns the name
// and answers until SIGTERM or SIGINT. Returns the exit status: 0 after a
// signal, 1 when the bus cannot be had or is lost (logged on stderr).
// why: the reason every call gives, e.g. the kernel's missing family.
int serveWithoutMptcp(const std::string& why);

}  // namespace mptcp::dbus
