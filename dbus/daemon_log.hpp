// One line of the daemon's own log: on stderr with its journal priority,
// tagged mptcp-pathmanagerd (docs/logging.md), in one write(2). Lines are
// put together with std::string, not printf: a daemon that never formats
// with printf keeps none of libc's printf and stdio code resident.
#pragma once

#include "journal_log.hpp"

#include <string>

namespace mptcp::dbus {

inline void daemonLog(const std::string& text, journal::Priority priority = journal::Priority::Info)
{
    journal::logLine(priority, "mptcp-pathmanagerd", text);
}

}  // namespace mptcp::dbus
