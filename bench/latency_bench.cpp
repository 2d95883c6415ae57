#include "latency_bench.hpp"

#include "endpoint_table.hpp"
#include "machine_load.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "stats.hpp"

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mptcp::bench {
namespace {

using EndpointStruct = sdbus::Struct<std::uint32_t, std::string, std::uint16_t, std::string, std::vector<std::string>>;

// The endpoint the write cycles add and delete (the table holds 7 then).
constexpr std::uint8_t kCycleId = 100;
const char* const kCycleAddress = "10.0.9.1";
// The kernel answers a read in microseconds; one that took this long waited
// for something else (another namespace's delete holding the genl lock).
constexpr double kStallMicros = 1000;

// Everything one pass (unpinned or pinned) talks to.
class Bench {
public:
    // withReference, withMinimal: that reference service is on the bus
    // (startReference()).
    Bench(ServiceSet& services, bool withReference, bool withMinimal)
        : transport_(openGenericNetlink()),
          kernel_(*transport_),
          connection_(sdbus::createSessionBusConnectionWithAddress(services.bus().address())),
          service_(sdbus::createProxy(*connection_, kServiceName, kServicePath)),
          floor_(sdbus::createProxy(*connection_, kFloorName, kFloorPath)),
          reference_(withReference ? sdbus::createProxy(*connection_, kReplierName, kReplierPath) : nullptr),
          minimal_(withMinimal ? sdbus::createProxy(*connection_, kMinimalName, kMinimalPath) : nullptr)
    {
    }

    // --- the floors
    void emptyCall() { floor_->callMethod("Ping").onInterface(kFloorInterface); }
    void kernelGet() { kernel_.getAddr(3); }
    void kernelList() { kernel_.dumpAddrs(); }
    void kernelGetLimits() { kernel_.getLimits(); }
    void kernelSetLimits(std::uint32_t v) { kernel_.setLimits(v, v); }
    void kernelAdd() { kernel_.addAddr(loEndpoint(kCycleId, kCycleAddress)); }
    void kernelDelete() { kernel_.delAddr(idOnly(kCycleId)); }
    void kernelFlush() { kernel_.flushAddrs(); }

    // --- the references: what the daemon's reply or signal costs by itself
    bool haveReference() const { return reference_ != nullptr; }
    void referenceList()
    {
        (void)reference_->callMethod(reference_->createMethodCall(kReplierInterface, "ListEndpoints"));
    }
    void referenceEmptyCall() { reference_->callMethod("Ping").onInterface(kReplierInterface); }
    void referenceAnnounceLimits() { reference_->callMethod("AnnounceLimits").onInterface(kReplierInterface); }
    void referenceAnnounceEndpoints() { reference_->callMethod("AnnounceEndpoints").onInterface(kReplierInterface); }

    // --- the minimal service: the same calls, the floor's kernel request
    // in its handler (bench/minimal_service.cpp); replies taken as they
    // arrive, like the daemon's.
    bool haveMinimal() const { return minimal_ != nullptr; }
    void minimalGet() { (void)minimal_->callMethod(getEndpointCall(*minimal_, kMinimalInterface)); }
    void minimalList() { (void)minimal_->callMethod(minimal_->createMethodCall(kMinimalInterface, "ListEndpoints")); }
    void minimalGetLimits() { (void)minimal_->callMethod(minimal_->createMethodCall(kMinimalInterface, "GetLimits")); }
    void minimalSetLimits(std::uint32_t v) { setLimits(*minimal_, kMinimalInterface, v); }
    void minimalAdd() { add(*minimal_, kMinimalInterface); }

    // --- the daemon
    // Replies are taken as they arrive, not decoded: decoding is the
    // client's cost, which neither floor carries either (the empty call
    // has nothing to decode). checkReplies() decodes them once, untimed.
    void busGet() { (void)service_->callMethod(getEndpointCall(*service_, kServiceInterface)); }
    void busList() { (void)service_->callMethod(service_->createMethodCall(kServiceInterface, "ListEndpoints")); }
    void busGetLimits() { (void)service_->callMethod(service_->createMethodCall(kServiceInterface, "GetLimits")); }
    // The reads answer what the table holds (fillTable() before).
    void checkReplies()
    {
        const auto [ep, eps] = readTable(*service_, kServiceInterface);
        std::uint32_t a = 0;
        std::uint32_t b = 0;
        auto limitsReply = service_->callMethod(service_->createMethodCall(kServiceInterface, "GetLimits"));
        limitsReply >> a >> b;
        if (ep.get<0>() != 3 || eps.size() != kernel_.dumpAddrs().size() || eps.size() != 8) {
            throw std::runtime_error("the daemon's GetEndpoint/ListEndpoints do not show the benchmark's table");
        }
        // The references must answer the very replies they stand for.
        if (reference_) {
            std::vector<EndpointStruct> same;
            auto referenceReply =
                reference_->callMethod(reference_->createMethodCall(kReplierInterface, "ListEndpoints"));
            referenceReply >> same;
            if (same != eps) {
                throw std::runtime_error("the reference service's ListEndpoints reply is not the daemon's");
            }
        }
        if (minimal_) {
            if (readTable(*minimal_, kMinimalInterface) != std::pair(ep, eps)) {
                throw std::runtime_error(
                    "the minimal service's GetEndpoint or ListEndpoints reply is not the daemon's");
            }
        }
    }
    void busSetLimits(std::uint32_t v) { setLimits(*service_, kServiceInterface, v); }
    void busAdd() { add(*service_, kServiceInterface); }
    void busDelete()
    {
        service_->callMethod("DeleteEndpoint")
            .onInterface(kServiceInterface)
            .withArguments(std::uint32_t{kCycleId}, std::string());
    }
    void busFlush() { service_->callMethod("FlushEndpoints").onInterface(kServiceInterface); }

    void fillTable() { bench::fillTable(kernel_); }
    void dropLastTableEntry() { bench::dropLastTableEntry(kernel_); }

private:
    // The daemon's calls, made the same way to the minimal service.
    static sdbus::MethodCall getEndpointCall(sdbus::IProxy& to, const char* interface)
    {
        auto call = to.createMethodCall(interface, "GetEndpoint");
        call << std::uint32_t{3};
        return call;
    }
    // GetEndpoint(3) and ListEndpoints, decoded.
    static std::pair<EndpointStruct, std::vector<EndpointStruct>> readTable(sdbus::IProxy& from, const char* interface)
    {
        EndpointStruct one;
        auto oneReply = from.callMethod(getEndpointCall(from, interface));
        oneReply >> one;
        std::vector<EndpointStruct> all;
        auto allReply = from.callMethod(from.createMethodCall(interface, "ListEndpoints"));
        allReply >> all;
        return {std::move(one), std::move(all)};
    }
    static void setLimits(sdbus::IProxy& to, const char* interface, std::uint32_t v)
    {
        to.callMethod("SetLimits").onInterface(interface).withArguments(v, v);
    }
    static void add(sdbus::IProxy& to, const char* interface)
    {
        std::uint32_t id = 0;
        to.callMethod("AddEndpoint")
            .onInterface(interface)
            .withArguments(std::string(kCycleAddress), std::uint16_t{0}, std::string("lo"), std::uint32_t{kCycleId},
                           std::vector<std::string>{"subflow"})
            .storeResultsTo(id);
    }

    std::unique_ptr<NetlinkTransport> transport_;
    PmClient kernel_;
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<sdbus::IProxy> service_;
    std::unique_ptr<sdbus::IProxy> floor_;
    std::unique_ptr<sdbus::IProxy> reference_;
    std::unique_ptr<sdbus::IProxy> minimal_;
};

// Per repeat: the samples of the daemon's call, of its two floors, of
// its reference and the reference service's empty call (empty where it has
// no reference), and of the minimal service's same call.
struct OpSamples {
    std::vector<std::vector<double>> bus, empty, kernel, reference, referenceEmpty, minimal;
};

// A call whose cost outside the daemon's code the reference service shows.
struct Reference {
    std::string name;   // the row's, before ", <pass>"
    std::string what;   // what the reference does, for the note
    std::string floor;  // the daemon's other floor, for the note: "direct kernel request"
    std::string adds;   // what the reference has beyond an empty call, for the note
};

struct ReadOp {
    const char* name;
    std::function<void()> bus;
    std::function<void()> kernel;
    std::function<void()> reference;  // empty: no reference row
    std::function<void()> minimal;    // empty: no minimal service
    const char* minimalSends;         // what it sends, for the note
};

// The reference service's calls sit in the same rounds as the daemon's, on
// the same bus and client; none does any kernel work.
const Reference kLimitsSignal{"reference: PropertiesChanged",
                              "an empty call that sends one signal before its reply (PropertiesChanged, sa{sv}as "
                              "with both limits, as SetLimits(v, v) sends it), from a plain sd-bus service, no "
                              "kernel work (bench/reply_service.cpp)",
                              "direct kernel request", "the signal"};
const Reference kEndpointsSignal{"reference: EndpointsChanged",
                                 "an empty call that sends one signal before its reply (EndpointsChanged, no "
                                 "arguments, as AddEndpoint sends it), from a plain sd-bus service, no "
                                 "kernel work (bench/reply_service.cpp)",
                                 "direct kernel request", "the signal"};
const Reference kSameEndpoints{"reference: same reply",
                               "the same a(usqsas) reply of 8 endpoints from a plain sd-bus service, no kernel work "
                               "(bench/reply_service.cpp)",
                               "direct kernel dump", "the reply"};

void warmUp(int n, const std::function<void()>& f)
{
    for (int i = 0; i < n; ++i) {
        f();
    }
}

std::size_t stalls(const std::vector<std::vector<double>>& repeats)
{
    std::size_t n = 0;
    for (const auto& batch : repeats) {
        for (const double v : batch) {
            n += v > kStallMicros ? 1 : 0;
        }
    }
    return n;
}

Row overheadRow(const std::string& name, const OpSamples& s, double goal)
{
    const Summary bus = summarize(s.bus);
    const Summary empty = summarize(s.empty);
    const Summary kernel = summarize(s.kernel);
    Row r;
    r.name = name;
    r.value = bus.p50;
    r.unit = "us";
    r.p99 = bus.p99;
    r.floor = empty.p50 + kernel.p50;
    r.floorName = "empty D-Bus call p50 + direct kernel request p50";
    r.ratio = *r.floor > 0 ? bus.p50 / *r.floor : 0;
    r.goal = Goal{Goal::Kind::RatioAtMost, goal};
    r.note = "floor = empty call " + us(empty.p50) + " (p99 " + us(empty.p99) + ") + kernel " + us(kernel.p50) +
             " (p99 " + us(kernel.p99) + ")";
    return r;
}

std::string times(double ratio)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2fx", ratio);
    return text;
}

// For the record, no goal: the reference against the daemon's composite
// floor, and the daemon against the reference plus the direct kernel
// request, i.e. against what any implementation with this reply and this
// signal must pay.
Row referenceRow(const Reference& ref, const std::string& pass, const OpSamples& s, const Row& daemonRow)
{
    const Summary r = summarize(s.reference);
    const Summary own = summarize(s.referenceEmpty);
    const Summary bus = summarize(s.bus);
    const Summary kernel = summarize(s.kernel);
    Row row = referenceBeside(daemonRow, ref.name + ", " + pass, r.p50, r.p99);
    const std::string method = daemonRow.name.substr(0, daemonRow.name.find(','));
    row.note = ref.what + "; its own empty call " + us(own.p50) + ", so " + ref.adds + " adds " + us(r.p50 - own.p50) +
               "; " + method + " against this + the " + ref.floor + " (" + us(kernel.p50) +
               "): " + times(r.p50 + kernel.p50 > 0 ? bus.p50 / (r.p50 + kernel.p50) : 0);
    return row;
}

// For the record, no goal: the minimal service's same call against the
// daemon's composite floor, and the daemon against it, i.e. the daemon's
// own cost beyond what making the kernel request inside any bus service
// costs (docs/performance.md, "Where the rest goes").
Row minimalRow(const std::string& method, const std::string& pass, const char* sends, const OpSamples& s,
               const Row& daemonRow)
{
    const Summary m = summarize(s.minimal);
    const Summary bus = summarize(s.bus);
    Row row = referenceBeside(daemonRow, "minimal service: " + method + ", " + pass, m.p50, m.p99);
    row.note =
        "the same call to a plain sd-bus service that makes the floor's kernel request in its handler, then "
        "sends " +
        std::string(sends) + " (bench/minimal_service.cpp); " + method +
        " against it: " + times(m.p50 > 0 ? bus.p50 / m.p50 : 0);
    return row;
}

Row kernelBoundRow(const std::string& name, const std::vector<std::vector<double>>& bus,
                   const std::vector<std::vector<double>>& kernel)
{
    const Summary b = summarize(bus);
    const Summary k = summarize(kernel);
    Row r;
    r.name = name;
    r.value = b.p50;
    r.unit = "us";
    r.p99 = b.p99;
    r.floor = k.p50;
    r.floorName = "the same request made directly through the core library";
    r.ratio = k.p50 > 0 ? b.p50 / k.p50 : 0;
    r.note = "waits for an RCU grace period: reported against the direct request only, not an overhead measure";
    return r;
}

void runPass(Bench& bench, const LatencyPlan& plan, const std::string& pass, Report& report)
{
    std::uint32_t limit = 2;
    auto nextLimit = [&limit] { return limit = limit == 2 ? 3 : 2; };
    const bool ref = bench.haveReference();
    const bool min = bench.haveMinimal();
    const auto minimal = [min](std::function<void()> call) { return min ? call : nullptr; };
    const std::vector<ReadOp> reads = {
        {"GetEndpoint",
         [&] { bench.busGet(); },
         [&] { bench.kernelGet(); },
         {},
         minimal([&] { bench.minimalGet(); }),
         "the daemon's (usqsas) reply"},
        {"ListEndpoints (8)", [&] { bench.busList(); }, [&] { bench.kernelList(); },
         ref ? std::function<void()>([&] { bench.referenceList(); }) : nullptr, minimal([&] { bench.minimalList(); }),
         "the daemon's a(usqsas) reply"},
        {"GetLimits",
         [&] { bench.busGetLimits(); },
         [&] { bench.kernelGetLimits(); },
         {},
         minimal([&] { bench.minimalGetLimits(); }),
         "the two limits"},
        {"SetLimits", [&] { bench.busSetLimits(nextLimit()); }, [&] { bench.kernelSetLimits(nextLimit()); },
         ref ? std::function<void()>([&] { bench.referenceAnnounceLimits(); }) : nullptr,
         minimal([&] { bench.minimalSetLimits(nextLimit()); }), "PropertiesChanged, then its empty reply"},
    };
    std::vector<OpSamples> readSamples(reads.size());
    OpSamples add;
    std::vector<std::vector<double>> busDelete, kernelDelete, busFlush, kernelFlush;

    const auto before = sampleLoad();
    for (int r = 0; r < plan.repeats; ++r) {
        bench.fillTable();
        // Floor, kernel, daemon and reference batches back to back, so that
        // a change of the machine's pace between batches hits all alike.
        for (std::size_t i = 0; i < reads.size(); ++i) {
            const auto empty = [&] { bench.emptyCall(); };
            warmUp(plan.warmupCalls, empty);
            readSamples[i].empty.push_back(timeCalls(plan.readCalls, empty));
            warmUp(plan.warmupCalls, reads[i].kernel);
            readSamples[i].kernel.push_back(timeCalls(plan.readCalls, reads[i].kernel));
            warmUp(plan.warmupCalls, reads[i].bus);
            readSamples[i].bus.push_back(timeCalls(plan.readCalls, reads[i].bus));
            if (reads[i].reference) {
                warmUp(plan.warmupCalls, reads[i].reference);
                readSamples[i].reference.push_back(timeCalls(plan.readCalls, reads[i].reference));
                const auto own = [&] { bench.referenceEmptyCall(); };
                warmUp(plan.warmupCalls, own);
                readSamples[i].referenceEmpty.push_back(timeCalls(plan.readCalls, own));
            }
            if (reads[i].minimal) {
                warmUp(plan.warmupCalls, reads[i].minimal);
                readSamples[i].minimal.push_back(timeCalls(plan.readCalls, reads[i].minimal));
            }
        }
        // Writes: add (timed), delete (timed on its own); 7 entries + 1.
        // A delete waits for an RCU grace period (milliseconds), so the bus
        // and the daemon sit idle before the call that follows it, and
        // waking them costs more than a call in a tight loop. The add's
        // empty-call floor and its reference are therefore measured in the
        // same place: each right after a direct delete, like the daemon's add.
        bench.dropLastTableEntry();
        std::vector<double> busAdd, kernelAdd, bDel, kDel, empty, reference, referenceEmpty, minimalAdd;
        // One call, timed right after a direct add and delete.
        const auto afterDelete = [&bench](const auto& call) {
            bench.kernelAdd();
            bench.kernelDelete();
            const auto t0 = Clock::now();
            call();
            return micros(Clock::now() - t0);
        };
        for (int c = 0; c < plan.writeCycles; ++c) {
            const auto t0 = Clock::now();
            bench.kernelAdd();
            const auto t1 = Clock::now();
            bench.kernelDelete();
            const auto t2 = Clock::now();
            bench.emptyCall();
            const auto t3 = Clock::now();
            kernelAdd.push_back(micros(t1 - t0));
            kDel.push_back(micros(t2 - t1));
            empty.push_back(micros(t3 - t2));
            if (ref) {
                reference.push_back(afterDelete([&] { bench.referenceAnnounceEndpoints(); }));
                referenceEmpty.push_back(afterDelete([&] { bench.referenceEmptyCall(); }));
            }
            if (min) {
                minimalAdd.push_back(afterDelete([&] { bench.minimalAdd(); }));
                bench.kernelDelete();  // the minimal service added it
            }
            busAdd.push_back(afterDelete([&] { bench.busAdd(); }));
            const auto t4 = Clock::now();
            bench.busDelete();
            bDel.push_back(micros(Clock::now() - t4));
        }
        add.empty.push_back(std::move(empty));
        add.kernel.push_back(std::move(kernelAdd));
        add.bus.push_back(std::move(busAdd));
        if (ref) {
            add.reference.push_back(std::move(reference));
            add.referenceEmpty.push_back(std::move(referenceEmpty));
        }
        if (min) {
            add.minimal.push_back(std::move(minimalAdd));
        }
        kernelDelete.push_back(std::move(kDel));
        busDelete.push_back(std::move(bDel));
        // Flush a full table, refilled directly (untimed) each time.
        std::vector<double> kf, bf;
        for (int c = 0; c < plan.flushCycles; ++c) {
            bench.fillTable();
            kf.push_back(timeCalls(1, [&] { bench.kernelFlush(); })[0]);
            bench.fillTable();
            bf.push_back(timeCalls(1, [&] { bench.busFlush(); })[0]);
        }
        kernelFlush.push_back(std::move(kf));
        busFlush.push_back(std::move(bf));
    }
    const auto load = between(before, sampleLoad());

    for (std::size_t i = 0; i < reads.size(); ++i) {
        const bool write = std::string(reads[i].name) == "SetLimits";
        const Row row = overheadRow(std::string(reads[i].name) + ", " + pass, readSamples[i], write ? 1.2 : 1.1);
        report.add(row);
        if (reads[i].reference) {
            report.add(referenceRow(write ? kLimitsSignal : kSameEndpoints, pass, readSamples[i], row));
        }
        if (reads[i].minimal) {
            report.add(minimalRow(reads[i].name, pass, reads[i].minimalSends, readSamples[i], row));
        }
    }
    const Row addRow = overheadRow("AddEndpoint, " + pass, add, 1.2);
    report.add(addRow);
    if (ref) {
        report.add(referenceRow(kEndpointsSignal, pass, add, addRow));
    }
    if (min) {
        report.add(minimalRow("AddEndpoint", pass, "EndpointsChanged, then the id", add, addRow));
    }
    report.add(kernelBoundRow("DeleteEndpoint, " + pass, busDelete, kernelDelete));
    report.add(kernelBoundRow("FlushEndpoints (8), " + pass, busFlush, kernelFlush));

    std::size_t stalled = 0;
    std::size_t total = 0;
    for (const auto& s : readSamples) {
        stalled += stalls(s.kernel);
        for (const auto& b : s.kernel) {
            total += b.size();
        }
    }
    if (stalled * 200 > total) {
        report.warn(pass + " pass: " + std::to_string(stalled) + " of " + std::to_string(total) +
                    " direct kernel reads took over 1 ms: MPTCP configuration requests of other namespaces (deletes "
                    "waiting for RCU) were holding the kernel's lock; the medians are still comparable");
    }
    if (const auto w = busyWarning("method latency, " + pass, load); !w.empty()) {
        report.warn(w);
    }
}

}  // namespace

void measureMethodLatency(ServiceSet& services, const Programs& programs, const LatencyPlan& plan, Report& report)
{
    report.beginFigure("1", "Method latency, persistent client (floor: empty D-Bus call + direct kernel request)");
    // The reference services, on the same bus, pinned with the rest; a
    // missing one leaves its rows out, saying so.
    const auto startOrSay = [&](const std::string& program, const char* name, const char* rows, const char* binary) {
        if (program.empty()) {
            report.notMeasured(rows, std::string("no ") + binary + " (build it)");
            return ChildProcess();
        }
        return startReference(services, program, name);
    };
    ChildProcess replier =
        startOrSay(programs.replier, kReplierName, "reference rows (signal before reply, same reply with no kernel)",
                   "mptcp-pm-bench-replier");
    ChildProcess minimal =
        startOrSay(programs.minimal, kMinimalName,
                   "minimal service rows (the same kernel request inside a plain service)", "mptcp-pm-bench-minimal");
    Bench bench(services, replier.running(), minimal.running());
    bench.fillTable();
    bench.checkReplies();
    runPass(bench, plan, "unpinned", report);
    if (plan.pinCpu) {
        const auto pin = [&](std::optional<int> cpu) {
            services.pinAll(cpu);
            for (const ChildProcess* reference : {&replier, &minimal}) {
                if (reference->running()) {
                    pinProcess(reference->pid(), cpu);
                }
            }
        };
        pin(plan.pinCpu);
        try {
            runPass(bench, plan, "pinned to CPU " + std::to_string(*plan.pinCpu), report);
        } catch (...) {
            pin(std::nullopt);
            throw;
        }
        pin(std::nullopt);
    }
    bench.fillTable();
}

}  // namespace mptcp::bench
