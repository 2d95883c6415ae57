#include "authorization_bench.hpp"

#include "connection_storm.hpp"
#include "event_counter.hpp"
#include "signal_counter.hpp"
#include "stats.hpp"
#include "unprivileged_connection.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

namespace mptcp::bench {
namespace {

using EndpointStruct = sdbus::Struct<std::uint32_t, std::string, std::uint16_t, std::string, std::vector<std::string>>;

constexpr const char* kPolkitName = "org.freedesktop.PolicyKit1";
constexpr const char* kPolkitPath = "/org/freedesktop/PolicyKit1/Authority";
constexpr const char* kStubControl = "org.mptcp.Test.PolkitStub";
constexpr const char* kManagedInterface = "mpb0";
constexpr const char* kManagedAddress = "192.0.2.10";

double millis(Clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

Row row(const std::string& name, double value, const std::string& unit, std::optional<Goal> goal = std::nullopt,
        const std::string& note = "")
{
    Row r;
    r.name = name;
    r.value = value;
    r.unit = unit;
    r.goal = goal;
    r.note = note;
    return r;
}

Goal atMost(double limit)
{
    return Goal{Goal::Kind::ValueAtMost, limit};
}

void ip(const std::string& args)
{
    SpawnOptions o;
    o.argv = {"sh", "-c", "ip " + args};
    const RunResult r = runProcess(o, std::chrono::seconds(10));
    if (r.exitCode != 0) {
        throw std::runtime_error("ip " + args + " failed (status " + std::to_string(r.exitCode) + ")");
    }
}

// The bus socket must be reachable by the unprivileged clients: the
// directories the benchmark made for it are opened for traversal.
void letOthersReachTheBus(ServiceSet& services)
{
    const std::filesystem::path dir = services.bus().dir();
    ::chmod(dir.c_str(), 0755);
    ::chmod(dir.parent_path().c_str(), 0755);
}

template <typename Pred>
bool waitUntil(Pred&& pred, std::chrono::milliseconds limit)
{
    const auto deadline = Clock::now() + limit;
    while (!pred()) {
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

bool listed(sdbus::IProxy& service, const std::string& address)
{
    std::vector<EndpointStruct> eps;
    service.callMethod("ListEndpoints").onInterface(kServiceInterface).storeResultsTo(eps);
    return std::any_of(eps.begin(), eps.end(), [&](const EndpointStruct& e) { return e.get<1>() == address; });
}

void getLimits(sdbus::IProxy& service)
{
    std::uint32_t a = 0;
    std::uint32_t b = 0;
    service.callMethod("GetLimits").onInterface(kServiceInterface).storeResultsTo(a, b);
}

// Kernel events against what the subscriber got: signals and EventsLost.
struct EventAccount {
    std::uint64_t kernel = 0;
    SignalCounter::Counts signals;
    std::int64_t unaccounted() const
    {
        return static_cast<std::int64_t>(kernel) - static_cast<std::int64_t>(signals.signals + signals.lost);
    }
    std::string note() const
    {
        return std::to_string(signals.signals) + " signals + " + std::to_string(signals.lost) + " in EventsLost of " +
               std::to_string(kernel) + " kernel events";
    }
};

EventAccount settle(EventCounter& events, SignalCounter& subscriber)
{
    events.waitQuiet(std::chrono::milliseconds(300), std::chrono::seconds(10));
    EventAccount a;
    a.kernel = events.events();
    if (!subscriber.waitFor(a.kernel, std::chrono::seconds(10))) {
        subscriber.waitQuiet(std::chrono::milliseconds(500), std::chrono::seconds(10));
    }
    a.signals = subscriber.counts();
    return a;
}

// Latency samples (ms) of GetLimits calls one after the other until `end`.
std::vector<double> readUntil(sdbus::IProxy& service, Clock::time_point end)
{
    std::vector<double> samples;
    do {
        const auto t0 = Clock::now();
        getLimits(service);
        samples.push_back(millis(Clock::now() - t0));
    } while (Clock::now() < end);
    return samples;
}

void addLatencyRows(Report& report, const std::string& who, const std::vector<double>& samples, double p99Goal,
                    std::optional<double> maxGoal)
{
    const double p50 = quantile(samples, 0.5);
    const double p99 = quantile(samples, 0.99);
    const double max = samples.empty() ? 0 : *std::max_element(samples.begin(), samples.end());
    char note[96];
    std::snprintf(note, sizeof note, "%zu calls, median %.2f ms", samples.size(), p50);
    report.add(row(who + ", p99", p99, "ms", atMost(p99Goal), note));
    report.add(row(who + ", max", max, "ms", maxGoal ? std::optional(atMost(*maxGoal)) : std::nullopt));
}

// The tests' polkit, answering as told.
class HeldPolkit {
public:
    HeldPolkit(ServiceSet& services, const std::string& binary, sdbus::IConnection& control)
        : process_(startService(services.watcher(), options(services, binary), kPolkitName).process),
          control_(sdbus::createProxy(control, kPolkitName, kPolkitPath))
    {
        control_->callMethod("SetAnswer").onInterface(kStubControl).withArguments(std::string(), std::string("hold"));
    }
    ~HeldPolkit()
    {
        control_.reset();
        process_.stop();
    }
    std::vector<std::string> held()
    {
        std::vector<std::string> ids;
        control_->callMethod("Held").onInterface(kStubControl).storeResultsTo(ids);
        return ids;
    }
    void release(const std::string& id)
    {
        bool released = false;
        control_->callMethod("Release")
            .onInterface(kStubControl)
            .withArguments(id, std::string("no"))
            .storeResultsTo(released);
    }

private:
    static SpawnOptions options(ServiceSet& services, const std::string& binary)
    {
        SpawnOptions o;
        o.argv = {binary};
        o.extraEnv = {services.bus().environment()};
        o.logPath = services.bus().dir() + "/polkit-stub.log";
        return o;
    }

    ChildProcess process_;
    std::unique_ptr<sdbus::IProxy> control_;
};

// A client that keeps `inFlight` ListEndpoints calls outstanding, on a
// connection and event-loop thread of its own, as an unprivileged user.
class FloodingClient {
public:
    FloodingClient(const std::string& busAddress, int inFlight, const std::atomic<bool>& stop)
        : connection_(test::connectAs(test::kNobody, test::kNogroup, busAddress)),
          proxy_(sdbus::createProxy(*connection_, kServiceName, kServicePath)),
          stop_(stop)
    {
        connection_->enterEventLoopAsync();
        for (int i = 0; i < inFlight; ++i) {
            issue();
        }
    }
    ~FloodingClient()
    {
        connection_->leaveEventLoop();
        proxy_.reset();
        connection_.reset();
    }
    std::uint64_t replies() const { return replies_; }

private:
    void issue()
    {
        proxy_->callMethodAsync("ListEndpoints")
            .onInterface(kServiceInterface)
            .uponReplyInvoke([this](const sdbus::Error*, std::vector<EndpointStruct>) {
                ++replies_;
                if (!stop_) {
                    issue();
                }
            });
    }

    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<sdbus::IProxy> proxy_;
    const std::atomic<bool>& stop_;
    std::atomic<std::uint64_t> replies_{0};
};

std::unique_ptr<sdbus::IProxy> subscribe(SignalCounter& subscriber)
{
    auto control = sdbus::createProxy(subscriber.connection(), kServiceName, kServicePath);
    control->callMethod("Subscribe").onInterface(kServiceInterface);
    return control;
}

}  // namespace

void measureHeldCheck(ServiceSet& services, const Programs& programs, const AuthorizationPlan& plan, Report& report)
{
    report.beginFigure("9", "While polkit holds one unprivileged caller's check");
    if (programs.polkitStub.empty()) {
        report.notMeasured("everything", "the tests' polkit (tests/polkit-stub) is not built");
        return;
    }
    letOthersReachTheBus(services);
    const std::string address = services.bus().address();
    auto root = sdbus::createSessionBusConnectionWithAddress(address);
    auto service = sdbus::createProxy(*root, kServiceName, kServicePath);
    service->callMethod("FlushEndpoints").onInterface(kServiceInterface);  // room for the endpoints below
    ip(std::string("link add ") + kManagedInterface + " type veth peer name mpb1 && ip link set " + kManagedInterface +
       " up && ip link set mpb1 up");
    service->callMethod("ManageInterface")
        .onInterface(kServiceInterface)
        .withArguments(std::string(kManagedInterface), std::vector<std::string>{"subflow"},
                       std::map<std::string, sdbus::Variant>{});
    HeldPolkit polkit(services, programs.polkitStub, *root);
    SignalCounter subscriber(address, kServiceName, kServiceInterface);
    const auto subscription = subscribe(subscriber);

    // nobody's AddEndpoint, which polkit now holds.
    auto nobody = test::connectAs(test::kNobody, test::kNogroup, address);
    auto nobodyService = sdbus::createProxy(*nobody, kServiceName, kServicePath);
    nobodyService->callMethodAsync("AddEndpoint")
        .onInterface(kServiceInterface)
        .withArguments(std::string("10.0.9.9"), std::uint16_t{0}, std::string(), std::uint32_t{99},
                       std::vector<std::string>{"subflow"})
        .uponReplyInvoke([](const sdbus::Error*, std::uint32_t) {});
    if (!waitUntil([&] { return !polkit.held().empty(); }, std::chrono::seconds(10))) {
        throw std::runtime_error("the daemon did not ask polkit about the unprivileged AddEndpoint");
    }
    const auto heldSince = Clock::now();
    const auto heldUntil =
        heldSince + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(plan.holdSeconds));

    // A new address on the managed interface: when does its endpoint come?
    const auto t0 = Clock::now();
    ip(std::string("addr add ") + kManagedAddress + "/24 dev " + kManagedInterface);
    const bool arrived = waitUntil([&] { return listed(*service, kManagedAddress); }, std::chrono::seconds(10));
    const double endpointMs = millis(Clock::now() - t0);
    // Root's change.
    const auto t1 = Clock::now();
    std::uint32_t id = 0;
    service->callMethod("AddEndpoint")
        .onInterface(kServiceInterface)
        .withArguments(std::string("10.0.9.1"), std::uint16_t{0}, std::string(), std::uint32_t{100},
                       std::vector<std::string>{"subflow"})
        .storeResultsTo(id);
    const double rootAddMs = millis(Clock::now() - t1);
    service->callMethod("DeleteEndpoint")
        .onInterface(kServiceInterface)
        .withArguments(std::uint32_t{100}, std::string());

    // Reads by another client while the kernel's events flow, to the end of the hold.
    subscriber.waitQuiet(std::chrono::milliseconds(200), std::chrono::seconds(5));
    subscriber.reset();
    std::vector<double> reads;
    EventAccount events;
    {
        EventCounter kernel;
        const double window = std::max(0.1, std::chrono::duration<double>(heldUntil - Clock::now()).count());
        std::thread storm([&] { runConnectionStorm(plan.stormConnections, 1, plan.stormConnections / window); });
        auto reader = test::connectAs(test::kNobody, test::kNogroup, address);
        auto readerService = sdbus::createProxy(*reader, kServiceName, kServicePath);
        reads = readUntil(*readerService, heldUntil);
        storm.join();
        events = settle(kernel, subscriber);
    }
    const auto ids = polkit.held();
    const double heldSeconds = std::chrono::duration<double>(Clock::now() - heldSince).count();
    for (const auto& held : ids) {
        polkit.release(held);
    }

    report.add(row("check held by polkit", heldSeconds, "s", std::nullopt,
                   ids.size() == 1 ? "the unprivileged AddEndpoint, answered only now"
                                   : std::to_string(ids.size()) + " checks were held"));
    addLatencyRows(report, "GetLimits by another client", reads, 50, 250);
    report.add(row("root's AddEndpoint", rootAddMs, "ms", atMost(250)));
    report.add(row("new address on a managed interface: endpoint", arrived ? endpointMs : 1e9, "ms", atMost(2000),
                   arrived ? "" : "never came (10 s)"));
    report.add(row("kernel events unaccounted for", static_cast<double>(events.unaccounted()), "events", atMost(0),
                   events.note()));

    service->callMethod("ReleaseInterface")
        .onInterface(kServiceInterface)
        .withArguments(std::string(kManagedInterface));
    ip(std::string("link del ") + kManagedInterface);
}

void measureReadFlood(ServiceSet& services, const AuthorizationPlan& plan, Report& report)
{
    report.beginFigure("10", "While three unprivileged clients each keep 32 ListEndpoints calls in flight");
    letOthersReachTheBus(services);
    const std::string address = services.bus().address();
    auto root = sdbus::createSessionBusConnectionWithAddress(address);
    auto service = sdbus::createProxy(*root, kServiceName, kServicePath);
    SignalCounter subscriber(address, kServiceName, kServiceInterface);
    const auto subscription = subscribe(subscriber);
    subscriber.reset();

    std::atomic<bool> stop{false};
    std::vector<double> reads;
    EventAccount events;
    std::uint64_t floodReplies = 0;
    {
        EventCounter kernel;
        std::vector<std::unique_ptr<FloodingClient>> clients;
        for (int i = 0; i < plan.floodClients; ++i) {
            clients.push_back(std::make_unique<FloodingClient>(address, plan.callsInFlight, stop));
        }
        std::thread storm(
            [&] { runConnectionStorm(plan.stormConnections, 1, plan.stormConnections / plan.floodSeconds); });
        const auto start = Clock::now();
        reads = readUntil(*service, start + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(plan.floodSeconds)));
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        storm.join();
        stop = true;
        for (const auto& c : clients) {
            floodReplies += c->replies();
        }
        report.add(row("the flood's ListEndpoints replies", static_cast<double>(floodReplies) / seconds, "calls/s"));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the last replies come in
        clients.clear();
        events = settle(kernel, subscriber);
    }
    addLatencyRows(report, "root's GetLimits", reads, 100, std::nullopt);
    report.add(row("kernel events unaccounted for", static_cast<double>(events.unaccounted()), "events", atMost(0),
                   events.note()));
}

}  // namespace mptcp::bench
