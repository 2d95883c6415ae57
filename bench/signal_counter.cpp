#include "signal_counter.hpp"

#include <systemd/sd-bus.h>

#include <thread>

namespace mptcp::bench {
namespace {

// sdbus-c++ 1.2 has no way to skip a value or count an array's entries
// without building them; sd-bus has. The message's sd_bus_message is a
// protected member: reach it through a derived class's member pointer.
struct RawMessage : sdbus::Message {
    static sd_bus_message* of(sdbus::Message& m) { return static_cast<sd_bus_message*>(m.*(&RawMessage::msg_)); }
};

// The number of entries of an EventBatch(a(sua{sv})), or 0 when it is not one.
std::uint64_t batchEntries(sdbus::Message& m)
{
    sd_bus_message* raw = RawMessage::of(m);
    if (sd_bus_message_enter_container(raw, 'a', "(sua{sv})") <= 0) {
        return 0;
    }
    std::uint64_t n = 0;
    while (sd_bus_message_skip(raw, "(sua{sv})") > 0) {
        ++n;
    }
    return n;
}

}  // namespace

SignalCounter::SignalCounter(const std::string& busAddress, const std::string& sender, const std::string& interface)
    : connection_(sdbus::createSessionBusConnectionWithAddress(busAddress))
{
    const std::string rule = "type='signal',sender='" + sender + "',interface='" + interface + "'";
    match_ = connection_->addMatch(rule, [this](sdbus::Message& m) {
        const auto now = std::chrono::steady_clock::now();
        std::uint64_t lost = 0;
        const std::string member = m.getMemberName();
        const bool isLost = member == "EventsLost";
        std::uint64_t events = 1;
        if (isLost) {
            m >> lost;
        } else if (member == "EventBatch") {
            events = batchEntries(m);
        }
        std::lock_guard lock(mutex_);
        if (counts_.messages == 0) {
            counts_.first = now;
        }
        counts_.last = now;
        ++counts_.messages;
        if (isLost) {
            ++counts_.lostSignals;
            counts_.lost += lost;
            counts_.lostUnknown += lost == 0 ? 1 : 0;
        } else {
            counts_.signals += events;
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
        if (const std::uint64_t now = c.messages; now != seen) {
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
