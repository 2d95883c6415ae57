// A subscriber that counts signals and does nothing else: one match on the
// sender's interface, the member name read, EventsLost's count unpacked,
// an EventBatch's entries counted (skipped over, not deserialized), nothing
// else read. The same counter listens to the daemon and to the trivial
// emitter, so the bus's capacity and the daemon's delivery are measured
// through the same client.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace mptcp::bench {

class SignalCounter {
public:
    // Counts signals from `sender` on `interface`, on a connection and
    // event-loop thread of its own.
    SignalCounter(const std::string& busAddress, const std::string& sender, const std::string& interface);
    ~SignalCounter();
    SignalCounter(const SignalCounter&) = delete;
    SignalCounter& operator=(const SignalCounter&) = delete;

    sdbus::IConnection& connection() { return *connection_; }

    struct Counts {
        std::uint64_t signals = 0;      // events: every signal but EventsLost and EventBatch, and each
                                        // entry of an EventBatch
        std::uint64_t messages = 0;     // signals as they came, EventBatch counted once
        std::uint64_t lost = 0;         // the sum of EventsLost counts
        std::uint64_t lostSignals = 0;  // EventsLost signals
        std::uint64_t lostUnknown = 0;  // EventsLost with count 0 (unknown)
        std::chrono::steady_clock::time_point first{};
        std::chrono::steady_clock::time_point last{};
    };
    Counts counts() const;
    void reset();

    // Waits until no signal came for `quiet`, at most `limit`.
    void waitQuiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const;
    // Waits until signals + lost reach n, at most `limit`; false on timeout.
    bool waitFor(std::uint64_t n, std::chrono::milliseconds limit) const;

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    sdbus::Slot match_;
    mutable std::mutex mutex_;
    Counts counts_;
};

}  // namespace mptcp::bench
