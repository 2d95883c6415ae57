#include "event_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>

namespace mptcp::dbus {
namespace {

[[noreturn]] void fail(const char* what)
{
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// poll(2)'s event bits as epoll's: the bus says what it waits for in the
// former (sd_bus_get_events).
std::uint32_t epollEvents(short pollEvents)
{
    std::uint32_t events = 0;
    if (pollEvents & POLLIN) {
        events |= EPOLLIN;
    }
    if (pollEvents & POLLOUT) {
        events |= EPOLLOUT;
    }
    if (pollEvents & POLLPRI) {
        events |= EPOLLPRI;
    }
    return events;
}

}  // namespace

EventLoop::EventLoop(LoopBus& bus, std::size_t busMessagesPerTurn)
    : bus_(bus), busMessagesPerTurn_(busMessagesPerTurn == 0 ? 1 : busMessagesPerTurn)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) {
        fail("sigprocmask");
    }
    signalFd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signalFd_ < 0) {
        fail("signalfd");
    }
    epollFd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epollFd_ < 0) {
        const int err = errno;
        close(signalFd_);
        errno = err;
        fail("epoll_create1");
    }
    try {
        control(EPOLL_CTL_ADD, signalFd_, EPOLLIN, kSignalId);
    } catch (...) {
        close(epollFd_);
        close(signalFd_);
        throw;
    }
}

EventLoop::~EventLoop()
{
    close(epollFd_);
    close(signalFd_);
}

void EventLoop::control(int op, int fd, std::uint32_t events, std::uint64_t id)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = id;
    if (epoll_ctl(epollFd_, op, fd, &ev) < 0) {
        fail("epoll_ctl");
    }
}

void EventLoop::addReader(int fd, std::function<void()> fn, std::function<bool()> wanted)
{
    // Registered at the next turn's syncReaders(), once `wanted` has been
    // asked: a reader added from inside a callback waits for that turn.
    readers_.push_back(std::make_unique<Reader>(Reader{nextId_++, fd, std::move(fn), std::move(wanted)}));
}

void EventLoop::removeReader(int fd)
{
    for (const auto& r : readers_) {
        if (r->fd != fd || r->removed) {
            continue;
        }
        if (r->registered) {
            // Before the owner closes fd. ENOENT or EBADF (closed already,
            // which took it out of the set) change nothing.
            epoll_event ev{};
            epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, &ev);
            r->registered = false;
        }
        r->removed = true;
    }
}

void EventLoop::syncReaders()
{
    std::erase_if(readers_, [](const auto& r) { return r->removed; });
    for (const auto& r : readers_) {
        const bool want = !r->wanted || r->wanted();
        if (want != r->registered) {
            control(want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, r->fd, EPOLLIN, r->id);
            r->registered = want;
        }
    }
}

void EventLoop::syncBus(int fd, short events)
{
    const std::uint32_t wanted = epollEvents(events);
    if (fd != busFd_) {
        if (busFd_ >= 0) {
            epoll_event ev{};
            epoll_ctl(epollFd_, EPOLL_CTL_DEL, busFd_, &ev);
        }
        control(EPOLL_CTL_ADD, fd, wanted, kBusId);
    } else if (wanted != busEvents_) {
        control(EPOLL_CTL_MOD, fd, wanted, kBusId);
    }
    busFd_ = fd;
    busEvents_ = wanted;
}

int EventLoop::run()
{
    // More descriptors ready than this are reported by the next wait
    // (epoll hands out ready descriptors round robin).
    std::array<epoll_event, 16> ready;
    for (;;) {
        // The bus's share of this turn. When it is used up, more may be
        // queued: wait without sleeping, give the readers their turn, and
        // come back.
        std::size_t handled = 0;
        while (handled < busMessagesPerTurn_ && bus_.processOne()) {
            ++handled;
        }
        const bool busHasMore = handled == busMessagesPerTurn_;
        const LoopBus::Wait wait = bus_.wait();
        int timeoutMs = -1;
        if (busHasMore) {
            timeoutMs = 0;
        } else if (wait.timeout) {
            timeoutMs = static_cast<int>(
                std::min<std::int64_t>(std::chrono::ceil<std::chrono::milliseconds>(*wait.timeout).count(), 60'000));
        }
        syncBus(wait.fd, wait.events);
        syncReaders();
        const int n = epoll_wait(epollFd_, ready.data(), static_cast<int>(ready.size()), timeoutMs);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("epoll_wait");
        }
        const auto events = std::span(ready.data(), static_cast<std::size_t>(n));
        for (const epoll_event& e : events) {
            if (e.data.u64 == kSignalId) {
                signalfd_siginfo info{};
                if (read(signalFd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
                    return static_cast<int>(info.ssi_signo);
                }
            }
        }
        // The bus needs nothing here: the next turn processes what came.
        // Readers may add or remove readers: each event finds its reader
        // by id, so a reader removed meanwhile is not called.
        for (const epoll_event& e : events) {
            if (e.data.u64 < kFirstReaderId || !(e.events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                continue;
            }
            // By index: fn may add readers (the vector grows; the Reader
            // does not move) and removes only by marking.
            for (std::size_t i = 0; i < readers_.size(); ++i) {
                Reader& r = *readers_[i];
                if (r.id == e.data.u64) {
                    if (!r.removed) {
                        r.fn();
                    }
                    break;
                }
            }
        }
    }
}

}  // namespace mptcp::dbus
