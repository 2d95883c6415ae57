// The benchmark's command line.
#pragma once

#include "bench_services.hpp"

#include <optional>
#include <string>

namespace mptcp::bench {

enum class Mode {
    Full,   // the figures of docs/performance.md: a few minutes
    Quick,  // fewer repeats and calls: under a minute
    Smoke,  // the least that runs every code path: seconds (meson test --suite bench)
};

struct Options {
    Mode mode = Mode::Full;
    std::string jsonPath = "bench-results.json";
    std::optional<int> pinCpu;  // the CPU of the pinned passes; nullopt: none
    Programs programs;
    bool help = false;
};

// Throws std::invalid_argument with a message for the user.
Options parseOptions(int argc, char** argv);

const char* modeName(Mode mode);

extern const char* const kUsage;

}  // namespace mptcp::bench
