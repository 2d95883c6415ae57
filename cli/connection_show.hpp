// `mptcpctl connection show [token TOKEN]`: the calls and the output.
#pragma once

#include "command.hpp"
#include "global_options.hpp"
#include "path_manager_bus.hpp"

#include <string>

namespace mptcp::cli {

// The text to print. Throws BusError for a failed call; an unknown token
// is a CliFailure with the service's words (exit 2).
std::string showConnections(const ConnectionArgs& args, const GlobalOptions& options, PathManagerBus& bus);

}  // namespace mptcp::cli
