// mptcp-pm-bench-replier: what a reply of the daemon's shape costs by
// itself, with no kernel work, written with sd-bus's own calls the
// cheapest way the daemon writes them. The benchmark times it with the
// same client over the same bus as the daemon: no implementation of the
// same signature on sd-bus can go below it.
// - List(u count) (figure 8): an a(ua{sv}) of `count` entries shaped like
//   the daemon's ListConnections on today's kernel (a token and the 19
//   keys of a loopback connection, with the same value types and strings
//   of the same length), as dbus/connection_info.cpp writes them.
// - ListEndpoints() (figure 1): the a(usqsas) the daemon answers for the
//   benchmark's table of 8 endpoints (bench/endpoint_table.cpp).
// - Ping() (figure 1): an empty call, what this service's own call costs
//   beside the floor service's (sdbus-c++): the reference rows' notes
//   take it away to show what the reply or the signal adds.
// - AnnounceLimits() and AnnounceEndpoints() (figure 1): an empty call
//   that sends one broadcast signal before its empty reply, as the daemon
//   does for SetLimits (PropertiesChanged with the two limits) and
//   AddEndpoint (EndpointsChanged): the third message through the bus
//   that an empty call does not carry.
#include "bus_service_setup.hpp"
#include "reply_writers.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>

namespace {

namespace replies = mptcp::bench::replies;

constexpr const char* kProgram = "mptcp-pm-bench-replier";
constexpr const char* kName = "org.mptcp.BenchReplier";
constexpr const char* kPath = "/org/mptcp/BenchReplier";
constexpr const char* kInterface = "org.mptcp.BenchReplier";

// One dict entry: the six calls the daemon makes. Returns sd-bus's result.
int entry(sd_bus_message* m, const char* key, char type, const char* signature, const void* value)
{
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv");
    if (r >= 0) {
        r = replies::appendAscii(m, key);
    }
    if (r >= 0) {
        r = sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, signature);
    }
    if (r >= 0) {
        r = type == SD_BUS_TYPE_STRING ? replies::appendAscii(m, static_cast<const char*>(value))
                                       : sd_bus_message_append_basic(m, type, value);
    }
    if (r >= 0) {
        r = sd_bus_message_close_container(m);
    }
    if (r >= 0) {
        r = sd_bus_message_close_container(m);
    }
    return r;
}

int connection(sd_bus_message* m, std::uint32_t i)
{
    const std::uint16_t family = 2;
    const std::uint16_t localPort = static_cast<std::uint16_t>(40000 + i % 20000);
    const std::uint16_t remotePort = 41000;
    const std::uint32_t uid = 0;
    const std::uint32_t subflows = 1;
    const std::uint32_t zero32 = 0;
    const std::uint32_t one32 = 1;
    const int no = 0;
    const std::uint64_t bytes = 1 + i;
    const std::uint64_t zero64 = 0;
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "ua{sv}");
    if (r >= 0) {
        const std::uint32_t token = 0x10000000u + i;
        r = sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &token);
    }
    if (r >= 0) {
        r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
    }
    // The daemon's keys, in its order (dbus/connection_info.cpp).
    if (r >= 0 && (r = entry(m, "family", 'q', "q", &family)) >= 0 &&
        (r = entry(m, "local-address", 's', "s", "127.0.0.1")) >= 0 &&
        (r = entry(m, "local-port", 'q', "q", &localPort)) >= 0 &&
        (r = entry(m, "remote-address", 's', "s", "127.0.0.1")) >= 0 &&
        (r = entry(m, "remote-port", 'q', "q", &remotePort)) >= 0 &&
        (r = entry(m, "state", 's', "s", "established")) >= 0 && (r = entry(m, "uid", 'u', "u", &uid)) >= 0 &&
        (r = entry(m, "subflows", 'u', "u", &subflows)) >= 0 &&
        (r = entry(m, "add-addr-signal", 'u', "u", &zero32)) >= 0 &&
        (r = entry(m, "add-addr-accepted", 'u', "u", &zero32)) >= 0 &&
        (r = entry(m, "local-addr-used", 'u', "u", &zero32)) >= 0 &&
        (r = entry(m, "local-addr-max", 'u', "u", &one32)) >= 0 && (r = entry(m, "fallback", 'b', "b", &no)) >= 0 &&
        (r = entry(m, "checksum", 'b', "b", &no)) >= 0 && (r = entry(m, "bytes-sent", 't', "t", &bytes)) >= 0 &&
        (r = entry(m, "bytes-received", 't', "t", &bytes)) >= 0 &&
        (r = entry(m, "bytes-acked", 't', "t", &bytes)) >= 0 &&
        (r = entry(m, "bytes-retransmitted", 't', "t", &zero64)) >= 0 &&
        (r = entry(m, "retransmits", 'u', "u", &zero32)) >= 0) {
        r = sd_bus_message_close_container(m);
    }
    if (r >= 0) {
        r = sd_bus_message_close_container(m);
    }
    return r;
}

int onList(sd_bus_message* call, void*, sd_bus_error*)
{
    std::uint32_t count = 0;
    int r = sd_bus_message_read_basic(call, SD_BUS_TYPE_UINT32, &count);
    sd_bus_message* reply = nullptr;
    if (r >= 0) {
        r = sd_bus_message_new_method_return(call, &reply);
    }
    if (r >= 0) {
        r = sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "(ua{sv})");
    }
    for (std::uint32_t i = 0; r >= 0 && i < count; ++i) {
        r = connection(reply, i);
    }
    if (r >= 0) {
        r = sd_bus_message_close_container(reply);
    }
    return replies::send(reply, r);
}

// The benchmark's table as the daemon lists it (bench/reply_writers.cpp).
int onListEndpoints(sd_bus_message* call, void*, sd_bus_error*)
{
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(call, &reply);
    if (r >= 0) {
        r = replies::appendTable(reply);
    }
    return replies::send(reply, r);
}

// PropertiesChanged as the daemon sends it for SetLimits(v, v); the values
// alternate like the benchmark's calls.
int onAnnounceLimits(sd_bus_message* call, void*, sd_bus_error*)
{
    static std::uint32_t limit = 2;
    limit = limit == 2 ? 3 : 2;
    const int r = replies::sendLimitsChanged(sd_bus_message_get_bus(call), kPath, kInterface, limit);
    return r < 0 ? r : sd_bus_reply_method_return(call, nullptr);
}

int onPing(sd_bus_message* call, void*, sd_bus_error*)
{
    return sd_bus_reply_method_return(call, nullptr);
}

// EndpointsChanged as the daemon sends it for AddEndpoint: no arguments.
int onAnnounceEndpoints(sd_bus_message* call, void*, sd_bus_error*)
{
    const int r = sd_bus_emit_signal(sd_bus_message_get_bus(call), kPath, kInterface, "EndpointsChanged", nullptr);
    return r < 0 ? r : sd_bus_reply_method_return(call, nullptr);
}

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("List", SD_BUS_ARGS("u", count), SD_BUS_RESULT("a(ua{sv})", connections), onList,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("ListEndpoints", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(usqsas)", endpoints), onListEndpoints,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Ping", "", "", onPing, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("AnnounceLimits", "", "", onAnnounceLimits, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("AnnounceEndpoints", "", "", onAnnounceEndpoints, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("EndpointsChanged", "", 0),
    SD_BUS_VTABLE_END,
};

}  // namespace

int main()
{
    sd_bus* bus = mptcp::bench::serveOnSystemBus(kProgram, kName, kPath, kInterface, kVtable);
    return bus == nullptr ? 1 : mptcp::bench::answerForever(kProgram, bus);
}
