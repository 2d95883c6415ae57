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

#include <chrono>
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
