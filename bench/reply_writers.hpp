// The daemon's reply shapes and signals for figure 1, written with sd-bus's
// own calls the cheapest way the daemon writes them: shared by the two
// reference services (bench/reply_service.cpp, no kernel work, and
// bench/minimal_service.cpp, the same kernel request as the daemon's
// floor). Each returns sd-bus's result (negative errno on failure).
#pragma once

#include <systemd/sd-bus.h>

#include <cstdint>

namespace mptcp::bench::replies {

// ASCII text as the daemon writes it: string space and a memcpy.
int appendAscii(sd_bus_message* m, const char* text);

// One (usqsas) of the benchmark's table (bench/endpoint_table.cpp) as the
// daemon answers it: id 1..8, port 0, on lo, "subflow". Other ids: -EINVAL.
int appendTableEndpoint(sd_bus_message* m, std::uint32_t id);

// The whole table as ListEndpoints answers it: a(usqsas), ids 1..8.
int appendTable(sd_bus_message* m);

// Sends the reply unless r says a write failed, and drops it either way;
// a method handler's return value.
int send(sd_bus_message* reply, int r);

// PropertiesChanged on path as the daemon sends it for SetLimits(v, v):
// both limits changed to v, nothing invalidated; interface is the one
// whose properties changed.
int sendLimitsChanged(sd_bus* bus, const char* path, const char* interface, std::uint32_t v);

}  // namespace mptcp::bench::replies
