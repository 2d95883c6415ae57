// Figure 8: ListConnections of org.mptcp.PathManager.Connections with 100
// and with 1,000 open MPTCP connections (both ends of each are listed, so
// 200 and 2,000 entries), held against its floor measured in the same run,
// batch by batch: an empty call to the floor service, plus the same
// sock_diag dumps made directly by the benchmark through the core library
// (ConnectionReader::list(): one MPTCP dump per address family).
// Beside it, for reference, the same floor against a reply of the same size
// and shape with no kernel work behind it (bench/reply_service.cpp, plain
// sd-bus): whether the goal is reachable with this signature at all.
#pragma once

#include "bench_services.hpp"
#include "report.hpp"

#include <vector>

namespace mptcp::bench {

struct ConnectionsPlan {
    std::vector<int> connectionCounts = {100, 1000};
    int repeats = 5;
    int callsPer100 = 200;  // calls per batch with 100 connections; fewer with more
    int warmupCalls = 10;
};

void measureConnections(ServiceSet& services, const Programs& programs, const ConnectionsPlan& plan, Report& report);

}  // namespace mptcp::bench
