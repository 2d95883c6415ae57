#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mptcp::bench {

double quantile(std::vector<double> samples, double q)
{
    if (samples.empty()) {
        return 0;
    }
    // Nearest rank: the smallest sample with at least q of all at or below it.
    const auto n = samples.size();
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
    rank = std::clamp<std::size_t>(rank, 1, n);
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(rank - 1), samples.end());
    return samples[rank - 1];
}

Summary summarize(const std::vector<std::vector<double>>& repeats)
{
    std::vector<double> medians;
    std::vector<double> p99s;
    Summary s;
    for (const auto& batch : repeats) {
        if (batch.empty()) {
            continue;
        }
        medians.push_back(quantile(batch, 0.5));
        p99s.push_back(quantile(batch, 0.99));
        s.samples += batch.size();
    }
    s.p50 = quantile(medians, 0.5);
    s.p99 = quantile(p99s, 0.5);
    return s;
}

std::string us(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f us", v);
    return buf;
}

}  // namespace mptcp::bench
