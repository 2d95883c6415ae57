// The start of the benchmark's small sd-bus services (the emitter, the
// replier): connect to the system bus (DBUS_SYSTEM_BUS_ADDRESS), serve one
// vtable, own the name. Header-only: each service is one source file.
#pragma once

#include <systemd/sd-bus.h>

#include <cstdio>
#include <cstring>

namespace mptcp::bench {

// Prints "<program>: <what>: <error>" and returns 1, the exit status.
inline int serviceFailed(const char* program, const char* what, int r)
{
    std::fprintf(stderr, "%s: %s: %s\n", program, what, std::strerror(-r));
    return 1;
}

// The connection, serving vtable at path under interface and owning name;
// nullptr after a line on stderr saying what failed.
inline sd_bus* serveOnSystemBus(const char* program, const char* name, const char* path, const char* interface,
                                const sd_bus_vtable* vtable)
{
    sd_bus* bus = nullptr;
    int r = sd_bus_open_system(&bus);
    if (r < 0) {
        serviceFailed(program, "connecting to the system bus", r);
        return nullptr;
    }
    if ((r = sd_bus_add_object_vtable(bus, nullptr, path, interface, vtable, nullptr)) < 0) {
        serviceFailed(program, "registering the object", r);
        return sd_bus_flush_close_unref(bus);
    }
    if ((r = sd_bus_request_name(bus, name, 0)) < 0) {
        serviceFailed(program, "owning the name", r);
        return sd_bus_flush_close_unref(bus);
    }
    return bus;
}

}  // namespace mptcp::bench
