// A D-Bus argument fuzzer against the real daemon on a private bus, in a
// throwaway network namespace: thousands of calls, well-typed with hostile
// values (every boundary number, huge strings, control bytes, random flag
// words) and raw messages of the wrong types to every member. The daemon
// must answer every call with a reply or a named error, stay up, and leave
// the kernel's table exactly as the successful calls say (a model of the
// table is kept and checked against ListEndpoints, GetEndpoint, NotFound
// answers and `ip mptcp` in the namespace).
//
// Deterministic: the seed is fixed (MPTCP_FUZZ_SEED overrides it) and
// printed, so a failure can be replayed.
#include "bus_harness.hpp"

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>
#include <signal.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace mptcp::test {
namespace {

constexpr int kCalls = 3000;

// Errors the daemon (or sd-bus inside it, for wrong signatures, unknown
// members and read-only properties) may answer with. Anything else, a
// timeout or a lost connection above all, is a failure.
const std::set<std::string> kAnswers = {
    "org.freedesktop.DBus.Error.InvalidArgs",      "org.freedesktop.DBus.Error.AccessDenied",
    "org.freedesktop.DBus.Error.UnknownMethod",    "org.freedesktop.DBus.Error.UnknownProperty",
    "org.freedesktop.DBus.Error.PropertyReadOnly", "org.freedesktop.DBus.Error.UnknownInterface",
    "org.mptcp.PathManager.Error.NotFound",        "org.mptcp.PathManager.Error.Exists",
    "org.mptcp.PathManager.Error.LimitReached",    "org.mptcp.PathManager.Error.NotSupported",
    "org.mptcp.PathManager.Error.Failed",
};
constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";

class Fuzzer {
public:
    Fuzzer(PathManagerClient& pm, std::uint32_t seed) : pm_(pm), rng_(seed) {}

    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }

    std::uint32_t number()
    {
        static const std::uint32_t kBoundaries[] = {
            0,   1,   2,     7,     8,          9,          254,
            255, 256, 65535, 65536, 0x7fffffff, 0x80000000, std::numeric_limits<std::uint32_t>::max()};
        return chance(80) ? kBoundaries[pick(std::size(kBoundaries))] : static_cast<std::uint32_t>(rng_());
    }
    std::uint32_t id() { return chance(70) ? static_cast<std::uint32_t>(pick(12)) : number(); }
    std::uint16_t port()
    {
        static const std::uint16_t kPorts[] = {0, 0, 0, 1, 8080, 65535};
        return kPorts[pick(std::size(kPorts))];
    }

    std::string hostile()
    {
        switch (pick(6)) {
            case 0:
                return std::string(64 * 1024, "a1:."[pick(4)]);
            case 1:
                return "10.0.0.1\n\r\x1b[31m";
            case 2:
                return std::string("\x01\x02\x7f", 3);
            case 3:
                return "%s%n%x";
            case 4:
                return std::string(300, ':');
            default:
                return "";
        }
    }
    std::string address()
    {
        static const char* kAddresses[] = {"10.0.0.1",    "10.0.0.2",    "10.0.0.3",        "10.0.0.4",
                                           "2001:db8::1", "2001:DB8::1", "::ffff:10.0.0.2", "0.0.0.0",
                                           "::",          "10.0.0.1/24", "fe80::1%lo",      " 10.0.0.1",
                                           "256.1.1.1",   "not-an-ip",   "10.0.0.5",        "2001:db8::5"};
        return chance(90) ? kAddresses[pick(std::size(kAddresses))] : hostile();
    }
    std::string interface()
    {
        static const char* kNames[] = {"", "", "lo", "fz0", "nosuch", "fz0 ", "../lo"};
        return chance(90) ? kNames[pick(std::size(kNames))] : hostile();
    }
    std::vector<std::string> words(std::vector<std::string> pool)
    {
        pool.push_back("bogus");
        pool.push_back("");
        std::vector<std::string> out;
        const std::size_t n = pick(4);
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(chance(95) ? pool[pick(pool.size())] : hostile());
        }
        return out;
    }
    std::vector<std::string> addFlags()
    {
        return words({"signal", "subflow", "subflow", "backup", "fullmesh", "laminar", "implicit"});
    }
    std::vector<std::string> changes() { return words({"backup", "nobackup", "fullmesh", "nofullmesh", "signal"}); }

    // One raw argument of a random type.
    void appendRandom(sdbus::MethodCall& call)
    {
        switch (pick(12)) {
            case 0:
                call << static_cast<std::uint8_t>(number());
                break;
            case 1:
                call << chance(50);
                break;
            case 2:
                call << static_cast<std::int16_t>(number());
                break;
            case 3:
                call << static_cast<std::uint16_t>(number());
                break;
            case 4:
                call << static_cast<std::int32_t>(number());
                break;
            case 5:
                call << number();
                break;
            case 6:
                call << static_cast<std::uint64_t>(static_cast<std::uint64_t>(number()) << 32);
                break;
            case 7:
                call << -1.5;
                break;
            case 8:
                call << address();
                break;
            case 9:
                // A "string" with embedded NULs can only travel as bytes.
                call << std::vector<std::uint8_t>{'1', '0', 0, '1', 0};
                break;
            case 10:
                call << sdbus::Variant(address());
                break;
            default:
                call << std::map<std::string, sdbus::Variant>{{"port", sdbus::Variant(number())}};
                break;
        }
    }

    PathManagerClient& pm_;
    std::mt19937 rng_;
};

class DbusArgumentFuzzTest : public BusTest {
protected:
    // The answer to one call: "" for success, else the error name. Fails
    // the test for anything that is not an answer of the daemon.
    std::string outcome(const std::function<void()>& call, const char* what)
    {
        ++calls_;
        try {
            call();
            ++successes_;
            return "";
        } catch (const sdbus::Error& e) {
            // The client library refusing to build a message is no answer
            // of the daemon's, and no fault either.
            if (e.getName().rfind("System.Error.", 0) == 0 || e.getName() == "org.sdbuscpp.Error") {
                ++clientRefusals_;
                return e.getName();
            }
            EXPECT_TRUE(kAnswers.count(e.getName()) == 1)
                << what << " got " << e.getName() << ": " << e.getMessage().substr(0, 200);
            ++errors_;
            return e.getName();
        }
    }

    std::set<std::uint32_t> listedIds()
    {
        std::set<std::uint32_t> ids;
        for (const auto& ep : pm().ListEndpoints()) {
            ids.insert(ep.get<0>());
        }
        return ids;
    }

    std::set<std::uint32_t> kernelIds()
    {
        std::set<std::uint32_t> ids;
        std::istringstream lines(inNamespace("ip mptcp endpoint show"));
        for (std::string line; std::getline(lines, line);) {
            const auto at = line.find(" id ");
            if (at != std::string::npos) {
                ids.insert(static_cast<std::uint32_t>(std::stoul(line.substr(at + 4))));
            }
        }
        return ids;
    }

    int calls_ = 0;
    int successes_ = 0;
    int errors_ = 0;
    int clientRefusals_ = 0;
};

TEST_F(DbusArgumentFuzzTest, ThousandsOfHostileCallsAllAnsweredAndTheTableMatchesTheSuccesses)
{
    const char* seedText = std::getenv("MPTCP_FUZZ_SEED");
    const std::uint32_t seed = seedText != nullptr ? static_cast<std::uint32_t>(std::stoul(seedText)) : 20240611u;
    std::cout << "D-Bus argument fuzzer: seed " << seed << " (set MPTCP_FUZZ_SEED to replay)\n";
    inNamespace("ip link set lo up && ip link add fz0 type veth peer name fz1");

    Fuzzer f(pm(), seed);
    auto& raw = pm().rawProxy();
    std::set<std::uint32_t> model;  // the ids the successful calls leave
    auto limits = pm().GetLimits();
    bool enabled = pm().Enabled();
    static const char* kMembers[] = {"AddEndpoint",  "DeleteEndpoint", "ChangeEndpoint",  "GetEndpoint",
                                     "SetLimits",    "GetLimits",      "ManageInterface", "ReleaseInterface",
                                     "NoSuchMember", "ListEndpoints",  "SubscribeBatched"};
    static const char* kProperties[] = {"SubflowsLimit", "AddAddrAcceptedLimit", "Enabled", "Version", "Nope"};

    for (int i = 0; i < kCalls && !HasFatalFailure(); ++i) {
        const std::size_t kind = f.pick(100);
        if (kind < 30) {
            const std::string address = f.address();
            const auto port = f.port();
            const std::string dev = f.interface();
            const auto id = f.id();
            const auto flags = f.addFlags();
            std::uint32_t got = 0;
            if (outcome([&] { got = pm().AddEndpoint(address, port, dev, id, flags); }, "AddEndpoint").empty()) {
                EXPECT_EQ(model.count(got), 0u) << "AddEndpoint returned id " << got << ", which was in use";
                EXPECT_TRUE(id == 0 || got == id) << "asked for id " << id << ", got " << got;
                model.insert(got);
            }
        } else if (kind < 45) {
            const auto id = f.id();
            const std::string address = f.chance(70) ? "" : f.address();
            const std::string r = outcome([&] { pm().DeleteEndpoint(id, address); }, "DeleteEndpoint");
            if (r.empty() && id != 0) {
                EXPECT_EQ(model.erase(id), 1u) << "deleted id " << id << ", which the model did not have";
            } else if (r == kNotFound) {
                EXPECT_EQ(model.count(id), 0u) << "id " << id << " is in the model but NotFound";
            }
        } else if (kind < 55) {
            const auto id = f.id();
            const std::string address = f.chance(60) ? "" : f.address();
            const auto port = f.port();
            const auto changes = f.changes();
            const std::string r = outcome([&] { pm().ChangeEndpoint(id, address, port, changes); }, "ChangeEndpoint");
            if (r.empty() && id != 0) {
                EXPECT_EQ(model.count(id), 1u) << "changed id " << id << ", which the model did not have";
            } else if (r == kNotFound && address.empty()) {
                EXPECT_EQ(model.count(id), 0u) << "id " << id << " is in the model but NotFound";
            }
        } else if (kind < 62) {
            const auto id = f.id();
            const std::string r = outcome([&] { pm().GetEndpoint(id); }, "GetEndpoint");
            EXPECT_EQ(r.empty(), model.count(id) == 1) << "GetEndpoint(" << id << "): " << r;
        } else if (kind < 66) {
            std::set<std::uint32_t> ids;
            if (outcome([&] { ids = listedIds(); }, "ListEndpoints").empty()) {
                EXPECT_EQ(ids, model);
            }
        } else if (kind < 67) {
            if (outcome([&] { pm().FlushEndpoints(); }, "FlushEndpoints").empty()) {
                model.clear();
            }
        } else if (kind < 73) {
            const auto a = f.number();
            const auto b = f.number();
            if (outcome([&] { pm().SetLimits(a, b); }, "SetLimits").empty()) {
                limits = {a, b};
            }
        } else if (kind < 78) {
            const char* property = kProperties[f.pick(std::size(kProperties))];
            const auto value = f.number();
            sdbus::Variant v = f.chance(70) ? sdbus::Variant(value) : sdbus::Variant(f.address());
            const bool isBool = f.chance(20);
            if (isBool) {
                v = sdbus::Variant(f.chance(50));
            }
            const std::string r = outcome([&] { pm().Set(kInterface, property, v); }, "Properties.Set");
            if (r.empty()) {
                const std::string name = property;
                if (name == "SubflowsLimit") {
                    std::get<0>(limits) = v.get<std::uint32_t>();
                } else if (name == "AddAddrAcceptedLimit") {
                    std::get<1>(limits) = v.get<std::uint32_t>();
                } else if (name == "Enabled") {
                    enabled = v.get<bool>();
                } else {
                    ADD_FAILURE() << "Set of " << name << " succeeded";
                }
            }
        } else if (kind < 82) {
            const char* property = kProperties[f.pick(std::size(kProperties))];
            outcome([&] { pm().Get(kInterface, property); }, "Properties.Get");
        } else {
            // Raw messages: random members, random argument types.
            const bool properties = f.chance(20);
            auto call = properties
                            ? raw.createMethodCall("org.freedesktop.DBus.Properties", f.chance(50) ? "Set" : "Get")
                            : raw.createMethodCall(kInterface, kMembers[f.pick(std::size(kMembers))]);
            const std::size_t n = f.pick(6);
            for (std::size_t a = 0; a < n; ++a) {
                f.appendRandom(call);
            }
            // A raw call that happens to fit a changing signature may change
            // the table: take it from the service then (checked at the end
            // against the kernel).
            if (outcome([&] { raw.callMethod(call); }, "raw call").empty() && !properties) {
                model = listedIds();
                limits = pm().GetLimits();
            }
        }
    }

    // The daemon is still there, and everything agrees with the model.
    EXPECT_EQ(kill(bus_.daemonPid(), 0), 0) << "the daemon is gone";
    EXPECT_EQ(listedIds(), model);
    EXPECT_EQ(kernelIds(), model);
    EXPECT_EQ(pm().GetLimits(), limits);
    EXPECT_EQ(inNamespace("ip mptcp limits show"), "add_addr_accepted " + std::to_string(std::get<1>(limits)) +
                                                       " subflows " + std::to_string(std::get<0>(limits)) + " \n");
    EXPECT_EQ(inNamespace("cat /proc/sys/net/mptcp/enabled"), enabled ? "1\n" : "0\n");

    std::cout << calls_ << " calls: " << successes_ << " succeeded, " << errors_ << " named errors, " << clientRefusals_
              << " refused by the client library\n";
    EXPECT_EQ(calls_, kCalls);
    // A fuzzer that only ever hits refusals would test nothing.
    EXPECT_GT(successes_, kCalls / 20);
    EXPECT_GT(errors_, kCalls / 4);
}

}  // namespace
}  // namespace mptcp::test
