// The sd_bus* under a test's sdbus-c++ 1.2 connection, got through public
// API only. sdbus-c++ 1.2 has no accessor for it, but its public
// sdbus::MethodCall::send(callback, userData, timeout, floating_slot)
// takes a raw sd_bus_message_handler_t: the reply then arrives as an
// sd_bus_message*, and sd_bus_message_get_bus() of it is the connection's
// sd_bus (referenced here with sd_bus_ref, so it outlives our use of it).
// With it a test sends what sdbus-c++ 1.2 cannot: a call with the
// ALLOW_INTERACTIVE_AUTHORIZATION flag.
#pragma once

#include <sdbus-c++/IConnection.h>
#include <systemd/sd-bus.h>

#include <chrono>

namespace mptcp::dbus {

class RawBus {
public:
    // One round trip to the bus driver (GetId), awaited here: call it at
    // start-up, before serving. Throws std::runtime_error when the bus
    // does not answer within `timeout`.
    explicit RawBus(sdbus::IConnection& connection, std::chrono::milliseconds timeout = std::chrono::seconds(25));
    ~RawBus();
    RawBus(const RawBus&) = delete;
    RawBus& operator=(const RawBus&) = delete;

    sd_bus* get() const { return bus_; }

private:
    static int onReply(sd_bus_message* reply, void* userData, sd_bus_error* error);

    sd_bus* bus_ = nullptr;
};

}  // namespace mptcp::dbus
