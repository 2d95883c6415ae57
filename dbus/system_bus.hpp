// The daemon's connection to the system bus, with sd-bus (libsystemd)
// alone. The daemon maps no libsdbus-c++: every interface is an sd-bus
// vtable (the *_adaptor files), the signals are built with sd-bus, and the
// few calls the daemon makes itself (the bus driver, polkit) are sd-bus
// asynchronous calls (bus_call.hpp). One C++ library less is about 200 KiB
// less resident at idle (docs/performance.md, "Idle memory").
#pragma once

#include "event_loop.hpp"

#include <systemd/sd-bus.h>

#include <stdexcept>
#include <string>

namespace mptcp::dbus {

// The bus connection failed or was lost; what() says which call and why.
class BusFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "<what>: <strerror(-r)>" as a BusFailure.
[[noreturn]] void throwBusFailure(const char* what, int r);

// "<name>: <message>": a D-Bus error from outside, the way the daemon
// reports it.
std::string errorText(const sd_bus_error& error);

class SystemBus final : public LoopBus {
public:
    // Connects to the bus DBUS_SYSTEM_BUS_ADDRESS names, else the standard
    // system bus. Throws BusFailure (what() is the reason alone).
    SystemBus();
    // Sends what is still queued (a last reply), then closes.
    ~SystemBus() override;
    SystemBus(const SystemBus&) = delete;
    SystemBus& operator=(const SystemBus&) = delete;

    sd_bus* get() const { return bus_; }

    // Owns `name` (a round trip to the bus driver, awaited: call it once
    // the objects are in place, before serving). Throws BusFailure with
    // the bus's answer, e.g. when another process owns the name.
    void requestName(const char* name);

    bool processOne() override;
    Wait wait() const override;

private:
    sd_bus* bus_ = nullptr;
};

}  // namespace mptcp::dbus
