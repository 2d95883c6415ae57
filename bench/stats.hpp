// Order statistics for latency samples. The machines are noisy, so a figure
// is never one run: every repeat gives a median and a p99, and the figure is
// the median of those (one bad repeat cannot move it).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace mptcp::bench {

// The q-quantile (0..1) by the nearest-rank rule; 0 for no samples.
double quantile(std::vector<double> samples, double q);

struct Summary {
    double p50 = 0;
    double p99 = 0;
    std::size_t samples = 0;  // over all repeats
};

// One batch of samples per repeat -> median of the per-repeat medians and
// median of the per-repeat p99s.
Summary summarize(const std::vector<std::vector<double>>& repeats);

inline double micros(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double, std::micro>(d).count();
}

// n timed calls, each sample in microseconds.
template <typename F>
std::vector<double> timeCalls(int n, F&& call)
{
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        call();
        samples.push_back(micros(std::chrono::steady_clock::now() - t0));
    }
    return samples;
}

// "12.3 us"
std::string us(double v);

}  // namespace mptcp::bench
