// Figure 1: method latency with a persistent client. Each method of the
// daemon is timed beside its two floors, measured in the same run, batch by
// batch: an empty call to the floor service on the same bus, and the same
// kernel request made directly through the core library in the same
// namespace. SetLimits, AddEndpoint and ListEndpoints each have a reference
// row beside them, for the record: what their signal or their reply costs
// from a plain sd-bus service with no kernel work, timed in the same rounds.
// Deletes wait for an RCU grace period: they are reported
// against their direct-kernel floor only, never as an overhead measure.
#pragma once

#include "bench_services.hpp"
#include "report.hpp"

#include <optional>

namespace mptcp::bench {

struct LatencyPlan {
    int repeats = 5;
    int readCalls = 2000;  // per batch
    int writeCycles = 200;
    int flushCycles = 40;
    int warmupCalls = 100;
    std::optional<int> pinCpu;  // the CPU of the pinned pass; nullopt: no pinned pass
};

// programs.replier and programs.minimal: the reference services
// (bench/reply_service.cpp, bench/minimal_service.cpp) for the reference
// and minimal-service rows; "" leaves those rows out ("not measured").
void measureMethodLatency(ServiceSet& services, const Programs& programs, const LatencyPlan& plan, Report& report);

}  // namespace mptcp::bench
