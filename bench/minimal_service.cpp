// mptcp-pm-bench-minimal: the least a service can do for figure 1's calls.
// Each handler makes the very kernel request the composite floor makes
// directly (through the same core library and socket type), then sends
// what the daemon sends: the same reply shape, and the same signal before
// the reply where the daemon sends one. No argument checks, no
// authorization, no table of its own, no event loop beyond sd-bus's.
// The benchmark times it in the same rounds as the daemon: the difference
// between the two is the daemon's own cost, and the difference between it
// and the composite floor is what making the kernel request inside a bus
// service costs by itself (docs/performance.md, "Where the rest goes").
// - GetEndpoint(u id) -> (usqsas): GET_ADDR of id, then the table's entry.
// - ListEndpoints() -> a(usqsas): the GET_ADDR dump, then the table.
// - GetLimits() -> (uu): GET_LIMITS, then the limits the kernel answered.
// - SetLimits(u, u): SET_LIMITS, PropertiesChanged with both, empty reply.
// - AddEndpoint(s address, q port, s ifname, u id, as flags) -> u: ADD_ADDR
//   of a subflow endpoint on lo (as the floor adds it; port, ifname and
//   flags are read and not used), EndpointsChanged, then the id.
// - DeleteEndpoint(u id, s address): DEL_ADDR of id, EndpointsChanged, an
//   empty reply (bench/sched-trace.sh's add and delete cycle).
// - Ping(): an empty call, this service's own call cost.
// The replies' texts are the benchmark's table's (bench/reply_writers.cpp),
// not formatted from the kernel's answer: the benchmark checks elsewhere
// that the daemon's replies show that same table.
#include "bus_service_setup.hpp"
#include "endpoint_table.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "reply_writers.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>

namespace {

namespace bench = mptcp::bench;
namespace replies = mptcp::bench::replies;

constexpr const char* kProgram = "mptcp-pm-bench-minimal";
constexpr const char* kName = "org.mptcp.BenchMinimal";
constexpr const char* kPath = "/org/mptcp/BenchMinimal";
constexpr const char* kInterface = "org.mptcp.BenchMinimal";

mptcp::PmClient& kernelOf(void* userdata)
{
    return *static_cast<mptcp::PmClient*>(userdata);
}

// Runs the kernel request; a refusal (or any failure) becomes the call's
// error, so that the benchmark stops rather than timing failures.
template <typename Request>
int withKernel(sd_bus_error* error, Request&& request)
{
    try {
        request();
        return 0;
    } catch (const std::exception& e) {
        return sd_bus_error_set(error, "org.mptcp.Bench.KernelRefused", e.what());
    }
}

int onGetEndpoint(sd_bus_message* call, void* userdata, sd_bus_error* error)
{
    std::uint32_t id = 0;
    int r = sd_bus_message_read_basic(call, SD_BUS_TYPE_UINT32, &id);
    if (r < 0 ||
        (r = withKernel(error, [&] { (void)kernelOf(userdata).getAddr(static_cast<std::uint8_t>(id)); })) < 0) {
        return r;
    }
    sd_bus_message* reply = nullptr;
    if ((r = sd_bus_message_new_method_return(call, &reply)) >= 0) {
        r = replies::appendTableEndpoint(reply, id);
    }
    return replies::send(reply, r);
}

int onListEndpoints(sd_bus_message* call, void* userdata, sd_bus_error* error)
{
    int r = withKernel(error, [&] { (void)kernelOf(userdata).dumpAddrs(); });
    if (r < 0) {
        return r;
    }
    sd_bus_message* reply = nullptr;
    if ((r = sd_bus_message_new_method_return(call, &reply)) >= 0) {
        r = replies::appendTable(reply);
    }
    return replies::send(reply, r);
}

int onGetLimits(sd_bus_message* call, void* userdata, sd_bus_error* error)
{
    mptcp::Limits limits;
    const int r = withKernel(error, [&] { limits = kernelOf(userdata).getLimits(); });
    return r < 0 ? r : sd_bus_reply_method_return(call, "uu", limits.subflows, limits.addAddrAccepted);
}

int onSetLimits(sd_bus_message* call, void* userdata, sd_bus_error* error)
{
    std::uint32_t subflows = 0;
    std::uint32_t accepted = 0;
    int r = sd_bus_message_read_basic(call, SD_BUS_TYPE_UINT32, &subflows);
    if (r >= 0) {
        r = sd_bus_message_read_basic(call, SD_BUS_TYPE_UINT32, &accepted);
    }
    if (r < 0 || (r = withKernel(error, [&] { kernelOf(userdata).setLimits(subflows, accepted); })) < 0) {
        return r;
    }
    // Both limits announced at `subflows`: the benchmark's calls give both
    // the same value, and the daemon then announces both.
    r = replies::sendLimitsChanged(sd_bus_message_get_bus(call), kPath, kInterface, subflows);
    return r < 0 ? r : sd_bus_reply_method_return(call, nullptr);
}

int onAddEndpoint(sd_bus_message* call, void* userdata, sd_bus_error* error)
{
    const char* address = nullptr;
    std::uint16_t port = 0;
    const char* ifname = nullptr;
    std::uint32_t id = 0;
    int r = sd_bus_message_read(call, "sqsu", &address, &port, &ifname, &id);
    if (r >= 0) {
        r = sd_bus_message_skip(call, "as");
    }
    if (r < 0 || (r = withKernel(error, [&] {
                      kernelOf(userdata).addAddr(bench::loEndpoint(static_cast<std::uint8_t>(id), address));
                  })) < 0) {
        return r;
    }
    r = sd_bus_emit_signal(sd_bus_message_get_bus(call), kPath, kInterface, "EndpointsChanged", nullptr);
    return r < 0 ? r : sd_bus_reply_method_return(call, "u", id);
}

int onDeleteEndpoint(sd_bus_message* call, void* userdata, sd_bus_error* error)
{
    std::uint32_t id = 0;
    const char* address = nullptr;
    int r = sd_bus_message_read(call, "us", &id, &address);
    if (r < 0 || (r = withKernel(
                      error, [&] { kernelOf(userdata).delAddr(bench::idOnly(static_cast<std::uint8_t>(id))); })) < 0) {
        return r;
    }
    r = sd_bus_emit_signal(sd_bus_message_get_bus(call), kPath, kInterface, "EndpointsChanged", nullptr);
    return r < 0 ? r : sd_bus_reply_method_return(call, nullptr);
}

int onPing(sd_bus_message* call, void*, sd_bus_error*)
{
    return sd_bus_reply_method_return(call, nullptr);
}

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("GetEndpoint", "u", "(usqsas)", onGetEndpoint, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("ListEndpoints", "", "a(usqsas)", onListEndpoints, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetLimits", "", "uu", onGetLimits, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetLimits", "uu", "", onSetLimits, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("AddEndpoint", "sqsuas", "u", onAddEndpoint, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("DeleteEndpoint", "us", "", onDeleteEndpoint, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Ping", "", "", onPing, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("EndpointsChanged", "", 0),
    SD_BUS_VTABLE_END,
};

}  // namespace

int main()
{
    std::unique_ptr<mptcp::NetlinkTransport> transport;
    std::unique_ptr<mptcp::PmClient> kernel;
    try {
        transport = mptcp::openGenericNetlink();
        kernel = std::make_unique<mptcp::PmClient>(*transport);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: the kernel's MPTCP path manager: %s\n", kProgram, e.what());
        return 1;
    }
    sd_bus* bus = bench::serveOnSystemBus(kProgram, kName, kPath, kInterface, kVtable, kernel.get());
    return bus == nullptr ? 1 : bench::answerForever(kProgram, bus);
}
