// mptcp-pm-bench-emitter: the bus's raw capacity, measured with a trivial
// emitter. Emit(u count) answers at once, then sends `count` signals shaped
// like the daemon's ConnectionCreated (a token and an a{sv} with the keys
// the kernel's CREATED carries). It is written against sd-bus directly, the
// lightest client there is, and flushes every few signals, so that the bus
// always has the next ones waiting and never waits for the emitter: what
// arrives per second is then the pace of the bus (and of the one client
// that counts), not of the emitter.
#include "bus_service_setup.hpp"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

constexpr const char* kName = "org.mptcp.BenchEmitter";
constexpr const char* kPath = "/org/mptcp/BenchEmitter";
constexpr const char* kInterface = "org.mptcp.BenchEmitter";
// Enough in flight to keep the bus busy, little enough to stay in the
// socket buffer.
constexpr std::uint32_t kFlushEvery = 32;

std::uint32_t pending = 0;

int onEmit(sd_bus_message* m, void*, sd_bus_error*)
{
    std::uint32_t count = 0;
    const int r = sd_bus_message_read(m, "u", &count);
    if (r < 0) {
        return r;
    }
    pending += count;
    return sd_bus_reply_method_return(m, "");
}

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Emit", "u", "", onEmit, 0),
    SD_BUS_SIGNAL("ConnectionCreated", "ua{sv}", 0),
    SD_BUS_VTABLE_END,
};

int emitOne(sd_bus* bus, std::uint32_t token)
{
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_signal(bus, &m, kPath, kInterface, "ConnectionCreated");
    if (r >= 0) {
        r = sd_bus_message_append(m, "ua{sv}", token, 8, "family", "q", 2, "local-address", "s", "127.0.0.1",
                                  "remote-address", "s", "127.0.0.1", "local-port", "q", 40000, "remote-port", "q",
                                  41000, "local-id", "y", 0, "remote-id", "y", 0, "server-side", "b", 0);
    }
    if (r >= 0) {
        r = sd_bus_send(bus, m, nullptr);
    }
    sd_bus_message_unref(m);
    return r;
}

int fail(const char* what, int r)
{
    return mptcp::bench::serviceFailed("mptcp-pm-bench-emitter", what, r);
}

}  // namespace

int main()
{
    sd_bus* bus = mptcp::bench::serveOnSystemBus("mptcp-pm-bench-emitter", kName, kPath, kInterface, kVtable);
    if (bus == nullptr) {
        return 1;
    }
    int r = 0;
    // SIGTERM ends it (default action): the benchmark stops it by pid.
    for (std::uint32_t token = 0;;) {
        r = sd_bus_process(bus, nullptr);
        if (r < 0) {
            return fail("processing the bus", r);
        }
        if (pending > 0) {
            for (; pending > 0; --pending) {
                if ((r = emitOne(bus, token++)) < 0) {
                    return fail("emitting", r);
                }
                if (token % kFlushEvery == 0 && (r = sd_bus_flush(bus)) < 0) {
                    return fail("flushing", r);
                }
            }
            sd_bus_flush(bus);
            continue;
        }
        if (r == 0 && (r = sd_bus_wait(bus, UINT64_MAX)) < 0 && r != -EINTR) {
            return fail("waiting", r);
        }
    }
}
