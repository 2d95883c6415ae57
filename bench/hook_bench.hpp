// Figure 6: the NetworkManager dispatcher hook, per `up` and `down` of a
// device with one IPv4 and one IPv6 address, against a two-line shell hook
// that calls `ip mptcp endpoint add`/`delete` for the same addresses. Both
// run as NetworkManager's dispatcher runs them (HOOK INTERFACE ACTION, the
// connection in the environment); the benchmark itself plays
// NetworkManager's settings service on the private bus, and counts what
// the hook asks it.
#pragma once

#include "bench_services.hpp"
#include "report.hpp"

namespace mptcp::bench {

struct HookPlan {
    int repeats = 3;
    int cycles = 15;  // up + down, per repeat
};

void measureHook(ServiceSet& services, const Programs& programs, const HookPlan& plan, Report& report);

}  // namespace mptcp::bench
