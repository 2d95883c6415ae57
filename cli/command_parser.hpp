// The grammar of `ip mptcp` (iproute2 6.1, ip/ipmptcp.c), word for word:
// the same keywords and abbreviations, the same order of checks, the same
// error lines and exit statuses. One addition: the flag word `laminar`.
#pragma once

#include "command.hpp"

#include <functional>
#include <span>
#include <string>

namespace mptcp::cli {

// Whether a device name names a device, the way ip resolves `dev NAME`
// (a device of this namespace, or the "ifN" form of an index).
using DeviceExists = std::function<bool(const std::string&)>;

// Parses the words after the global options. Throws CliFailure with ip's
// error line and status for a command line ip would refuse.
Command parseCommand(std::span<const std::string> words, const DeviceExists& deviceExists);

// ip's ll_name_to_index() != 0 in this process's network namespace.
bool deviceExistsHere(const std::string& name);

// `mptcpctl help`: ip mptcp's usage, with this program's name.
extern const char* const kCommandUsage;

}  // namespace mptcp::cli
