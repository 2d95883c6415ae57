// Figure 3: the monitor under an event storm, and figure 4's memory after
// it. One subscriber; the kernel's events counted by an independent
// listener; the bus's raw capacity measured first with a trivial emitter
// through the same counting client; `ip mptcp monitor` beside it for
// reference; then paced storms with mptcpd listening too, for CPU per event.
#pragma once

#include "bench_services.hpp"
#include "footprint_bench.hpp"
#include "report.hpp"

namespace mptcp::bench {

struct StormPlan {
    int capacitySignals = 100000;  // the emitter's burst
    int stormConnections = 20000;  // the unpaced storm (6 events each)
    double pacedSeconds = 3;       // each paced storm
    int threads = 2;               // storm threads: "as fast as two cores allow"
};

void measureEventStorm(ServiceSet& services, const Programs& programs, const StormPlan& plan, Report& report);

}  // namespace mptcp::bench
