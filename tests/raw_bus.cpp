#include "raw_bus.hpp"

#include <poll.h>

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <stdexcept>

namespace mptcp::dbus {

int RawBus::onReply(sd_bus_message* reply, void* userData, sd_bus_error* /*error*/)
{
    auto* self = static_cast<RawBus*>(userData);
    // Any reply will do, an error too: only its connection matters.
    if (self->bus_ == nullptr) {
        self->bus_ = sd_bus_ref(sd_bus_message_get_bus(reply));
    }
    return 1;
}

RawBus::RawBus(sdbus::IConnection& connection, std::chrono::milliseconds timeout)
{
    auto driver = sdbus::createProxy(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    auto call = driver->createMethodCall("org.freedesktop.DBus", "GetId");
    const auto usec = static_cast<std::uint64_t>(std::chrono::microseconds(timeout).count());
    // A function pointer passed as void*: sdbus-c++ 1.2's signature.
    call.send(reinterpret_cast<void*>(&RawBus::onReply), this, usec, sdbus::floating_slot);
    // sd-bus answers the call itself (NoReply) when its timeout runs out,
    // and that reply names the connection as well: the deadline here is
    // only a backstop.
    const auto deadline = std::chrono::steady_clock::now() + timeout + std::chrono::seconds(5);
    while (bus_ == nullptr) {
        if (connection.processPendingRequest()) {
            continue;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw std::runtime_error("the bus did not answer GetId: cannot reach its connection");
        }
        const auto poll = connection.getEventLoopPollData();
        pollfd fd{poll.fd, poll.events, 0};
        ::poll(&fd, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 100)));
    }
}

RawBus::~RawBus()
{
    sd_bus_unref(bus_);
}

}  // namespace mptcp::dbus
