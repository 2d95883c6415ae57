#include "event_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mptcp::dbus {

EventLoop::EventLoop(sdbus::IConnection& bus, std::size_t busMessagesPerTurn)
    : bus_(bus), busMessagesPerTurn_(busMessagesPerTurn == 0 ? 1 : busMessagesPerTurn)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) {
        throw std::runtime_error(std::string("sigprocmask: ") + std::strerror(errno));
    }
    signalFd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signalFd_ < 0) {
        throw std::runtime_error(std::string("signalfd: ") + std::strerror(errno));
    }
}

EventLoop::~EventLoop()
{
    close(signalFd_);
}

void EventLoop::addReader(int fd, std::function<void()> fn, std::function<bool()> wanted)
{
    readers_.push_back({fd, std::move(fn), std::move(wanted)});
}

void EventLoop::removeReader(int fd)
{
    std::erase_if(readers_, [fd](const Reader& r) { return r.fd == fd; });
}

int EventLoop::run()
{
    std::vector<pollfd> fds;
    for (;;) {
        // The bus's share of this turn. When it is used up, more may be
        // queued: poll without sleeping, give the readers their turn, and
        // come back.
        std::size_t handled = 0;
        while (handled < busMessagesPerTurn_ && bus_.processPendingRequest()) {
            ++handled;
        }
        const bool busHasMore = handled == busMessagesPerTurn_;
        const auto poll = bus_.getEventLoopPollData();
        int timeoutMs = -1;
        if (busHasMore) {
            timeoutMs = 0;
        } else if (const auto rel = poll.getRelativeTimeout()) {
            timeoutMs = static_cast<int>(
                std::min<std::int64_t>(std::chrono::ceil<std::chrono::milliseconds>(*rel).count(), 60'000));
        }
        fds.clear();
        fds.push_back({signalFd_, POLLIN, 0});
        fds.push_back({poll.fd, poll.events, 0});
        for (const Reader& r : readers_) {
            // A paused reader stays in the list (indexes match) but is
            // ignored by poll(2): a negative fd.
            const bool paused = r.wanted && !r.wanted();
            fds.push_back({paused ? -1 : r.fd, POLLIN, 0});
        }
        if (::poll(fds.data(), fds.size(), timeoutMs) < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        }
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            if (read(signalFd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
                return static_cast<int>(info.ssi_signo);
            }
        }
        // Readers may add or remove readers: walk a snapshot by index.
        for (std::size_t i = 2; i < fds.size(); ++i) {
            if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) {
                const int fd = fds[i].fd;
                auto it = std::find_if(readers_.begin(), readers_.end(), [fd](const Reader& r) { return r.fd == fd; });
                if (it != readers_.end()) {
                    auto fn = it->fn;
                    fn();
                }
            }
        }
    }
}

}  // namespace mptcp::dbus
