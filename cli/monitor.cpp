#include "monitor.hpp"

#include "error_translation.hpp"
#include "event_format.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <string_view>

namespace mptcp::cli {
namespace {

// SIGINT and SIGTERM become readable on a file descriptor while it lives.
class StopSignals {
public:
    StopSignals()
    {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        // A shell starts background jobs with SIGINT ignored, and an ignored
        // signal never reaches a signalfd: Ctrl-C (or kill -INT) must stop
        // the monitor wherever it was started.
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        sigprocmask(SIG_BLOCK, &set_, &previous_);
        fd_ = signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd_ < 0) {
            throw CliFailure(kExitUnreachable, std::string("Error: signalfd: ") + std::strerror(errno) + "\n");
        }
    }
    ~StopSignals()
    {
        // Consume what arrived, or unblocking would deliver it and kill us.
        signalfd_siginfo info{};
        while (read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        }
        close(fd_);
        sigprocmask(SIG_SETMASK, &previous_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    int fd() const { return fd_; }

private:
    sigset_t set_{};
    sigset_t previous_{};
    int fd_ = -1;
};

// A match slot, dropped on every path.
struct Slot {
    sd_bus_slot* slot = nullptr;
    ~Slot() { sd_bus_slot_unref(slot); }
};

struct MonitorState {
    Timestamps timestamps;
    bool serviceLeft = false;
};

// sd-bus gives an absolute CLOCK_MONOTONIC deadline in µs (max = none).
int pollTimeoutMs(std::uint64_t deadlineUsec)
{
    if (deadlineUsec == std::numeric_limits<std::uint64_t>::max()) {
        return -1;
    }
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const std::uint64_t nowUsec =
        static_cast<std::uint64_t>(now.tv_sec) * 1000000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
    if (deadlineUsec <= nowUsec) {
        return 0;
    }
    const std::uint64_t ms = (deadlineUsec - nowUsec + 999) / 1000;
    return ms > 60000 ? 60000 : static_cast<int>(ms);
}

// One basic value of a variant; a container is skipped and shown by type.
int readValue(sd_bus_message* m, char type, InfoValue& value)
{
    value.type = type;
    switch (type) {
        case 's': {
            const char* text = nullptr;
            const int r = sd_bus_message_read_basic(m, 's', &text);
            value.text = text != nullptr ? text : "";
            return r;
        }
        case 'y': {
            std::uint8_t v = 0;
            const int r = sd_bus_message_read_basic(m, type, &v);
            value.number = v;
            return r;
        }
        case 'b': {
            int v = 0;
            const int r = sd_bus_message_read_basic(m, type, &v);
            value.number = v != 0 ? 1 : 0;
            return r;
        }
        case 'q':
        case 'n': {
            std::uint16_t v = 0;
            const int r = sd_bus_message_read_basic(m, type, &v);
            value.number = v;
            return r;
        }
        case 'u':
        case 'i': {
            std::uint32_t v = 0;
            const int r = sd_bus_message_read_basic(m, type, &v);
            value.number = v;
            return r;
        }
        case 't':
        case 'x': {
            std::uint64_t v = 0;
            const int r = sd_bus_message_read_basic(m, type, &v);
            value.number = v;
            return r;
        }
        default:
            return sd_bus_message_skip(m, nullptr);
    }
}

// a{sv} into EventInfo; a negative errno when the message is not that.
int readInfo(sd_bus_message* m, EventInfo& info)
{
    int r = sd_bus_message_enter_container(m, 'a', "{sv}");
    if (r < 0) {
        return r;
    }
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        char type = 0;
        const char* contents = nullptr;
        if ((r = sd_bus_message_read_basic(m, 's', &key)) < 0 ||
            (r = sd_bus_message_peek_type(m, &type, &contents)) < 0 ||
            (r = sd_bus_message_enter_container(m, 'v', contents)) < 0) {
            return r;
        }
        InfoValue value;
        if ((r = readValue(m, contents != nullptr && contents[1] == '\0' ? contents[0] : '?', value)) < 0 ||
            (r = sd_bus_message_exit_container(m)) < 0 || (r = sd_bus_message_exit_container(m)) < 0) {
            return r;
        }
        info.emplace(key, std::move(value));
    }
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

void printLine(const MonitorState& state, const std::string& line, bool flush = true)
{
    timeval now{};
    gettimeofday(&now, nullptr);
    const std::string text = timestampPrefix(state.timestamps, now) + line;
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (flush) {
        std::fflush(stdout);  // one event, one line, at once: for pipes too
    }
}

// The per-event signals without a token: the listener events.
bool isListenerSignal(std::string_view member)
{
    return member == "ListenerCreated" || member == "ListenerClosed";
}

// EventBatch(a(sua{sv})): each entry printed as its own signal would be,
// the batch flushed at once at its end. A negative errno when the message
// is not that.
int printBatch(const MonitorState& state, sd_bus_message* m)
{
    int r = sd_bus_message_enter_container(m, 'a', "(sua{sv})");
    if (r < 0) {
        return r;
    }
    while ((r = sd_bus_message_enter_container(m, 'r', "sua{sv}")) > 0) {
        const char* member = nullptr;
        std::uint32_t tokenOrType = 0;
        EventInfo info;
        if ((r = sd_bus_message_read(m, "su", &member, &tokenOrType)) < 0 || (r = readInfo(m, info)) < 0 ||
            (r = sd_bus_message_exit_container(m)) < 0) {
            break;
        }
        const std::string_view name = member != nullptr ? member : "";
        printLine(
            state,
            formatEvent(name, isListenerSignal(name) ? std::nullopt : std::optional<std::uint32_t>(tokenOrType), info),
            false);
    }
    std::fflush(stdout);
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

// Every signal of the service's interface. Runs inside sd_bus_process(),
// a C frame: nothing may be thrown out of it.
int onServiceSignal(sd_bus_message* m, void* userdata, sd_bus_error*) noexcept
{
    const auto& state = *static_cast<const MonitorState*>(userdata);
    try {
        const std::string_view member = sd_bus_message_get_member(m) ? sd_bus_message_get_member(m) : "";
        const std::string_view signature = sd_bus_message_get_signature(m, 1) ? sd_bus_message_get_signature(m, 1) : "";
        EventInfo info;
        if (member == "EventsLost" && signature == "t") {
            std::uint64_t count = 0;
            if (sd_bus_message_read_basic(m, 't', &count) >= 0) {
                printLine(state, formatEventsLost(count));
            }
        } else if (signature == "ua{sv}") {
            std::uint32_t tokenOrType = 0;
            if (sd_bus_message_read_basic(m, 'u', &tokenOrType) >= 0 && readInfo(m, info) >= 0) {
                printLine(state, formatEvent(member, tokenOrType, info));
            }
        } else if (member == "EventBatch" && signature == "a(sua{sv})") {
            printBatch(state, m);
        } else if (signature == "a{sv}") {
            if (readInfo(m, info) >= 0) {
                printLine(state, formatEvent(member, std::nullopt, info));
            }
        }
        // Anything else (EndpointsChanged, PropertiesChanged): configuration,
        // not a kernel event; ip's monitor shows none either.
    } catch (const std::exception&) {
        // Out of memory while formatting one line: drop the line, not the monitor.
    }
    return 0;
}

int onOwnerChanged(sd_bus_message* m, void* userdata, sd_bus_error*) noexcept
{
    const char* name = nullptr;
    const char* oldOwner = nullptr;
    const char* newOwner = nullptr;
    if (sd_bus_message_read(m, "sss", &name, &oldOwner, &newOwner) >= 0 && newOwner != nullptr && *newOwner == '\0') {
        static_cast<MonitorState*>(userdata)->serviceLeft = true;
    }
    return 0;
}

[[noreturn]] void failBus(const char* what, int r)
{
    const CliExit exit = busUnreachable(std::string(what) + ": " + std::strerror(-r));
    throw CliFailure(exit.status, exit.message);
}

}  // namespace

int runMonitor(PathManagerBus& service, const GlobalOptions& options)
{
    StopSignals stop;
    MonitorState state{options.timestamps};
    sd_bus* bus = service.raw();
    Slot events, owner;
    int r =
        sd_bus_match_signal(bus, &events.slot, kServiceName, kObjectPath, kInterface, nullptr, onServiceSignal, &state);
    if (r < 0) {
        failBus("watching the service's signals", r);
    }
    // The service leaving the bus ends its subscriptions: say so rather
    // than wait for events that will not come.
    r = sd_bus_add_match(bus, &owner.slot,
                         "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                         "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='org.mptcp.PathManager'",
                         onOwnerChanged, &state);
    if (r < 0) {
        failBus("watching the service's name", r);
    }
    try {
        // One message per batch of events instead of one per event: the
        // bus's cost per message is what limits a monitor in a storm.
        if (!service.subscribeBatched()) {
            service.subscribe();
        }
    } catch (const BusError& e) {
        const CliExit exit = translateError(e.name, e.message);
        throw CliFailure(exit.status, exit.message);
    }

    for (;;) {
        r = sd_bus_process(bus, nullptr);
        if (r < 0) {
            failBus("the bus connection", r);
        }
        if (state.serviceLeft) {
            throw CliFailure(kExitUnreachable, "Error: the MPTCP path manager service " + std::string(kServiceName) +
                                                   " left the bus; no more events will come.\n");
        }
        if (r > 0) {
            continue;  // sd-bus may have more queued
        }
        std::uint64_t deadline = 0;
        if ((r = sd_bus_get_timeout(bus, &deadline)) < 0) {
            failBus("the bus connection", r);
        }
        pollfd fds[2] = {{sd_bus_get_fd(bus), static_cast<short>(sd_bus_get_events(bus)), 0}, {stop.fd(), POLLIN, 0}};
        if (poll(fds, 2, pollTimeoutMs(deadline)) < 0 && errno != EINTR) {
            throw CliFailure(kExitUnreachable, std::string("Error: poll: ") + std::strerror(errno) + "\n");
        }
        if (fds[1].revents & POLLIN) {
            break;
        }
    }
    try {
        service.unsubscribe();
    } catch (const BusError&) {
        // Leaving the bus unsubscribes too; the user asked to stop.
    }
    return 0;
}

}  // namespace mptcp::cli
