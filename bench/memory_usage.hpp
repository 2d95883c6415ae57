// A process's memory as the kernel accounts it: proportional set size (its
// share of every page it maps) and anonymous resident memory (what it
// allocated itself), from /proc/PID/smaps_rollup.
#pragma once

#include <sys/types.h>

#include <optional>

namespace mptcp::bench {

struct MemoryUsage {
    double pssKiB = 0;
    double anonKiB = 0;
};

// nullopt when the process is gone or the kernel has no smaps_rollup.
std::optional<MemoryUsage> memoryOf(pid_t pid);

}  // namespace mptcp::bench
