// Was the machine busy while a phase ran? The benchmark cannot stop other
// work, but it can say when its figures were taken beside it: CPU time of
// every process that is not the benchmark or one of its children, and the
// load average, sampled at the start and end of each phase.
#pragma once

#include <optional>
#include <string>

namespace mptcp::bench {

struct LoadSample {
    double seconds = 0;          // monotonic clock
    double otherCpuSeconds = 0;  // processes outside the benchmark's tree
    double ownCpuSeconds = 0;    // the benchmark and its descendants
    double load1 = 0;            // /proc/loadavg
};

LoadSample sampleLoad();

struct PhaseLoad {
    double wallSeconds = 0;
    double otherCpuShare = 0;  // CPUs' worth used by others, e.g. 0.3
    double ownCpuShare = 0;
    double load1Before = 0;
    double load1After = 0;
};

PhaseLoad between(const LoadSample& before, const LoadSample& after);

// Others using more than this share of one CPU make a phase "busy".
inline constexpr double kBusyOtherCpuShare = 0.10;

// CPU time one process has used so far (all its threads), in seconds, from
// the scheduler's nanosecond accounting; nullopt when it is gone.
std::optional<double> cpuSecondsOf(int pid);

// "" when the phase ran on a quiet machine, else one line saying how busy.
std::string busyWarning(const std::string& phase, const PhaseLoad& load);

}  // namespace mptcp::bench
