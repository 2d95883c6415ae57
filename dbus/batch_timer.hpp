// When the monitor's open EventBatches must go out (max-delay-ms): a clock
// and a one-shot alarm. A port, so that the monitor's timing is unit-tested
// with a fake clock; TimerFdBatchTimer is the daemon's, a timerfd that the
// event loop polls like any reader.
#pragma once

#include <chrono>

namespace mptcp::dbus {

class BatchTimer {
public:
    using Clock = std::chrono::steady_clock;
    virtual ~BatchTimer() = default;
    virtual Clock::time_point now() = 0;
    // Ring at `when` (replacing any earlier arming): the owner then calls
    // Monitor::onTimer().
    virtual void arm(Clock::time_point when) = 0;
};

class TimerFdBatchTimer final : public BatchTimer {
public:
    TimerFdBatchTimer();  // throws std::system_error
    ~TimerFdBatchTimer() override;
    TimerFdBatchTimer(const TimerFdBatchTimer&) = delete;
    TimerFdBatchTimer& operator=(const TimerFdBatchTimer&) = delete;

    int fd() const { return fd_; }
    // Reads the expiry count, so that the fd stops being readable.
    void consume();

    Clock::time_point now() override { return Clock::now(); }
    void arm(Clock::time_point when) override;

private:
    int fd_ = -1;
};

}  // namespace mptcp::dbus
