#include "connections_bench.hpp"

#include "connection_reader.hpp"
#include "machine_load.hpp"
#include "mptcp_sockets.hpp"
#include "netlink_transport.hpp"
#include "stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
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

std::string times(double ratio)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2fx", ratio);
    return text;
}

// What the same floor says of a reply that does no kernel work at all:
// above 1.3 here, the goal cannot be met with this signature.
Row referenceRow(const Summary& ref, std::size_t entries, const Row& goalRow)
{
    Row same = referenceBeside(goalRow, "reference: same reply, no kernel (" + std::to_string(entries) + " entries)",
                               ref.p50, ref.p99);
    same.note = "a(ua{sv}) of " + std::to_string(entries) +
                " entries with the same 19 keys and types, built as the daemon builds it by a plain sd-bus service "
                "(bench/reply_service.cpp), same bus, same client";
    return same;
}

}  // namespace

void measureConnections(ServiceSet& services, const Programs& programs, const ConnectionsPlan& plan, Report& report)
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
    // The reference: a reply of the same size and shape, no kernel work.
    ChildProcess replier;
    std::unique_ptr<sdbus::IProxy> replierProxy;
    if (!programs.replier.empty()) {
        replier = startReference(services, programs.replier, kReplierName);
        replierProxy = sdbus::createProxy(*connection, kReplierName, kReplierPath);
    } else {
        report.notMeasured("reference: same reply, no kernel", "no mptcp-pm-bench-replier (build it)");
    }
    std::uint32_t entries = 0;  // as many as the daemon lists
    // The reply is taken as it arrives, not decoded: decoding 20 values per
    // connection is the client's cost, which neither floor carries either.
    const auto busList = [&] {
        auto call = service->createMethodCall(kConnectionsInterface, "ListConnections");
        (void)service->callMethod(call);
    };
    const auto emptyCall = [&] { floor->callMethod("Ping").onInterface(kFloorInterface); };
    const auto kernelList = [&] { (void)direct.list(); };
    const auto sameReply = [&] {
        if (!replierProxy) {
            return;
        }
        auto call = replierProxy->createMethodCall(kReplierInterface, "List");
        call << entries;
        (void)replierProxy->callMethod(call);
    };

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
        entries = static_cast<std::uint32_t>(listed);
        const int calls = std::max(5, plan.callsPer100 * 100 / count);
        std::vector<std::vector<double>> bus, empty, kernel, reference;
        const auto before = sampleLoad();
        for (int r = 0; r < plan.repeats; ++r) {
            // Floor, kernel, daemon and reference batches back to back.
            for (int i = 0; i < plan.warmupCalls; ++i) {
                emptyCall();
                kernelList();
                busList();
                sameReply();
            }
            empty.push_back(timeCalls(calls, emptyCall));
            kernel.push_back(timeCalls(calls, kernelList));
            bus.push_back(timeCalls(calls, busList));
            reference.push_back(timeCalls(calls, sameReply));
        }
        const auto load = between(before, sampleLoad());
        const Summary b = summarize(bus);
        const Summary e = summarize(empty);
        const Summary k = summarize(kernel);
        const bool haveReference = replierProxy != nullptr;
        const Summary ref = haveReference ? summarize(reference) : Summary{};
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
        if (haveReference) {
            row.note += "; against the reference below + direct dumps: " +
                        times(ref.p50 + k.p50 > 0 ? b.p50 / (ref.p50 + k.p50) : 0);
        }
        report.add(row);
        if (haveReference) {
            report.add(referenceRow(ref, listed, row));
        }
        if (const auto w = busyWarning("live connections, " + std::to_string(count), load); !w.empty()) {
            report.warn(w);
        }
    }
}

}  // namespace mptcp::bench
