// The event storm: MPTCP connections over 127.0.0.1 in the benchmark's
// namespace, opened, given a byte each way and closed (six kernel events
// each: CREATED, ESTABLISHED and CLOSED on both ends), from several
// threads, as fast as they go or paced to a rate.
#pragma once

#include <cstdint>

namespace mptcp::bench {

// The kernel's events per connection of the storm.
inline constexpr int kEventsPerConnection = 6;

struct StormResult {
    int connections = 0;
    double seconds = 0;
};

// connectionsPerSecond 0: as fast as the threads go. Throws what a socket
// call throws.
StormResult runConnectionStorm(int connections, int threads, double connectionsPerSecond);

}  // namespace mptcp::bench
