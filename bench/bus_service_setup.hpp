// The start of the benchmark's small sd-bus services (the emitter, the
// replier, the minimal service): connect to the system bus
// (DBUS_SYSTEM_BUS_ADDRESS), serve one vtable, own the name; and the
// replier's and the minimal service's loop. Header-only: each service is
// one source file.
#pragma once

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace mptcp::bench {

// Prints "<program>: <what>: <error>" and returns 1, the exit status.
inline int serviceFailed(const char* program, const char* what, int r)
{
    std::fprintf(stderr, "%s: %s: %s\n", program, what, std::strerror(-r));
    return 1;
}

// The connection, serving vtable at path under interface (its handlers get
// userdata) and owning name; nullptr after a line on stderr saying what
// failed.
inline sd_bus* serveOnSystemBus(const char* program, const char* name, const char* path, const char* interface,
                                const sd_bus_vtable* vtable, void* userdata = nullptr)
{
    sd_bus* bus = nullptr;
    int r = sd_bus_open_system(&bus);
    if (r < 0) {
        serviceFailed(program, "connecting to the system bus", r);
        return nullptr;
    }
    if ((r = sd_bus_add_object_vtable(bus, nullptr, path, interface, vtable, userdata)) < 0) {
        serviceFailed(program, "registering the object", r);
        return sd_bus_flush_close_unref(bus);
    }
    if ((r = sd_bus_request_name(bus, name, 0)) < 0) {
        serviceFailed(program, "owning the name", r);
        return sd_bus_flush_close_unref(bus);
    }
    return bus;
}

// Answers calls until the bus fails (then a line on stderr and 1, the exit
// status); SIGTERM's default action ends it: the benchmark stops it by pid.
inline int answerForever(const char* program, sd_bus* bus)
{
    for (;;) {
        int r = sd_bus_process(bus, nullptr);
        if (r < 0) {
            return serviceFailed(program, "processing the bus", r);
        }
        if (r == 0 && (r = sd_bus_wait(bus, UINT64_MAX)) < 0 && r != -EINTR) {
            return serviceFailed(program, "waiting", r);
        }
    }
}

}  // namespace mptcp::bench
