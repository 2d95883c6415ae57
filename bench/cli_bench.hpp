// Figure 2: one command, one process. `mptcpctl endpoint add/show` against
// `dbus-send` of the same call (the floor: a generic client of the same
// bus) and `ip mptcp endpoint add/show` (the kernel directly), each timed
// from fork to exit, interleaved so that drift hits all three alike.
#pragma once

#include "bench_services.hpp"
#include "report.hpp"

namespace mptcp::bench {

struct CliPlan {
    int repeats = 3;
    int invocations = 40;  // of each command, per repeat
};

void measureCommands(ServiceSet& services, const Programs& programs, const CliPlan& plan, Report& report);

}  // namespace mptcp::bench
