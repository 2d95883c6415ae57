// Figures 8 and 9: the daemon never waits for polkit, and its loop is fair.
// 8: while polkit holds one unprivileged caller's check (as polkitd does
//    while a password dialog is open), another client's reads, root's
//    changes, a managed interface's new address and the kernel's events are
//    handled as if nothing were pending.
// 9: while three unprivileged clients each keep 32 ListEndpoints calls in
//    flight, root's GetLimits still gets its turn, and the kernel's events
//    are all delivered or counted.
// The polkit is the tests' own (polkit-stub), which can hold a check.
#pragma once

#include "bench_services.hpp"
#include "report.hpp"

namespace mptcp::bench {

struct AuthorizationPlan {
    double holdSeconds = 15;      // how long polkit holds the check
    int stormConnections = 3000;  // MPTCP connections paced over the measured window
    double floodSeconds = 10;     // figure 10's window
    int floodClients = 3;
    int callsInFlight = 32;  // per flooding client
};

void measureHeldCheck(ServiceSet& services, const Programs& programs, const AuthorizationPlan& plan, Report& report);
void measureReadFlood(ServiceSet& services, const AuthorizationPlan& plan, Report& report);

}  // namespace mptcp::bench
