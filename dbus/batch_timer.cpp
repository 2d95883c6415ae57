#include "batch_timer.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace mptcp::dbus {

TimerFdBatchTimer::TimerFdBatchTimer() : fd_(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC))
{
    if (fd_ < 0) {
        throw std::system_error(errno, std::generic_category(), "timerfd_create");
    }
}

TimerFdBatchTimer::~TimerFdBatchTimer()
{
    close(fd_);
}

void TimerFdBatchTimer::consume()
{
    std::uint64_t expirations = 0;
    [[maybe_unused]] const ssize_t n = read(fd_, &expirations, sizeof expirations);
}

// steady_clock is CLOCK_MONOTONIC on Linux: its time points are absolute
// times of the timerfd's clock.
void TimerFdBatchTimer::arm(Clock::time_point when)
{
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
    itimerspec spec{};
    // 0 would disarm: a deadline already past rings at once instead.
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) {
        spec.it_value.tv_nsec = 1;
    }
    if (timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr) < 0) {
        throw std::system_error(errno, std::generic_category(), "timerfd_settime");
    }
}

}  // namespace mptcp::dbus
