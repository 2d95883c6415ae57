#include "reload_signal.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mptcp::dbus {

ReloadSignal::ReloadSignal()
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) {
        throw std::runtime_error(std::string("sigprocmask(SIGHUP): ") + std::strerror(errno));
    }
    fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd_ < 0) {
        throw std::runtime_error(std::string("signalfd(SIGHUP): ") + std::strerror(errno));
    }
}

ReloadSignal::~ReloadSignal()
{
    close(fd_);
}

bool ReloadSignal::consume()
{
    bool any = false;
    signalfd_siginfo info{};
    while (read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        any = true;
    }
    return any;
}

}  // namespace mptcp::dbus
