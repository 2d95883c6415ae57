#include "periodic_timer.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mptcp::dbus {

PeriodicTimer::PeriodicTimer(std::chrono::milliseconds period)
{
    fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd_ < 0) {
        throw std::runtime_error(std::string("timerfd_create: ") + std::strerror(errno));
    }
    itimerspec spec{};
    spec.it_interval.tv_sec = static_cast<time_t>(period.count() / 1000);
    spec.it_interval.tv_nsec = static_cast<long>((period.count() % 1000) * 1000000);
    spec.it_value = spec.it_interval;
    if (timerfd_settime(fd_, 0, &spec, nullptr) != 0) {
        const int err = errno;
        close(fd_);
        throw std::runtime_error(std::string("timerfd_settime: ") + std::strerror(err));
    }
}

PeriodicTimer::~PeriodicTimer()
{
    if (fd_ >= 0) {
        close(fd_);
    }
}

void PeriodicTimer::acknowledge()
{
    std::uint64_t expirations = 0;
    [[maybe_unused]] const ssize_t n = read(fd_, &expirations, sizeof expirations);
}

}  // namespace mptcp::dbus
