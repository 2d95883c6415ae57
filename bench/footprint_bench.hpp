// Figures 4 (idle memory), 5 (start-up) and 7 (mptcpd's memory): the daemon
// against the floor service, started side by side on a bus of their own
// several times. Start-up is exec to the bus name being owned; memory is
// read while both run, so that the libraries they share are split between
// them alike.
#pragma once

#include "bench_services.hpp"
#include "memory_usage.hpp"
#include "report.hpp"

#include <optional>

namespace mptcp::bench {

struct FootprintPlan {
    int runs = 20;
};

// The daemon's idle memory, for the after-storm comparison of figure 4.
struct IdleMemory {
    std::optional<MemoryUsage> daemon;
};

IdleMemory measureFootprint(const Programs& programs, const std::string& workDir, const FootprintPlan& plan,
                            Report& report);

}  // namespace mptcp::bench
