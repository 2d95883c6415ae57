#include "connections_bench.hpp"

#include "connection_reader.hpp"
#include "machine_load.hpp"
#include "mptcp_sockets.hpp"
#include "netlink_transport.hpp"
#include "stats.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>

namespace mptcp::bench {
namespace {

constexpr const char* kConnectionsInterface = "org.mptcp.PathManager.Connections";

// Two descriptors per connection (both ends): lift the soft limit to the hard one.
void allowDescriptors(std::size_t needed)
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    if (limit.rlim_cur < needed + 64) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, needed + 64);
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

}  // namespace

void measureConnections(ServiceSet& services, const ConnectionsPlan& plan, Report& report)
{
    report.beginFigure("8",
                       "Live connections, persistent client (floor: empty D-Bus call + the same sock_diag "
                       "dumps made directly)");
    const int most = *std::max_element(plan.connectionCounts.begin(), plan.connectionCounts.end());
    allowDescriptors(2 * static_cast<std::size_t>(most));

    const auto transport = openSockDiagNetlink();
    diag::ConnectionReader direct(*transport);
    const auto connection = sdbus::createSessionBusConnectionWithAddress(services.bus().address());
    const auto service = sdbus::createProxy(*connection, kServiceName, kServicePath);
    const auto floor = sdbus::createProxy(*connection, kFloorName, kFloorPath);
    // The reply is taken as it arrives, not decoded: decoding 20 values per
    // connection is the client's cost, which neither floor carries either.
    const auto busList = [&] {
        auto call = service->createMethodCall(kConnectionsInterface, "ListConnections");
        (void)service->callMethod(call);
    };
    const auto emptyCall = [&] { floor->callMethod("Ping").onInterface(kFloorInterface); };
    const auto kernelList = [&] { (void)direct.list(); };

    const testing::MptcpListener listener = testing::mptcpListen("127.0.0.1");
    std::deque<testing::MptcpConnection> open;
    for (const int count : plan.connectionCounts) {
        while (open.size() < static_cast<std::size_t>(count)) {
            open.push_back(testing::mptcpConnect(listener, "127.0.0.1"));
            testing::exchangeData(open.back());
        }
        const std::size_t listed = direct.list().size();
        if (listed < 2 * static_cast<std::size_t>(count)) {
            throw std::runtime_error("the kernel lists " + std::to_string(listed) + " MPTCP connections, not " +
                                     std::to_string(2 * count));
        }
        const int calls = std::max(5, plan.callsPer100 * 100 / count);
        std::vector<std::vector<double>> bus, empty, kernel;
        const auto before = sampleLoad();
        for (int r = 0; r < plan.repeats; ++r) {
            // Floor, kernel and daemon batches back to back.
            for (int i = 0; i < plan.warmupCalls; ++i) {
                emptyCall();
                kernelList();
                busList();
            }
            empty.push_back(timeCalls(calls, emptyCall));
            kernel.push_back(timeCalls(calls, kernelList));
            bus.push_back(timeCalls(calls, busList));
        }
        const auto load = between(before, sampleLoad());
        const Summary b = summarize(bus);
        const Summary e = summarize(empty);
        const Summary k = summarize(kernel);
        Row row;
        row.name =
            "ListConnections (" + std::to_string(count) + " connections, " + std::to_string(listed) + " sockets)";
        row.value = b.p50;
        row.unit = "us";
        row.p99 = b.p99;
        row.floor = e.p50 + k.p50;
        row.floorName = "empty D-Bus call p50 + the same sock_diag dumps made directly p50";
        row.ratio = *row.floor > 0 ? b.p50 / *row.floor : 0;
        row.goal = Goal{Goal::Kind::RatioAtMost, 1.3};
        row.note = "floor = empty call " + us(e.p50) + " + direct dumps " + us(k.p50) + " (p99 " + us(k.p99) + ")";
        report.add(row);
        if (const auto w = busyWarning("live connections, " + std::to_string(count), load); !w.empty()) {
            report.warn(w);
        }
    }
}

}  // namespace mptcp::bench
