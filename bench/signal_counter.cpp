#include "signal_counter.hpp"

#include <thread>

namespace mptcp::bench {

SignalCounter::SignalCounter(const std::string& busAddress, const std::string& sender, const std::string& interface)
    : connection_(sdbus::createSessionBusConnectionWithAddress(busAddress))
{
    const std::string rule = "type='signal',sender='" + sender + "',interface='" + interface + "'";
    match_ = connection_->addMatch(rule, [this](sdbus::Message& m) {
        const auto now = std::chrono::steady_clock::now();
        std::uint64_t lost = 0;
        const bool isLost = m.getMemberName() == "EventsLost";
        if (isLost) {
            m >> lost;
        }
        std::lock_guard lock(mutex_);
        if (counts_.signals + counts_.lostSignals == 0) {
            counts_.first = now;
        }
        counts_.last = now;
        if (isLost) {
            ++counts_.lostSignals;
            counts_.lost += lost;
            counts_.lostUnknown += lost == 0 ? 1 : 0;
        } else {
            ++counts_.signals;
        }
    });
    connection_->enterEventLoopAsync();
}

SignalCounter::~SignalCounter()
{
    connection_->leaveEventLoop();
    match_.reset();
    connection_.reset();
}

SignalCounter::Counts SignalCounter::counts() const
{
    std::lock_guard lock(mutex_);
    return counts_;
}

void SignalCounter::reset()
{
    std::lock_guard lock(mutex_);
    counts_ = Counts{};
}

void SignalCounter::waitQuiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const
{
    const auto start = std::chrono::steady_clock::now();
    auto lastChange = start;
    std::uint64_t seen = ~0ull;
    while (std::chrono::steady_clock::now() - lastChange < quiet && std::chrono::steady_clock::now() - start < limit) {
        const auto c = counts();
        if (const std::uint64_t now = c.signals + c.lostSignals; now != seen) {
            seen = now;
            lastChange = std::chrono::steady_clock::now();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool SignalCounter::waitFor(std::uint64_t n, std::chrono::milliseconds limit) const
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto c = counts();
        if (c.signals + c.lost >= n) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

}  // namespace mptcp::bench
