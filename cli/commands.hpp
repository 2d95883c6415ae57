// Runs a parsed command (all but monitor) with one call to the service
// and returns what ip would print on stdout.
#pragma once

#include "command.hpp"
#include "global_options.hpp"
#include "path_manager_bus.hpp"

#include <string>

namespace mptcp::cli {

// Throws CliFailure (ip's wording and status) when the service refuses or
// cannot be reached.
std::string runCommand(const Command& command, const GlobalOptions& options, PathManagerBus& service);

}  // namespace mptcp::cli
