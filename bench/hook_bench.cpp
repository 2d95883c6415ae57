#include "hook_bench.hpp"

#include "machine_load.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "stats.hpp"

#include <net/if.h>

#include <atomic>
#include <fstream>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

namespace mptcp::bench {
namespace {

constexpr const char* kDevice = "mpbench0";
constexpr const char* kPeerDevice = "mpbench1";
constexpr const char* kAddress4 = "10.1.0.1";
constexpr const char* kAddress6 = "2001:db8:1::1";
constexpr const char* kConnectionPath = "/org/freedesktop/NetworkManager/Settings/1";
constexpr const char* kConnectionUuid = "5d3c9a52-0c4e-4b7a-9d1e-2f6a8b1c0e11";

using Settings = std::map<std::string, std::map<std::string, sdbus::Variant>>;

void ip(const std::vector<std::string>& args)
{
    SpawnOptions o;
    o.argv = {"ip"};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    if (runProcess(o, std::chrono::seconds(10)).exitCode != 0) {
        std::string cmd = "ip";
        for (const auto& a : args) {
            cmd += " " + a;
        }
        throw std::runtime_error("`" + cmd + "` failed");
    }
}

// NetworkManager's settings service, as far as the hook needs it: the
// connection's GetSettings. Every method call that reaches it is counted.
class FakeNetworkManager {
public:
    explicit FakeNetworkManager(const std::string& busAddress)
        : connection_(sdbus::createSessionBusConnectionWithAddress(busAddress))
    {
        calls_ = connection_->addMatch("type='method_call'", [this](sdbus::Message&) { ++calls_count_; });
        object_ = sdbus::createObject(*connection_, kConnectionPath);
        object_->registerMethod("GetSettings")
            .onInterface("org.freedesktop.NetworkManager.Settings.Connection")
            .implementedAs([] {
                return Settings{{"connection",
                                 {{"id", sdbus::Variant(std::string("bench wired"))},
                                  {"uuid", sdbus::Variant(std::string(kConnectionUuid))},
                                  {"type", sdbus::Variant(std::string("802-3-ethernet"))},
                                  {"interface-name", sdbus::Variant(std::string(kDevice))}}}};
            });
        object_->finishRegistration();
        connection_->requestName("org.freedesktop.NetworkManager");
        connection_->enterEventLoopAsync();
    }
    ~FakeNetworkManager()
    {
        connection_->leaveEventLoop();
        object_.reset();
        calls_.reset();
        connection_.reset();
    }
    FakeNetworkManager(const FakeNetworkManager&) = delete;
    FakeNetworkManager& operator=(const FakeNetworkManager&) = delete;

    std::uint64_t calls() const { return calls_count_; }

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<sdbus::IObject> object_;
    sdbus::Slot calls_;
    std::atomic<std::uint64_t> calls_count_{0};
};

// The peer: what an administrator might write instead of the hook.
void writeShellHook(const std::string& path)
{
    std::ofstream out(path);
    out << "#!/bin/sh\n"
        << "[ \"$2\" = up ] && ip mptcp endpoint add " << kAddress4
        << " id 21 dev \"$1\" subflow && ip mptcp endpoint add " << kAddress6 << " id 22 dev \"$1\" subflow\n"
        << "[ \"$2\" = down ] && ip mptcp endpoint delete id 21 && ip mptcp endpoint delete id 22\n"
        << "exit 0\n";
}

std::size_t endpointsOn(PmClient& kernel, int ifindex)
{
    std::size_t n = 0;
    for (const auto& ep : kernel.dumpAddrs()) {
        n += ep.ifindex == ifindex ? 1 : 0;
    }
    return n;
}

// The hook may hand the work to the service and return before it is done:
// the check waits (untimed) for the table to show the outcome.
void expectEndpoints(PmClient& kernel, int ifindex, std::size_t want, const std::string& after)
{
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    while (endpointsOn(kernel, ifindex) != want) {
        if (Clock::now() > deadline) {
            throw std::runtime_error("after " + after + ", " + std::to_string(endpointsOn(kernel, ifindex)) +
                                     " endpoints on " + kDevice + " instead of " + std::to_string(want));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

double timed(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& log)
{
    SpawnOptions o;
    o.argv = argv;
    o.extraEnv = env;
    o.logPath = log;
    const RunResult r = runProcess(o, std::chrono::seconds(20));
    if (r.exitCode != 0) {
        throw std::runtime_error(argv[0] + " exited with status " + std::to_string(r.exitCode) + " (log: " + log + ")");
    }
    return r.seconds * 1000;
}

}  // namespace

void measureHook(ServiceSet& services, const Programs& programs, const HookPlan& plan, Report& report)
{
    report.beginFigure("6", "Dispatcher hook per event (floor: a two-line shell hook calling ip)");
    if (programs.hook.empty()) {
        report.notMeasured("the dispatcher hook",
                           "not built (no nm-dispatcher/mptcp-pathmanager-dispatch; pass --hook)");
        return;
    }
    ip({"link", "add", kDevice, "type", "veth", "peer", "name", kPeerDevice});
    ip({"addr", "add", std::string(kAddress4) + "/24", "dev", kDevice});
    ip({"addr", "add", std::string(kAddress6) + "/64", "dev", kDevice, "nodad"});
    ip({"link", "set", kDevice, "up"});
    ip({"link", "set", kPeerDevice, "up"});
    const int ifindex = static_cast<int>(if_nametoindex(kDevice));

    FakeNetworkManager nm(services.bus().address());
    auto transport = openGenericNetlink();
    PmClient kernel(*transport);
    kernel.flushAddrs();

    const std::string dir = services.bus().dir();
    const std::string shellHook = dir + "/two-line-hook.sh";
    writeShellHook(shellHook);
    // What NetworkManager's dispatcher puts in a hook's environment.
    const std::vector<std::string> env = {services.bus().environment(),
                                          "CONNECTION_UUID=" + std::string(kConnectionUuid),
                                          "CONNECTION_ID=bench wired",
                                          "CONNECTION_DBUS_PATH=" + std::string(kConnectionPath),
                                          "DEVICE_IFACE=" + std::string(kDevice),
                                          "DEVICE_IP_IFACE=" + std::string(kDevice),
                                          "IP4_NUM_ADDRESSES=1",
                                          "IP4_ADDRESS_0=" + std::string(kAddress4) + "/24 0.0.0.0",
                                          "IP6_NUM_ADDRESSES=1",
                                          "IP6_ADDRESS_0=" + std::string(kAddress6) + "/64 ::"};
    const std::string log = dir + "/hook.log";

    std::vector<std::vector<double>> hookUp, hookDown, shUp, shDown;
    const std::uint64_t nmCallsBefore = nm.calls();
    const auto before = sampleLoad();
    for (int r = 0; r < plan.repeats; ++r) {
        hookUp.emplace_back();
        hookDown.emplace_back();
        shUp.emplace_back();
        shDown.emplace_back();
        for (int c = 0; c < plan.cycles; ++c) {
            hookUp.back().push_back(timed({programs.hook, kDevice, "up"}, env, log));
            expectEndpoints(kernel, ifindex, 2, "the hook's up");
            hookDown.back().push_back(timed({programs.hook, kDevice, "down"}, env, log));
            expectEndpoints(kernel, ifindex, 0, "the hook's down");
            shUp.back().push_back(timed({"/bin/sh", shellHook, kDevice, "up"}, env, log));
            expectEndpoints(kernel, ifindex, 2, "the shell hook's up");
            shDown.back().push_back(timed({"/bin/sh", shellHook, kDevice, "down"}, env, log));
            expectEndpoints(kernel, ifindex, 0, "the shell hook's down");
        }
    }
    const auto load = between(before, sampleLoad());
    const auto ups = static_cast<double>(plan.repeats * plan.cycles);
    const double nmCallsPerUp = static_cast<double>(nm.calls() - nmCallsBefore) / ups;

    for (const auto& [name, hook, shell] : {std::tuple{"up (ManageInterface)", &hookUp, &shUp},
                                            std::tuple{"down (ReleaseInterface)", &hookDown, &shDown}}) {
        const Summary h = summarize(*hook);
        const Summary s = summarize(*shell);
        Row row;
        row.name = std::string("hook ") + name;
        row.value = h.p50;
        row.unit = "ms";
        row.p99 = h.p99;
        row.floor = s.p50;
        row.floorName = "the two-line shell hook (ip mptcp endpoint add/delete), p50";
        row.ratio = s.p50 > 0 ? h.p50 / s.p50 : 0;
        row.goal = Goal{Goal::Kind::RatioAtMost, 2.0};
        report.add(row);
    }
    Row nmRow;
    nmRow.name = "calls to NetworkManager per up";
    nmRow.value = nmCallsPerUp;
    nmRow.unit = "calls";
    nmRow.note = "one GetSettings is the whole question; loading NetworkManager's object tree would be dozens";
    nmRow.goal = Goal{Goal::Kind::ValueAtMost, 1};
    report.add(nmRow);
    if (const auto w = busyWarning("dispatcher hook", load); !w.empty()) {
        report.warn(w);
    }
    ip({"link", "del", kDevice});
}

}  // namespace mptcp::bench
