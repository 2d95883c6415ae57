// A timerfd that fires every `period`, for the event loop: how the daemon
// notices what the kernel announces to nobody (a sysctl changed with
// `sysctl -w`, for instance) without a thread or a blocking wait.
#pragma once

#include <chrono>

namespace mptcp::dbus {

class PeriodicTimer {
public:
    // Throws std::runtime_error when the timer cannot be created.
    explicit PeriodicTimer(std::chrono::milliseconds period);
    ~PeriodicTimer();
    PeriodicTimer(const PeriodicTimer&) = delete;
    PeriodicTimer& operator=(const PeriodicTimer&) = delete;

    int fd() const { return fd_; }
    // Reads the expiry count so that the fd is quiet until the next one.
    void acknowledge();

private:
    int fd_ = -1;
};

}  // namespace mptcp::dbus
