#include "system_bus.hpp"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>

namespace mptcp::dbus {

void throwBusFailure(const char* what, int r)
{
    throw BusFailure(std::string(what) + ": " + std::strerror(r < 0 ? -r : r));
}

std::string errorText(const sd_bus_error& error)
{
    return std::string(error.name ? error.name : "") + ": " + (error.message ? error.message : "");
}

SystemBus::SystemBus()
{
    // sd_bus_open_system() reads DBUS_SYSTEM_BUS_ADDRESS itself.
    if (const int r = sd_bus_open_system(&bus_); r < 0) {
        throw BusFailure(std::strerror(-r));
    }
}

SystemBus::~SystemBus()
{
    sd_bus_flush_close_unref(bus_);
}

void SystemBus::requestName(const char* name)
{
    // RequestName itself rather than sd_bus_request_name(), which keeps
    // only an errno: the bus's error text says why (its policy, say).
    constexpr std::uint32_t kDoNotQueue = 4;
    constexpr std::uint32_t kPrimaryOwner = 1;
    constexpr std::uint32_t kAlreadyOwner = 4;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call_method(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "RequestName", &error, &reply, "su", name, kDoNotQueue);
    std::uint32_t result = 0;
    if (r >= 0) {
        r = sd_bus_message_read(reply, "u", &result);
    }
    sd_bus_message_unref(reply);
    if (r < 0) {
        const std::string why = sd_bus_error_is_set(&error) ? errorText(error) : std::strerror(-r);
        sd_bus_error_free(&error);
        throw BusFailure(why);
    }
    if (result != kPrimaryOwner && result != kAlreadyOwner) {
        throw BusFailure(std::string("another process owns ") + name);
    }
}

bool SystemBus::processOne()
{
    const int r = sd_bus_process(bus_, nullptr);
    if (r < 0) {
        throwBusFailure("cannot process bus messages", r);
    }
    return r > 0;
}

LoopBus::Wait SystemBus::wait() const
{
    const int fd = sd_bus_get_fd(bus_);
    if (fd < 0) {
        throwBusFailure("the bus has no descriptor", fd);
    }
    const int events = sd_bus_get_events(bus_);
    if (events < 0) {
        throwBusFailure("the bus's wanted events", events);
    }
    std::uint64_t until = 0;  // CLOCK_MONOTONIC, in microseconds; UINT64_MAX: none
    if (const int r = sd_bus_get_timeout(bus_, &until); r < 0) {
        throwBusFailure("the bus's timeout", r);
    }
    Wait wait{fd, static_cast<short>(events), std::nullopt};
    if (until != UINT64_MAX) {
        // steady_clock is CLOCK_MONOTONIC, sd-bus's clock.
        const auto now =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
                .count();
        const auto nowUs = static_cast<std::uint64_t>(now);
        wait.timeout = std::chrono::microseconds(until > nowUs ? until - nowUs : 0);
    }
    return wait;
}

}  // namespace mptcp::dbus
