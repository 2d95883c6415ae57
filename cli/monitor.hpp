// `mptcpctl monitor`: Subscribe, print one line per event signal until
// SIGINT or SIGTERM, then Unsubscribe and exit 0. Signals are taken
// through a signalfd in the same poll as the bus, so a Ctrl-C never
// interrupts a half-printed line or a call in flight.
#pragma once

#include "global_options.hpp"

#include "path_manager_bus.hpp"

namespace mptcp::cli {

// Returns the exit status. Throws CliFailure when the service refuses the
// subscription, cannot be reached, or leaves the bus while monitoring.
int runMonitor(PathManagerBus& bus, const GlobalOptions& options);

}  // namespace mptcp::cli
