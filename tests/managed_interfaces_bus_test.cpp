// Managed interfaces as a user meets them: the real mptcp-pathmanagerd on a
// private bus, in a fresh network namespace of the real kernel, with a veth
// pair whose addresses the test changes with `ip`. Each test checks what
// ListEndpoints and the kernel (`ip mptcp endpoint show`) then hold.
//
// The IPv6 address goes through real duplicate address detection: while
// the veth's peer is down the address stays tentative (DAD waits for the
// carrier), which makes "no endpoint before DAD" deterministic; bringing the
// peer up lets DAD run (100 ms with the retransmit timer the test sets).
#include "bus_harness.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace mptcp::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Options = std::map<std::string, sdbus::Variant>;
using Strings = std::vector<std::string>;

constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";

class ManagedInterfacesBusTest : public BusTest {
protected:
    // mi0 (managed) and its peer mi1, down: mi0 has no carrier yet.
    void addVeth(const std::string& addresses)
    {
        inNamespace(
            "ip link add mi0 type veth peer name mi1 && echo 100 >/proc/sys/net/ipv6/neigh/mi0/retrans_time_ms && "
            "ip link set mi0 up" +
            addresses);
    }

    // ListEndpoints as "ADDRESS dev IF flags...", without the ids.
    Strings endpoints()
    {
        Strings out;
        for (const auto& ep : pm().ListEndpoints()) {
            std::string line = ep.get<1>();
            if (!ep.get<3>().empty()) {
                line += " dev " + ep.get<3>();
            }
            for (const auto& f : ep.get<4>()) {
                line += " " + f;
            }
            out.push_back(line);
        }
        return out;
    }

    // Waits (bounded) for the service to have reacted to an address change:
    // the kernel tells it asynchronously.
    Strings endpointsOnceThey(const std::function<bool(const Strings&)>& done)
    {
        const auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
        Strings now = endpoints();
        while (!done(now) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            now = endpoints();
        }
        return now;
    }

    Strings endpointsOnceThereAre(std::size_t n)
    {
        return endpointsOnceThey([n](const Strings& e) { return e.size() == n; });
    }

    std::string kernelTable() { return inNamespace("ip mptcp endpoint show"); }

    // ListManagedInterfaces as text: "NAME [flags] {families=... owner=...}".
    Strings managed()
    {
        Strings out;
        for (const auto& m : pm().ListManagedInterfaces()) {
            std::string line = m.get<0>() + " [";
            for (const auto& f : m.get<1>()) {
                line += " " + f;
            }
            line += " ] {";
            for (const auto& [key, value] : m.get<2>()) {
                line += " " + key + "=";
                if (value.containsValueOfType<std::string>()) {
                    line += value.get<std::string>();
                } else if (value.containsValueOfType<bool>()) {
                    line += value.get<bool>() ? "true" : "false";
                } else if (value.containsValueOfType<std::uint16_t>()) {
                    line += std::to_string(value.get<std::uint16_t>());
                } else if (value.containsValueOfType<Strings>()) {
                    for (const auto& s : value.get<Strings>()) {
                        line += s + ",";
                    }
                } else {
                    line += "?" + value.peekValueType();
                }
            }
            out.push_back(line + " }");
        }
        return out;
    }

    std::string refusal(const std::function<void()>& call)
    {
        try {
            call();
        } catch (const sdbus::Error& e) {
            return e.getName() + ": " + e.getMessage();
        }
        return "accepted";
    }
};

TEST_F(ManagedInterfacesBusTest, EndpointsFollowTheAddressesOfAVeth)
{
    addVeth(" && ip addr add 192.0.2.1/24 dev mi0 && ip addr add 2001:db8:1::1/64 dev mi0");
    pm().ManageInterface("mi0", {"subflow"}, {});

    // IPv4 at once; IPv6 not while duplicate address detection runs.
    ASSERT_THAT(inNamespace("ip -6 addr show dev mi0 scope global"), HasSubstr("tentative"));
    EXPECT_THAT(endpoints(), ElementsAre("192.0.2.1 dev mi0 subflow"));

    inNamespace("ip link set mi1 up");  // carrier: DAD runs and ends
    EXPECT_THAT(endpointsOnceThereAre(2), ElementsAre("192.0.2.1 dev mi0 subflow", "2001:db8:1::1 dev mi0 subflow"));

    inNamespace("ip addr del 192.0.2.1/24 dev mi0 && ip addr add 192.0.2.7/24 dev mi0");
    EXPECT_THAT(endpointsOnceThey([](const Strings& e) { return e.size() == 2 && e[1].starts_with("192.0.2.7"); }),
                ElementsAre("2001:db8:1::1 dev mi0 subflow", "192.0.2.7 dev mi0 subflow"));

    inNamespace("ip addr del 2001:db8:1::1/64 dev mi0");
    EXPECT_THAT(endpointsOnceThereAre(1), ElementsAre("192.0.2.7 dev mi0 subflow"));

    inNamespace("ip link del mi0");
    EXPECT_THAT(endpointsOnceThereAre(0), IsEmpty());
    EXPECT_EQ(kernelTable(), "");
    // Managed by name: the interface may come back.
    EXPECT_THAT(managed(), ElementsAre("mi0 [ subflow ] { families=ipv4,ipv6, unique-local=false }"));

    settleSignals();
    EXPECT_GE(pm().countOf("EndpointsChanged"), 5u);
}

TEST_F(ManagedInterfacesBusTest, ARestartKeepsTheEndpointsWithoutDuplicatesAndCatchesUp)
{
    // Two subnets: deleting a subnet's primary address deletes its secondaries.
    addVeth(" && ip addr add 192.0.2.1/24 dev mi0 && ip addr add 198.51.100.2/24 dev mi0");
    pm().ManageInterface("mi0", {"subflow", "backup"}, {{"owner", sdbus::Variant(std::string("conn-uuid"))}});
    ASSERT_EQ(endpoints().size(), 2u);
    EXPECT_THAT(managed(),
                ElementsAre("mi0 [ subflow backup ] { families=ipv4,ipv6, owner=conn-uuid unique-local=false }"));
    const Strings managedBefore = managed();
    const auto kept = pm().ListEndpoints()[1];  // 198.51.100.2

    client_.reset();
    ASSERT_EQ(bus_.stopDaemon(), "");
    // While the service is away: one address goes, one comes.
    inNamespace("ip addr del 192.0.2.1/24 dev mi0 && ip addr add 203.0.113.3/24 dev mi0");
    bus_.restartDaemon();
    client_ = std::make_unique<BusClient>(bus_.busAddress());

    EXPECT_THAT(endpoints(), ElementsAre("198.51.100.2 dev mi0 subflow backup", "203.0.113.3 dev mi0 subflow backup"));
    EXPECT_EQ(pm().GetEndpoint(kept.get<0>()).get<1>(), "198.51.100.2");  // the same endpoint, same id
    EXPECT_EQ(managed(), managedBefore);

    // Still the service's own after the restart: releasing removes them.
    pm().ReleaseInterface("mi0");
    EXPECT_THAT(endpoints(), IsEmpty());
    EXPECT_THAT(pm().ListManagedInterfaces(), IsEmpty());
}

TEST_F(ManagedInterfacesBusTest, AnAdministratorsEndpointSurvivesEverything)
{
    addVeth(" && ip addr add 192.0.2.1/24 dev mi0 && ip addr add 192.0.2.2/24 dev mi0");
    inNamespace("ip mptcp endpoint add 192.0.2.1 id 9 signal");
    pm().ManageInterface("mi0", {"subflow"}, {});
    EXPECT_THAT(endpoints(), ElementsAre("192.0.2.1 signal", "192.0.2.2 dev mi0 subflow"));

    pm().ReleaseInterface("mi0");
    pm().ManageInterface("mi0", {"subflow"}, {});
    inNamespace("ip link del mi0");
    EXPECT_THAT(endpointsOnceThereAre(1), ElementsAre("192.0.2.1 signal"));
    EXPECT_EQ(kernelTable(), "192.0.2.1 id 9 signal \n");
}

TEST_F(ManagedInterfacesBusTest, TheSubflowsLimitIsRaisedAndAnnounced)
{
    addVeth(
        " && ip addr add 192.0.2.1/24 dev mi0 && ip addr add 192.0.2.2/24 dev mi0 && "
        "ip addr add 192.0.2.3/24 dev mi0");
    pm().SetLimits(0, 0);
    pm().ManageInterface("mi0", {"subflow"}, {{"families", sdbus::Variant(Strings{"ipv4"})}});
    EXPECT_EQ(pm().GetLimits(), std::make_tuple(3u, 0u));
    settleSignals();
    bool announced = false;
    for (const auto& s : pm().recorded()) {
        announced |= s.member == "PropertiesChanged" && s.changed.count("SubflowsLimit") &&
                     s.changed.at("SubflowsLimit").get<std::uint32_t>() == 3u;
    }
    EXPECT_TRUE(announced);
}

// ------------------------------------------------ overruns, renames ---

// `pairs` add/delete pairs of a /32 on the unmanaged peer mi1: thousands of
// notifications that matter to nobody, fast (one ip process).
std::string noise(int pairs, int salt)
{
    std::string cmd = "for i in $(seq " + std::to_string(pairs) + "); do echo 'addr add 10.9." + std::to_string(salt) +
                      ".1/32 dev mi1'; echo 'addr del 10.9." + std::to_string(salt) +
                      ".1/32 dev mi1'; done | ip -batch - >/dev/null";
    return cmd;
}

// The daemon is paused while its rtnetlink socket overflows. Just before the
// gap an address comes and another goes on the managed interface; after the
// gap both are undone. The events queued before the gap must not be applied
// over the fresh dump.
TEST_F(ManagedInterfacesBusTest, AfterAnOverrunTheEndpointsEqualTheUsableAddresses)
{
    addVeth(" && ip link set mi1 up && ip addr add 192.0.2.1/24 dev mi0 && ip addr add 203.0.113.2/24 dev mi0");
    inNamespace("ip mptcp endpoint add 198.18.0.1 id 20 signal");  // the administrator's own
    pm().ManageInterface("mi0", {"subflow"}, {{"families", sdbus::Variant(Strings{"ipv4"})}});
    ASSERT_THAT(endpoints(),
                ElementsAre("198.18.0.1 signal", "192.0.2.1 dev mi0 subflow", "203.0.113.2 dev mi0 subflow"));

    ASSERT_EQ(kill(bus_.daemonPid(), SIGSTOP), 0);
    inNamespace(noise(300, 1));  // more than one turn of the daemon's loop
    inNamespace("ip addr add 198.51.100.5/24 dev mi0 && ip addr del 203.0.113.2/24 dev mi0");
    inNamespace(noise(20000, 2));  // the gap: the receive queue overflows
    inNamespace("ip addr del 198.51.100.5/24 dev mi0 && ip addr add 203.0.113.2/24 dev mi0");
    ASSERT_EQ(kill(bus_.daemonPid(), SIGCONT), 0);

    // The service saw the overrun, dropped what came before it and read the
    // links and addresses again (reconciling in the same step).
    const auto deadline = std::chrono::steady_clock::now() + 4 * kEventTimeout;
    while (bus_.logs().find("links and addresses read again") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_THAT(bus_.logs(), HasSubstr("rtnetlink events were lost")) << "no overrun: the test proves nothing";
    ASSERT_THAT(bus_.logs(), HasSubstr("links and addresses read again"));
    // Anything still queued (from before the gap, if it were applied) would
    // show within this while: the table must not move any more.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_THAT(endpoints(),
                ElementsAre("198.18.0.1 signal", "192.0.2.1 dev mi0 subflow", "203.0.113.2 dev mi0 subflow"));
    EXPECT_THAT(kernelTable(), HasSubstr("198.18.0.1 id 20 signal"));
}

TEST_F(ManagedInterfacesBusTest, ARenamedInterfaceLosesItsEndpointsAndANewOneOfTheNameGetsThem)
{
    addVeth(" && ip addr add 192.0.2.1/24 dev mi0");
    pm().ManageInterface("mi0", {"subflow"}, {{"families", sdbus::Variant(Strings{"ipv4"})}});
    ASSERT_THAT(endpoints(), ElementsAre("192.0.2.1 dev mi0 subflow"));

    inNamespace(
        "ip link set mi0 down && ip link set mi0 name old0 && ip link set old0 up && "
        "ip link add mi0 type veth peer name mi2 && ip addr add 198.51.100.9/24 dev mi0 && "
        "ip link set mi0 up");
    EXPECT_THAT(endpointsOnceThey([](const Strings& e) { return e.size() == 1 && e[0].starts_with("198.51"); }),
                ElementsAre("198.51.100.9 dev mi0 subflow"));

    // The same once more, while the daemon's socket overflows.
    ASSERT_EQ(kill(bus_.daemonPid(), SIGSTOP), 0);
    inNamespace(noise(20000, 3));
    inNamespace(
        "ip link set mi0 down && ip link set mi0 name old1 && "
        "ip link add mi0 type veth peer name mi3 && ip addr add 203.0.113.7/24 dev mi0 && "
        "ip link set mi0 up");
    ASSERT_EQ(kill(bus_.daemonPid(), SIGCONT), 0);
    EXPECT_THAT(endpointsOnceThey([](const Strings& e) { return e.size() == 1 && e[0].starts_with("203.0"); }),
                ElementsAre("203.0.113.7 dev mi0 subflow"));
}

// SIGKILL: no goodbye. While the service is gone one address goes and one
// comes. After the restart: the usable addresses exactly, the survivors
// under their old ids, the administrator's endpoint untouched.
TEST_F(ManagedInterfacesBusTest, AKillAndARestartWithAddressChangesInBetween)
{
    addVeth(
        " && ip addr add 192.0.2.1/24 dev mi0 && ip addr add 198.51.100.2/24 dev mi0 && "
        "ip addr add 203.0.113.3/24 dev mi0");
    inNamespace("ip mptcp endpoint add 198.18.0.1 id 20 signal");
    pm().ManageInterface("mi0", {"subflow"}, {{"families", sdbus::Variant(Strings{"ipv4"})}});
    ASSERT_EQ(endpoints().size(), 4u);
    std::map<std::string, std::uint32_t> idBefore;
    for (const auto& ep : pm().ListEndpoints()) {
        idBefore[ep.get<1>()] = ep.get<0>();
    }

    client_.reset();
    ASSERT_EQ(kill(bus_.daemonPid(), SIGKILL), 0);
    bus_.stopDaemon();  // reaps it
    inNamespace("ip addr del 198.51.100.2/24 dev mi0 && ip addr add 192.0.2.77/24 dev mi0");
    bus_.restartDaemon();
    client_ = std::make_unique<BusClient>(bus_.busAddress());

    EXPECT_THAT(endpoints(), ElementsAre("198.18.0.1 signal", "192.0.2.1 dev mi0 subflow",
                                         "203.0.113.3 dev mi0 subflow", "192.0.2.77 dev mi0 subflow"));
    for (const auto& ep : pm().ListEndpoints()) {
        if (ep.get<1>() != "192.0.2.77") {
            EXPECT_EQ(ep.get<0>(), idBefore.at(ep.get<1>())) << ep.get<1>() << " changed its id";
        }
    }
    EXPECT_THAT(kernelTable(), HasSubstr("198.18.0.1 id 20 signal"));
}

TEST_F(ManagedInterfacesBusTest, ReleaseOwnerReleasesEveryInterfaceOfTheOwner)
{
    addVeth(" && ip addr add 192.0.2.1/24 dev mi0 && ip addr add 198.51.100.1/24 dev mi1");
    const Options owned{{"owner", sdbus::Variant(std::string("c0ffee-uuid"))},
                        {"source", sdbus::Variant(std::string("built-in for ethernet"))},
                        {"transient", sdbus::Variant(true)},
                        {"families", sdbus::Variant(Strings{"ipv4"})}};
    pm().ManageInterface("mi0", {"subflow"}, owned);
    pm().ManageInterface("mi1", {"subflow"}, owned);
    EXPECT_THAT(managed(), ElementsAre("mi0 [ subflow ] { families=ipv4, owner=c0ffee-uuid source=built-in for "
                                       "ethernet transient=true unique-local=false }",
                                       "mi1 [ subflow ] { families=ipv4, owner=c0ffee-uuid source=built-in for "
                                       "ethernet transient=true unique-local=false }"));
    ASSERT_EQ(endpoints().size(), 2u);

    EXPECT_THAT(pm().ReleaseOwner("someone-else"), IsEmpty());
    EXPECT_THAT(pm().ReleaseOwner("c0ffee-uuid"), ElementsAre("mi0", "mi1"));
    EXPECT_THAT(endpoints(), IsEmpty());
    EXPECT_THAT(pm().ListManagedInterfaces(), IsEmpty());
    EXPECT_THAT(refusal([&] { pm().ReleaseOwner(""); }), HasSubstr(kInvalidArgs));
}

// ------------------------------------------------ pathmanager.conf ------

TEST_F(ManagedInterfacesBusTest, ADeclaredInterfaceGetsItsEndpointsAtStartAndAfterSighup)
{
    addVeth(" && ip addr add 192.0.2.1/24 dev mi0");
    const std::string conf = bus_.tempDir() + "/pathmanager.conf";
    std::ofstream(conf) << "# test\n[interface:mi*]\nflags=subflow\nfamilies=ipv4\n";
    client_.reset();
    ASSERT_EQ(bus_.stopDaemon(), "");
    bus_.restartDaemon();
    client_ = std::make_unique<BusClient>(bus_.busAddress());

    EXPECT_THAT(endpoints(), ElementsAre("192.0.2.1 dev mi0 subflow"));
    EXPECT_THAT(managed(), ElementsAre("mi* [ subflow ] { families=ipv4, owner=config source=" + conf +
                                       ":2 [interface:mi*] unique-local=false }"));
    EXPECT_THAT(refusal([&] { pm().ManageInterface("mi0", {"backup"}, {}); }),
                HasSubstr("org.mptcp.PathManager.Error.Exists: mi0 is declared in " + conf));

    std::ofstream(conf) << "[interface:mi0]\nflags=subflow,backup\nfamilies=ipv4\n";
    ASSERT_EQ(kill(bus_.daemonPid(), SIGHUP), 0);
    EXPECT_THAT(endpointsOnceThey([](const Strings& e) { return e.size() == 1 && e[0].ends_with("backup"); }),
                ElementsAre("192.0.2.1 dev mi0 subflow backup"));

    // A mistake: one line with file, line and key; the version before stays.
    std::ofstream(conf) << "[interface:mi0]\nflags=subflow\nport=x\n";
    ASSERT_EQ(kill(bus_.daemonPid(), SIGHUP), 0);
    const auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
    while (bus_.logs().find("not applied") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_THAT(bus_.logs(), HasSubstr(conf + ":3: port: \"x\" is not a port"));
    EXPECT_THAT(endpoints(), ElementsAre("192.0.2.1 dev mi0 subflow backup"));
}

// The configuration file may hold bytes that are not UTF-8 (a device name
// may): ListManagedInterfaces still answers, with such bytes shown as \xNN.
TEST_F(ManagedInterfacesBusTest, ADeclaredNameThatIsNotUtf8IsListedEscaped)
{
    const std::string conf = bus_.tempDir() + "/pathmanager.conf";
    std::ofstream(conf) << "[interface:v\xff*]\nflags=subflow\nfamilies=ipv4\n";
    client_.reset();
    ASSERT_EQ(bus_.stopDaemon(), "");
    bus_.restartDaemon();
    client_ = std::make_unique<BusClient>(bus_.busAddress());

    EXPECT_THAT(managed(), ElementsAre("v\\xff* [ subflow ] { families=ipv4, owner=config source=" + conf +
                                       ":1 [interface:v\\xff*] unique-local=false }"));
}

TEST_F(ManagedInterfacesBusTest, BadCallsAreRefusedByNameAndChangeNothing)
{
    addVeth(" && ip addr add 192.0.2.1/24 dev mi0");
    EXPECT_THAT(refusal([&] { pm().ManageInterface("nope0", {"subflow"}, {}); }),
                HasSubstr(std::string(kInvalidArgs) + ": no interface named \"nope0\""));
    EXPECT_THAT(refusal([&] {
                    pm().ManageInterface("mi0", {"subflow"}, {{"speed", sdbus::Variant(true)}});
                }),
                HasSubstr(std::string(kInvalidArgs) + ": unknown option \"speed\""));
    EXPECT_THAT(refusal([&] {
                    pm().ManageInterface("mi0", {"subflow"}, {{"port", sdbus::Variant(std::uint16_t{80})}});
                }),
                HasSubstr(kInvalidArgs));
    EXPECT_THAT(refusal([&] { pm().ManageInterface("mi0", {"implicit"}, {}); }), HasSubstr(kInvalidArgs));
    EXPECT_THAT(refusal([&] { pm().ReleaseInterface("bad/name"); }), HasSubstr(kInvalidArgs));
    EXPECT_THAT(endpoints(), IsEmpty());
    EXPECT_THAT(pm().ListManagedInterfaces(), IsEmpty());
    settleSignals();
    EXPECT_EQ(pm().countOf("EndpointsChanged"), 0u);
}

}  // namespace
}  // namespace mptcp::test
